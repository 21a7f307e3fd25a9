"""A voter takes the quiz in real Chromium: with the keyboard only in each language, without JavaScript,
in one-page mode; every voter page passes axe-core (WCAG 2.1 A and AA); a share link keeps the answers in
the #fragment; and the answers reach neither the database nor the logs."""

from __future__ import annotations

import base64
import logging
import re
from pathlib import Path

import pytest

from tests.helpers import answer_one_page, assert_accessible, database_bytes
from tests.test_voter import scorer_order

pytestmark = pytest.mark.browser
HEADINGS = {"fi": "Tulokset", "sv": "Resultat", "en": "Results"}
JYVASKYLA = {"kunta-2025": "kunta-2025:179", "alue-2025": "alue-2025:keski-suomi"}


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches: the way a keyboard user gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def shown_ids(page, election_id: str) -> list[int]:
    """Candidate ids in the order the results page lists them for one election."""
    actions = page.locator(f"#s-{election_id} table.candidates a.name").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    return [int(a.rsplit("/", 1)[1]) for a in actions]


def progress(page) -> tuple[int, int]:
    n, total = re.search(r"(\d+)\D+(\d+)", page.locator(".progress-text").inner_text()).groups()
    return int(n), int(total)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_whole_quiz_with_the_keyboard_only(live_server, page, lang):
    page.goto(f"{live_server.url}/?lang={lang}")
    tab_to(page, "#kunta-search")
    page.keyboard.type("jyv")
    assert page.input_value("#kunta") == "179"
    press_enter_and_wait(page)  # Enter in the search box submits the chosen municipality
    assert "kunta=179" in page.url
    tab_to(page, "a.button")
    press_enter_and_wait(page)
    _, total = progress(page)
    answers: dict[str, int] = {}
    weights: dict[str, float] = {}
    for i in range(total):
        assert progress(page) == (i + 1, total)
        assert page.locator("progress").get_attribute("value") == str(i + 1)
        qid = page.locator("fieldset.statement input").first.get_attribute("name")[2:]
        tab_to(page, "input[name^='a-']:checked")  # "skip" until the voter picks an answer
        if i % 7 != 6:  # every seventh statement is skipped
            presses = 1 + i % 5  # from "skip" back along the scale: 5, 4, 3, 2, 1
            for _ in range(presses):
                page.keyboard.press("ArrowLeft")
            answers[qid] = 6 - presses
        if i % 4 == 0:
            tab_to(page, "input[name^='w-']:checked")
            page.keyboard.press("ArrowRight")
            weights[qid] = 2.0
        if i == total - 1:
            tab_to(page, "form.quiz .actions:not(.minor-actions) button[formaction]")
        press_enter_and_wait(page)  # on a radio, Enter presses the form's first button: Next
    assert page.locator("h1").first.inner_text() == HEADINGS[lang]
    carried = {
        el.get_attribute("name")[2:]: int(el.get_attribute("value"))
        for el in page.locator("#answers-form input[type=hidden][name^='a-']").all()
    }
    assert carried == answers, "the page carried exactly the answers typed"
    for election, constituency in JYVASKYLA.items():
        expected, _ = scorer_order(live_server.app, election, constituency, answers, weights)
        assert shown_ids(page, election) == expected[:20]
    assert "a-" not in page.url, "answers never travel in the URL"


def test_whole_quiz_without_javascript(live_server, nojs_page):
    page = nojs_page
    page.goto(live_server.url + "/")
    assert not page.locator("#kunta-search").count(), (
        "no search box without JavaScript: the plain select works"
    )
    page.select_option("#kunta", "091")
    page.click("#municipality-form button[type=submit]")
    assert (
        "Aluevaalit" not in page.content()
        and "Helsingissä ei järjestetä aluevaaleja" in page.content()
    )
    page.click("text=Aloita: yksi väite kerrallaan")
    _, total = progress(page)
    answers = {}
    for i in range(total):
        assert progress(page) == (i + 1, total)
        qid = page.locator("fieldset.statement input").first.get_attribute("name")[2:]
        if i % 3:
            value = 1 + (i * 2) % 5
            page.check(f"fieldset.statement input[value='{value}']")
            answers[qid] = value
        if i == 4:  # forward one step and back again: nothing is lost
            page.click("button[value=next]")
            page.click("button[value=prev]")
            assert page.locator(f"fieldset.statement input[value='{answers[qid]}']").is_checked()
        if i < total - 1:
            page.click("button[value=next]")
    page.click("form.quiz .actions:not(.minor-actions) button[formaction]")
    assert page.locator("h1").first.inner_text() == "Tulokset"
    expected, _ = scorer_order(live_server.app, "kunta-2025", "kunta-2025:091", answers)
    assert shown_ids(page, "kunta-2025") == expected[:20]
    page.click("text=Seuraava sivu")
    assert shown_ids(page, "kunta-2025") == expected[20:40]
    page.click("#answers-form button[value='0']")  # "Change my answers"
    assert progress(page) == (1, total)
    assert page.locator("fieldset.statement input[value='']").is_checked(), (
        "the first statement was skipped"
    )
    page.click("text=Näytä kaikki väitteet yhdellä sivulla")
    for qid, value in answers.items():
        assert page.locator(f"#quiz-form input[name='a-{qid}'][value='{value}']").is_checked()


def test_one_page_mode_without_javascript(live_server, nojs_page):
    page = nojs_page
    answers = answer_one_page(page, f"{live_server.url}/kysely/kaikki?kunta=179&lang=sv")
    assert page.locator("h1").first.inner_text() == "Resultat"
    for election, constituency in JYVASKYLA.items():
        expected, _ = scorer_order(live_server.app, election, constituency, answers)
        assert shown_ids(page, election) == expected[:20]


def test_switching_language_mid_quiz_keeps_every_answer(live_server, page):
    page.goto(f"{live_server.url}/kysely?kunta=091")
    page.check("fieldset.statement input[value='2']")
    page.click("button[value=next]")
    page.check("fieldset.statement input[value='5']")  # not yet submitted
    page.click(".language-switcher button[lang=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Statement 2")
    assert page.locator("fieldset.statement input[value='5']").is_checked()
    page.click("button[value=prev]")
    assert page.locator("fieldset.statement input[value='2']").is_checked()
    page.goto(live_server.url + "/menetelma")
    assert page.locator("html").get_attribute("lang") == "en", "the choice persists"


def test_municipality_search_finds_bilingual_names(live_server, page):
    page.goto(f"{live_server.url}/?lang=sv")
    page.fill("#kunta-search", "esbo")
    assert page.input_value("#kunta") == "049"
    assert "Esbo" in page.locator("#kunta-search-status").inner_text()
    page.fill("#kunta-search", "helsinki")
    assert page.input_value("#kunta") == "091"
    page.fill("#kunta-search", "zzz")
    assert page.input_value("#kunta") == ""
    assert page.locator("#kunta-search-status").inner_text() == "Ingen kommun motsvarar sökningen."
    assert_accessible(page, "voter-start-search-sv")


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
    section = page.locator("#s-kunta-2025")
    section.locator("button[name=compare]").click()  # nobody chosen: an error, answers kept
    assert page.locator("[role=alert]").count() == 1
    assert_accessible(page, "voter-results-error")
    section = page.locator("#s-kunta-2025")
    section.locator("table.candidates input[name=c]").nth(0).check()
    section.locator("table.candidates input[name=c]").nth(1).check()
    section.locator("button[name=compare]").click()
    assert_accessible(page, "voter-compare")
    page.click(".back-form button")
    page.locator("#s-alue-2025 table.candidates a.name").first.click()
    page.wait_for_selector("#match-h")  # the public page, then beside the voter's answers
    assert_accessible(page, "voter-candidate")
    page.goto(f"{live_server.url}/ehdokkaat/1?lang=en")
    assert_accessible(page, "voter-candidate-public-en")
    page.goto(f"{live_server.url}/kysely/kaikki?kunta=091&lang=sv")
    assert_accessible(page, "voter-one-page-sv")
    page.goto(f"{live_server.url}/vaalit?kunta=478")
    assert_accessible(page, "voter-elections-aland-sv")
    for path in ("/menetelma?lang=en", "/tietosuoja", "/tulokset/jaettu"):
        page.goto(live_server.url + path)
        assert_accessible(page)


def test_pages_fit_a_phone_screen(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fi-FI")
    page = context.new_page()
    try:

        def overflow() -> int:
            page.wait_for_load_state("load")  # measured with the stylesheets applied
            return page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )

        page.goto(live_server.url + "/")
        assert overflow() <= 0
        page.goto(f"{live_server.url}/kysely?kunta=179")
        assert overflow() <= 0
        page.check("fieldset.statement input[value='4']")
        page.click("text=Näytä tulokset nyt")
        assert overflow() <= 0
        page.screenshot(
            path=str(Path(__file__).parent.parent / "test-artifacts" / "voter-results-phone.png"),
            full_page=True,
        )
        page.locator("table.candidates a.name").first.click()
        page.wait_for_selector("#match-h")
        assert overflow() <= 0
    finally:
        context.close()


def test_share_link_lives_in_the_fragment_and_reproduces_the_result(
    live_server, page, browser, caplog
):
    caplog.set_level(logging.INFO)
    page.goto(f"{live_server.url}/kysely?kunta=091&lang=sv")
    page.check("fieldset.statement input[value='1']")
    page.click("button[value=next]")
    page.check("fieldset.statement input[value='4']")
    page.click("input[name^='w-'][value=more]")
    page.click(".minor-actions button >> nth=0")
    page.wait_for_selector(
        "#s-kunta-2025 table.candidates"
    )  # the click does not wait for the results
    first = shown_ids(page, "kunta-2025")
    assert not page.locator("#share-link").is_visible(), "a link is made only when the voter asks"
    page.click("#make-share-link")
    assert "avslöjar dina svar" in page.locator("label[for=share-link]").inner_text()
    link = page.input_value("#share-link")
    path, fragment = link.split("#", 1)
    assert path.endswith("/tulokset/jaettu") and "a-" not in path
    decoded = base64.urlsafe_b64decode(fragment + "=" * (-len(fragment) % 4)).decode()
    assert "a-council-hearing=1" in decoded and "w-organisations-in-planning=more" in decoded
    other = browser.new_context().new_page()  # someone else opens the link
    try:
        other.goto(link)
        other.wait_for_selector("table.candidates")
        assert shown_ids(other, "kunta-2025") == first
        assert other.locator("html").get_attribute("lang") == "sv"
    finally:
        other.context.close()
    assert "GET /tulokset/jaettu" in caplog.text
    assert fragment not in caplog.text, "the fragment never reaches the server's access log"


def test_a_voters_answers_reach_neither_the_database_nor_the_logs(live_server, page, caplog):
    caplog.set_level(logging.DEBUG)
    page.goto(f"{live_server.url}/kysely?kunta=179")
    _, total = progress(page)
    answers = {}
    for i in range(total):
        qid = page.locator("fieldset.statement input").first.get_attribute("name")[2:]
        answers[qid] = 1 + (i * 4) % 5
        page.check(f"fieldset.statement input[value='{answers[qid]}']")
        if i < total - 1:
            page.click("button[value=next]")
    page.click("form.quiz .actions:not(.minor-actions) button[formaction]")
    page.locator("#s-kunta-2025 table.candidates a.name").first.click()
    page.wait_for_selector("#match-h")
    page.click(".back-form button")
    page.click("#make-share-link")
    fragment = page.input_value("#share-link").split("#", 1)[1]
    assert page.locator("table.candidates").count() == 2
    # The answers as they travel (form fields) and as a share link encodes them.
    secrets = (
        [f"a-{q}={v}" for q, v in answers.items()] + [f"a-{q}" for q in answers] + [fragment[:40]]
    )
    stored = database_bytes(live_server.app)
    for secret in secrets:
        assert secret.encode() not in stored, secret
    assert "POST /kysely" in caplog.text and "POST /tulokset" in caplog.text, (
        "the request log was captured"
    )
    for secret in secrets:
        assert secret not in caplog.text, secret
