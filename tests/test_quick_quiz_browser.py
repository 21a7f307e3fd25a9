"""The quick quiz in a real browser (Chromium): a voter takes it in plain Finnish with the keyboard only, and
again without JavaScript; the results agree with the API given the same answers; axe-core finds nothing on
the new pages in fi, sv and en."""

from __future__ import annotations

import re

import pytest

from tests.helpers import assert_accessible
from tests.test_quick_quiz import like_a_candidate

HELSINKI = "091"


def api_order(page, base: str, answers: dict[str, int]) -> list[int]:
    """The API's ranking (POST /api/v1/match) of Helsinki's municipal candidates for these answers."""
    response = page.request.post(
        f"{base}/api/v1/match",
        data={"municipality": HELSINKI, "answers": answers, "limit": 100},
    )
    assert response.ok, response.text()
    (election,) = [e for e in response.json()["elections"] if e["id"] == "kunta-2025"]
    return [c["id"] for c in election["candidates"]]


def results_order(page) -> list[int]:
    section = page.locator("#s-kunta-2025")
    hrefs = section.locator("button.name").evaluate_all(
        "els => els.map(e => e.getAttribute('formaction'))"
    )
    return [int(re.search(r"(\d+)$", h).group(1)) for h in hrefs]


def take_quick_quiz(page, base: str, keyboard: bool, twin: dict[str, str]) -> dict[str, int]:
    """Start in plain Finnish, answer as `twin` did (skipping what they skipped) until the quiz offers to
    stop, then see the results."""
    page.goto(f"{base}/")
    page.select_option("#kunta", HELSINKI)
    page.check("input[name=selko][value='1']")
    page.click("#municipality-form button[type=submit]")
    page.click("text=Lyhyt kysely: tärkeimmät väitteet ensin")
    answers: dict[str, int] = {}
    for _ in range(30):
        assert page.locator("h1").inner_text().startswith("Lyhyt kysely")
        current = page.locator("#quiz-form input[name=current]").get_attribute("value")
        value = twin.get(current, "")
        choice = page.locator(f"#quiz-form input[type=radio][name='a-{current}'][value='{value}']")
        if keyboard:
            choice.focus()
            page.keyboard.press("Space")
            assert choice.is_checked()
        else:
            choice.check()
        if value:
            answers[current] = int(value)
        if page.locator("text=Lähimmät ehdokkaat tuskin enää muuttuvat").count():
            break
        with page.expect_navigation():
            if keyboard:
                page.locator("#quiz-form button[name=move][value=next]").focus()
                page.keyboard.press("Enter")
            else:
                page.click("#quiz-form button[name=move][value=next]")
    # The answer on the page was given after the offer appeared: it counts too.
    with page.expect_navigation():
        if keyboard:
            page.locator("#quiz-form button", has_text="Katso tulokset").focus()
            page.keyboard.press("Enter")
        else:
            page.locator("#quiz-form button", has_text="Katso tulokset").click()
    assert page.locator("h1").inner_text() == "Sinun tuloksesi"
    return answers


@pytest.mark.parametrize("mode", ["keyboard", "nojs"])
def test_a_voter_takes_the_quick_quiz_in_plain_finnish_and_gets_the_apis_ranking(
    live_server, page, nojs_page, demo_app, mode
):
    tab = page if mode == "keyboard" else nojs_page
    twin = like_a_candidate(demo_app)
    answers = take_quick_quiz(tab, live_server.url, mode == "keyboard", twin)
    assert 1 <= len(answers) < 23, "offered to stop before the last statement"
    shown = results_order(tab)
    assert shown and shown == api_order(tab, live_server.url, answers)[: len(shown)]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_new_pages_pass_axe_in_every_language(live_server, page, lang):
    base = live_server.url
    page.goto(f"{base}/?lang={lang}")
    assert_accessible(page, f"start with plain choice ({lang})")
    for plain in ("0", "1"):
        page.goto(f"{base}/vaalit?kunta={HELSINKI}&selko={plain}&lang={lang}")
        assert_accessible(page, f"elections, plain={plain} ({lang})")
        page.goto(f"{base}/kysely/pika?kunta={HELSINKI}&selko={plain}&lang={lang}")
        assert_accessible(page, f"quick quiz, plain={plain} ({lang})")
    page.goto(f"{base}/menetelma?lang={lang}")
    assert_accessible(page, f"method page ({lang})")
