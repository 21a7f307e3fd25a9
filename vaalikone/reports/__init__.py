"""Organisation reports: how candidates, parties, constituencies and statements align with a goal profile.

Data assembly only: every number comes from vaalikone.matching.scoring (alignment, group_summary,
statement_support) on the published snapshot, so pages, downloads and tests share one computation.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sqlite_utils

from vaalikone.matching import scoring
from vaalikone.matching.snapshot import ElectionSnapshot, get_snapshot
from vaalikone.reports.cells import neutralised

STRONG = 75.0


@dataclass
class Report:
    organisation: dict[str, Any]
    election: dict[str, Any]
    elected_only: bool
    goals: list[dict[str, Any]]  # goal statements with position and weight
    constituencies: list[dict[str, Any]]  # region's constituencies: median, q1, q3, count, strong
    constituency: dict[str, Any] | None  # the one whose candidates are listed
    candidates: list[dict[str, Any]]  # that constituency's candidates, best aligned first
    parties: list[dict[str, Any]]  # distribution of alignment in the region
    support: list[dict[str, Any]]  # per goal: overall share and share by party
    # Once the official results are in: per party, the region's elected councillors and substitutes and
    # how the elected align (empty before the results).
    outcome: list[dict[str, Any]] = field(default_factory=list)


def organisation(db: sqlite_utils.Database, org_id: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM organisation WHERE id = ?", [org_id]))
    if not rows:
        return None
    org = rows[0]
    org["counties"] = json.loads(org["counties"] or "[]")
    org["municipalities"] = json.loads(org["municipalities"] or "[]")
    return org


def goal_vectors(
    db: sqlite_utils.Database, org_id: str, snapshot: ElectionSnapshot
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """The organisation's goal positions (normalised, NaN = not a goal) and weights over the election."""
    goals = {
        g["question_id"]: g
        for g in db.query("SELECT * FROM organisation_goal WHERE organisation_id = ?", [org_id])
    }
    positions = np.full(len(snapshot.question_ids), np.nan)
    weights = np.zeros(len(snapshot.question_ids))
    listed = []
    for j, qid in enumerate(snapshot.question_ids):
        goal = goals.get(qid)
        if goal is None:
            continue
        positions[j] = scoring.normalise(
            np.array([goal["position"]], dtype=float), snapshot.scale_min[j], snapshot.scale_max[j]
        )[0]
        weights[j] = goal["weight"]
        listed.append(
            {"index": j, "question_id": qid, "position": goal["position"], "weight": goal["weight"]}
        )
    return positions, weights, listed


def region_mask(
    db: sqlite_utils.Database, org: dict[str, Any], snapshot: ElectionSnapshot
) -> np.ndarray:
    """Which of the election's constituencies lie in the organisation's region."""
    if org["scope"] == "national":
        return np.ones(len(snapshot.constituency_ids), dtype=bool)
    counties, municipalities = set(org["counties"]), set(org["municipalities"])
    rows = {
        c["id"]: c
        for c in db.query(
            """SELECT k.*, m.county_id AS municipality_county FROM constituency k
               LEFT JOIN municipality m ON m.code = k.municipality_code WHERE k.election_id = ?""",
            [snapshot.election["id"]],
        )
    }
    mask = []
    for cid in snapshot.constituency_ids:
        c = rows[cid]
        inside = (
            c["municipality_code"] in municipalities
            or c["county_id"] in counties
            or c["municipality_county"] in counties
        )
        if c["district_id"] is not None:
            # A parliamentary district counts when any of the region's municipalities lies in it.
            inside = inside or bool(
                db.execute(
                    "SELECT 1 FROM municipality WHERE district_id = ? AND (county_id IN (SELECT value FROM json_each(?)) "
                    "OR code IN (SELECT value FROM json_each(?))) LIMIT 1",
                    [
                        c["district_id"],
                        json.dumps(sorted(counties)),
                        json.dumps(sorted(municipalities)),
                    ],
                ).fetchone()
            )
        mask.append(inside)
    return np.array(mask, dtype=bool)


def build(
    db: sqlite_utils.Database,
    org_id: str,
    election_id: str,
    constituency_id: str | None = None,
    elected_only: bool = False,
) -> Report:
    """Every table of the report for one organisation and published election."""
    org = organisation(db, org_id)
    if org is None:
        raise LookupError(org_id)
    snapshot = get_snapshot(db, election_id)
    positions, weights, goals = goal_vectors(db, org_id, snapshot)
    texts = {q["id"]: q for q in db.query("SELECT * FROM question")}
    for g in goals:
        g["question"] = texts[g["question_id"]]
    region = _candidates_in_region(db, org, snapshot)
    elected = np.array([bool(p["elected"]) for p in snapshot.people], dtype=bool)
    substitute = np.array([bool(p.get("substitute")) for p in snapshot.people], dtype=bool)
    outcome = _outcome(snapshot, region, elected, substitute, positions, weights, bool(goals))
    rows = region[elected[region]] if elected_only else region
    answers = snapshot.answers[rows]
    if goals:
        aligned = scoring.alignment(positions, weights, answers)
    else:
        aligned = np.full(len(rows), np.nan)
    parties = {p["id"]: p for p in db.query("SELECT * FROM party")}
    consts = {
        c["id"]: c
        for c in db.query("SELECT * FROM constituency WHERE election_id = ?", [election_id])
    }
    const_index = snapshot.constituency_index[rows]
    constituency_rows = _group_rows(
        aligned, const_index, snapshot.constituency_ids, lambda cid: ("constituency", consts[cid])
    )
    # Constituencies without a median (no goal answered there) go last.
    constituency_rows.sort(
        key=lambda r: (-r["median"] if r["median"] == r["median"] else 1, r["id"])
    )
    party_rows = _group_rows(
        aligned,
        snapshot.party_index[rows],
        snapshot.party_ids,
        lambda pid: ("party", parties.get(pid)),
    )
    party_rows.sort(key=lambda r: (-r["median"], r["id"]))
    # One constituency's candidates: by default the organisation's largest constituency (most candidates),
    # where most of its members vote.
    largest = max(constituency_rows, key=lambda r: r["count"], default=None)
    chosen = (
        constituency_id
        if constituency_id in {r["id"] for r in constituency_rows}
        else (largest["id"] if largest else None)
    )
    candidate_rows = []
    if chosen is not None:
        local = np.flatnonzero(const_index == snapshot.constituency_ids.index(chosen))
        candidate_rows = _candidate_rows(
            db, snapshot, rows[local], aligned[local], parties, [g["question_id"] for g in goals]
        )
    return Report(
        organisation=org,
        election=snapshot.election,
        elected_only=elected_only,
        goals=goals,
        constituencies=constituency_rows,
        constituency=consts.get(chosen) if chosen else None,
        candidates=candidate_rows,
        parties=party_rows,
        support=_support_rows(positions, answers, goals, snapshot, rows, party_rows),
        outcome=[r | {"party": parties.get(r["id"])} for r in outcome],
    )


def _candidates_in_region(
    db: sqlite_utils.Database, org: dict[str, Any], snapshot: ElectionSnapshot
) -> np.ndarray:
    """Rows of the snapshot's candidates standing in the organisation's region."""
    return np.flatnonzero(region_mask(db, org, snapshot)[snapshot.constituency_index])


def _outcome(
    snapshot: ElectionSnapshot,
    rows: np.ndarray,
    elected: np.ndarray,
    substitute: np.ndarray,
    positions: np.ndarray,
    weights: np.ndarray,
    has_goals: bool,
) -> list[dict[str, Any]]:
    """Per party in the region: elected councillors, substitutes, and the elected's alignment."""
    chosen = rows[elected[rows]]
    if not len(chosen) and not substitute[rows].any():
        return []
    n = len(snapshot.party_ids)
    aligned = (
        scoring.alignment(positions, weights, snapshot.answers[chosen])
        if has_goals
        else np.full(len(chosen), np.nan)
    )
    summary = scoring.group_summary(aligned, snapshot.party_index[chosen], n, strong=STRONG)
    counts = np.bincount(snapshot.party_index[chosen], minlength=n)
    substitutes = np.bincount(snapshot.party_index[rows[substitute[rows]]], minlength=n)
    out = [
        {
            "id": pid or "-",
            "elected": int(counts[p]),
            "substitutes": int(substitutes[p]),
            "median": float(summary.median[p]),
            "strong": int(summary.strong[p]),
        }
        for p, pid in enumerate(snapshot.party_ids)
        if counts[p] or substitutes[p]
    ]
    out.sort(key=lambda r: (-r["elected"], r["id"]))
    return out


def _group_rows(
    aligned: np.ndarray,
    index: np.ndarray,
    labels: list[Any],
    describe: Any,
) -> list[dict[str, Any]]:
    """How the candidates of each group (constituency or party) align: median, quartiles, count and the
    number strongly aligned, for the groups that have candidates. `describe(label)` names the group's row."""
    summary = scoring.group_summary(aligned, index, len(labels), strong=STRONG)
    out = []
    for k, label in enumerate(labels):
        if summary.count[k] == 0:
            continue
        name, row = describe(label)
        out.append(
            {
                "id": label or "-",
                name: row,
                "median": float(summary.median[k]),
                "q1": float(summary.q1[k]),
                "q3": float(summary.q3[k]),
                "count": int(summary.count[k]),
                "strong": int(summary.strong[k]),
            }
        )
    return out


def _support_rows(
    positions: np.ndarray,
    answers: np.ndarray,
    goals: list[dict[str, Any]],
    snapshot: ElectionSnapshot,
    rows: np.ndarray,
    party_rows: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Per goal statement, the share of candidates supporting it, overall and by party; least support
    first: where advocacy is needed most."""
    if not goals or not len(rows):
        return []
    overall = scoring.statement_support(positions, answers)
    by_party = scoring.statement_support(
        positions, answers, snapshot.party_index[rows], len(snapshot.party_ids)
    )
    party_position = {
        r["id"]: snapshot.party_ids.index(None if r["id"] == "-" else r["id"]) for r in party_rows
    }
    support = [
        {
            **g,
            "overall": float(overall[g["index"]]),
            "by_party": {pid: float(by_party[p, g["index"]]) for pid, p in party_position.items()},
        }
        for g in goals
    ]
    return sorted(support, key=lambda r: r["overall"])


def _candidate_rows(
    db: sqlite_utils.Database,
    snapshot: ElectionSnapshot,
    rows: np.ndarray,
    aligned: np.ndarray,
    parties: dict[str, Any],
    goal_ids: list[str],
) -> list[dict[str, Any]]:
    """One constituency's candidates (snapshot rows), best aligned first, with their goal answers."""
    order = scoring.rank(aligned, snapshot.numbers[rows])
    ids = [int(snapshot.candidate_ids[rows[i]]) for i in order]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    # Only what the report shows: a candidate's row carries some forty columns since the official list.
    info = {
        c["id"]: c
        for c in db.query(
            "SELECT id, first_name, last_name, number, party_id, constituency_id, elected, substitute "
            f"FROM candidate WHERE id IN ({marks})",
            ids,
        )
    }
    answers_by: dict[int, dict[str, Any]] = {}
    if goal_ids:
        for a in db.query(
            "SELECT candidate_id, question_id, value, justification_fi, justification_sv "
            f"FROM answer WHERE candidate_id IN ({marks}) "
            f"AND question_id IN ({','.join('?' * len(goal_ids))})",
            ids + goal_ids,
        ):
            answers_by.setdefault(a["candidate_id"], {})[a["question_id"]] = a
    out = []
    for i, cid in zip(order, ids, strict=True):
        c = dict(info[cid])
        c["alignment"] = float(aligned[i])
        c["party"] = parties.get(c["party_id"])
        c["answers"] = answers_by.get(cid, {})
        out.append(c)
    return out


def as_json(report: Report) -> dict[str, Any]:
    """The report's numbers for downloads (the same numbers the page shows)."""
    return {
        "organisation": report.organisation["id"],
        "election": report.election["id"],
        "elected_only": report.elected_only,
        "goals": [
            {"statement": g["question_id"], "position": g["position"], "weight": g["weight"]}
            for g in report.goals
        ],
        "constituency": report.constituency["id"] if report.constituency else None,
        "candidates": [
            {
                "id": c["id"],
                "number": c["number"],
                "name": f"{c['first_name']} {c['last_name']}",
                "party": c["party_id"],
                "alignment": _n(c["alignment"]),
                "elected": c["elected"],
                "substitute": c["substitute"],
            }
            for c in report.candidates
        ],
        "outcome": [
            {k: _n(v) if isinstance(v, float) else v for k, v in r.items() if k != "party"}
            for r in report.outcome
        ],
        "parties": [
            {k: _n(v) if isinstance(v, float) else v for k, v in r.items() if k != "party"}
            for r in report.parties
        ],
        "constituencies": [
            {k: _n(v) if isinstance(v, float) else v for k, v in r.items() if k != "constituency"}
            for r in report.constituencies
        ],
        "statements": [
            {
                "statement": s["question_id"],
                "overall": _n(s["overall"]),
                "by_party": {k: _n(v) for k, v in s["by_party"].items()},
            }
            for s in report.support
        ],
    }


def _n(value: float) -> float | None:
    return None if value != value else round(value, 6)


# The CSV download: one row per item, the first column naming its table; a table leaves the columns it does
# not use empty. Every number column holds one unit (per cent 0-100, or a count). The report page documents
# this layout for readers.
CSV_COLUMNS = (
    "table",
    "id",
    "name",
    "party_id",
    "party",
    "constituency_id",
    "alignment_percent",
    "median_percent",
    "q1_percent",
    "q3_percent",
    "candidates",
    "strongly_supporting",
    "supporting_percent",
)


def as_csv(report: Report, lang: str = "fi", excel_fi: bool = False) -> str:
    """The report as one CSV table with names beside ids; `excel_fi` writes what Finnish Excel opens as
    it is (semicolons, decimal commas), otherwise commas and decimal points."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel_fi else ",")

    def num(value: float | None) -> str:
        if value is None or value != value:
            return ""
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if excel_fi else text

    def named(row: dict[str, Any] | None, field: str = "name") -> str:
        if not row:
            return ""
        return row.get(f"{field}_{lang}") or row.get(f"{field}_fi") or ""

    def write(table: str, **cells: Any) -> None:
        # Names come from candidates and organisations: a name that starts like a formula stays text.
        writer.writerow(
            [table, *(neutralised(cells.get(column, "")) for column in CSV_COLUMNS[1:])]
        )

    writer.writerow(CSV_COLUMNS)
    for c in report.candidates:
        write(
            "candidate",
            id=c["id"],
            name=f"{c['first_name']} {c['last_name']}",
            party_id=c["party_id"] or "",
            party=named(c["party"]),
            constituency_id=c["constituency_id"],
            alignment_percent=num(c["alignment"]),
        )
    for group, table in ((report.parties, "party"), (report.constituencies, "constituency")):
        for r in group:
            write(
                table,
                id=r["id"],
                name=named(r.get(table)),
                party_id=r["id"] if table == "party" else "",
                party=named(r.get("party")),
                median_percent=num(r["median"]),
                q1_percent=num(r["q1"]),
                q3_percent=num(r["q3"]),
                candidates=r["count"],
                strongly_supporting=r["strong"],
            )
    parties = {r["id"]: r.get("party") for r in report.parties}
    for s in report.support:
        text = named(s["question"], "text")
        write(
            "statement", id=s["question_id"], name=text, supporting_percent=num(100 * s["overall"])
        )
        for pid, share in s["by_party"].items():
            write(
                "statement_by_party",
                id=s["question_id"],
                name=text,
                party_id=pid,
                party=named(parties.get(pid)),
                supporting_percent=num(100 * share),
            )
    return out.getvalue()
