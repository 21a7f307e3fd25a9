"""The administrator's e-mail and organisation pages in real Chromium: without JavaScript they invite an
organisation's user, set a reminder schedule and send a refused message again; in fi, sv and en they pass
axe-core."""

from __future__ import annotations

import re

import pytest

from tests.builders import PASSWORD, make_candidate, make_election, make_user
from tests.conftest import LiveServer
from tests.helpers import assert_accessible
from vaalikone.db import connect

pytestmark = pytest.mark.browser
INVALID = "Kutsu ei kelpaa"


@pytest.fixture
def mail_server(make_app, smtp):
    """The app with CSRF on, served on loopback, sending to the test SMTP server."""
    app = make_app(MAIL_RETRY_SECONDS=0, MAIL_PER_MINUTE=60000, **smtp.config)
    db = connect(app.config["DATABASE"])
    make_election(db)
    make_user(db, "admin@example.fi", "admin")
    for number in (2, 3):
        cid = make_candidate(db, number=number, email=f"ehdokas{number}@example.fi")
        db.execute("UPDATE user SET password_hash = NULL WHERE candidate_id = ?", [cid])
    db.conn.commit()
    db.conn.close()
    with LiveServer(app) as server:
        app.config["BASE_URL"] = server.url
        yield server


def log_in(pg, server, email="admin@example.fi", password=PASSWORD):
    pg.goto(server.url + "/kirjaudu")
    pg.fill("#email", email)
    pg.fill("#password", password)
    pg.click("main form button[type=submit]")


def send_mail(app) -> str:
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    return result.output


def test_without_javascript_the_admin_invites_an_organisation_user_who_sets_a_password(
    mail_server, smtp, nojs_page
):
    pg = nojs_page
    log_in(pg, mail_server)
    pg.click("text=Järjestöt")
    pg.fill("#organisation_id", "Väärin Tunnus")
    pg.fill("#email", "toimisto@liitto.fi")
    pg.click("main form button:has-text('Kutsu käyttäjä')")
    assert "saa sisältää vain pieniä kirjaimia" in pg.content()
    assert pg.locator("#organisation_id").get_attribute("aria-invalid") == "true"

    pg.fill("#organisation_id", "liitto")
    pg.fill("#name", "Testiliitto ry")
    pg.select_option("#based_on", "soste")
    pg.select_option("#language", "en")
    pg.click("main form button:has-text('Kutsu käyttäjä')")
    assert "Kutsu osoitteeseen toimisto@liitto.fi on jonossa." in pg.content()
    assert pg.locator("table.mail-counts td[data-status=pending]").inner_text() == "1"
    send_mail(mail_server.app)
    pg.reload()
    assert pg.locator("table.mail-counts td[data-status=sent]").inner_text() == "1"

    (arrival,) = smtp.recorder.arrivals
    assert arrival.rcpt_tos == ["toimisto@liitto.fi"]
    assert arrival.subject == "Invitation to use Vaalikone for an organisation: Testiliitto ry"
    link = re.search(r"http://127\.0\.0\.1:\d+/kutsu/\S+", arrival.body).group(0)
    user = pg.context.browser.new_context(java_script_enabled=False).new_page()
    user.goto(link)
    user.fill("#password", "liiton-salasana-1")
    user.fill("#confirm", "liiton-salasana-1")
    user.click("main form button[type=submit]")
    assert user.url.endswith("/jarjesto/")
    user.goto(link)
    assert INVALID in user.content(), "the link works once"
    user.context.close()


def test_without_javascript_the_admin_queues_invitations_sets_reminders_and_resends(
    mail_server, smtp, nojs_page
):
    pg = nojs_page
    smtp.recorder.refuse["ehdokas3@example.fi"] = "550 5.1.1 Mailbox unavailable"
    log_in(pg, mail_server)
    pg.goto(mail_server.url + "/yllapito/vaalit/kunta-2029")
    pg.click("text=Sähköposti ja muistutukset")
    pg.click("button:has-text('Lisää kutsut jonoon')")
    assert "Jonoon lisättiin 2 kutsua." in pg.content()

    pg.fill("#reminder-days", "seitsemän")
    pg.click("button:has-text('Tallenna muistutukset')")
    assert "kokonaislukuina 1–90" in pg.content()
    pg.fill("#reminder-days", "7, 1")
    pg.click("button:has-text('Tallenna muistutukset')")
    assert "Muistutusaikataulu tallennettu." in pg.content()
    assert pg.locator("#reminder-days").input_value() == "7, 1"

    send_mail(mail_server.app)
    pg.reload()
    row = pg.locator("table.mail-problems tr", has_text="ehdokas3@example.fi")
    assert "550 5.1.1 Mailbox unavailable" in row.inner_text()
    del smtp.recorder.refuse["ehdokas3@example.fi"]
    row.locator("button").click()
    assert "Viesti osoitteeseen ehdokas3@example.fi on jonossa uudelleen." in pg.content()
    send_mail(mail_server.app)
    pg.reload()
    assert pg.locator("table.mail-counts td[data-status=sent]").inner_text() == "2"
    assert "Ei epäonnistuneita viestejä." in pg.content()
    assert sorted(a.rcpt_tos[0] for a in smtp.recorder.arrivals) == [
        "ehdokas2@example.fi",
        "ehdokas3@example.fi",
    ]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_e_mail_pages_pass_axe_in_every_language(mail_server, smtp, page, lang):
    smtp.recorder.refuse["ehdokas3@example.fi"] = "550 5.1.1 Mailbox unavailable"
    log_in(page, mail_server)
    page.goto(mail_server.url + f"/yllapito/vaalit/kunta-2029/sahkoposti?lang={lang}")
    page.locator("main form button[type=submit]").first.click()
    send_mail(mail_server.app)
    page.goto(mail_server.url + "/yllapito/vaalit/kunta-2029/sahkoposti")
    assert page.locator("table.mail-problems tbody tr").count() == 1
    heading = {"fi": "Sähköposti: ", "sv": "E-post: ", "en": "E-mail: "}[lang]
    assert page.locator("h1").inner_text().startswith(heading)
    assert_accessible(page, f"admin-election-mail-{lang}")
    page.goto(mail_server.url + "/yllapito/sahkoposti")
    assert_accessible(page, f"admin-mail-{lang}")
    page.goto(mail_server.url + "/yllapito/jarjestot")
    page.locator("main form button[type=submit]").last.click()  # empty form: errors shown
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page, f"admin-organisations-{lang}")
    page.goto(mail_server.url + "/yllapito/")
    assert_accessible(page, f"admin-index-{lang}")
