"""What templates share: the template globals (registered here, in one place), cached links, and what
every page says about the data it shows (demo data, the source of imported data)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from vaalikone.i18n import current_language
from vaalikone.i18n import gettext as _
from vaalikone.matching.store import BoundedCache
from vaalikone.requestmemo import per_request


def shows_election(election: dict[str, Any]) -> None:
    """Call from a view that shows an election's data: base.html then marks demo data and names sources."""
    if election.get("demo"):
        g.shows_demo = True
    if election.get("source"):
        sources = g.setdefault("sources", [])
        if election["source"] not in sources:
            sources.append(election["source"])


def _page_context() -> dict[str, Any]:
    return {
        "shows_demo": g.get("shows_demo", False),
        "sources": g.get("sources", []),
        # Templates link to optional pages only where a blueprint provides them.
        "url_rules": current_app.view_functions.keys(),
    }


# A page builds the same links (start, method, quiz, static files...) on every request; building one costs
# more than a dozen template expressions, so templates reuse them. Only plain links with short values are
# kept, in the app's bounded cache: relative to a blueprint (".x"), with options (_external, _anchor...),
# long values or values that cannot be a key, Flask builds them each time. Values come from request input
# on some pages, so both the count and the size of what is kept are bounded.
MAX_LINKS = 4096
MAX_VALUE_LENGTH = 64


def cached_url_for(endpoint: str, **values: Any) -> str:
    """flask.url_for for templates, remembering each plain link per application root."""
    if (
        endpoint.startswith(".")
        or any(key.startswith("_") for key in values)
        or not has_request_context()
        or any(len(str(value)) > MAX_VALUE_LENGTH for value in values.values())
    ):
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, *sorted(values.items()))
        hash(key)
    except TypeError:
        return url_for(endpoint, **values)
    links = per_request("vaalikone_links", lambda: current_app.extensions["vaalikone.links"])
    link = links.get(key)
    if link is None:
        link = links.put(key, url_for(endpoint, **values))
    return link


def scale_label(value: int | None) -> str:
    """The words for an answer value; the same five labels serve any scale that uses some of them."""
    labels = per_request("vaalikone_scale_labels", _scale_labels)
    return labels.get(value, labels[None])


def _scale_labels() -> dict[int | None, str]:
    return {
        1: _("Täysin eri mieltä"),
        2: _("Jokseenkin eri mieltä"),
        3: _("Ei samaa eikä eri mieltä"),
        4: _("Jokseenkin samaa mieltä"),
        5: _("Täysin samaa mieltä"),
        None: _("Ei vastausta"),
    }


def importance_labels() -> dict[str, str]:
    """The three importance levels a voter can give a statement, in the scorer's terms."""
    return {"less": _("Vähemmän tärkeä"), "normal": _("Tavallinen"), "more": _("Tärkeämpi")}


def localized_text(row: dict[str, Any], name: str) -> Markup:
    """row[name_<lang>] for the reader, or the Finnish text marked lang="fi" when no translation exists."""
    lang = current_language()
    text = row.get(f"{name}_{lang}")
    if text:
        return escape(text)
    fallback = row.get(f"{name}_fi") or ""
    if lang == "fi":
        return escape(fallback)
    return Markup('<span lang="fi">%s</span>') % fallback


def in_language(text: str | None, lang: str) -> Markup:
    """Text written in a known language, marked so when it differs from the page's language."""
    if not text:
        return Markup("")
    if lang == current_language():
        return escape(text)
    return Markup('<span lang="%s">%s</span>') % (lang, text)


def plain_mode() -> bool:
    """Whether the voter chose plain language (`selko=1`, carried from page to page like the municipality);
    `selko-to` is the switch on quiz pages, which submits the quiz form with the answers on the page."""
    if not has_request_context():
        return False
    switch = request.values.get("selko-to")
    return (switch if switch is not None else request.values.get("selko")) == "1"


def pick(standard: str, plain: str) -> str:
    """The interface wording for the voter's mode: the plain one in plain language."""
    return plain if plain_mode() else standard


_PLAIN_NAMES = {"text": "plain", "explainer": "plain_explainer", "theme": "plain_theme"}


def statement_text(row: dict[str, Any], name: str) -> Markup:
    """A statement's text, explainer or theme for the voter's mode: plain where the bank has it."""
    plain = _PLAIN_NAMES[name]
    if plain_mode() and row.get(f"{plain}_fi"):
        return localized_text(row, plain)
    return localized_text(row, name)


def lacks_plain(questions: list[dict[str, Any]]) -> bool:
    """In plain language, whether some statement has no plain text (an imported election's)."""
    return plain_mode() and any(not q.get("plain_fi") for q in questions)


def quick_trail(asked: list[str], current: str) -> list[tuple[str, str]]:
    """The quick quiz's place (statements asked, the one shown) as fields for forms that come back to it."""
    return [("asked", qid) for qid in asked] + [("current", current)]


def carry(
    context: Any,
    questions: list[dict[str, Any]],
    answers: dict[str, int],
    levels: dict[str, str],
    skip: str | None = None,
) -> Markup:
    """The voter's answers as hidden fields (`a-<id>`, `w-<id>` when not normal), with the CSRF token and
    where the voter votes (and `selko=1` in plain language): how answers ride from page to page, never in
    a URL, never stored.

    A results page carries them in five forms; they are written once per request and reused.
    """
    plain = plain_mode()
    made = per_request("vaalikone_carried", dict)
    key = (skip, plain, id(context), id(questions), id(answers), id(levels))
    if key not in made:
        fields = [("csrf_token", generate_csrf()), *context.params.items()]
        if plain:
            fields.append(("selko", "1"))
        for q in questions:
            qid = q["id"]
            if qid == skip:
                continue
            if qid in answers:
                fields.append((f"a-{qid}", answers[qid]))
            if levels.get(qid, "normal") != "normal":
                fields.append((f"w-{qid}", levels[qid]))
        made[key] = Markup(
            "".join(
                f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
                for name, value in fields
            )
        )
    return made[key]


def range_text(low: float, high: float) -> str:
    """The range a candidate's blanks leave open ("52 %–71 %"), or "" when it rounds to one number."""
    from vaalikone.web.i18n import percent

    if low != low or high != high or round(low) == round(high):
        return ""
    return f"{percent(low)}–{percent(high)}"


def quiz_url(endpoint: str, context: Any, **extra: Any) -> str:
    """A URL carrying where the voter votes (municipality or district: never an answer) and the language
    mode."""
    if plain_mode():
        extra.setdefault("selko", "1")
    return url_for(endpoint, **context.params, **extra)


# Every template global, registered in one place. Globals rather than a context processor, so that
# imported macros see them too.
TEMPLATE_GLOBALS = (
    scale_label,
    importance_labels,
    localized_text,
    in_language,
    carry,
    quiz_url,
    plain_mode,
    pick,
    statement_text,
    lacks_plain,
    quick_trail,
    range_text,
)


def init_app(app: Flask) -> None:
    app.extensions["vaalikone.links"] = BoundedCache(MAX_LINKS)
    app.context_processor(_page_context)
    app.jinja_env.globals["url_for"] = cached_url_for
    app.jinja_env.globals.update({helper.__name__: helper for helper in TEMPLATE_GLOBALS})
