"""The voter's pages exist in Finnish, Swedish and English: the compiled catalogs translate every message,
and pages in each language carry no untranslated Finnish interface text."""

from __future__ import annotations

import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from vaalikone.catalogs import untranslated
from vaalikone.i18n import DOMAINS, TRANSLATIONS_DIR


def test_no_catalog_has_an_untranslated_or_fuzzy_message():
    assert untranslated() == []


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_message_is_in_the_compiled_catalog(domain, lang):
    """What users get is the .mo file: every Finnish msgid must have a non-empty translation there."""
    with open(TRANSLATIONS_DIR / "fi" / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
        source = read_po(f, locale="fi")
    mo_path = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{domain}.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run `flask --app vaalikone translate compile`"
    with open(mo_path, "rb") as f:
        # read_mo leaves a message context as bytes: normalise it to compare with the .po file.
        # Plural ids come back as lists; make them tuples as in the .po file.
        compiled = {
            (
                tuple(m.id) if isinstance(m.id, list) else m.id,
                m.context.decode() if isinstance(m.context, bytes) else m.context,
            ): m
            for m in read_mo(f)
            if m.id
        }
    missing = []
    for message in source:
        if not message.id:
            continue
        translated = compiled.get(
            (
                tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id,
                message.context,
            )
        )
        strings = translated.string if translated else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if not translated or not all(strings):
            missing.append(message.id)
    assert missing == []


def test_the_compiled_catalogs_translate_what_voters_see():
    expected = {"sv": ("Nästa", "Hoppa över"), "en": ("Next", "Skip")}
    for lang, (next_, skip) in expected.items():
        # The voter's own catalog and the shared one (the quiz's macros live in templates/_voter.html).
        catalogs = []
        for domain in ("voter", "messages"):
            with open(TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{domain}.mo", "rb") as f:
                catalogs.append(read_mo(f))
        found = {m.id: m.string for catalog in catalogs for m in catalog if isinstance(m.id, str)}
        assert found["Seuraava"] == next_
        assert found["Ohita"] == skip


# Words that only Finnish interface text contains; candidates' and statements' own texts are excluded.
FINNISH_WORDS = re.compile(
    r"\b(Väite|Vastaavuus|Ehdokkaat|Puolueet|Tulokset|Seuraava|Ohita|Vertaa|kanssasi)\b"
)


def interface_text(html: str) -> str:
    """The page's text outside content marked as Finnish (lang="fi") and outside the language menu."""
    html = re.sub(r'<(\w+)[^>]*\blang="fi"[^>]*>.*?</\1>', " ", html, flags=re.S)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_voter_pages_have_no_finnish_interface_text(demo_client, lang):
    data = {"kunta": "179", "a-council-hearing": "4", "a-free-premises": "2", "c": ["1", "2"]}
    pages = [
        demo_client.get(f"/?lang={lang}"),
        demo_client.get(f"/vaalit?kunta=091&lang={lang}"),
        demo_client.get(f"/kysely?kunta=179&lang={lang}"),
        demo_client.get(f"/kysely/kaikki?kunta=179&lang={lang}"),
        demo_client.post(f"/tulokset?lang={lang}", data=data),
        demo_client.post(f"/ehdokkaat/1?lang={lang}", data=data),
        demo_client.post(f"/vertailu?lang={lang}", data=data),
        demo_client.get(f"/menetelma?lang={lang}"),
        demo_client.get(f"/tietosuoja?lang={lang}"),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert not FINNISH_WORDS.findall(interface_text(html)), response.request.path


def test_voter_words_are_not_overridden_by_another_areas_catalog(demo_client):
    """Catalogs of later domains win on equal msgids: the voter's own words carry a context."""
    data = {"kunta": "091", "a-free-premises": "5"}
    en = demo_client.post("/tulokset?lang=en", data=data).get_data(as_text=True)
    assert '<th scope="col">Match</th>' in en and "Alignment" not in en
    sv = demo_client.post("/tulokset?lang=sv", data=data).get_data(as_text=True)
    assert '<th scope="col">Överensstämmelse</th>' in sv
