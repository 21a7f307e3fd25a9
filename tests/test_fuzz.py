"""Hypothesis throws malformed values, wrong types, huge and unicode-edge inputs at the API and forms:
the answer is always a 4xx with a clear message (or a normal page), never a 500, and nothing changes."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import login, make_candidate, make_election

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
    import sqlite3

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
    from vaalikone.db import connect

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
