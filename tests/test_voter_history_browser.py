"""Back, Refresh and new tabs behave as on any web page, with JavaScript, although the server never keeps a
voter's answers: the tab keeps them (sessionStorage) and posts them again. After a whole quiz, no request
URL, cookie, log line or database row holds an answer."""

from __future__ import annotations

import logging

import pytest

from tests.helpers import database_bytes
from tests.test_voter_browser import progress, shown_ids

pytestmark = pytest.mark.browser


def answer_whole_quiz(page, url: str) -> dict[str, int]:
    """Answer every statement of Jyväskylä's quiz (some skipped, one marked more important)."""
    page.goto(f"{url}/kysely?kunta=179")
    _, total = progress(page)
    answers = {}
    for i in range(total):
        qid = page.locator("fieldset.statement input").first.get_attribute("name")[2:]
        if i % 5 != 3:
            answers[qid] = 1 + (i * 3) % 5
            page.check(f"fieldset.statement input[value='{answers[qid]}']")
        if i == 2:
            page.check("input[name^='w-'][value=more]")
        if i < total - 1:
            page.click("button[value=next]")
    page.click("form.quiz .step-actions button[formaction]")
    page.wait_for_selector("table.candidates")
    return answers


def requests_of(page) -> list[tuple[str, str]]:
    """Every request the page makes from now on, as (method, URL)."""
    seen: list[tuple[str, str]] = []
    page.on("request", lambda r: seen.append((r.method, r.url)))
    return seen


def test_back_and_refresh_return_to_the_same_results(live_server, page):
    answer_whole_quiz(page, live_server.url)
    # The voter narrows the list to one party: the results "as they were" include that.
    section = page.locator("#s-kunta-2025")
    party = section.locator("select[name='party-kunta-2025'] option").nth(2).get_attribute("value")
    section.locator("select[name='party-kunta-2025']").select_option(party)
    section.locator("button[name=filter]").click()
    before = {e: shown_ids(page, e) for e in ("kunta-2025", "alue-2025")}
    assert before["kunta-2025"] and before["alue-2025"]
    length = page.evaluate("history.length")
    seen = requests_of(page)

    page.locator("#s-kunta-2025 table.candidates a.name").first.click()
    page.wait_for_selector("#match-h")  # the candidate beside the voter's answers
    page.go_back()
    page.wait_for_selector("table.candidates")
    assert {e: shown_ids(page, e) for e in before} == before
    assert page.input_value("select[name='party-kunta-2025']") == party
    # Back fetched the page by GET (no form resubmitted by the browser, so no prompt), and the page
    # posted the answers itself, replacing its own history entry.
    back = [r for r in seen if "/static/" not in r[1] and "favicon" not in r[1]]
    assert back[2:4] == [
        ("GET", f"{live_server.url}/tulokset"),
        ("POST", f"{live_server.url}/tulokset"),
    ]
    assert page.evaluate("history.length") == length + 1  # the candidate page only

    page.click("footer >> text=Näin vertailu lasketaan")
    assert page.locator("h1").inner_text() == "Näin vertailu lasketaan"
    page.go_back()
    page.wait_for_selector("table.candidates")
    assert {e: shown_ids(page, e) for e in before} == before

    page.reload()
    page.wait_for_selector("table.candidates")
    assert {e: shown_ids(page, e) for e in before} == before
    assert page.evaluate("history.length") == length + 1


def test_a_candidate_opens_in_a_new_tab_beside_my_answers(live_server, page):
    page.goto(f"{live_server.url}/kysely?kunta=179")
    page.check("fieldset.statement input[value='5']")
    page.click("button[value=next]")
    page.check("fieldset.statement input[value='1']")
    page.click("form.quiz .minor-actions button >> nth=0")
    link = page.locator("#s-alue-2025 table.candidates a.name").nth(1)
    href = link.get_attribute("href")
    assert href.startswith("/ehdokkaat/") and "?" not in href and "#" not in href
    match = (
        page.locator("#s-alue-2025 table.candidates td.match")
        .nth(1)
        .inner_text()
        .split("\n")[0]
        .strip()
    )
    with page.context.expect_page() as opened:
        link.click(modifiers=["Control"])
    tab = opened.value
    tab.wait_for_selector("#match-h")
    assert tab.url == live_server.url + href
    assert match in tab.locator("#match-h").inner_text()
    assert page.locator("table.candidates").count() == 2, "the results stay in their own tab"
    # A tab the browser opens by itself (no answers in it) shows the candidate's public page.
    other = page.context.browser.new_context().new_page()
    try:
        other.goto(live_server.url + href)
        assert other.locator("#answers-h").inner_text() == "Ehdokkaan vastaukset"
        assert other.locator("#match-h").count() == 0
        assert "ei ole vastauksiasi" not in other.content()
    finally:
        other.context.close()


def test_opening_results_directly_explains_instead_of_405(live_server, page, nojs_page):
    page.goto(f"{live_server.url}/tulokset")
    assert "Tällä välilehdellä ei ole vastauksiasi" in page.locator("#restore-status").inner_text()
    response = nojs_page.goto(f"{live_server.url}/tulokset")
    assert response.status == 200
    assert "ilman JavaScriptiä" in nojs_page.locator("main").inner_text()


def test_after_a_whole_quiz_no_url_cookie_log_line_or_row_holds_an_answer(
    live_server, page, caplog
):
    caplog.set_level(logging.DEBUG)
    seen = requests_of(page)
    answers = answer_whole_quiz(page, live_server.url)
    page.locator("#s-kunta-2025 table.candidates a.name").first.click()
    page.wait_for_selector("#match-h")
    page.go_back()
    page.wait_for_selector("table.candidates")
    with page.context.expect_page() as opened:
        page.locator("#s-alue-2025 table.candidates a.name").first.click(modifiers=["Control"])
    opened.value.wait_for_selector("#match-h")
    section = page.locator("#s-kunta-2025")
    for i in range(2):
        section.locator("table.candidates input[name=c]").nth(i).check()
    section.locator("button[name=compare]").click()
    # Reload only once the comparison has arrived and its script has made the entry a GET: reloading
    # mid-navigation detaches the page (seen once on a fresh clone).
    page.wait_for_selector("table.compare")
    page.wait_for_load_state("load")
    page.reload()
    page.wait_for_selector("table.compare")

    # The answers as they travel in a form; in the logs also without the prefix. (The database holds the
    # statements' ids themselves, and its binary pages can put any byte after one.)
    fields = [f"a-{q}" for q in answers]
    logged = fields + [f"{q}={v}" for q, v in answers.items()]
    for _method, url in seen:
        assert "a-" not in url.split("/", 3)[-1] and not any(q in url for q in answers), url
    assert {m for m, u in seen if u.endswith("/tulokset")} == {"GET", "POST"}
    for cookie in page.context.cookies():
        assert not any(q in cookie["value"] or q in cookie["name"] for q in answers), cookie
    assert "POST /tulokset" in caplog.text and "GET /ehdokkaat/" in caplog.text
    for secret in logged:
        assert secret not in caplog.text, secret
    stored = database_bytes(live_server.app)
    for secret in fields:
        assert secret.encode() not in stored, secret
