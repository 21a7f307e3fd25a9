"""An organisation in real Chromium: changes a goal's weight and sees the candidate ranking change;
every report page passes axe-core and is saved as a screenshot."""

from __future__ import annotations

import pytest

from tests.helpers import assert_accessible
from vaalikone import reports
from vaalikone.db import connect
from vaalikone.matching import scoring
from vaalikone.matching.snapshot import get_snapshot

pytestmark = pytest.mark.browser
ELECTION = "alue-2025"
CONSTITUENCY = "alue-2025:keski-suomi"


def ranking(db, weights_override: dict[str, float]) -> list[int]:
    """KYT's ranking of Keski-Suomi's candidates, computed with the scorer for given goal weights."""
    snapshot = get_snapshot(db, ELECTION)
    positions, weights, goals = reports.goal_vectors(db, "kyt", snapshot)
    for g in goals:
        if g["question_id"] in weights_override:
            weights[g["index"]] = weights_override[g["question_id"]]
    view = snapshot.constituency(CONSTITUENCY)
    aligned = scoring.alignment(positions, weights, view.matrix)
    order = scoring.rank(aligned, snapshot.numbers[view.rows])
    return [int(snapshot.candidate_ids[view.rows[i]]) for i in order]


def shown_ranking(page) -> list[str]:
    return page.locator("table.candidates tbody th").all_inner_texts()


def test_changing_a_goal_weight_changes_the_ranking(live_server, page):
    db = connect(live_server.app.config["DATABASE"])
    snapshot = get_snapshot(db, ELECTION)
    _, _, goals = reports.goal_vectors(db, "kyt", snapshot)
    before = ranking(db, {})
    # The goal whose new weight reorders the top ten: found with the scorer, then done in the browser.
    change = next(
        (g, w)
        for g in goals
        for w in (0.5, 1.0, 2.0)
        if w != g["weight"] and ranking(db, {g["question_id"]: w})[:10] != before[:10]
    )
    goal, weight = change
    expected = ranking(db, {goal["question_id"]: weight})
    names = {
        c["id"]: f"{c['first_name']} {c['last_name']}"
        for c in db.query("SELECT * FROM candidate WHERE election_id = ?", [ELECTION])
    }
    db.conn.close()

    page.goto(live_server.url + "/kirjaudu")
    page.fill("#email", "kyt@demo.vaalikone.invalid")
    page.fill("#password", "vaalikone-demo")
    page.click("form button[type=submit]")
    assert_accessible(page, "organisation-index")
    page.goto(f"{live_server.url}/jarjesto/raportti/{ELECTION}?vaalipiiri={CONSTITUENCY}")
    first = [s.split(" (")[0] for s in shown_ranking(page)]
    assert first[:10] == [names[i] for i in before[:10]]
    assert_accessible(page, "organisation-report")
    page.click("text=Muokkaa tavoitteita")
    assert_accessible(page, "organisation-profile")
    page.select_option(f"#weight-{goal['question_id']}", str(weight))
    page.click("text=Tallenna tavoiteprofiili")
    page.goto(f"{live_server.url}/jarjesto/raportti/{ELECTION}?vaalipiiri={CONSTITUENCY}")
    after = [s.split(" (")[0] for s in shown_ranking(page)]
    assert after[:10] == [names[i] for i in expected[:10]]
    assert after[:10] != first[:10]

    page.goto(f"{live_server.url}/jarjesto/raportti/{ELECTION}?valitut=1")
    assert_accessible(page, "organisation-report-elected")
    page.goto(f"{live_server.url}/jarjesto/raportti/{ELECTION}")
    page.click("text=Julkaise raportti")
    assert "Julkaistaanko raportti" in page.locator("h1").inner_text()  # asks first, with a summary
    assert_accessible(page, "organisation-publish-confirm")
    page.click("main form button[type=submit]")
    public_url = page.locator("a[href*='/jarjesto/raportit/']").first.get_attribute("href")
    page.click("text=Kirjaudu ulos")
    page.goto(live_server.url + public_url)
    assert "Keski-Suomen Yhteisöjen Tuki" in page.content()
    assert_accessible(page, "organisation-report-public")
    page.goto(live_server.url + public_url + "?lang=sv")
    assert_accessible(page, "organisation-report-public-sv")
