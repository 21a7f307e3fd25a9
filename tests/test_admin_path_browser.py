"""The administrator's whole path in real Chromium, with e-mail through a real SMTP server: upload the
Ministry of Justice's candidate list and the parties' e-mail lists, queue invitations, deliver them, a
candidate follows the link from the e-mail, answers, the deadline passes, the official results are
uploaded, and an organisation's user (invited by e-mail too) reads a report that shows who was elected.

The files are the official layout's test copies in tests/data/moj (ISO-8859-1, `;`, no header), zipped as
the ministry publishes them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.builders import PASSWORD, make_election, make_user
from tests.conftest import LiveServer
from tests.helpers import assert_accessible, cell_text
from tests.test_import_moj import MUNICIPAL, with_line, zipped
from tests.test_official_results import RESULTS
from vaalikone.db import connect

pytestmark = pytest.mark.browser
# Each party sends the addresses of its own candidates: municipality number, ballot number, address.
RKP_ADDRESSES = "municipality,number,email\n545,2,bjorn@example.fi\n545,3,gunnel@example.fi\n"
SDP_ADDRESSES = "municipality,number,email\n091,4,matti@example.fi\n545,4,marta@example.fi\n"


def upload(page, which: str, path) -> None:
    """Choose a file in one of the election page's upload forms (official, emails, results), send it."""
    form = page.locator(f"form:has(#{which}-file)")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("button[type=submit]").click()


def test_administrator_runs_an_election_from_the_official_list_to_elected_councillors(
    make_app, smtp, browser, tmp_path
):
    app = make_app(MAIL_RETRY_SECONDS=0, MAIL_PER_MINUTE=60000, **smtp.config)
    db = connect(app.config["DATABASE"])
    make_election(db)
    make_user(db, "admin@example.fi", "admin")
    db.conn.commit()
    files = {
        "broken.csv": with_line(3, lambda cells: cells.__setitem__(2, "999")),
        "kv-2029_ehd_maa.csv.zip": zipped(MUNICIPAL, "kv-2029_ehd_maa.csv"),
        "rkp.csv": RKP_ADDRESSES.encode(),
        "sdp.csv": SDP_ADDRESSES.encode(),
        "kv-2029_teat_maa.csv.zip": zipped(RESULTS),
    }
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
    cli = app.test_cli_runner()

    with LiveServer(app) as server:
        app.config["BASE_URL"] = server.url
        admin = browser.new_context(locale="fi-FI").new_page()
        admin.goto(server.url + "/kirjaudu")
        admin.fill("#email", "admin@example.fi")
        admin.fill("#password", PASSWORD)
        admin.click("main form button[type=submit]")
        admin.click("text=Testivaalit kunta-2029")

        # A list with a problem imports nothing and says where the problem is.
        upload(admin, "official", tmp_path / "broken.csv")
        problems = cell_text(admin.locator(".error-summary"))
        assert "rivi 3, sarake 3 (kunta): tuntematon kunta '999'." in problems
        assert db.execute("SELECT count(*) FROM candidate").fetchone()[0] == 0
        # The official list as the ministry publishes it.
        upload(admin, "official", tmp_path / "kv-2029_ehd_maa.csv.zip")
        assert "Ehdokaslista tuotu: 10 uutta, 0 muuttunutta, 0 poistunutta, 0 ennallaan." in (
            admin.content()
        )
        # Two parties' address lists; the second leaves the first one's addresses alone.
        admin.select_option("#emails-party", "rkp")
        upload(admin, "emails", tmp_path / "rkp.csv")
        assert "Osoitteita tuotu 2: 2 muuttui, 2 uutta tunnusta." in admin.content()
        admin.select_option("#emails-party", "sdp")
        upload(admin, "emails", tmp_path / "sdp.csv")
        assert "Osoitteita tuotu 2: 2 muuttui, 2 uutta tunnusta." in admin.content()
        assert_accessible(admin, "path-admin-election")

        # Invitations by e-mail, delivered by send-mail as the server's timer would run it.
        admin.click("text=Sähköposti ja muistutukset")
        admin.click("button:has-text('Lisää kutsut jonoon')")
        assert "Jonoon lisättiin 4 kutsua." in admin.content()
        assert "Sent 4, failed 0" in cli.invoke(args=["send-mail"]).output
        admin.reload()
        assert admin.locator("table.mail-counts td[data-status=sent]").inner_text() == "4"
        assert_accessible(admin, "path-admin-mail")
        bjorn = smtp.recorder.to("bjorn@example.fi")[0]
        assert bjorn.subject == "Inbjudan att svara i valkompassen: Testval"

        # Björn, Swedish-speaking on the official list, follows the link in his e-mail, sets a password
        # and answers everything.
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

        # The official results: in Närpes, Björn was elected and his party colleague Gunnel was not.
        upload(admin, "results", tmp_path / "kv-2029_teat_maa.csv.zip")
        assert "Tulokset tuotu: 4 valittua, 1 varalla, 5 ei valittu." in admin.content()
        row = admin.locator("table tr:has(a:text-is('Björn Åström'))")
        assert cell_text(row.locator("td").last) == "valittu"
        # Voters see it on his page.
        bjorn_id = db.execute("SELECT id FROM candidate WHERE last_name = 'Åström'").fetchone()[0]
        voter = browser.new_context(locale="fi-FI").new_page()
        voter.goto(f"{server.url}/ehdokkaat/{bjorn_id}")
        assert "Valittiin vaaleissa valtuustoon." in voter.content()

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
        organisation.locator("table a[href*='vaalipiiri=kunta-2029:545']").click()
        names = {
            cell_text(row.locator("th"))
            for row in organisation.locator("table.candidates tbody tr").all()
        }
        # Only Närpes's elected, and the report marks him so.
        assert names == {"Björn Åström (2) valittu"}
        assert_accessible(organisation, "path-report-elected")
    db.conn.close()
