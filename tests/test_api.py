"""The JSON API: documented shapes, agreement with the scorer, and a 400 for every kind of bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from vaalikone import scoring
from vaalikone.db import connect
from vaalikone.snapshot import get_snapshot


def test_questions_in_each_language(demo_client):
    fi = demo_client.get("/api/v1/questions?lang=fi").get_json()["questions"]
    sv = demo_client.get("/api/v1/questions?lang=sv").get_json()["questions"]
    assert len(fi) == len(sv) >= 24
    assert fi[0]["id"] == sv[0]["id"] and fi[0]["text"] != sv[0]["text"]
    assert set(fi[0]) == {"id", "theme", "text", "elections"}
    assert all(set(q["elections"]) <= {"kunta", "alue"} for q in fi)


def test_municipalities_list_their_elections(demo_client):
    rows = demo_client.get("/api/v1/municipalities?lang=sv").get_json()["municipalities"]
    by_code = {m["code"]: m for m in rows}
    assert by_code["091"]["name"] == "Helsingfors"
    assert by_code["091"]["elections"] == ["kunta-2025"], "Helsinki has no county election"
    assert set(by_code["179"]["elections"]) == {"kunta-2025", "alue-2025"}
    assert by_code["478"]["elections"] == [], "Åland has its own elections"


def test_match_agrees_with_the_scorer(demo_app, demo_client):
    answers = {"free-premises": 5, "keep-grant-level": 4, "market-rent": 1, "ngo-coordinator": 2}
    weights = {"free-premises": 2}
    body = demo_client.post(
        "/api/v1/match",
        json={"municipality": "179", "answers": answers, "weights": weights, "limit": 5000},
    ).get_json()
    kunta = next(e for e in body["elections"] if e["kind"] == "kunta")
    db = connect(demo_app.config["DATABASE"])
    snapshot = get_snapshot(db, "kunta-2025")
    view = snapshot.constituency("kunta-2025:179")
    voter, w = snapshot.voter_vectors(answers, {k: float(v) for k, v in weights.items()})
    expected = scoring.match(voter, w, view.matrix)
    order = scoring.rank(expected, snapshot.numbers[view.rows])
    assert [c["id"] for c in kunta["candidates"]] == [
        int(snapshot.candidate_ids[view.rows[i]]) for i in order
    ]
    got = np.array([c["match"] for c in kunta["candidates"]])
    np.testing.assert_allclose(got, expected[order], atol=1e-6)
    assert all(0 <= m <= 100 for m in got)
    assert got.tolist() == sorted(got.tolist(), reverse=True)
    db.conn.close()


def test_limit_cuts_the_list(demo_client):
    body = demo_client.post(
        "/api/v1/match", json={"municipality": "091", "answers": {}, "limit": 3}
    ).get_json()
    assert len(body["elections"]) == 1 and len(body["elections"][0]["candidates"]) == 3


def test_candidate_answers_and_justifications(demo_client):
    data = demo_client.get("/api/v1/candidates/1?lang=fi").get_json()
    assert set(data) >= {"id", "number", "name", "party", "election", "answers", "justifications"}
    assert data["election"] == "kunta-2025"
    assert all(v is None or 1 <= v <= 5 for v in data["answers"].values())
    assert demo_client.get("/api/v1/candidates/999999").status_code == 404


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"municipality": "999"}, "999"),
        ({"municipality": "091", "answers": {"no-such-statement": 3}}, "no-such-statement"),
        ({"municipality": "091", "answers": {"free-premises": 6}}, "free-premises"),
        ({"municipality": "091", "answers": {"free-premises": 0}}, "free-premises"),
        ({"municipality": "091", "answers": {"free-premises": "5"}}, "free-premises"),
        ({"municipality": "091", "answers": {"free-premises": True}}, "free-premises"),
        ({"municipality": "091", "weights": {"free-premises": -1}}, "free-premises"),
        ({"municipality": "091", "limit": 0}, "limit"),
        ({"municipality": "091", "answers": []}, "answers"),
        ({"answers": {}}, "municipality"),
        ([1, 2], "JSON"),
    ],
)
def test_bad_match_requests_get_a_400_naming_the_problem(demo_client, body, needle):
    response = demo_client.post("/api/v1/match", json=body)
    assert response.status_code == 400
    assert needle in response.get_json()["error"]


def test_malformed_json_and_oversized_bodies_get_a_400(demo_client):
    response = demo_client.post("/api/v1/match", data="{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.get_json()["error"]
    huge = json.dumps({"municipality": "091", "pad": "x" * 400_000})
    response = demo_client.post("/api/v1/match", data=huge, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]


def test_unknown_language_gets_a_400(demo_client):
    response = demo_client.get("/api/v1/questions?lang=de")
    assert response.status_code == 400 and "de" in response.get_json()["error"]
