"""A voter takes the quiz in real Chromium: keyboard only in each language, without JavaScript, and
every voter page passes axe-core (WCAG 2.1 A and AA). Answers never reach the database or the logs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from tests.helpers import assert_accessible

pytestmark = pytest.mark.browser
HEADINGS = {"fi": "Tulokset", "sv": "Resultat", "en": "Results"}


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches: the way a keyboard user gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def expected_order(
    client, code: str, answers: dict[str, int], weights: dict[str, float]
) -> list[str]:
    body = client.post(
        "/api/v1/match",
        json={"municipality": code, "answers": answers, "weights": weights, "limit": 5},
    ).get_json()
    return [c["name"] for c in body["elections"][0]["candidates"]]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_whole_quiz_with_the_keyboard_only(live_server, page, lang):
    page.goto(f"{live_server.url}/?lang={lang}")
    tab_to(page, "#kunta-search")
    page.keyboard.type("Jyväs")
    tab_to(page, "#municipality-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "kunta=179" in page.url
    tab_to(page, "a.button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    total = int(re.search(r"(?:/|of) (\d+)", page.locator(".progress-text").inner_text()).group(1))
    answers: dict[str, int] = {}
    weights: dict[str, float] = {}
    for i in range(total):
        assert re.search(
            rf"\b{i + 1} (/|of) {total}\b", page.locator(".progress-text").inner_text()
        )
        qid = page.locator("fieldset.statement input").first.get_attribute("name")[2:]
        if i % 7 != 6:  # every seventh statement is skipped
            tab_to(page, "input[name^='a-']:checked")
            presses = 1 + i % 5
            for _ in range(presses):
                page.keyboard.press("ArrowLeft")
            answers[qid] = 6 - presses
        if i % 4 == 0:
            tab_to(page, "input[name^='w-']:checked")
            page.keyboard.press("ArrowRight")
            weights[qid] = 2.0
        last = i == total - 1
        tab_to(page, "form.quiz button[formaction]" if last else "form.quiz button[value=next]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.locator("h1").first.inner_text() == HEADINGS[lang]
    shown = page.locator("table.candidates").first.locator("tbody th").all_inner_texts()[:5]
    carried = {
        el.get_attribute("name")[2:]: int(el.get_attribute("value"))
        for el in page.locator("#results-form > input[type=hidden][name^='a-']").all()
    }
    assert carried == answers, "the page carried exactly the answers typed"
    client = live_server.app.test_client()
    assert shown == expected_order(client, "179", answers, weights)
    assert "a-" not in page.url, "answers never travel in the URL"


def test_changing_answers_keeps_them(live_server, page):
    page.goto(f"{live_server.url}/kysely?kunta=091")
    page.check("fieldset.statement input[value='2']")
    page.click("button[value=next]")
    page.check("fieldset.statement input[value='5']")
    page.click("button[value=next]")
    page.click("button[value=prev]")
    assert page.locator("fieldset.statement input[value='5']").is_checked()
    page.click("button[value=prev]")
    assert page.locator("fieldset.statement input[value='2']").is_checked()


def test_quiz_without_javascript(live_server, nojs_page):
    page = nojs_page
    page.goto(live_server.url + "/")
    page.select_option("#kunta", "091")
    page.click("#municipality-form button[type=submit]")
    assert "Aluevaalit" not in page.content()
    page.click("text=Aloita")
    page.check("fieldset.statement input[value='4']")
    qid = page.locator("fieldset.statement input").first.get_attribute("name")[2:]
    page.click("button[value=next]")
    page.click("button[value=prev]")
    assert page.locator("fieldset.statement input[value='4']").is_checked()
    page.click("text=Näytä tulokset nyt")
    assert page.locator("h1").first.inner_text() == "Tulokset"
    shown = page.locator("table.candidates").first.locator("tbody th").all_inner_texts()[:5]
    assert shown == expected_order(live_server.app.test_client(), "091", {qid: 4}, {})


def test_one_page_mode_without_javascript(live_server, nojs_page):
    page = nojs_page
    page.goto(f"{live_server.url}/kysely/kaikki?kunta=179")
    radios = page.locator("fieldset.statement")
    answers = {}
    for i in range(radios.count()):
        qid = radios.nth(i).locator("input").first.get_attribute("name")[2:]
        value = 1 + (i * 3) % 5
        radios.nth(i).locator(f"input[value='{value}']").check()
        answers[qid] = value
    page.click("form.quiz button[type=submit]")
    shown = page.locator("table.candidates").first.locator("tbody th").all_inner_texts()[:5]
    assert shown == expected_order(live_server.app.test_client(), "179", answers, {})


def test_every_voter_page_passes_axe(live_server, page):
    page.goto(live_server.url + "/")
    assert_accessible(page, "voter-start")
    page.goto(f"{live_server.url}/vaalit?kunta=091")
    assert_accessible(page, "voter-elections-helsinki")
    page.goto(f"{live_server.url}/kysely?kunta=179")
    assert_accessible(page, "voter-quiz")
    page.check("fieldset.statement input[value='5']")
    page.click("text=Näytä tulokset nyt")
    assert_accessible(page, "voter-results")
    page.locator("table.candidates tbody input[name=c]").nth(0).check()
    page.locator("table.candidates tbody input[name=c]").nth(1).check()
    page.click("text=Vertaa valittuja ehdokkaita")
    assert_accessible(page, "voter-compare")
    page.click("text=Takaisin tuloksiin")
    page.locator("table.candidates tbody th button").first.click()
    assert_accessible(page, "voter-candidate")
    page.goto(f"{live_server.url}/kysely/kaikki?kunta=091&lang=sv")
    assert_accessible(page, "voter-one-page-sv")
    for path in ("/menetelma?lang=en", "/tietosuoja"):
        page.goto(live_server.url + path)
        assert_accessible(page)


def test_share_link_lives_in_the_fragment(live_server, page):
    page.goto(f"{live_server.url}/kysely?kunta=091")
    page.check("fieldset.statement input[value='1']")
    page.click("text=Näytä tulokset nyt")
    first = page.locator("table.candidates tbody th").first.inner_text()
    page.click("#make-share-link")
    link = page.input_value("#share-link")
    assert "#" in link and "a-" not in link.split("#")[0]
    page.goto(link)
    page.wait_for_selector("table.candidates")
    assert page.locator("table.candidates tbody th").first.inner_text() == first


def test_a_voters_answers_reach_neither_the_database_nor_the_logs(live_server, page, caplog):
    caplog.set_level(logging.DEBUG)
    page.goto(f"{live_server.url}/kysely/kaikki?kunta=091")
    page.locator("fieldset.statement").first.locator("input[value='5']").check()
    qid = page.locator("fieldset.statement").first.locator("input").first.get_attribute("name")
    page.click("form.quiz button[type=submit]")
    assert page.locator("table.candidates").count()
    secret = f"{qid}=5"
    db_file = Path(live_server.app.config["DATABASE"])
    for path in (db_file, Path(f"{db_file}-wal")):
        if path.exists():
            assert qid.encode() not in path.read_bytes()
    assert caplog.records, "the request log was captured"
    assert secret not in caplog.text and qid not in caplog.text
