"""Finnish, Swedish and English catalogs are complete, compile, and translate what users see."""

from __future__ import annotations

from babel.support import Translations

from vaalikone.catalogs import untranslated
from vaalikone.i18n import DOMAINS, LANGUAGES, TRANSLATIONS_DIR


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


def test_pages_in_turn_in_each_language_get_their_own_fixed_strings(demo_client):
    """Templates are compiled once per language with their fixed strings translated (i18n.FixedStrings):
    the same pages asked for in turn in every language each speak their own, and a %% is written as %."""
    catalogs = {
        lang: Translations.load(str(TRANSLATIONS_DIR), [lang], domain="voter") for lang in LANGUAGES
    }
    data = {"kunta": "091", "a-free-premises": "5"}
    for lang in ["fi", "sv", "en", "fi", "en", "sv"]:
        results = demo_client.post(f"/tulokset?lang={lang}", data=data).get_data(as_text=True)
        method = demo_client.get(f"/menetelma?lang={lang}").get_data(as_text=True)
        assert catalogs[lang].gettext("Muuta vastauksia") in results
        for other in set(LANGUAGES) - {lang}:
            assert catalogs[other].gettext("Muuta vastauksia") not in results
        percent_sentence = catalogs[lang].gettext(
            "Vastaavuus kertoo, kuinka lähellä ehdokkaan vastaukset ovat sinun vastauksiasi: "
            "100 %% on täysin samat vastaukset."
        )
        assert "%%" in percent_sentence and percent_sentence.replace("%%", "%") in results
        assert "%%" not in results and "%%" not in method
