"""E-mail to candidates through a real SMTP server (aiosmtpd): invitations in the candidate's language with
a link that works once, reminders, the first-save confirmation, refused addresses, crashes and the rate."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.builders import login, make_candidate, make_election, make_user
from tests.smtp_server import SMTPServer, free_port
from vaalikone.db import connect
from vaalikone.domain import mail, outbox

LINK = re.compile(r"http://vaalikone\.test/kutsu/[A-Za-z0-9_-]+")
ROOT = Path(__file__).resolve().parent.parent


def without_password(db, candidate_id: int) -> None:
    db.execute("UPDATE user SET password_hash = NULL WHERE candidate_id = ?", [candidate_id])
    db.conn.commit()


def candidates_without_accounts(db, n: int, election_id: str = "kunta-2029") -> list[str]:
    """Candidates whose addresses came on a party's list: no account, no password yet."""
    emails = []
    for i in range(n):
        cid = make_candidate(db, election_id, number=100 + i, email=f"c{i}@example.fi")
        db.execute("DELETE FROM user WHERE candidate_id = ?", [cid])
        db.execute("UPDATE candidate SET email = ? WHERE id = ?", [f"c{i}@example.fi", cid])
        emails.append(f"c{i}@example.fi")
    db.conn.commit()
    return emails


def send_mail(app, *args: str):
    result = app.test_cli_runner().invoke(args=["send-mail", *args])
    assert result.exit_code == 0, result.output
    return result


def test_invitations_arrive_in_each_candidates_language_with_a_link_that_works_once(mail_app, smtp):
    db = connect(mail_app.config["DATABASE"])
    make_election(db)
    finn = make_candidate(db, number=2, email="aino@example.fi", first_name="Aino")
    swede = make_candidate(
        db, number=3, email="bjorn@example.fi", first_name="Björn", languages='["en", "sv", "fi"]'
    )
    make_candidate(db, number=4, email="valmis@example.fi")  # has a password: not invited
    without_password(db, finn)
    without_password(db, swede)
    listed = candidates_without_accounts(db, 1)  # address from an e-mail list, no account yet

    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["invite", "kunta-2029"])
    assert result.exit_code == 0, result.output
    assert "3 invitations were queued." in result.output
    assert smtp.recorder.arrivals == [], "queued, not sent"
    send_mail(mail_app)

    assert sorted(a.rcpt_tos[0] for a in smtp.recorder.arrivals) == sorted(
        ["aino@example.fi", "bjorn@example.fi", *listed]
    )
    aino = smtp.recorder.to("aino@example.fi")[0]
    bjorn = smtp.recorder.to("bjorn@example.fi")[0]
    assert aino.subject == "Kutsu vastaamaan vaalikoneeseen: Testivaalit kunta-2029"
    assert aino.message["Content-Language"] == "fi" and "Hei Aino Ehdokas2" in aino.body
    assert bjorn.subject == "Inbjudan att svara i valkompassen: Testval"
    assert bjorn.message["Content-Language"] == "sv" and "Hej Björn Ehdokas3" in bjorn.body
    assert aino.message["From"] == "Vaalikone <vaalikone@vaalikone.test>"
    assert aino.message["Message-ID"].endswith("@vaalikone.test>")

    # The link works once: set a password, then the same link is refused.
    link = LINK.search(bjorn.body).group(0)
    token = link.rsplit("/", 1)[1]
    client = mail_app.test_client()
    path = link.removeprefix("http://vaalikone.test")
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "oma-salasana-1", "confirm": "oma-salasana-1"})
    assert response.status_code == 302
    assert mail_app.test_client().get(path).status_code == 404

    # Only the token's hash is stored, and the sent message's stored body no longer holds the link.
    dump = "\n".join(db.conn.iterdump())
    assert token not in dump
    stored = next(db.query("SELECT * FROM outbox WHERE recipient = 'bjorn@example.fi'"))
    assert stored["status"] == "sent" and "/kutsu/…" in stored["body"]

    # Running invite again reaches nobody new: every invitation still works.
    result = runner.invoke(args=["invite", "kunta-2029"])
    assert "0 invitations were queued." in result.output
    db.conn.close()


def test_invite_without_base_url_says_what_to_set(make_app):
    app = make_app()
    db = connect(app.config["DATABASE"])
    make_election(db)
    db.conn.close()
    result = app.test_cli_runner().invoke(args=["invite", "kunta-2029"])
    assert result.exit_code != 0 and "Set BASE_URL" in result.output


def test_a_refused_address_shows_the_servers_reason_and_the_admin_sends_it_again(mail_app, smtp):
    db = connect(mail_app.config["DATABASE"])
    make_election(db)
    emails = candidates_without_accounts(db, 3)
    make_user(db, "admin@example.fi", "admin")
    db.conn.commit()
    smtp.recorder.refuse[emails[1]] = "550 5.1.1 <c1@example.fi>: Recipient address rejected"
    mail_app.test_cli_runner().invoke(args=["invite", "kunta-2029"])
    result = send_mail(mail_app)
    assert "Sent 2, failed 1" in result.output

    client = mail_app.test_client()
    login(client, "admin@example.fi")
    page = client.get("/yllapito/vaalit/kunta-2029/sahkoposti").get_data(as_text=True)
    assert "550 5.1.1 &lt;c1@example.fi&gt;: Recipient address rejected" in page
    assert re.search(r'data-status="sent">2<', page) and re.search(r'data-status="failed">1<', page)
    overview = client.get("/yllapito/sahkoposti").get_data(as_text=True)
    assert "Testivaalit kunta-2029" in overview

    # The address is fixed at the receiving end; the administrator sends the invitation again.
    del smtp.recorder.refuse[emails[1]]
    failed = next(db.query("SELECT id, message_id FROM outbox WHERE status = 'failed'"))
    response = client.post(f"/yllapito/sahkoposti/{failed['id']}/uudelleen")
    assert response.status_code == 302
    send_mail(mail_app)
    again = smtp.recorder.to(emails[1])
    assert len(again) == 1 and again[0].message["Message-ID"] == failed["message_id"]
    # The failed message's token was cut out when it failed: the new one carries a fresh, working link.
    path = LINK.search(again[0].body).group(0).removeprefix("http://vaalikone.test")
    assert mail_app.test_client().get(path).status_code == 200
    assert outbox.election_counts(db, "kunta-2029")["sent"] == 3
    db.conn.close()


def test_a_dropped_connection_is_tried_again_and_nothing_is_lost_or_doubled(mail_app, smtp):
    db = connect(mail_app.config["DATABASE"])
    make_election(db)
    emails = candidates_without_accounts(db, 4)
    mail_app.test_cli_runner().invoke(args=["invite", "kunta-2029"])
    smtp.recorder.drop = 2  # the server hangs up twice instead of taking a message in
    send_mail(mail_app)
    ids = [a.message["Message-ID"] for a in smtp.recorder.arrivals]
    assert sorted(a.rcpt_tos[0] for a in smtp.recorder.arrivals) == sorted(emails)
    assert len(ids) == len(set(ids)) == 4
    attempts = [r[0] for r in db.execute("SELECT attempts FROM outbox ORDER BY id")]
    assert sum(attempts) == 6 and all(
        s == "sent" for (s,) in db.execute("SELECT status FROM outbox")
    )
    db.conn.close()


def test_a_sender_killed_mid_send_loses_nothing_and_sends_nothing_twice(mail_app, smtp, tmp_path):
    """send-mail is SIGKILLed while the server holds its reply to the third message; a new run sends
    the rest, and the third, which the server had already taken in, is marked uncertain, not resent."""
    db = connect(mail_app.config["DATABASE"])
    make_election(db)
    emails = candidates_without_accounts(db, 6)
    make_user(db, "admin@example.fi", "admin")
    db.conn.commit()
    mail_app.test_cli_runner().invoke(args=["invite", "kunta-2029"])
    smtp.recorder.stall_on = 3
    env = {
        **os.environ,
        "VAALIKONE_DATABASE": mail_app.config["DATABASE"],
        "VAALIKONE_BASE_URL": "http://vaalikone.test",
        "VAALIKONE_MAIL_SERVER": "127.0.0.1",
        "VAALIKONE_MAIL_PORT": str(smtp.port),
        "VAALIKONE_MAIL_TIMEOUT": "30",
        "VAALIKONE_SECRET_KEY": "test-secret",
    }
    sender = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "vaalikone", "send-mail"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert smtp.recorder.stalled.wait(60), "the sender reached the third message"
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        if sender.poll() is None:
            sender.kill()
        sender.communicate()
    assert sender.returncode == -signal.SIGKILL
    states = dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
    assert states == {"sent": 2, "sending": 1, "pending": 3}

    # The next run, once the dead sender's lease has run out (2 x MAIL_TIMEOUT), sends the rest.
    smtp.recorder.stall_on = 0
    time.sleep(2.1)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "vaalikone", "send-mail"],
        env={**env, "VAALIKONE_MAIL_TIMEOUT": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Sent 3, failed 0" in result.stdout and "1 message(s)" in result.stderr
    arrived = [a.message["Message-ID"] for a in smtp.recorder.arrivals]
    assert len(arrived) == len(set(arrived)) == 6, "nothing sent twice"
    assert sorted(a.rcpt_tos[0] for a in smtp.recorder.arrivals) == sorted(emails), "nothing lost"
    states = dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
    assert states == {"sent": 5, "uncertain": 1}

    # The administrator sees it, and may send it again: the copy carries the same Message-ID.
    client = mail_app.test_client()
    login(client, "admin@example.fi")
    page = client.get("/yllapito/vaalit/kunta-2029/sahkoposti").get_data(as_text=True)
    uncertain = next(db.query("SELECT * FROM outbox WHERE status = 'uncertain'"))
    assert uncertain["recipient"] in page and "Epävarma" in page
    client.post(f"/yllapito/sahkoposti/{uncertain['id']}/uudelleen")
    send_mail(mail_app)
    copies = smtp.recorder.to(uncertain["recipient"])
    assert [c.message["Message-ID"] for c in copies] == [uncertain["message_id"]] * 2
    assert copies[0].body == copies[1].body, "the same message, with the same still-working link"
    db.conn.close()


def test_sending_keeps_the_rate_limit(make_app, smtp):
    app = make_app(BASE_URL="http://vaalikone.test", MAIL_PER_MINUTE=120, **smtp.config)
    db = connect(app.config["DATABASE"])
    make_election(db)
    candidates_without_accounts(db, 5)
    app.test_cli_runner().invoke(args=["invite", "kunta-2029"])
    started = time.monotonic()
    send_mail(app)
    elapsed = time.monotonic() - started
    times = [a.at for a in smtp.recorder.arrivals]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) == 5
    # 120 a minute is one every 0.5 s (a little scheduling slack allowed on a busy machine).
    assert min(gaps) > 0.45 and elapsed >= 2.0, gaps
    db.conn.close()


def test_reminders_go_to_candidates_with_unanswered_statements_once_per_schedule_day(
    mail_app, smtp
):
    db = connect(mail_app.config["DATABASE"])
    make_election(db, deadline_days=5)
    done = make_candidate(db, number=2, email="valmis@example.fi")
    half = make_candidate(db, number=3, email="puolet@example.fi", languages='["sv"]')
    new = make_candidate(db, number=4, email="uusi@example.fi")
    without_password(db, new)
    questions = [r[0] for r in db.execute("SELECT question_id FROM election_question")]
    for qid in questions:
        db["answer"].insert({"candidate_id": done, "question_id": qid, "value": 3})
    db["answer"].insert({"candidate_id": half, "question_id": questions[0], "value": 4})
    db.conn.commit()
    runner = mail_app.test_cli_runner()
    assert runner.invoke(args=["set-reminders", "kunta-2029", "7", "1"]).exit_code == 0
    assert json.loads(db.execute("SELECT reminder_days FROM election").fetchone()[0]) == [7, 1]

    assert "Sent 2," in send_mail(mail_app).output  # send-mail queues the due reminders first
    assert sorted(a.rcpt_tos[0] for a in smtp.recorder.arrivals) == [
        "puolet@example.fi",
        "uusi@example.fi",
    ]
    swedish = smtp.recorder.to("puolet@example.fi")[0]
    assert swedish.subject.startswith("Påminnelse")
    assert f"1 av {len(questions)}" in swedish.body
    assert "http://vaalikone.test/kirjaudu" in swedish.body
    # The one without a password gets a working invitation link instead of the log-in link.
    path = LINK.search(smtp.recorder.to("uusi@example.fi")[0].body).group(0)
    assert mail_app.test_client().get(path.removeprefix("http://vaalikone.test")).status_code == 200

    send_mail(mail_app)
    assert len(smtp.recorder.arrivals) == 2, "the 7-day reminder goes once"
    deadline = datetime.fromisoformat(
        db.execute("SELECT answer_deadline FROM election").fetchone()[0]
    )
    assert (
        mail.queue_reminders(db, "http://vaalikone.test", 14, at=deadline - timedelta(hours=20))
        == 2
    )
    assert (
        mail.queue_reminders(db, "http://vaalikone.test", 14, at=deadline + timedelta(hours=1)) == 0
    )
    db.conn.close()


def test_the_first_save_is_confirmed_once_in_the_candidates_language(mail_app, smtp):
    db = connect(mail_app.config["DATABASE"])
    make_election(db)
    make_candidate(db, number=3, email="sara@example.fi", languages='["sv", "fi"]')
    db.conn.commit()
    client = mail_app.test_client()
    login(client, "sara@example.fi")
    qid = db.execute("SELECT question_id FROM election_question LIMIT 1").fetchone()[0]
    for value in ("2", "4"):
        form = {f"a-{qid}": value, "languages": ["sv", "fi"]}  # the form posts the languages too
        assert client.post("/ehdokas/", data=form).status_code == 302
    rows = list(db.query("SELECT kind, language, status FROM outbox"))
    assert rows == [{"kind": "confirmation", "language": "sv", "status": "pending"}]
    send_mail(mail_app)
    (arrival,) = smtp.recorder.arrivals
    assert arrival.rcpt_tos == ["sara@example.fi"]
    assert arrival.subject == "Dina svar har sparats: Testval"
    db.conn.close()


def test_a_refused_save_queues_no_confirmation(mail_app, smtp):
    db = connect(mail_app.config["DATABASE"])
    make_election(db, deadline_days=-1)
    make_candidate(db, number=3, email="myohassa@example.fi")
    db.conn.commit()
    client = mail_app.test_client()
    login(client, "myohassa@example.fi")
    qid = db.execute("SELECT question_id FROM election_question LIMIT 1").fetchone()[0]
    assert client.post("/ehdokas/", data={f"a-{qid}": "2"}).status_code == 403
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    db.conn.close()


def test_an_organisation_user_is_invited_by_email_from_the_command_line(mail_app, smtp):
    result = mail_app.test_cli_runner().invoke(
        args=[
            "create-organisation-user",
            "testiliitto",
            "toimisto@testiliitto.fi",
            "--name",
            "Testiliitto",
            "--based-on",
            "soste",
            "--mail",
            "sv",
        ]
    )
    assert result.exit_code == 0, result.output
    send_mail(mail_app)
    (arrival,) = smtp.recorder.arrivals
    assert arrival.rcpt_tos == ["toimisto@testiliitto.fi"] and "Testiliitto" in arrival.subject
    assert arrival.message["Content-Language"] == "sv"
    path = LINK.search(arrival.body).group(0).removeprefix("http://vaalikone.test")
    client = mail_app.test_client()
    response = client.post(
        path, data={"password": "jarjesto-salasana", "confirm": "jarjesto-salasana"}
    )
    assert response.status_code == 302 and response.location.endswith("/jarjesto/")


def test_the_links_in_mail_are_the_routes_of_the_site(app):
    with app.test_request_context():
        from flask import url_for

        assert url_for("auth.accept_invitation", token="x") == mail.INVITATION_PATH + "x"
        assert url_for("auth.login") == mail.LOGIN_PATH


def test_queue_time_and_claim_time_are_utc_instants_that_sort_as_strings():
    early = outbox.stamp(datetime(2029, 1, 1, 9, 59, 59, 999999, tzinfo=UTC))
    late = outbox.stamp(datetime(2029, 1, 1, 10, 0, 0, 0, tzinfo=UTC))
    assert early < late and late.endswith(".000000+00:00")


def test_an_unreachable_server_stops_the_run_and_uses_up_no_attempt(make_app):
    port = free_port()  # the mail server is down: nothing listens there yet
    app = make_app(
        BASE_URL="http://vaalikone.test", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5
    )
    db = connect(app.config["DATABASE"])
    make_election(db)
    emails = candidates_without_accounts(db, 3)
    app.test_cli_runner().invoke(args=["invite", "kunta-2029"])
    for _ in range(6):  # a timer runs send-mail again and again meanwhile
        result = app.test_cli_runner().invoke(args=["send-mail"])
        assert result.exit_code == 1 and "cannot be reached" in result.output
    rows = list(db.query("SELECT status, attempts FROM outbox"))
    assert rows == [{"status": "pending", "attempts": 0}] * 3
    with SMTPServer(port) as smtp:
        app.config["MAIL_PER_MINUTE"] = 60000
        send_mail(app)
        assert sorted(a.rcpt_tos[0] for a in smtp.recorder.arrivals) == sorted(emails)
    db.conn.close()


def test_invitations_and_reminders_are_queued_in_batches_that_together_reach_everyone(
    mail_app, smtp, monkeypatch
):
    monkeypatch.setattr(mail, "BATCH", 2)  # five candidates: three transactions each
    db = connect(mail_app.config["DATABASE"])
    make_election(db, deadline_days=3)
    emails = candidates_without_accounts(db, 5)
    result = mail.queue_candidate_invitations(db, "kunta-2029", "http://vaalikone.test", 14)
    assert result == {"queued": 5, "already": 0, "taken": []}
    send_mail(mail_app)
    mail.set_reminder_days(db, "kunta-2029", "7")
    assert mail.queue_reminders(db, "http://vaalikone.test", 14) == 5
    assert mail.queue_reminders(db, "http://vaalikone.test", 14) == 0
    send_mail(mail_app)
    assert sorted(a.rcpt_tos[0] for a in smtp.recorder.arrivals) == sorted(emails * 2)
    # The reminder's fresh link ended the invitation's: each candidate holds exactly one working link.
    for email in emails:
        links = [LINK.search(a.body).group(0) for a in smtp.recorder.to(email)]
        works = [
            mail_app.test_client().get(link.removeprefix("http://vaalikone.test")).status_code
            for link in links
        ]
        assert works == [404, 200], (email, works)
    db.conn.close()


def test_withdrawn_candidates_get_neither_invitations_nor_reminders(mail_app, smtp):
    """A candidate who left the official list is not written to; the others are."""
    db = connect(mail_app.config["DATABASE"])
    make_election(db, deadline_days=3)
    emails = candidates_without_accounts(db, 3)
    withdrawn = db.execute("SELECT id, email FROM candidate ORDER BY id").fetchone()
    db.execute("UPDATE candidate SET withdrawn = 1 WHERE id = ?", [withdrawn[0]])
    db.conn.commit()
    result = mail.queue_candidate_invitations(db, "kunta-2029", "http://vaalikone.test", 14)
    assert result["queued"] == 2
    mail.set_reminder_days(db, "kunta-2029", "7")
    assert mail.queue_reminders(db, "http://vaalikone.test", 14) == 2
    send_mail(mail_app)
    arrived = {a.rcpt_tos[0] for a in smtp.recorder.arrivals}
    assert arrived == set(emails) - {withdrawn[1]}
    db.conn.close()
