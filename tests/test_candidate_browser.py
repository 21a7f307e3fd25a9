"""The whole candidate path in real Chromium: import, invitation, password, half the answers, come back,
finish, preview; after publishing, a voter finds the candidate with those answers."""

from __future__ import annotations

import pytest

from tests.builders import PASSWORD, make_election, make_user
from tests.conftest import LiveServer
from tests.helpers import assert_accessible, cell_text
from vaalikone.db import connect

pytestmark = pytest.mark.browser
CSV = (
    "election;municipality;party;number;first_name;last_name;email;languages\n"
    "kunta-2029;179;vihr;7;Saimi;Selkeä;saimi@example.fi;fi sv\n"
    "kunta-2029;179;kok;8;Toivo;Tasainen;toivo@example.fi;fi\n"
)


def test_admin_imports_invites_and_a_candidate_answers_until_voters_see_it(
    make_app, browser, tmp_path
):
    app = make_app()  # CSRF on, as in production
    db = connect(app.config["DATABASE"])
    make_election(db, "kunta-2029", "kunta")
    make_user(db, "admin@example.fi", "admin")
    db.conn.close()
    csv_file = tmp_path / "ehdokkaat.csv"
    csv_file.write_text(CSV, encoding="utf-8-sig")
    with LiveServer(app) as server:
        admin = browser.new_context().new_page()
        admin.goto(server.url + "/kirjaudu")
        admin.fill("#email", "admin@example.fi")
        admin.fill("#password", PASSWORD)
        admin.click("form button[type=submit]")
        assert_accessible(admin, "admin-index")
        admin.click("text=Testivaalit kunta-2029")
        admin.set_input_files("#file", str(csv_file))
        admin.click("form[action$='/tuonti'] button[type=submit]")
        assert "Tuotiin 2 ehdokasta." in admin.content()
        assert_accessible(admin, "admin-election")
        admin.click("text=Luo kutsulinkit ehdokkaille")
        assert_accessible(admin, "admin-invitations")
        row = admin.locator("tr", has_text="saimi@example.fi")
        link = row.locator("code.invitation").inner_text()

        candidate = browser.new_context().new_page()
        candidate.goto(link)
        assert_accessible(candidate, "candidate-set-password")
        candidate.fill("#password", "oma-salasana-1")
        candidate.fill("#confirm", "oma-salasana-1")
        candidate.click("form button[type=submit]")
        statements = candidate.locator("fieldset.statement")
        total = statements.count()
        given = {}
        for i in range(total // 2):
            block = statements.nth(i)
            qid = block.locator("input[type=radio]").first.get_attribute("name")[2:]
            value = 1 + (i * 2) % 5
            block.locator(f"input[value='{value}']").check()
            given[qid] = value
        first_qid = next(iter(given))
        candidate.fill(f"#jfi-{first_qid}", "Perustelen tämän vastauksen.")
        candidate.click("form button[type=submit]:has-text('Tallenna')")
        assert "Tallennettu" in candidate.content()
        assert f"Vastattu {total // 2} / {total}" in candidate.content()

        # Later: log out, come back, finish.
        candidate.click("text=Kirjaudu ulos")
        candidate.goto(server.url + "/kirjaudu")
        candidate.fill("#email", "saimi@example.fi")
        candidate.fill("#password", "oma-salasana-1")
        candidate.click("form button[type=submit]")
        for i in range(total):
            block = statements.nth(i)
            qid = block.locator("input[type=radio]").first.get_attribute("name")[2:]
            if qid in given:
                assert block.locator(f"input[value='{given[qid]}']").is_checked(), (
                    "nothing saved is lost"
                )
            else:
                value = 1 + (i * 2) % 5
                block.locator(f"input[value='{value}']").check()
                given[qid] = value
        candidate.click("form button[type=submit]:has-text('Tallenna')")
        assert f"Vastattu {total} / {total}" in candidate.content()
        assert_accessible(candidate, "candidate-answers")
        candidate.click("text=Esikatsele")
        assert (
            "Saimi Selkeä" in candidate.content()
            and "Perustelen tämän vastauksen." in candidate.content()
        )
        assert_accessible(candidate, "candidate-preview")

        admin.goto(server.url + "/yllapito/vaalit/kunta-2029")
        admin.click("text=Julkaise vastaukset…")
        # Publishing asks first, saying how many candidates have answered.
        assert "Vastannut kaikkiin väitteisiin: 1" in admin.content()
        assert "Ei vastannut yhteenkään väitteeseen: 1" in admin.content()
        assert_accessible(admin, "admin-publish-confirm")
        admin.click("main form button[type=submit]")
        assert "Vaalit julkaistu." in admin.content()

        voter = browser.new_context().new_page()
        voter.goto(server.url + "/kysely/kaikki?kunta=179")
        blocks = voter.locator("fieldset.statement")
        for i in range(blocks.count()):
            qid = blocks.nth(i).locator("input").first.get_attribute("name")[2:]
            if qid in given:
                blocks.nth(i).locator(f"input[value='{given[qid]}']").check()
        voter.click("form.quiz button[type=submit]")
        kunta = voter.locator("section.election-results").first
        first_row = kunta.locator("table.candidates tbody tr").first
        assert first_row.locator("th").inner_text() == "Saimi Selkeä"
        assert cell_text(first_row.locator("td.match")).split("\n")[0] == "100\xa0%"
        first_row.locator("th a.name").click()
        voter.wait_for_selector(".big-match")  # the public page, then beside the voter's answers
        assert "Perustelen tämän vastauksen." in voter.content()
        assert cell_text(voter.locator(".big-match")) == "Vastaavuus kanssasi: 100\xa0%"
        assert_accessible(voter, "voter-candidate-after-publishing")
