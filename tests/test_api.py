"""The JSON API: the documented shapes, agreement with the scorer, and a 400 naming the problem for every
kind of bad input, never a 500."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaalikone.db import connect, opened
from vaalikone.matching import scoring
from vaalikone.matching.snapshot import get_snapshot


def test_questions_in_each_language(demo_client, demo_app):
    fi = demo_client.get("/api/v1/questions?lang=fi").get_json()["questions"]
    sv = demo_client.get("/api/v1/questions?lang=sv").get_json()["questions"]
    en = demo_client.get("/api/v1/questions?lang=en").get_json()["questions"]
    bank = demo_app.extensions["vaalikone.bank"]
    assert [q["id"] for q in fi] == [s.id for s in bank.statements]
    assert [q["id"] for q in sv] == [q["id"] for q in en] == [q["id"] for q in fi]
    assert all(set(q) == {"id", "theme", "text", "elections"} for q in fi)
    assert fi[0]["text"] != sv[0]["text"] != en[0]["text"]
    by_id = {q["id"]: q for q in fi}
    assert by_id["no-gap-in-grants"]["elections"] == ["alue"]
    assert by_id["council-hearing"]["elections"] == ["kunta", "alue"]


def test_questions_of_one_election(demo_client):
    body = demo_client.get("/api/v1/questions?election=alue-2025").get_json()
    ids = [q["id"] for q in body["questions"]]
    assert "no-gap-in-grants" in ids and "free-premises" not in ids
    response = demo_client.get("/api/v1/questions?election=nope")
    assert response.status_code == 400 and "nope" in response.get_json()["error"]


def test_municipalities_list_their_elections(demo_client):
    rows = demo_client.get("/api/v1/municipalities?lang=sv").get_json()["municipalities"]
    assert len(rows) == 308
    by_code = {m["code"]: m for m in rows}
    assert set(by_code["091"]) == {"code", "name", "elections"}
    assert by_code["091"]["name"] == "Helsingfors"
    assert by_code["091"]["elections"] == ["kunta-2025"], "Helsinki has no county election"
    assert by_code["179"]["elections"] == ["kunta-2025", "alue-2025"]
    assert by_code["478"]["elections"] == [], "Åland has its own elections"
    fi = {
        m["code"]: m for m in demo_client.get("/api/v1/municipalities").get_json()["municipalities"]
    }
    assert fi["091"]["name"] == "Helsinki"


def expected(app, election_id, constituency_id, answers, weights):
    """What the scorer says, ids and matches best first, and party matches by party id."""
    with opened(app.config["DATABASE"]) as db:
        snapshot = get_snapshot(db, election_id)
        view = snapshot.constituency(constituency_id)
        voter, w = snapshot.voter_vectors(answers, weights)
        matches = scoring.match(voter, w, view.matrix)
        order = scoring.rank(matches, snapshot.numbers[view.rows])
        parties = scoring.party_match(
            voter, w, view.matrix, snapshot.party_index[view.rows], len(snapshot.party_ids)
        )
        party = {
            pid: parties.match[p]
            for p, pid in enumerate(snapshot.party_ids)
            if pid and parties.count[p]
        }
        return [int(snapshot.candidate_ids[view.rows[i]]) for i in order], matches[order], party


@pytest.mark.parametrize(
    ("kind", "election", "constituency"),
    [("kunta", "kunta-2025", "kunta-2025:179"), ("alue", "alue-2025", "alue-2025:keski-suomi")],
)
def test_match_agrees_with_the_scorer(demo_app, demo_client, kind, election, constituency):
    answers = {
        "free-premises": 5,
        "keep-grant-level": 4,
        "market-rent": 1,
        "ngo-coordinator": 2,
        "no-gap-in-grants": 5,
    }
    weights = {"free-premises": 2, "ngo-coordinator": 0.5, "keep-grant-level": 0}
    body = demo_client.post(
        "/api/v1/match",
        json={"municipality": "179", "answers": answers, "weights": weights, "limit": 5000},
    ).get_json()
    section = next(e for e in body["elections"] if e["kind"] == kind)
    assert section["id"] == election and section["constituency"] == constituency
    ids, matches, parties = expected(
        demo_app, election, constituency, answers, {k: float(v) for k, v in weights.items()}
    )
    assert [c["id"] for c in section["candidates"]] == ids
    got = np.array([c["match"] for c in section["candidates"]])
    np.testing.assert_allclose(got, matches, atol=1e-6)
    assert ((got >= 0) & (got <= 100)).all() and got.tolist() == sorted(got.tolist(), reverse=True)
    assert {p["id"]: pytest.approx(parties[p["id"]], abs=1e-6) for p in section["parties"]} == {
        p["id"]: p["match"] for p in section["parties"]
    }
    fields = {"id", "number", "name", "party", "match", "match_min", "match_max"}
    assert all(set(c) == fields for c in section["candidates"])
    # The range: the match is its bottom; the top is the scorer's best filling of the blanks.
    _, highs = expected_range(demo_app, election, constituency, answers, weights)
    assert {c["id"]: c["match_max"] for c in section["candidates"]} == {
        i: pytest.approx(highs[i], abs=1e-6) for i in ids
    }
    assert all(c["match_min"] == c["match"] <= c["match_max"] for c in section["candidates"])
    blank = [c for c in section["candidates"] if c["match_max"] > c["match"] + 1e-6]
    assert blank, "the demo has candidates who left statements blank"
    sure = section["stability"]
    assert sure["top"] == 5 and 0 <= sure["euclidean"] <= 5 and 0 <= sure["leave_one_out"] <= 5
    assert sure["change"] is None or set(sure["change"]) == {"statement", "value", "first"}


def expected_range(demo_app, election_id, constituency_id, answers, weights):
    """Every candidate's lowest and highest match, by id, straight from the scorer."""
    with opened(demo_app.config["DATABASE"]) as db:
        snapshot = get_snapshot(db, election_id)
        view = snapshot.constituency(constituency_id)
        voter, w = snapshot.voter_vectors(answers, {k: float(v) for k, v in weights.items()})
        low, high = scoring.match_range(voter, w, view.matrix)
        ids = snapshot.candidate_ids[view.rows].tolist()
        return dict(zip(ids, low.tolist(), strict=True)), dict(zip(ids, high.tolist(), strict=True))


def test_limit_cuts_the_list_and_defaults_to_twenty(demo_client):
    body = demo_client.post(
        "/api/v1/match", json={"municipality": "091", "answers": {}, "limit": 3}
    ).get_json()
    assert len(body["elections"]) == 1 and len(body["elections"][0]["candidates"]) == 3
    body = demo_client.post("/api/v1/match", json={"municipality": "091"}).get_json()
    assert len(body["elections"][0]["candidates"]) == 20


def test_no_answer_gives_null_matches_and_ballot_order(demo_client):
    body = demo_client.post(
        "/api/v1/match", json={"municipality": "091", "answers": {"free-premises": None}}
    ).get_json()
    candidates = body["elections"][0]["candidates"]
    assert all(c["match"] is None for c in candidates)
    assert all(c["match_min"] is None and c["match_max"] is None for c in candidates)
    assert body["elections"][0]["stability"] is None
    assert [c["number"] for c in candidates] == sorted(c["number"] for c in candidates)


def test_elections_can_be_chosen(demo_client):
    body = demo_client.post(
        "/api/v1/match", json={"municipality": "179", "elections": ["alue-2025"]}
    ).get_json()
    assert [e["id"] for e in body["elections"]] == ["alue-2025"]


def test_candidate_answers_and_justifications(demo_client, demo_app):
    db = connect(demo_app.config["DATABASE"])
    cid, qid, text_fi = db.execute(
        "SELECT candidate_id, question_id, justification_fi FROM answer WHERE justification_fi IS NOT NULL LIMIT 1"
    ).fetchone()
    sv_cid, sv_qid, text_sv = db.execute(
        "SELECT candidate_id, question_id, justification_sv FROM answer "
        "WHERE justification_sv IS NOT NULL AND justification_fi IS NULL LIMIT 1"
    ).fetchone()
    db.conn.close()
    data = demo_client.get(f"/api/v1/candidates/{cid}?lang=fi").get_json()
    assert set(data) >= {"id", "number", "name", "party", "election", "answers", "justifications"}
    assert data["election"] in ("kunta-2025", "alue-2025")
    assert all(v is None or 1 <= v <= 5 for v in data["answers"].values())
    assert data["justifications"][qid] == text_fi
    # A justification is given in the language the candidate wrote it in when there is no other.
    assert (
        demo_client.get(f"/api/v1/candidates/{cid}?lang=sv").get_json()["justifications"][qid]
        == text_fi
    )
    assert (
        demo_client.get(f"/api/v1/candidates/{sv_cid}?lang=fi").get_json()["justifications"][sv_qid]
        == text_sv
    )
    missing = demo_client.get("/api/v1/candidates/999999")
    assert missing.status_code == 404 and missing.get_json()["error"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"municipality": "999"}, "999"),
        ({"municipality": 91}, "municipality"),
        ({"answers": {}}, "municipality"),
        ({"municipality": "091", "answers": {"no-such-statement": 3}}, "no-such-statement"),
        (
            {"municipality": "091", "answers": {"no-gap-in-grants": 3}},
            "091",
        ),  # a county statement in Helsinki
        ({"municipality": "091", "answers": {"free-premises": 6}}, "free-premises"),
        ({"municipality": "091", "answers": {"free-premises": 0}}, "1–5"),
        ({"municipality": "091", "answers": {"free-premises": 2.5}}, "free-premises"),
        ({"municipality": "091", "answers": {"free-premises": "5"}}, "free-premises"),
        ({"municipality": "091", "answers": {"free-premises": True}}, "free-premises"),
        ({"municipality": "091", "answers": []}, "answers"),
        ({"municipality": "091", "weights": {"free-premises": -1}}, "free-premises"),
        ({"municipality": "091", "weights": {"free-premises": 11}}, "0,01–10"),
        ({"municipality": "091", "weights": {"free-premises": "2"}}, "free-premises"),
        ({"municipality": "091", "weights": {"nope": 1}}, "nope"),
        ({"municipality": "091", "weights": 3}, "weights"),
        ({"municipality": "091", "limit": 0}, "limit"),
        ({"municipality": "091", "limit": "5"}, "limit"),
        ({"municipality": "091", "limit": 10**9}, "limit"),
        ({"municipality": "091", "elections": ["alue-2025"]}, "alue-2025"),
        ({"municipality": "091", "elections": "kunta-2025"}, "elections"),
        ({"municipality": "091", "lang": "de"}, "de"),
        ([1, 2], "JSON"),
        ("091", "JSON"),
    ],
)
def test_bad_match_requests_get_a_400_naming_the_problem(demo_client, body, needle):
    response = demo_client.post("/api/v1/match", json=body)
    assert response.status_code == 400
    assert needle in response.get_json()["error"]


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"\xff\xfe\x00garbage",
        b"[" * 50_000 + b"]" * 50_000,
        b'{"municipality": "091", "weights": {"free-premises": NaN}}',
    ],
)
def test_malformed_bodies_get_a_400(demo_client, raw):
    response = demo_client.post("/api/v1/match", data=raw, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]


def test_an_oversized_body_gets_a_400(demo_client):
    huge = json.dumps({"municipality": "091", "pad": "x" * 400_000})
    response = demo_client.post("/api/v1/match", data=huge, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]


def test_unknown_language_gets_a_400(demo_client):
    for path in (
        "/api/v1/questions?lang=de",
        "/api/v1/municipalities?lang=de",
        "/api/v1/candidates/1?lang=de",
    ):
        response = demo_client.get(path)
        assert response.status_code == 400 and "de" in response.get_json()["error"]


def test_errors_are_in_the_chosen_language(demo_client):
    response = demo_client.post("/api/v1/match?lang=en", json={"municipality": "999"})
    assert response.get_json()["error"] == "Unknown municipality: 999."


def test_any_site_may_call_the_api_without_credentials(demo_client):
    preflight = demo_client.options(
        "/api/v1/match",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    response = demo_client.post("/api/v1/match", json={"municipality": "091"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_posted_answers_are_not_logged_or_stored(demo_client, demo_app, caplog):
    caplog.set_level(logging.DEBUG)
    marker = "free-premises"
    demo_client.post("/api/v1/match", json={"municipality": "091", "answers": {marker: 5}})
    demo_client.post(
        "/api/v1/match", json={"municipality": "091", "answers": {marker: 9}}
    )  # an error too
    assert marker not in caplog.text
    db = connect(demo_app.config["DATABASE"])
    assert (
        db.execute("SELECT count(*) FROM sqlite_master WHERE sql LIKE '%voter%'").fetchone()[0] == 0
    )
    db.conn.close()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
statement_ids = st.sampled_from(["free-premises", "council-hearing", "no-gap-in-grants", "x", ""])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "municipality": st.sampled_from(["091", "179", "478", "999", ""]) | json_values,
            "answers": st.dictionaries(statement_ids, json_values | st.integers(0, 6), max_size=3)
            | json_values,
            "weights": st.dictionaries(statement_ids, json_values | st.floats(-1, 12), max_size=3)
            | json_values,
            "limit": st.integers(-2, 20_000) | json_values,
            "elections": st.lists(st.sampled_from(["kunta-2025", "alue-2025", "x"]), max_size=2)
            | json_values,
            "lang": st.sampled_from(["fi", "sv", "en", "de"]) | json_values,
        },
    )
    | json_values
)
def test_no_body_ever_causes_a_server_error(demo_client, body):
    response = demo_client.post("/api/v1/match", json=body)
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    payload = response.get_json()
    if response.status_code == 400:
        assert isinstance(payload["error"], str) and payload["error"]
    else:
        assert all(
            0 <= (c["match"] if c["match"] is not None else 0) <= 100
            for e in payload["elections"]
            for c in e["candidates"]
        )
