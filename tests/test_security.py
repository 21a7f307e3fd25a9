"""Attacks that must fail: XSS in names and justifications, SQL metacharacters, missing CSRF tokens,
too many log-in attempts; plus the headers every response carries and the online backup."""

from __future__ import annotations

import sqlite3

from tests.builders import PASSWORD, login, make_candidate, make_election, make_user

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "Robert'); DROP TABLE candidate;-- \" OR 1=1 --"


def test_xss_in_a_name_and_a_justification_is_escaped_everywhere(app, db):
    make_election(db, published=True)
    cid = make_candidate(db, first_name=XSS, last_name=SQL)
    db["answer"].insert(
        {"candidate_id": cid, "question_id": "free-premises", "value": 5, "justification_fi": XSS}
    )
    db["organisation"].insert({"id": "o", "name_fi": "O", "name_sv": "O", "name_en": "O"})
    db["organisation_goal"].insert(
        {"organisation_id": "o", "question_id": "free-premises", "position": 5, "weight": 1.0}
    )
    make_user(db, "o@example.fi", "organisation", organisation_id="o")
    db.execute("UPDATE election SET data_version = data_version + 1")
    client = app.test_client()
    pages = [
        client.get(f"/ehdokkaat/{cid}"),
        client.post("/tulokset", data={"kunta": "179", "a-free-premises": "5"}),
        client.post(f"/ehdokkaat/{cid}", data={"kunta": "179", "a-free-premises": "5"}),
    ]
    login(client, "ehdokas2@example.fi")
    pages += [client.get("/ehdokas/"), client.get("/ehdokas/esikatselu")]
    org = app.test_client()
    login(org, "o@example.fi")
    pages.append(org.get("/jarjesto/raportti/kunta-2029?vaalipiiri=kunta-2029:179"))
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_sql_metacharacters_are_stored_literally(client, db):
    make_election(db)
    cid = make_candidate(db)
    login(client, "ehdokas2@example.fi")
    response = client.post(
        "/ehdokas/",
        data={
            "a-free-premises": "3",
            "jfi-free-premises": SQL,
            "intro_fi": SQL,
            "jsv-free-premises": XSS,
        },
    )
    assert response.status_code == 302
    row = db.execute(
        "SELECT justification_fi, justification_sv FROM answer WHERE candidate_id = ? AND question_id = 'free-premises'",
        [cid],
    ).fetchone()
    assert row == (SQL, XSS)
    assert db.execute("SELECT intro_fi FROM candidate WHERE id = ?", [cid]).fetchone()[0] == SQL
    assert db.execute("SELECT count(*) FROM candidate").fetchone()[0] == 1
    assert client.get(f"/api/v1/municipalities?lang={SQL}").status_code == 400
    assert client.post("/api/v1/match", json={"municipality": SQL}).status_code == 400


def test_requests_without_a_csrf_token_are_refused(make_app):
    app = make_app()
    from vaalikone.db import connect

    db = connect(app.config["DATABASE"])
    make_election(db)
    make_candidate(db)
    client = app.test_client()
    assert (
        client.post(
            "/kirjaudu", data={"email": "ehdokas2@example.fi", "password": PASSWORD}
        ).status_code
        == 400
    )
    assert client.post("/tulokset", data={"kunta": "179"}).status_code == 400
    assert client.post("/yllapito/vaalit", data={"kind": "kunta"}).status_code in (302, 400)
    assert db.execute("SELECT count(*) FROM election").fetchone()[0] == 1
    db.conn.close()


def test_login_is_rate_limited(make_app):
    # Per address (10 a minute, across accounts) in the app; per account see test_security_review.py.
    app = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    codes = [
        client.post(
            "/kirjaudu", data={"email": f"x{i}@example.fi", "password": "wrong"}
        ).status_code
        for i in range(12)
    ]
    assert codes[:10] == [200] * 10 and codes[-1] == 429


def test_security_headers_and_no_stack_traces(make_app):
    app = make_app(TESTING=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp
        and "frame-ancestors 'none'" in csp
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    broken = client.get("/boom")
    assert broken.status_code == 500
    assert "secret internals" not in broken.get_data(
        as_text=True
    ) and "Traceback" not in broken.get_data(as_text=True)


def test_session_cookie_is_secure_in_production_config(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True, WTF_CSRF_ENABLED=True)
    response = app.test_client().get("/kirjaudu")
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" in response.headers


def test_online_backup_copies_the_live_database(demo_app, tmp_path):
    target = tmp_path / "backup" / "copy.db"
    result = demo_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM candidate").fetchone()[0] > 2000
    conn.close()
    again = demo_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists" in again.output


def test_a_voters_session_cookie_is_written_once(make_app):
    # A voter's session holds only the CSRF token: written when first needed, then left alone (a cookie
    # rewritten on every request would cost every request, and carry nothing new).
    app = make_app(WTF_CSRF_ENABLED=True)
    from vaalikone.db import connect

    db = connect(app.config["DATABASE"])
    make_election(db, published=True)
    make_candidate(db)
    db.conn.close()
    client = app.test_client()
    first = client.get("/kysely?kunta=179")
    assert "session=" in first.headers.get("Set-Cookie", "")
    token = first.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    later = [
        client.post(
            "/tulokset", data={"csrf_token": token, "kunta": "179", "a-free-premises": "5"}
        ),
        client.get("/kysely?kunta=179"),
        client.post("/api/v1/match", json={"municipality": "179", "answers": {"free-premises": 5}}),
    ]
    for response in later:
        assert response.status_code == 200
        assert response.headers.get_all("Set-Cookie") == []


def test_a_logged_in_session_used_from_another_browser_is_logged_out(make_app):
    # "Strong" session protection still guards accounts: the same cookie from another user agent.
    app = make_app(WTF_CSRF_ENABLED=False)
    from vaalikone.db import connect

    db = connect(app.config["DATABASE"])
    make_election(db)
    make_candidate(db)
    db.conn.close()
    client = app.test_client()
    login(client, "ehdokas2@example.fi")
    assert client.get("/ehdokas/").status_code == 200
    moved = client.get("/ehdokas/", headers={"User-Agent": "Another browser/1.0"})
    assert moved.status_code == 302 and "/kirjaudu" in moved.headers["Location"]
