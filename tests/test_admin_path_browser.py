"""The administrator's whole path in real Chromium, with e-mail through a real SMTP server: upload the
candidates, queue invitations, deliver them, a candidate follows the link from the e-mail, answers, the
deadline passes, the results come in, an organisation's user (invited by e-mail too) reads a report that shows who was elected.

The official Ministry of Justice list, the parties' e-mail lists and the official results file are
imported by the `moj` work; until it lands, this path uploads our own candidate CSV (which carries the
addresses) and marks the elected with `set-elected`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.builders import PASSWORD, make_election, make_user
from tests.conftest import LiveServer
from tests.helpers import assert_accessible, cell_text
from vaalikone.db import connect

pytestmark = pytest.mark.browser
CSV = (
    "election;municipality;party;number;first_name;last_name;email;languages\n"
    "kunta-2029;179;vihr;7;Saimi;Selkeä;saimi@example.fi;fi\n"
    "kunta-2029;179;kok;8;Björn;Berg;bjorn@example.fi;sv fi\n"
    "kunta-2029;179;sdp;9;Toivo;Tasainen;toivo@example.fi;fi\n"
)


def test_administrator_runs_an_election_from_candidate_list_to_elected_councillors(
    make_app, smtp, browser, tmp_path
):
    app = make_app(MAIL_RETRY_SECONDS=0, MAIL_PER_MINUTE=60000, **smtp.config)
    db = connect(app.config["DATABASE"])
    make_election(db)
    make_user(db, "admin@example.fi", "admin")
    db.conn.commit()
    csv_file = tmp_path / "ehdokkaat.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    cli = app.test_cli_runner()

    with LiveServer(app) as server:
        app.config["BASE_URL"] = server.url
        admin = browser.new_context(locale="fi-FI").new_page()
        admin.goto(server.url + "/kirjaudu")
        admin.fill("#email", "admin@example.fi")
        admin.fill("#password", PASSWORD)
        admin.click("main form button[type=submit]")
        admin.click("text=Testivaalit kunta-2029")
        # Our own CSV format (the official list, e-mail and results uploads have forms of their own).
        admin.set_input_files("form[action$='/tuonti'] input[type=file]", str(csv_file))
        admin.click("form[action$='/tuonti'] button[type=submit]")
        assert "Tuotiin 3 ehdokasta." in admin.content()

        # Invitations by e-mail, delivered by send-mail as the server's timer would run it.
        admin.click("text=Sähköposti ja muistutukset")
        admin.click("button:has-text('Lisää kutsut jonoon')")
        assert "Jonoon lisättiin 3 kutsua." in admin.content()
        assert "Sent 3, failed 0" in cli.invoke(args=["send-mail"]).output
        admin.reload()
        assert admin.locator("table.mail-counts td[data-status=sent]").inner_text() == "3"
        assert_accessible(admin, "path-admin-mail")
        bjorn = smtp.recorder.to("bjorn@example.fi")[0]
        assert bjorn.subject == "Inbjudan att svara i valkompassen: Testval"

        # Björn follows the link in his e-mail, sets a password and answers everything.
        link = re.search(r"http://127\.0\.0\.1:\d+/kutsu/\S+", bjorn.body).group(0)
        candidate = browser.new_context(locale="sv-FI").new_page()
        candidate.goto(link)
        candidate.fill("#password", "bjorns-losenord")
        candidate.fill("#confirm", "bjorns-losenord")
        candidate.click("main form button[type=submit]")
        statements = candidate.locator("fieldset.statement")
        total = statements.count()
        for i in range(total):
            statements.nth(i).locator("input[value='4']").check()
        candidate.click("form button[type=submit]:has-text('Tallenna')")
        assert f"Vastattu {total} / {total}" in candidate.content()
        assert "Sent 1, failed 0" in cli.invoke(args=["send-mail"]).output
        (confirmation,) = [a for a in smtp.recorder.to("bjorn@example.fi") if a is not bjorn]
        assert confirmation.subject == "Dina svar har sparats: Testval"
        candidate.goto(link)
        assert "Kutsu ei kelpaa" in candidate.content(), "the link from the e-mail works once"

        # The deadline passes: saving is refused, the administrator publishes.
        db.execute(
            "UPDATE election SET answer_deadline = ?",
            [(datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="seconds")],
        )
        db.conn.commit()
        candidate.goto(server.url + "/ehdokas/")
        assert candidate.locator("input[type=radio]").first.is_disabled()
        admin.goto(server.url + "/yllapito/vaalit/kunta-2029")
        admin.click("text=Julkaise vastaukset")
        # The confirmation says how many candidates answered; publishing happens on its button.
        admin.click("form:has(input[name=confirm]) button[type=submit]")
        assert "Vaalit julkaistu." in admin.content()

        # The results: Björn and Saimi were elected.
        ids = dict(db.execute("SELECT last_name, id FROM candidate").fetchall())
        results = tmp_path / "valitut.csv"
        results.write_text(
            f"candidate_id,elected\n{ids['Berg']},1\n{ids['Selkeä']},1\n{ids['Tasainen']},0\n",
            encoding="utf-8",
        )
        assert cli.invoke(args=["set-elected", "kunta-2029", str(results)]).exit_code == 0

        # An organisation's user, invited by e-mail from the administrator's pages, reads the report.
        admin.goto(server.url + "/yllapito/jarjestot")
        admin.fill("#organisation_id", "soste")
        admin.fill("#email", "raportit@soste.fi")
        admin.click("main form button:has-text('Kutsu käyttäjä')")
        assert "Sent 1, failed 0" in cli.invoke(args=["send-mail"]).output
        (invitation,) = smtp.recorder.to("raportit@soste.fi")
        organisation = browser.new_context(locale="fi-FI").new_page()
        organisation.goto(re.search(r"http://127\.0\.0\.1:\d+/kutsu/\S+", invitation.body).group(0))
        organisation.fill("#password", "soste-salasana-1")
        organisation.fill("#confirm", "soste-salasana-1")
        organisation.click("main form button[type=submit]")
        organisation.goto(server.url + "/jarjesto/raportti/kunta-2029?valitut=1")
        assert "Mukana vain valitut ehdokkaat." in organisation.content()
        organisation.locator("table a[href*=vaalipiiri]").first.click()
        names = {
            cell_text(row.locator("th"))
            for row in organisation.locator("table.candidates tbody tr").all()
        }
        # Both elected, and the report marks them so.
        assert names == {"Björn Berg (8) valittu", "Saimi Selkeä (7) valittu"}
        assert_accessible(organisation, "path-report-elected")
    db.conn.close()
