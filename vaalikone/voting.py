"""The voter's side of matching: which elections a voter has, the statements to ask, and the results.

Nothing here stores anything: a voter's answers arrive in a request and leave in its response.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sqlite_utils

from vaalikone import scoring
from vaalikone.snapshot import get_snapshot

IMPORTANCE = scoring.IMPORTANCE
MAX_ANSWERS = 200


@dataclass
class Ballot:
    """One election the voter votes in, and the constituency that applies to them."""

    election: dict[str, Any]
    constituency: dict[str, Any]


@dataclass
class Context:
    """Where the voter votes: chosen by home municipality, or an election and district directly."""

    ballots: list[Ballot]
    municipality: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)  # how to ask for this context again
    no_county_reason: str | None = None  # "helsinki" or "aland"
    # Parliamentary elections of the municipality's district: offered as a separate quiz.
    district_ballots: list[Ballot] = field(default_factory=list)


def municipalities(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM municipality ORDER BY name_fi"))


def _published(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT * FROM election WHERE published_at IS NOT NULL ORDER BY date DESC, kind DESC"
        )
    )


def context_for_municipality(db: sqlite_utils.Database, code: str) -> Context | None:
    """The municipality's elections: municipal and county, only municipal in Helsinki, none on Åland."""
    rows = list(db.query("SELECT * FROM municipality WHERE code = ?", [code]))
    if not rows:
        return None
    municipality = rows[0]
    ballots, district_ballots = [], []
    for election in _published(db):
        column, value = {
            "kunta": ("municipality_code", municipality["code"]),
            "alue": ("county_id", municipality["county_id"]),
            "eduskunta": ("district_id", municipality["district_id"]),
        }[election["kind"]]
        if value is None:
            continue
        found = list(
            db.query(
                f"SELECT * FROM constituency WHERE election_id = ? AND {column} = ?",
                [election["id"], value],
            )
        )
        if found:
            # A parliamentary election has its own statements: it gets a quiz of its own.
            target = district_ballots if election["kind"] == "eduskunta" else ballots
            target.append(Ballot(election, found[0]))
    reason = None
    if municipality["aland"]:
        reason = "aland"
    elif municipality["county_id"] is None:
        reason = "helsinki"
    return Context(ballots, municipality, {"kunta": code}, reason, district_ballots)


def district_elections(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Published elections chosen by electoral district (parliamentary), with their constituencies."""
    out = []
    for election in _published(db):
        if election["kind"] != "eduskunta":
            continue
        constituencies = list(
            db.query(
                "SELECT * FROM constituency WHERE election_id = ? ORDER BY name_fi",
                [election["id"]],
            )
        )
        out.append({"election": election, "constituencies": constituencies})
    return out


def context_for_constituency(db: sqlite_utils.Database, constituency_id: str) -> Context | None:
    rows = list(
        db.query(
            "SELECT c.*, e.published_at FROM constituency c JOIN election e ON e.id = c.election_id "
            "WHERE c.id = ?",
            [constituency_id],
        )
    )
    if not rows or not rows[0]["published_at"]:
        return None
    election = next(db.query("SELECT * FROM election WHERE id = ?", [rows[0]["election_id"]]))
    constituency = {k: v for k, v in rows[0].items() if k != "published_at"}
    return Context([Ballot(election, constituency)], None, {"piiri": constituency_id})


def questions_for(db: sqlite_utils.Database, context: Context) -> list[dict[str, Any]]:
    """The statements of all the voter's elections, each once, in question-bank order."""
    ids = [b.election["id"] for b in context.ballots]
    if not ids:
        return []
    marks = ",".join("?" for _ in ids)
    rows = list(
        db.query(
            f"""SELECT q.*, t.name_fi AS theme_fi, t.name_sv AS theme_sv, t.name_en AS theme_en,
                   min(eq.position) AS pos, json_group_array(eq.election_id) AS election_ids
                FROM election_question eq JOIN question q ON q.id = eq.question_id
                JOIN theme t ON t.id = q.theme_id
                WHERE eq.election_id IN ({marks})
                GROUP BY q.id ORDER BY pos, q.id""",
            ids,
        )
    )
    for row in rows:
        row["scale"] = json.loads(row["scale"])
        row["election_ids"] = json.loads(row["election_ids"])
    return rows


class AnswerError(ValueError):
    """A submitted answer is not on the statement's scale."""


def read_answers(
    form: Any, questions: list[dict[str, Any]]
) -> tuple[dict[str, int], dict[str, float]]:
    """Answers `a-<id>` (a value on the statement's scale; empty = skipped) and importances `w-<id>`."""
    answers: dict[str, int] = {}
    weights: dict[str, float] = {}
    for q in questions:
        raw = (form.get(f"a-{q['id']}") or "").strip()
        if raw and raw != "skip":
            try:
                value = int(raw)
            except ValueError:
                raise AnswerError(q["id"]) from None
            if value not in q["scale"]:
                raise AnswerError(q["id"])
            answers[q["id"]] = value
        level = form.get(f"w-{q['id']}") or "normal"
        if level not in IMPORTANCE:
            raise AnswerError(q["id"])
        weights[q["id"]] = IMPORTANCE[level]
    return answers, weights


def importance_levels(form: Any, questions: list[dict[str, Any]]) -> dict[str, str]:
    return {q["id"]: (form.get(f"w-{q['id']}") or "normal") for q in questions}


@dataclass
class Result:
    """One election's results for the voter."""

    ballot: Ballot
    candidates: list[dict[str, Any]]  # ranked, with "match"
    parties: list[dict[str, Any]]  # ranked, with "match", "q1", "q3", "count"
    answered: int


def _party_names(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in db.query("SELECT * FROM party")}


def _staleness() -> float:
    from flask import current_app, has_app_context

    return float(current_app.config["SNAPSHOT_MAX_STALENESS"]) if has_app_context() else 0.0


def results(
    db: sqlite_utils.Database,
    ballot: Ballot,
    answers: dict[str, int],
    weights: dict[str, float],
) -> Result:
    """Rank the constituency's candidates and parties for these answers (pure numpy underneath)."""
    snapshot = get_snapshot(db, ballot.election["id"], max_staleness=_staleness())
    voter, w = snapshot.voter_vectors(answers, weights)
    answered = int(np.count_nonzero(~np.isnan(voter) & (w > 0)))
    try:
        view = snapshot.constituency(ballot.constituency["id"])
    except LookupError:
        return Result(ballot, [], [], answered)
    matches = scoring.match(voter, w, view.matrix)
    order = scoring.rank(matches, snapshot.numbers[view.rows])
    ids = [int(snapshot.candidate_ids[view.rows[i]]) for i in order]
    info = (
        {
            c["id"]: c
            for c in db.query(
                f"SELECT * FROM candidate WHERE id IN ({','.join('?' for _ in ids)})", ids
            )
        }
        if ids
        else {}
    )
    parties = _party_names(db)
    ranked = []
    for i in order:
        cid = int(snapshot.candidate_ids[view.rows[i]])
        row = dict(info[cid])
        row["languages"] = json.loads(row["languages"] or "[]")
        row["party"] = parties.get(row["party_id"])
        row["match"] = float(matches[i])
        ranked.append(row)
    party_index = snapshot.party_index[view.rows]
    scores = scoring.party_match(voter, w, view.matrix, party_index, len(snapshot.party_ids))
    party_rows = []
    for p, pid in enumerate(snapshot.party_ids):
        if pid is None or not scores.count[p]:
            continue
        party_rows.append(
            {
                "id": pid,
                "party": parties.get(pid),
                "match": float(scores.match[p]),
                "q1": float(scores.q1[p]),
                "median": float(scores.median[p]),
                "q3": float(scores.q3[p]),
                "count": int(scores.count[p]),
            }
        )
    party_rows.sort(key=lambda r: (-(r["match"] if r["match"] == r["match"] else -1), r["id"]))
    return Result(ballot, ranked, party_rows, answered)


def candidate_detail(
    db: sqlite_utils.Database, candidate_id: int, *, published_only: bool = True
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]] | None:
    """A candidate (of a published election, unless asked otherwise), their election, and their
    answers to that election's statements."""
    published = " AND e.published_at IS NOT NULL" if published_only else ""
    rows = list(
        db.query(
            "SELECT c.* FROM candidate c JOIN election e ON e.id = c.election_id "
            f"WHERE c.id = ?{published}",
            [candidate_id],
        )
    )
    if not rows:
        return None
    candidate = rows[0]
    candidate["languages"] = json.loads(candidate["languages"] or "[]")
    candidate["party"] = _party_names(db).get(candidate["party_id"])
    election = next(db.query("SELECT * FROM election WHERE id = ?", [candidate["election_id"]]))
    candidate["constituency"] = next(
        db.query("SELECT * FROM constituency WHERE id = ?", [candidate["constituency_id"]])
    )
    answers = list(
        db.query(
            """SELECT q.*, t.name_fi AS theme_fi, t.name_sv AS theme_sv, t.name_en AS theme_en,
                      a.value, a.justification_fi, a.justification_sv
               FROM election_question eq JOIN question q ON q.id = eq.question_id
               JOIN theme t ON t.id = q.theme_id
               LEFT JOIN answer a ON a.question_id = q.id AND a.candidate_id = ?
               WHERE eq.election_id = ? ORDER BY eq.position, q.id""",
            [candidate_id, election["id"]],
        )
    )
    for row in answers:
        row["scale"] = json.loads(row["scale"])
    return candidate, election, answers


def explain_candidate(
    db: sqlite_utils.Database,
    election_id: str,
    candidate_id: int,
    answers: dict[str, int],
    weights: dict[str, float],
) -> dict[str, Any]:
    """Match, per-theme matches and each statement's share of the distance, for one candidate."""
    snapshot = get_snapshot(db, election_id)
    voter, w = snapshot.voter_vectors(answers, weights)
    row = int(np.flatnonzero(snapshot.candidate_ids == candidate_id)[0])
    cand = snapshot.answers[row : row + 1]
    match = float(scoring.match(voter, w, cand)[0])
    labels, themes = scoring.theme_match(voter, w, cand, snapshot.themes)
    shares = scoring.explain(voter, w, snapshot.answers[row])
    return {
        "match": match,
        "themes": {str(t): float(themes[0, i]) for i, t in enumerate(labels)},
        "shares": {qid: float(shares[j]) for j, qid in enumerate(snapshot.question_ids)},
    }
