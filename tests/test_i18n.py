"""Finnish, Swedish and English catalogs are complete, compile, and translate what users see."""

from __future__ import annotations

from babel.support import Translations

from vaalikone.i18n import DOMAINS, LANGUAGES, TRANSLATIONS_DIR, untranslated


def test_no_catalog_has_an_untranslated_or_fuzzy_message():
    assert untranslated() == []


def test_every_domain_is_compiled_for_every_language():
    for domain in DOMAINS:
        for lang in LANGUAGES:
            assert (TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{domain}.mo").exists(), (
                lang,
                domain,
            )


def test_compiled_catalogs_translate_a_known_message():
    expected = {"fi": "Seuraava", "sv": "Nästa", "en": "Next"}
    for lang, text in expected.items():
        catalog = Translations.load(str(TRANSLATIONS_DIR), [lang], domain="voter")
        assert catalog.gettext("Seuraava") == text


def test_pages_follow_the_chosen_language_and_remember_it(demo_client):
    sv = demo_client.get("/?lang=sv").get_data(as_text=True)
    assert '<html lang="sv">' in sv and "Välj din hemkommun" in sv
    remembered = demo_client.get("/menetelma").get_data(as_text=True)
    assert '<html lang="sv">' in remembered
    en = demo_client.get("/?lang=en").get_data(as_text=True)
    assert "Choose your home municipality" in en
