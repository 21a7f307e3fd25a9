"""Languages: Finnish (source), Swedish and English; locale choice, Babel formatting, catalog commands."""

from __future__ import annotations

import re
import sys
from contextlib import chdir
from functools import lru_cache
from pathlib import Path
from typing import Any

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_percent as babel_format_percent
from babel.support import Translations
from flask import Flask, request
from flask_babel import Babel, format_decimal, get_locale, get_translations
from jinja2 import pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context
from jinja2.utils import LRUCache
from markupsafe import Markup

from vaalikone.config import PACKAGE_DIR, PROJECT_DIR
from vaalikone.requestmemo import per_request

LANGUAGES = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}
# One catalog per area (see babel/README.md); the order only matters for duplicate msgids.
DOMAINS = ("messages", "voter", "candidate", "admin", "organisation")
TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2"]

babel = Babel()


def select_locale() -> str:
    """A ?lang= choice wins, then the remembered cookie, then Finnish."""
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return "fi"


def current_language() -> str:
    """The active language code (fi, sv or en)."""
    return per_request("vaalikone_language", lambda: str(get_locale() or "fi"))


def translations() -> Translations:
    """This request's catalogs (all domains merged by Flask-Babel), looked up once per request."""
    return per_request("vaalikone_translations", get_translations)


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's gettext, with the catalog lookup done once per request."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def localized(row: dict, field: str, lang: str | None = None) -> str:
    """row[field_<lang>], falling back to Finnish, the source language, when a translation is missing."""
    lang = lang or current_language()
    return row.get(f"{field}_{lang}") or row.get(f"{field}_fi") or ""


def percent(value: float | None) -> str:
    """A match percentage for people: '87 %' in Finnish and Swedish, '87%' in English."""
    if value is None or value != value:  # NaN: nothing to compare
        return "–"
    return _percent(round(value), current_language())


@lru_cache(maxsize=1024)
def _percent(whole: int, lang: str) -> str:
    return babel_format_percent(whole / 100, locale=lang)


def remember_language(response):
    """Persist an explicit ?lang= choice in a cookie, so every later page keeps it."""
    lang = request.args.get("lang")
    if lang in LANGUAGES and request.cookies.get("lang") != lang:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(TRANSLATIONS_DIR) for _ in DOMAINS)
    app.config["BABEL_DOMAIN"] = ";".join(DOMAINS)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.add_extension(FixedStrings)
    app.jinja_env.cache = PerLanguageCache(app.jinja_env.cache.capacity)
    # Templates translate through the per-request lookup, one call deep: Flask-Babel's callables, wrapped
    # by Jinja's newstyle gettext, take three calls and two context lookups per string.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
    )
    app.after_request(remember_language)
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["decimal"] = format_decimal
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        current_language=current_language,
        localized=localized,
    )
    app.cli.add_command(translate)


# A whole `{{ _("...") }}` expression with one plain string literal and no variables.
_FIXED_STRING = re.compile(r"""\{\{ _\((?P<q>["'])(?P<msgid>(?:(?!(?P=q))[^\\])*)(?P=q)\) \}\}""")
_JINJA_MARKS = ("{{", "}}", "{%", "%}", "{#", "#}")


class FixedStrings(Extension):
    """Templates are compiled once per language with their fixed strings already translated.

    A results page shows some sixty strings that never change within a language; calling gettext for each,
    on every page, was a tenth of the voter pages' work. Only a whole `{{ _("...") }}` with a plain literal
    and no variables is replaced, by exactly what the call would return (the translation as markup, `%%`
    made `%`); anything else still translates at render time. Extraction reads the sources, which keep
    their `_()` calls. PerLanguageCache keeps the compiled templates apart by language.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        catalog = translations()

        def translated(found: re.Match) -> str:
            try:
                text = catalog.ugettext(found["msgid"]) % {}
            except (TypeError, ValueError):  # a stray % fails at render time, as it did before
                return found[0]
            return found[0] if any(mark in text for mark in _JINJA_MARKS) else text

        return _FIXED_STRING.sub(translated, source)


class PerLanguageCache(LRUCache):
    """Jinja's template cache with the request's language in every key (see FixedStrings)."""

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__((key, current_language()))

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__((key, current_language()), value)

    def __contains__(self, key: Any) -> bool:
        return super().__contains__((key, current_language()))

    def __delitem__(self, key: Any) -> None:
        super().__delitem__((key, current_language()))


# Jinja's newstyle gettext semantics (always %-formatted, Markup under autoescape so that the variables are
# escaped), without its wrappers.
@pass_context
def _template_gettext(context: Context, string: str, **variables: Any) -> str:
    # Fixed strings written as a whole {{ _("...") }} never get here: FixedStrings translated them.
    text = translations().ugettext(string)
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables


@pass_context
def _template_ngettext(
    context: Context, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables


@pass_context
def _template_pgettext(
    context: Context, message_context: str, string: str, **variables: Any
) -> str:
    variables.setdefault("context", message_context)
    text = translations().upgettext(message_context, string)
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def _po_path(lang: str, domain: str) -> Path:
    return TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


@click.group()
def translate() -> None:
    """Translation catalogs: update, compile, check."""


@translate.command()
def update() -> None:
    """Extract messages of every domain, update the fi/sv/en catalogs, and fill Finnish from the source."""
    for domain in DOMAINS:
        pot = TRANSLATIONS_DIR / f"{domain}.pot"
        with chdir(PROJECT_DIR):  # source references relative to the project, whatever the checkout
            _pybabel(
                "extract",
                "-F",
                str(PROJECT_DIR / "babel" / f"{domain}.cfg"),
                *KEYWORDS,
                "--add-comments",
                "i18n:",
                "--sort-by-file",
                "--no-wrap",
                "-o",
                str(pot),
                ".",
            )
        for lang in LANGUAGES:
            action = "update" if _po_path(lang, domain).exists() else "init"
            extra = ["--ignore-obsolete", "--no-wrap"] if action == "update" else ["--no-wrap"]
            _pybabel(
                action,
                "-i",
                str(pot),
                "-d",
                str(TRANSLATIONS_DIR),
                "-D",
                domain,
                "-l",
                lang,
                *extra,
            )
        _fill_source_language(_po_path("fi", domain))


def _fill_source_language(path: Path) -> None:
    """Finnish msgids are the Finnish text, so the fi catalog is complete by construction."""
    with open(path, "rb") as f:
        catalog = read_po(f, locale="fi")
    for message in catalog:
        if not message.id:
            continue
        message.flags.discard("fuzzy")
        if isinstance(message.id, tuple):
            message.string = tuple(message.id[min(i, 1)] for i in range(catalog.num_plurals))
        else:
            message.string = message.id
    with open(path, "wb") as f:
        write_po(f, catalog, width=0, sort_by_file=True)


@translate.command()
def compile() -> None:  # noqa: A001 - the command's name is the verb people type
    """Compile every catalog to .mo files."""
    for domain in DOMAINS:
        for lang in LANGUAGES:
            if _po_path(lang, domain).exists():
                _pybabel("compile", "-d", str(TRANSLATIONS_DIR), "-D", domain, "-l", lang)


def untranslated() -> list[str]:
    """Every message that is untranslated or fuzzy, as 'lang/domain: msgid' lines."""
    problems = []
    for domain in DOMAINS:
        for lang in LANGUAGES:
            path = _po_path(lang, domain)
            if not path.exists():
                continue
            with open(path, "rb") as f:
                catalog = read_po(f, locale=lang)
            for message in catalog:
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.fuzzy or not all(strings):
                    problems.append(f"{lang}/{domain}: {message.id!r}")
    return problems


@translate.command()
def check() -> None:
    """Fail if any catalog has an untranslated or fuzzy message."""
    problems = untranslated()
    for line in problems:
        click.echo(line, err=True)
    if problems:
        sys.exit(1)
    click.echo("All catalogs complete.")
