"""Languages on the web: the locale of each request, Babel formatting, and translated templates.

Translation itself has one path, `vaalikone.i18n` (no Flask): this module sets its active language at the
start of every request and hands its catalogs to Jinja and to Flask-Babel's formatters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from babel.numbers import format_percent as babel_format_percent
from flask import Flask, g, request
from flask_babel import format_decimal
from jinja2 import pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context
from jinja2.utils import LRUCache
from markupsafe import Markup

from vaalikone.extensions import babel
from vaalikone.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    current_language,
    gettext,
    reset_language,
    set_language,
    translations,
)

__all__ = ["LANGUAGES", "current_language", "gettext", "localized", "percent"]


def select_locale() -> str:
    """A ?lang= choice wins, then the remembered cookie, then Finnish."""
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return "fi"


def start_request() -> None:
    """Every request translates in the language its visitor chose."""
    g.vaalikone_language_token = set_language(select_locale())


def end_request(exc: BaseException | None = None) -> None:
    """The language goes back to what it was, so nothing after the request inherits the visitor's."""
    token = g.pop("vaalikone_language_token", None)
    if token is not None:
        reset_language(token)


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
    # Flask-Babel formats numbers and dates; it reads the locale that start_request chose.
    babel.init_app(app, locale_selector=current_language)
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.teardown_request(end_request)
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
