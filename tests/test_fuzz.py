"""Hypothesis throws malformed values, wrong types, huge and unicode-edge inputs at the API and forms:
the answer is always a 4xx with a clear message (or a normal page), never a 500, and nothing changes."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import login, make_candidate, make_election, make_user
from vaalikone.db import connect

NASTY = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "'; DROP TABLE answer;--",
            "<script>x</script>",
            "\x00",
            "\ud7ff\ufeff\u202e",
            "../../etc/passwd",
            "9" * 400,
            "-1",
            "1e309",
            "NaN",
            "null",
            "true",
            "{}",
            "[]",
            "%s%n",
            "🗳️" * 50,
        ]
    ),
)
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), NASTY),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(NASTY, children, max_size=4)
    ),
    max_leaves=12,
)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def fuzz_app(demo_app):
    return demo_app


def snapshot(db_path) -> tuple[int, int, int]:
    conn = sqlite3.connect(db_path)
    try:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("answer", "candidate", "user")
        )
    finally:
        conn.close()


@SETTINGS
@given(body=JSONISH)
def test_match_api_never_fails_on_any_json(fuzz_app, body):
    response = fuzz_app.test_client().post(
        "/api/v1/match", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert response.get_json()["error"]


@SETTINGS
@given(municipality=NASTY, answers=st.dictionaries(NASTY, JSONISH, max_size=5), limit=JSONISH)
def test_match_api_fields(fuzz_app, municipality, answers, limit):
    body = {"municipality": municipality, "answers": answers, "limit": limit}
    response = fuzz_app.test_client().post("/api/v1/match", json=body)
    assert response.status_code in (200, 400)


@SETTINGS
@given(raw=st.binary(max_size=2000))
def test_match_api_raw_bytes(fuzz_app, raw):
    response = fuzz_app.test_client().post(
        "/api/v1/match", data=raw, content_type="application/json"
    )
    assert response.status_code in (200, 400)


@SETTINGS
@given(
    path=st.sampled_from(["/api/v1/questions", "/api/v1/municipalities", "/api/v1/candidates/1"]),
    lang=NASTY,
)
def test_api_get_parameters(fuzz_app, path, lang):
    response = fuzz_app.test_client().get(path, query_string={"lang": lang})
    assert response.status_code in (200, 400)


@SETTINGS
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "kunta",
                "piiri",
                "step",
                "move",
                "a-free-premises",
                "w-free-premises",
                "a-market-rent",
                "page-kunta-2025",
                "party-kunta-2025",
                "lang-kunta-2025",
                "c",
            ]
        ),
        NASTY,
        max_size=6,
    ),
    path=st.sampled_from(["/kysely", "/kysely/kaikki", "/tulokset", "/vertailu", "/ehdokkaat/1"]),
)
def test_voter_forms(fuzz_app, fields, path):
    before = snapshot(fuzz_app.config["DATABASE"])
    response = fuzz_app.test_client().post(path, data=fields)
    assert response.status_code in (200, 400, 404), (path, fields, response.status_code)
    assert snapshot(fuzz_app.config["DATABASE"]) == before


@SETTINGS
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "a-free-premises",
                "jfi-free-premises",
                "jsv-market-rent",
                "intro_fi",
                "web_url",
                "languages",
                "a-no-such",
            ]
        ),
        NASTY,
        max_size=5,
    )
)
def test_candidate_form(make_app, fields):
    app = make_app(WTF_CSRF_ENABLED=False)
    db = connect(app.config["DATABASE"])
    if not db.execute("SELECT 1 FROM election").fetchone():
        make_election(db)
        make_candidate(db)
    client = app.test_client()
    login(client, "ehdokas2@example.fi")
    response = client.post("/ehdokas/", data=fields)
    assert response.status_code in (302, 400), response.status_code
    db.conn.close()


def test_huge_bodies_are_refused_clearly(fuzz_app):
    client = fuzz_app.test_client()
    huge = {"kunta": "179", "a-free-premises": "x" * 400_000}
    assert client.post("/tulokset", data=huge).status_code == 413
    assert (
        client.post(
            "/api/v1/match", data="[" * 300_000, content_type="application/json"
        ).status_code
        == 400
    )


# The other forms and endpoints: log-in, invitations, the administrator's and the organisations' pages.
# A fuzzed path segment may contain "/" (405 from the router is an answer too). A small database of their own (an election, a candidate, an organisation, accounts for each role), compared
# whole before and after every refused request.


def fingerprint(db_path) -> str:
    """Every row of every table: any change a refused request made shows here."""
    conn = sqlite3.connect(db_path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


@pytest.fixture
def roles_app(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    db = connect(app.config["DATABASE"])
    make_election(db, published=True)
    make_candidate(db)
    db["organisation"].insert(
        {"id": "jarjesto", "name_fi": "J", "name_sv": "J", "name_en": "J", "scope": "national"}
    )
    make_user(db, "admin@example.fi", "admin")
    make_user(db, "jarjesto@example.fi", "organisation", organisation_id="jarjesto")
    db.conn.commit()
    db.conn.close()
    return app


def segment(text: str) -> str:
    return quote(text, safe="") or "x"


def refused_or_done(app, before: str, response, done: tuple[int, ...] = (302,)) -> None:
    """Never a 500; a request that was not carried out changed nothing."""
    assert response.status_code < 500, response.status_code
    if response.status_code not in done:
        assert fingerprint(app.config["DATABASE"]) == before


@SETTINGS
@given(
    fields=st.dictionaries(
        st.sampled_from(["email", "password", "next", "lang"]), NASTY, max_size=4
    ),
    token=NASTY,
    password=NASTY,
    confirm=NASTY,
)
def test_log_in_and_invitation_forms(roles_app, fields, token, password, confirm):
    before = fingerprint(roles_app.config["DATABASE"])
    client = roles_app.test_client()
    response = client.post("/kirjaudu", data=fields)
    # Nobody's password is a fuzzed string, so no log-in succeeds: the form comes back with its message.
    assert response.status_code in (200, 400), response.status_code
    refused_or_done(roles_app, before, response, done=())
    for response in (
        client.get(f"/kutsu/{segment(token)}"),
        client.post(f"/kutsu/{segment(token)}", data={"password": password, "confirm": confirm}),
    ):
        assert response.status_code in (200, 400, 404, 405), response.status_code
        refused_or_done(roles_app, before, response, done=())


@SETTINGS
@given(
    fields=st.dictionaries(
        st.sampled_from(["kind", "date", "answer_deadline", "name_fi", "name_sv", "name_en"]),
        NASTY,
        max_size=6,
    ),
    election=NASTY,
    upload=st.binary(max_size=3000),
)
def test_administrator_forms(roles_app, fields, election, upload):
    client = roles_app.test_client()
    login(client, "admin@example.fi")
    before = fingerprint(roles_app.config["DATABASE"])
    refused_or_done(roles_app, before, client.post("/yllapito/vaalit", data=fields))
    before = fingerprint(roles_app.config["DATABASE"])
    for path in (f"/yllapito/vaalit/{segment(election)}", "/yllapito/vaalit/kunta-2029"):
        assert client.get(path).status_code in (200, 404, 405)
        response = client.post(
            f"{path}/tuonti", data={"file": (io.BytesIO(upload), "ehdokkaat.csv")}
        )
        # 308: an id with a slash makes an empty path segment, which the router merges and redirects.
        assert response.status_code in (302, 308, 400, 404, 405), response.status_code
        refused_or_done(roles_app, before, response)
    for action in ("kutsut", "julkaisu"):
        response = client.post(f"/yllapito/vaalit/{segment(election)}/{action}")
        assert response.status_code in (200, 302, 404, 405), response.status_code
        refused_or_done(roles_app, before, response, done=(200, 302))


@SETTINGS
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "goal-free-premises",
                "position-free-premises",
                "weight-free-premises",
                "goal-no-such",
                "position-market-rent",
                "weight-market-rent",
            ]
        ),
        NASTY,
        max_size=6,
    ),
    election=NASTY,
    fmt=NASTY,
    args=st.dictionaries(st.sampled_from(["vaalipiiri", "valitut", "org", "lang"]), NASTY),
)
def test_organisation_forms_and_reports(roles_app, fields, election, fmt, args):
    client = roles_app.test_client()
    login(client, "jarjesto@example.fi")
    before = fingerprint(roles_app.config["DATABASE"])
    response = client.post("/jarjesto/profiili/kunta-2029", data=fields)
    assert response.status_code in (302, 400), response.status_code
    refused_or_done(roles_app, before, response)
    before = fingerprint(roles_app.config["DATABASE"])
    for path in (
        f"/jarjesto/profiili/{segment(election)}",
        f"/jarjesto/raportti/{segment(election)}",
        f"/jarjesto/raportti/kunta-2029.{segment(fmt)}",
        f"/jarjesto/raportit/{segment(election)}.{segment(fmt)}",
    ):
        response = client.get(path, query_string=args)
        # 308: a slash in the id makes an empty path segment, which the router merges and redirects.
        assert response.status_code in (200, 308, 400, 404, 405), (path, args, response.status_code)
    assert fingerprint(roles_app.config["DATABASE"]) == before
    # Publishing a report: an unknown (or unpublished) election is refused with a message, changing nothing.
    response = client.post(f"/jarjesto/raportti/{segment(election)}/julkaisu", data=fields)
    assert response.status_code in (302, 308, 404, 405), response.status_code
    if response.status_code == 404:  # the election's, or (an id with a slash) the router's message
        page = response.get_data(as_text=True)
        assert "Vaaleja ei löytynyt" in page or "Sivua ei löytynyt" in page
    refused_or_done(roles_app, before, response)


@SETTINGS
@given(
    fields=st.dictionaries(
        st.sampled_from(["organisation_id", "name", "based_on", "email", "language"]),
        NASTY,
        max_size=5,
    ),
    days=NASTY,
    election=NASTY,
    outbox_id=st.integers(min_value=-5, max_value=2**70),
)
def test_administrator_mail_and_organisation_forms(roles_app, fields, days, election, outbox_id):
    """A refused organisation invitation, reminder schedule or resend changes nothing; a queued one is
    all or nothing."""
    client = roles_app.test_client()
    login(client, "admin@example.fi")
    before = fingerprint(roles_app.config["DATABASE"])
    response = client.post("/yllapito/jarjestot", data=fields)
    assert response.status_code in (302, 400), response.status_code
    refused_or_done(roles_app, before, response)
    before = fingerprint(roles_app.config["DATABASE"])
    for path in (f"/yllapito/vaalit/{segment(election)}", "/yllapito/vaalit/kunta-2029"):
        assert client.get(f"{path}/sahkoposti").status_code in (200, 404, 405)
        response = client.post(f"{path}/muistutukset", data={"days": days})
        assert response.status_code in (302, 308, 400, 404, 405), response.status_code
        refused_or_done(roles_app, before, response)
        before = fingerprint(roles_app.config["DATABASE"])
    response = client.post(f"/yllapito/sahkoposti/{outbox_id}/uudelleen")
    assert response.status_code in (302, 404), response.status_code
    refused_or_done(roles_app, before, response, done=())
