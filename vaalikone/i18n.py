"""Languages and the one translation path: Finnish (the source), Swedish and English.

No Flask here, so the domain layer, the importers and the command line translate exactly as pages do. The
active language lives in a context variable: the web layer sets it for each request (vaalikone.web.i18n),
a command sets it from the terminal's language, and `language()` sets it for a block. Everything that
shows text (`gettext` in Python, `_()` in templates, form labels through `lazy_gettext`) reads the same
catalogs, merged once per language from the per-area domains (see babel/README.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations

LANGUAGES = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}
# One catalog per area (see babel/README.md); the order only matters for duplicate msgids.
DOMAINS = ("messages", "voter", "candidate", "admin", "organisation")
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

_language: ContextVar[str] = ContextVar("vaalikone_language", default="fi")


def current_language() -> str:
    """The active language code (fi, sv or en)."""
    return _language.get()


def set_language(lang: str) -> Token[str]:
    """Make `lang` the active language of this context (a request); unknown codes mean fi. Returns the
    token that `reset_language` takes to restore the previous one."""
    return _language.set(lang if lang in LANGUAGES else "fi")


def reset_language(token: Token[str]) -> None:
    _language.reset(token)


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Translate in `lang` for the duration of the block."""
    token = _language.set(lang if lang in LANGUAGES else "fi")
    try:
        yield
    finally:
        _language.reset(token)


def terminal_language() -> str:
    """The command line speaks the terminal's language when it is one of ours, English otherwise."""
    for name in ("VAALIKONE_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value[:2].lower()
            return code if code in LANGUAGES else "en"
    return "en"


@lru_cache(maxsize=len(LANGUAGES))
def catalog(lang: str) -> NullTranslations:
    """Every domain's compiled catalog for `lang`, merged (loaded once per process)."""
    merged: Translations | None = None
    for domain in DOMAINS:
        found = Translations.load(str(TRANSLATIONS_DIR), [lang], domain)
        if not isinstance(found, Translations):  # not compiled: NullTranslations
            continue
        if merged is None:
            merged = found
        else:
            merged.merge(found)
    return merged if merged is not None else NullTranslations()


def translations() -> NullTranslations:
    """The active language's catalogs."""
    return catalog(_language.get())


def gettext(string: str, **variables: Any) -> str:
    """`string` (a Finnish msgid) in the active language, with %(name)s placeholders filled."""
    text = catalog(_language.get()).ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The singular or plural form for `num`; `%(num)d` is filled in."""
    variables.setdefault("num", num)
    return catalog(_language.get()).ungettext(singular, plural, num) % variables


class LazyString:
    """A message translated when it is shown, not when it is defined (form labels, module constants)."""

    __slots__ = ("_string", "_variables")

    def __init__(self, string: str, **variables: Any) -> None:
        self._string = string
        self._variables = variables

    def __str__(self) -> str:
        return gettext(self._string, **self._variables)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"lazy_gettext({self._string!r})"

    def __len__(self) -> int:
        return len(str(self))

    def __eq__(self, other: object) -> bool:
        return str(self) == other

    def __hash__(self) -> int:
        return hash(self._string)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __mod__(self, other: Any) -> str:
        return str(self) % other

    def __getattr__(self, name: str) -> Any:
        return getattr(str(self), name)


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """gettext, deferred until the text is shown (for anything defined at import time)."""
    return LazyString(string, **variables)
