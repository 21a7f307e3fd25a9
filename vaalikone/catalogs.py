"""The translation catalogs' workflow: extract, update, compile and check (`flask translate ...`).

Finnish is the source language: msgids are Finnish and the `fi` catalog is filled from them.
"""

from __future__ import annotations

from contextlib import chdir
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from vaalikone.i18n import DOMAINS, LANGUAGES, TRANSLATIONS_DIR

PROJECT_DIR = TRANSLATIONS_DIR.parent.parent
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2"]


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def _po_path(lang: str, domain: str) -> Path:
    return TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


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
