"""Trust pages in real Chromium, with and without JavaScript: where a statement comes from, the range
beside a match, the "how sure" sentence, how the parties answered, the results filters, and the
accessibility statement's feedback form; axe-core (WCAG 2.1 AA) on every new page in fi, sv and en."""

from __future__ import annotations

import re

import pytest

from tests.helpers import answer_one_page, assert_accessible, cell_text
from vaalikone.db import opened
from vaalikone.matching import scoring
from vaalikone.matching.snapshot import get_snapshot

pytestmark = pytest.mark.browser
BOTH = ["page", "nojs_page"]


def ranges(app, answers: dict[str, int]) -> dict[int, tuple[float, float]]:
    with opened(app.config["DATABASE"]) as db:
        snapshot = get_snapshot(db, "kunta-2025")
        view = snapshot.constituency("kunta-2025:179")
        voter, w = snapshot.voter_vectors(answers, {})
        low, high = scoring.match_range(voter, w, view.matrix)
        ids = snapshot.candidate_ids[view.rows].tolist()
        return dict(zip(ids, zip(low.tolist(), high.tolist(), strict=True), strict=True))


@pytest.mark.parametrize("fixture", BOTH)
def test_results_show_the_range_and_how_sure_the_result_is(live_server, request, fixture):
    page = request.getfixturevalue(fixture)
    answers = answer_one_page(page, f"{live_server.url}/kysely/kaikki?kunta=179")
    expected = ranges(live_server.app, answers)
    section = page.locator("#s-kunta-2025")
    sure = section.locator(".how-sure").inner_text()
    assert re.search(r"Kärkesi 5 ehdokkaasta [0-5] pysyy kärjessä", sure)
    assert re.search(r"Kärjessä pysyy [0-5]", sure)
    rows = section.locator("table.candidates tbody tr")
    seen_range = False
    for i in range(rows.count()):
        row = rows.nth(i)
        cid = int(row.locator("a.name").get_attribute("href").rsplit("/", 1)[1])
        low, high = expected[cid]
        cell = cell_text(row.locator("td.match"))
        assert cell.startswith(f"{round(low)}\xa0%"), cell
        if round(low) != round(high):
            assert f"({round(low)}\xa0%–{round(high)}\xa0%)" in cell
            seen_range = True
    assert seen_range, "some demo candidate in the top 20 left a statement blank"


@pytest.mark.parametrize("fixture", BOTH)
def test_filters_narrow_the_list_and_keep_the_answers(live_server, request, fixture):
    page = request.getfixturevalue(fixture)
    answers = answer_one_page(page, f"{live_server.url}/kysely/kaikki?kunta=179")
    section = page.locator("#s-kunta-2025")
    section.locator("select[name='gender-kunta-2025']").select_option("f")
    section.locator("select[name='age-kunta-2025']").select_option("45-64")
    section.locator("button[name=filter]").click()
    with opened(live_server.app.config["DATABASE"]) as db:
        expected = {
            i
            for (i,) in db.execute(
                """SELECT id FROM candidate WHERE constituency_id = 'kunta-2025:179'
                   AND gender = 'f' AND age BETWEEN 45 AND 64"""
            )
        }
    section = page.locator("#s-kunta-2025")
    shown = {
        int(a.rsplit("/", 1)[1])
        for a in section.locator("table.candidates a.name").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
    }
    assert shown and shown <= expected and len(shown) == min(20, len(expected))
    assert f"{len(expected)}" in section.locator(".list-count").inner_text()
    # The answers and the filters rode in the form: nothing of them in the address.
    assert "?" not in page.url and page.url.endswith("/tulokset#s-kunta-2025")
    assert section.locator("select[name='gender-kunta-2025']").input_value() == "f"
    hidden = page.locator("#answers-form input[type=hidden][name^='a-']")
    assert hidden.count() == len(answers)


@pytest.mark.parametrize("fixture", BOTH)
def test_a_statement_page_opens_from_the_quiz_and_lists_its_sources(live_server, request, fixture):
    page = request.getfixturevalue(fixture)
    page.goto(f"{live_server.url}/kysely?kunta=179")
    link = page.locator("a.statement-source").first
    href = link.get_attribute("href")
    with page.context.expect_page() as opened:
        link.click()  # a new tab: the quiz and its answers stay where they were
    statement = opened.value
    statement.wait_for_load_state()
    assert statement.url.endswith(href)
    assert statement.locator("h1").inner_text() == "Mistä väite tulee?"
    assert statement.locator("figure.source-quote").count() >= 1
    assert "SOSTE" in statement.locator("main").inner_text() or "Järjestökaista" in (
        statement.locator("main").inner_text()
    )
    statement.click("text=Kaikki lähteet")
    assert statement.locator("section.source-document").count() == 5


@pytest.mark.parametrize("fixture", BOTH)
def test_the_party_page_is_one_click_from_the_start(live_server, request, fixture):
    page = request.getfixturevalue(fixture)
    page.goto(live_server.url + "/")
    page.locator("a[href='/puolueiden-vastaukset/kunta-2025']").click()
    assert page.url.endswith("/puolueiden-vastaukset/kunta-2025")
    section = page.locator("section.party-answers").first
    assert section.locator("svg[role=img] title").count() == 1
    rows = section.locator("table.answers-table tbody tr")
    assert rows.count() >= 2
    # Each party's shares add up to 100 % (rounding aside) and the chart's segments to its bar.
    cells = rows.first.locator("td").all_inner_texts()
    shares = [int(re.match(r"(\d+)", c).group(1)) for c in cells[:-1]]
    assert 97 <= sum(shares) <= 103


def test_feedback_reaches_the_administrator_without_javascript(live_server, nojs_page):
    page = nojs_page
    page.goto(live_server.url + "/tietosuoja")
    page.click("footer >> text=Saavutettavuusseloste")
    page.fill("textarea[name=message]", "Kaavion värit ovat vaikeita erottaa.")
    page.click("text=Lähetä palaute")
    assert "Kiitos palautteesta" in page.locator(".flash").inner_text()
    with opened(live_server.app.config["DATABASE"]) as db:
        stored = [m for (m,) in db.execute("SELECT message FROM accessibility_feedback")]
    assert stored == ["Kaavion värit ovat vaikeita erottaa."]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_new_page_passes_axe(live_server, page, lang):
    for path in (
        "/vaitteet/organisations-in-planning",
        "/lahteet",
        "/puolueiden-vastaukset/alue-2025",
        "/luotettavuus/alue-2025",
        "/menetelma",
        "/saavutettavuus",
    ):
        page.goto(f"{live_server.url}{path}?lang={lang}")
        assert_accessible(page, f"trust{path.replace('/', '-')}-{lang}")
    # The feedback form with its errors shown.
    page.click(
        "text=" + {"fi": "Lähetä palaute", "sv": "Skicka respons", "en": "Send feedback"}[lang]
    )
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page, f"trust-feedback-error-{lang}")
    # Results with the range, the how-sure box and the filters.
    answer_one_page(page, f"{live_server.url}/kysely/kaikki?kunta=179&lang={lang}")
    assert page.locator(".how-sure").count() == 2
    assert_accessible(page, f"trust-results-{lang}")
