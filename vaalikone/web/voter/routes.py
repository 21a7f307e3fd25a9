"""The voter's pages: start, quiz (one statement per page or all on one), results, candidate pages,
comparison, and the method and privacy pages.

The voter may read in plain language (selkokieli, lättläst, plain English): `selko=1` rides along like
the municipality, and pages then show the statements' plain texts and plain interface wording.

A voter's answers travel only in POST bodies, carried from page to page as hidden fields (`a-<id>` for an
answer, `w-<id>` for an importance other than normal): they never reach the database, the session, a log
line or a URL a server sees. What the voter looks at (filters, page, selected candidates) rides along too.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape

from vaalikone.domain import feedback, provenance
from vaalikone.domain.elections import published as published_election
from vaalikone.i18n import gettext as _
from vaalikone.matching import voting
from vaalikone.reports import charts, party_answers, robustness
from vaalikone.web.database import get_bank, get_db, writable
from vaalikone.web.i18n import current_language, localized, percent
from vaalikone.web.security import limiter, voter_limit
from vaalikone.web.templating import range_text, scale_label, shows_election
from vaalikone.web.voter.forms import FeedbackForm

bp = Blueprint("voter", __name__, cli_group=None)
# Per client, per worker; nginx's zones (deploy/nginx/) are the limit that holds across workers and nodes.
limiter.limit(voter_limit)(bp)

# Form fields that describe what the voter is looking at on the results page, per election.
VIEW_PREFIXES = ("party-", "lang-", "q-", "at-", "age-", "gender-", "inc-", "elected-")
MAX_COMPARED = 3


@bp.after_request
def no_store(response: Response) -> Response:
    """Pages built from a voter's answers are kept out of every cache, the browser's own included."""
    if request.method == "POST":
        response.headers["Cache-Control"] = "no-store"
    return response


def _context() -> voting.Context:
    """Where the voter votes, from `kunta` (+ `paiva`, the election day) or `piiri` (a constituency id)."""
    db = get_db()
    values = request.values
    context = None
    if values.get("kunta"):
        context = voting.context_for_municipality(db, values["kunta"], values.get("paiva"))
    elif values.get("piiri"):
        context = voting.context_for_constituency(db, values["piiri"])
    if context is None:
        message = _("Valitse ensin kotikuntasi tai vaalipiirisi.")
        if request.method == "GET":
            flash(message)
            abort(redirect(url_for("voter.index")))
        abort(400, description=message)
    for ballot in context.ballots:
        shows_election(ballot.election)
    return context


def _questions(context: voting.Context) -> list[dict[str, Any]]:
    questions = voting.questions_for(get_db(), context.ballots)
    if not questions:
        abort(
            400, description=_("Kotikunnassasi ei ole nyt vaaleja, joihin tämä vaalikone liittyy.")
        )
    return questions


def _answers(questions: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, str]]:
    if request.method != "POST":
        return {}, {}
    try:
        # A plain dict: looking up the many absent fields of a MultiDict raises an exception for each.
        return voting.read_answers(request.form.to_dict(), questions)
    except voting.AnswerError:
        abort(400, description=_("Vastaus ei kelpaa. Valitse vastaus väitteen vaihtoehdoista."))


def _view_state() -> list[tuple[str, str]]:
    """What the voter was looking at on the results page, to carry back there."""
    return [
        (key, value)
        for key, value in request.form.items(multi=True)
        if key.startswith(VIEW_PREFIXES) or key == "c"
    ]


@bp.route("/")
def index():
    """Start: choose the home municipality (or an electoral district), in any of the three languages."""
    db = get_db()
    elections = list(
        db.query(
            "SELECT * FROM election WHERE published_at IS NOT NULL ORDER BY date DESC, kind DESC"
        )
    )
    for election in elections:
        shows_election(election)
    return render_template(
        "voter/index.html",
        elections=elections,
        municipalities=voting.municipalities(db, current_language()),
        district_elections=voting.district_elections(db),
    )


@bp.route("/vaalit")
def elections():
    """The elections the chosen municipality votes in, and why some are missing (Helsinki, Åland)."""
    context = _context()
    questions = voting.questions_for(get_db(), context.ballots)
    return render_template("voter/elections.html", context=context, questions=questions)


def _step() -> int:
    try:
        return int(request.values.get("step", 0))
    except ValueError:
        return 0


@bp.route("/kysely", methods=["GET", "POST"])
def quiz():
    """One statement per page; every other answer rides along in hidden fields."""
    context = _context()
    questions = _questions(context)
    answers, levels = _answers(questions)
    step = _step() + {"next": 1, "prev": -1}.get(request.form.get("move", ""), 0)
    step = max(0, min(step, len(questions) - 1))
    return render_template(
        "voter/quiz.html",
        context=context,
        questions=questions,
        step=step,
        question=questions[step],
        answers=answers,
        levels=levels,
    )


@bp.route("/kysely/kaikki", methods=["GET", "POST"])
def quiz_all():
    """All statements in one form: quicker with a keyboard, and for long quizzes (47 statements)."""
    context = _context()
    questions = _questions(context)
    answers, levels = _answers(questions)
    return render_template(
        "voter/quiz_all.html", context=context, questions=questions, answers=answers, levels=levels
    )


def _asked(questions: list[dict[str, Any]]) -> list[str]:
    """The quick quiz's statements asked so far, in order (`asked` fields), known ids only, each once."""
    known = {q["id"] for q in questions}
    asked: list[str] = []
    for qid in request.form.getlist("asked"):
        if qid in known and qid not in asked:
            asked.append(qid)
    return asked


@bp.route("/kysely/pika", methods=["GET", "POST"])
def quick():
    """The quick quiz: one statement per page, the one that best separates the voter's leading candidates
    next (matching/adaptive.py), with an offer to stop once the top is unlikely to change."""
    context = _context()
    questions = _questions(context)
    answers, levels = _answers(questions)
    asked = _asked(questions)
    current = request.form.get("current", "")
    move = request.form.get("move", "")
    if move == "prev" and asked:
        current = asked.pop()
    elif move == "next" and current in {q["id"] for q in questions} and current not in asked:
        asked.append(current)
        current = ""
    following, settled = voting.quick_step(
        get_db(), context.ballots, questions, answers, voting.weights_for(levels), set(asked)
    )
    if not current or current in asked:
        current = following
    if current is None:  # every statement asked: the quick quiz has become the full one
        return _results_page(context, questions, answers, levels)
    question = next(q for q in questions if q["id"] == current)
    return render_template(
        "voter/quick.html",
        context=context,
        questions=questions,
        question=question,
        asked=asked,
        answers=answers,
        levels=levels,
        settled=settled,
    )


def _party_name(party: dict[str, Any] | None) -> str:
    return localized(party, "name") if party else _("Sitoutumaton")


def _party_options(result: voting.Result) -> list[tuple[str, str]]:
    """The parties on this list ("-" for independents, last) by name, in alphabetical order of names."""
    parties = {p["id"]: p["party"] for p in result.parties}
    if result.independents:
        parties["-"] = None
    ordered = sorted(
        parties.items(),
        key=lambda item: (
            (1, "") if item[1] is None else (0, voting.collation_key(_party_name(item[1])))
        ),
    )
    return [(pid, _party_name(party)) for pid, party in ordered]


# Much of a results row is the same for many voters: a candidate's cells, a match written out with its bar,
# a party's heading. Each is rendered once per language and content (voter/_rows.html) and reused, because
# the results page is the busiest page there is; keyed on content, they outlive snapshot rebuilds.
_PARTY_FIELDS = ("id", "abbreviation", "name_fi", "name_sv", "name_en")


def _rows_macro(name: str) -> Any:
    return get_template_attribute("voter/_rows.html", name)


@lru_cache(maxsize=100_000)
def _candidate_cells(
    lang: str,
    candidate_path: str,
    checked: bool,
    cid: int,
    first: str,
    last: str,
    number: int | None,
    party: tuple | None,
    elected: bool = False,
    substitute: bool = False,
) -> Markup:
    person = {
        "id": cid,
        "first_name": first,
        "last_name": last,
        "number": number,
        "party": dict(zip(_PARTY_FIELDS, party, strict=True)) if party else None,
        "elected": elected,
        "substitute": substitute,
    }
    return _rows_macro("candidate_cells")(person, candidate_path, checked)


@lru_cache(maxsize=10_000)
def _match_cell(
    lang: str, text: str, bar: str | None, party: bool, span: str, note: str = ""
) -> Markup:
    # Every match with the same text, range, bar width (0.1 steps) and note renders the same cell.
    return _rows_macro("match_cell")(
        text, math.nan if bar is None else float(bar), party, span, note
    )


def _match(value: float, party: bool = False, high: float | None = None, note: str = "") -> Markup:
    """A match written as a rounded percentage (in the reader's language) beside its bar, with the range
    up to `high` that the candidate's blanks leave open."""
    span = "" if high is None else range_text(value, high)
    bar = None if value != value else f"{value:.1f}"
    return _match_cell(current_language(), percent(value), bar, party, span, note)


def _candidate_match(c: dict[str, Any], statements: int) -> Markup:
    """A candidate's match and range with how many statements they answered ("12/23"); "did not answer"
    instead of a match when they answered none."""
    if c.get("answered") == 0:
        note = _("%(n)d/%(total)d vastattu", n=0, total=statements)
        return _match_cell(current_language(), _("ei vastannut"), None, False, "", note)
    if c.get("answered") is None:
        return _match(c["match"], high=c["match_max"])
    note = _("%(n)d/%(total)d vastattu", n=c["answered"], total=statements)
    return _match(c["match"], high=c["match_max"], note=note)


@lru_cache(maxsize=10_000)
def _party_heading(lang: str, name: str, count: int) -> Markup:
    return _rows_macro("party_heading")(name, count)


@lru_cache(maxsize=8)
def _spread_format(lang: str) -> tuple[str, Markup]:
    """The spread cell of voter/_rows.html as a str.format with named fields, and the cell without a match.

    Quartiles differ from voter to voter, so a cache of rendered cells rarely hits; rendering the macro
    once with placeholders and filling in numbers costs a fraction of a render.
    """
    slots = ("x", "width", "median", "low", "high")
    marks = {name: f"\x00{name}\x00" for name in slots}
    macro = _rows_macro("spread_cell")
    html = str(macro((marks["x"], marks["width"], marks["median"]), marks["low"], marks["high"]))
    html = html.replace("{", "{{").replace("}", "}}")
    for name, mark in marks.items():
        html = html.replace(mark, f"{{{name}}}")
    return html, macro(None, "", "")


def _spread(p: dict[str, Any], lang: str) -> Markup:
    """How a party's candidates match the voter: a box from q1 to q3 (at least 1 wide) and a 1.5-wide
    median line centred on it, with q1-q3 written out."""
    filled, empty = _spread_format(lang)
    if p["q1"] != p["q1"]:  # NaN: nothing to compare
        return empty
    # Numbers formatted here and escaped percentages: nothing else enters the markup.
    return Markup(
        filled.format(
            x=f"{p['q1']:.1f}",
            width=f"{max(p['q3'] - p['q1'], 1):.1f}",
            median=f"{max(p['median'] - 0.75, 0):.1f}",
            low=escape(percent(p["q1"])),
            high=escape(percent(p["q3"])),
        )
    )


def _table_rows(
    result: voting.Result, candidates: list[dict[str, Any]], candidate_path: str, selected: set[str]
) -> tuple[Markup, Markup]:
    """The rows of the candidate and party tables, put together from ready-made pieces.

    The busiest page on election night: one Jinja expression per cell cost a third of its rendering,
    so only the row wrappers are joined here and every cell comes from the macros in voter/_rows.html.
    """
    lang = current_language()
    candidate_rows = []
    for c in candidates:
        party = c["party"]
        cells = _candidate_cells(
            lang,
            candidate_path,
            str(c["id"]) in selected,
            c["id"],
            c["first_name"],
            c["last_name"],
            c["number"],
            tuple(party[f] for f in _PARTY_FIELDS) if party else None,
            bool(c.get("elected")),
            bool(c.get("substitute")),
        )
        candidate_rows.append(
            f'<tr><td class="num rank">{int(c["rank"])}.</td>'
            f"{_candidate_match(c, result.statements)}{cells}</tr>"
        )
    party_rows = [
        f"<tr>{_party_heading(lang, _party_name(p['party']), p['count'])}"
        f"{_match(p['match'], party=True)}{_spread(p, lang)}</tr>"
        for p in result.parties
    ]
    # Every piece is Markup (escaped by its macro) and the rank an int: the joined rows are safe.
    return Markup("".join(candidate_rows)), Markup("".join(party_rows))


def _choice(value: str, allowed: tuple[str, ...]) -> str:
    """A filter's value when the data offers it, else no filter: a stale or forged value shows everyone."""
    return value if value in allowed else ""


def _page(eid: str, pages: int) -> int:
    form = request.form
    raw = form.get(f"page-{eid}")
    if raw is None:
        raw = "0" if form.get("filter") == eid else form.get(f"at-{eid}", "0")
    try:
        return max(0, min(int(raw), pages - 1))
    except ValueError:
        return 0


def _results_page(
    context: voting.Context,
    questions: list[dict[str, Any]],
    answers: dict[str, int],
    levels: dict[str, str],
    error: tuple[str, str] | None = None,
):
    """The results page: one section per election, each ranked on that election's statements only."""
    db = get_db()
    weights = voting.weights_for(levels)
    page_size = int(current_app.config["RESULTS_PAGE_SIZE"])
    selected = set(request.form.getlist("c"))
    # Each row links to its candidate: one URL built for the page instead of one per row.
    candidate_path = url_for("voter.candidate", candidate_id=0).removesuffix("0")
    sections = []
    for ballot in context.ballots:
        eid = ballot.id
        result = voting.results(db, ballot, answers, weights)
        form = request.form
        options = result.filters
        filters = voting.Filters(
            party=form.get(f"party-{eid}", ""),
            language=_choice(form.get(f"lang-{eid}", ""), options.languages),
            text=form.get(f"q-{eid}", "")[:100],
            age=_choice(form.get(f"age-{eid}", ""), options.ages),
            gender=_choice(form.get(f"gender-{eid}", ""), options.genders),
            incumbent=_choice(form.get(f"inc-{eid}", ""), ("1", "0") if options.incumbency else ()),
            elected=_choice(form.get(f"elected-{eid}", ""), ("1", "0") if options.elected else ()),
        )
        party, language, text = filters.party, filters.language, filters.text
        shown = voting.filter_candidates(
            result.candidates, filters=filters, kind=ballot.election["kind"]
        )
        pages = max(1, -(-len(shown) // page_size))
        page = _page(eid, pages)
        visible = shown[page * page_size : (page + 1) * page_size]
        candidate_rows, party_rows = _table_rows(result, visible, candidate_path, selected)
        visible_ids = {str(c["id"]) for c in visible}
        all_ids = result.candidate_ids
        sure = result.stability
        change = sure and sure["change"]
        sections.append(
            {
                "ballot": ballot,
                "result": result,
                "sure": sure,
                "change_question": change
                and next((q for q in questions if q["id"] == change["question_id"]), None),
                "asked": sum(1 for q in questions if eid in q["election_ids"]),
                "party": party,
                "language": language,
                "text": text,
                "filters": filters,
                "options": options,
                "page": page,
                "pages": pages,
                "candidates": visible,
                "candidate_rows": candidate_rows,
                "party_rows": party_rows,
                "total": len(shown),
                "selected": selected & all_ids,
                # Chosen for comparison on another page of the list: kept, as hidden fields.
                "kept": sorted((selected & all_ids) - visible_ids),
                "party_options": _party_options(result),
                # The first screen's summary: the best matches of the whole list, whatever is filtered.
                "top": [
                    c
                    for c in result.candidates[:3]
                    if c["match"] == c["match"] and c["answered"] != 0
                ]
                if result.answered
                else [],
                "error": error[1] if error and error[0] == eid else None,
            }
        )
    return render_template(
        "voter/results.html",
        candidate_path=candidate_path,
        context=context,
        questions=questions,
        answers=answers,
        levels=levels,
        sections=sections,
        view=_view_state(),
    )


@bp.route("/tulokset", methods=["GET", "POST"])
def results():
    """The voter's results for every election of the quiz.

    Reached by GET (Back, Refresh, a bookmark), the page holds no answers: the server never had them to
    keep. With JavaScript it posts the answers this browser tab keeps (sessionStorage, voter.js) again.
    """
    if request.method == "GET":
        return render_template("voter/restore.html")
    context = _context()
    questions = _questions(context)
    answers, levels = _answers(questions)
    return _results_page(context, questions, answers, levels)


@bp.route("/tulokset/jaettu")
def shared():
    """Opens a shared result: the answers are in the #fragment, which only the browser ever sees."""
    return render_template("voter/shared.html")


@bp.route("/ehdokkaat/<int:candidate_id>", methods=["GET", "POST"])
def candidate(candidate_id: int):
    """A candidate's public answers; with the voter's answers (POST), side by side with the explanation.

    The GET page is the same for everyone and can open in a new tab; with JavaScript it posts the answers
    this browser tab keeps to show the side-by-side view.
    """
    if request.method == "POST":
        return _candidate_page(candidate_id, _context())
    return _candidate_page(candidate_id, None)


def _candidate_page(candidate_id: int, context: voting.Context | None):
    db = get_db()
    detail = voting.candidate_detail(db, candidate_id, current_language())
    if detail is None:
        abort(404)
    person, election, rows = detail
    shows_election(election)
    comparison = None
    answers: dict[str, int] = {}
    levels: dict[str, str] = {}
    questions: list[dict[str, Any]] = []
    if context is not None:
        questions = voting.questions_for(db, context.ballots)
        answers, levels = _answers(questions)
        comparison = voting.explain_candidate(
            db, election["id"], candidate_id, answers, voting.weights_for(levels)
        )
    return render_template(
        "voter/candidate.html",
        person=person,
        election=election,
        rows=rows,
        rows_by_id={r["id"]: r for r in rows},
        asked={q["id"] for q in questions},
        themes=_themes(rows),
        comparison=comparison,
        context=context,
        answers=answers,
        levels=levels,
        questions=questions,
        view=_view_state(),
    )


def _themes(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["theme_id"]: r for r in rows}


@bp.route("/vertailu", methods=["GET", "POST"])
def compare():
    """Two or three candidates side by side with the voter's own answers (one: that candidate's page)."""
    if request.method == "GET":
        return render_template("voter/restore.html")
    db = get_db()
    context = _context()
    questions = _questions(context)
    answers, levels = _answers(questions)
    ids = list(dict.fromkeys(request.form.getlist("c")))
    section = request.form.get("compare", "")
    if not 1 <= len(ids) <= MAX_COMPARED or not all(re.fullmatch(r"[0-9]{1,18}", i) for i in ids):
        error = _("Valitse vertailuun yhdestä kolmeen ehdokasta. Valitsit %(n)d.", n=len(ids))
        return _results_page(context, questions, answers, levels, (section, error))
    if len(ids) == 1:
        # One candidate: their page side by side with the voter's answers (the way there without JavaScript).
        return _candidate_page(int(ids[0]), context)
    people = []
    weights = voting.weights_for(levels)
    for cid in ids:
        detail = voting.candidate_detail(db, int(cid), current_language())
        if detail is None:
            abort(404)
        person, election, rows = detail
        shows_election(election)
        person["election"] = election
        person["answers"] = {r["id"]: r for r in rows}
        person["score"] = voting.explain_candidate(db, election["id"], int(cid), answers, weights)
        people.append(person)
    # Only the statements someone compared was asked; the others would be empty rows.
    shown = [q for q in questions if any(q["id"] in p["answers"] for p in people)]
    return render_template(
        "voter/compare.html",
        context=context,
        questions=questions,
        shown=shown,
        answers=answers,
        levels=levels,
        people=people,
        themes=_themes(shown),
        view=_view_state(),
    )


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says."""
    return current_app.send_static_file("favicon.ico")


@bp.route("/menetelma")
def method():
    """How the match is computed, for voters."""
    return render_template("voter/method.html")


@bp.route("/tietosuoja")
def privacy():
    """What is and is not stored about a voter."""
    return render_template("voter/privacy.html")


@bp.route("/vaitteet/<statement_id>")
def statement(statement_id: str):
    """Where a statement comes from: the goal sentences behind it and the organisations whose goals include it."""
    found = provenance.statement_provenance(get_db(), get_bank(), statement_id)
    if found is None:
        abort(404)
    for election in found.imported_from:
        shows_election(election)
    return render_template("voter/statement.html", p=found)


@bp.route("/lahteet")
def sources():
    """The organisations' documents the statements come from, and the statements drawn from each."""
    return render_template(
        "voter/sources.html", documents=provenance.sources_overview(get_db(), get_bank())
    )


@bp.route("/saavutettavuus", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accessibility():
    """The accessibility statement (law 306/2019) and its feedback form."""
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            feedback.submit(
                get_db(),
                form.message.data,
                form.contact.data,
                current_language(),
                int(current_app.config["FEEDBACK_RETENTION_DAYS"]),
            )
        except feedback.FeedbackError as error:
            form.message.errors.append(str(error))
        else:
            flash(_("Kiitos palautteesta. Ylläpito lukee sen."))
            return redirect(url_for("voter.accessibility") + "#palaute")
    status = 400 if form.errors else 200
    return render_template(
        "voter/accessibility.html",
        form=form,
        retention_days=int(current_app.config["FEEDBACK_RETENTION_DAYS"]),
    ), status


def _published(election_id: str) -> dict[str, Any]:
    """A published election (404 otherwise), marked for the page's demo banner and source line."""
    election = published_election(get_db(), election_id) or abort(404)
    shows_election(election)
    return election


@bp.route("/puolueiden-vastaukset/<election_id>")
def party_answers_page(election_id: str):
    """How every party's candidates answered each statement of a published election: no quiz needed."""
    db = get_db()
    election = _published(election_id)
    statements = []
    for item in party_answers.build(
        db, election_id, lambda party: voting.collation_key(localized(party, "name"))
    ):
        keys = [(scale_label(v), f"ans-{v}") for v in item.scale] + [
            (scale_label(None), "ans-none")
        ]
        chart = charts.stacked_bars(
            [
                (
                    _party_name(row.party) if row.party else _("Sitoutumattomat"),
                    list(zip(row.shares, [css for _label, css in keys], strict=True)),
                )
                for row in item.parties
            ]
        )
        statements.append(
            {"question": item.question, "parties": item.parties, "legend": keys, "chart": chart}
        )
    return render_template("voter/party_answers.html", election=election, statements=statements)


@bp.route("/luotettavuus/<election_id>")
def robustness_page(election_id: str):
    """How much the election's rankings depend on the formula and on any one statement."""
    election = _published(election_id)
    db = get_db()
    found = robustness.report(db, election_id, keep=writable())
    texts = {
        q["id"]: q
        for q in db.query(
            """SELECT q.* FROM election_question eq JOIN question q ON q.id = eq.question_id
               WHERE eq.election_id = ?""",
            [election_id],
        )
    }
    return render_template(
        "voter/robustness.html", election=election, report=found, questions=texts
    )
