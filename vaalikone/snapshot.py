"""Published snapshot: an election's candidate answers as numpy arrays, built once and reused.

Data flows one way: question bank -> database -> snapshot -> pages. A snapshot is keyed on the election's
`data_version`, which every answer change, import and publication bumps, so a worker rebuilds it only when
answers have changed. One cheap query per request checks the version.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sqlite_utils

from vaalikone.scoring import CandidateMatrix, normalise, party_profiles


@dataclass
class ConstituencyView:
    """The candidates of one constituency, as indices into the election snapshot plus their own matrix."""

    constituency_id: str
    rows: np.ndarray  # indices into ElectionSnapshot's candidate arrays
    matrix: CandidateMatrix
    party_index: np.ndarray  # (rows,) index into ElectionSnapshot.party_ids
    party_profiles: CandidateMatrix  # (parties, Q) median answers of each party's candidates here


@dataclass
class ElectionSnapshot:
    election: dict[str, Any]
    version: int
    question_ids: list[str]
    themes: np.ndarray  # (Q,) theme id of each statement
    scales: list[list[int]]  # allowed answer values per statement
    scale_min: np.ndarray  # (Q,)
    scale_max: np.ndarray  # (Q,)
    candidate_ids: np.ndarray  # (C,) int64
    numbers: np.ndarray  # (C,) ballot number, or a large value so numberless candidates sort last
    party_ids: list[str | None]  # labels of party_index; None = independents
    party_index: np.ndarray  # (C,) int
    constituency_ids: list[str]
    constituency_index: np.ndarray  # (C,) int
    answers: np.ndarray  # (C, Q) normalised to [0, 1], NaN = unanswered
    matrix: CandidateMatrix
    # What result lists show of each candidate (aligned with candidate_ids) and the parties they stand for:
    # read with the answers so that a results page needs no query of its own.
    people: list[dict[str, Any]] = field(default_factory=list)
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)
    built_at: float = field(default_factory=time.monotonic)
    _views: dict[str, ConstituencyView] = field(default_factory=dict, repr=False)

    @property
    def question_index(self) -> dict[str, int]:
        return {qid: i for i, qid in enumerate(self.question_ids)}

    def constituency(self, constituency_id: str) -> ConstituencyView:
        """The candidates standing in one constituency (cached)."""
        view = self._views.get(constituency_id)
        if view is None:
            try:
                idx = self.constituency_ids.index(constituency_id)
            except ValueError:
                raise LookupError(constituency_id) from None
            rows = np.flatnonzero(self.constituency_index == idx)
            matrix = CandidateMatrix(self.answers[rows])
            party_index = self.party_index[rows]
            view = ConstituencyView(
                constituency_id,
                rows,
                matrix,
                party_index,
                CandidateMatrix(party_profiles(matrix, party_index, len(self.party_ids))),
            )
            self._views[constituency_id] = view
        return view

    def voter_vectors(
        self, answers: dict[str, int | None], weights: dict[str, float] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """A voter's raw answers and weights as arrays aligned with question_ids (NaN = skipped)."""
        raw = np.array(
            [
                answers.get(qid) if answers.get(qid) is not None else np.nan
                for qid in self.question_ids
            ],
            dtype=np.float64,
        )
        voter = normalise(raw, self.scale_min, self.scale_max)
        w = np.array([(weights or {}).get(qid, 1.0) for qid in self.question_ids], dtype=np.float64)
        return voter, w


# Public columns only: e-mail addresses and introductions never enter a snapshot.
LISTED_COLUMNS = (
    "id",
    "election_id",
    "constituency_id",
    "party_id",
    "number",
    "first_name",
    "last_name",
    "languages",
    "elected",
)

_cache: dict[tuple[str, str], ElectionSnapshot] = {}
_lock = threading.Lock()


def data_version(db: sqlite_utils.Database, election_id: str) -> int | None:
    row = db.execute("SELECT data_version FROM election WHERE id = ?", [election_id]).fetchone()
    return None if row is None else row[0]


def bump_version(db: sqlite_utils.Database, election_id: str) -> None:
    """Mark an election's answers as changed: snapshots rebuild on their next use."""
    db.execute("UPDATE election SET data_version = data_version + 1 WHERE id = ?", [election_id])


def get_snapshot(
    db: sqlite_utils.Database,
    election_id: str,
    *,
    published_only: bool = True,
    max_staleness: float = 0.0,
) -> ElectionSnapshot:
    """The election's snapshot, rebuilt only if its answers changed since it was built.

    While candidates are saving at the deadline, every save changes the version; `max_staleness` lets a
    worker keep serving a snapshot up to that many seconds old instead of rebuilding it for every voter.
    A change of publication always rebuilds at once.
    """
    key = (str(db.conn.execute("PRAGMA database_list").fetchone()[2]), election_id)
    row = db.execute(
        "SELECT data_version, published_at FROM election WHERE id = ?", [election_id]
    ).fetchone()
    if row is None:
        raise LookupError(election_id)
    version, published_at = row
    cached = _cache.get(key)
    fresh_enough = (
        cached is not None
        and cached.election.get("published_at") == published_at
        and (cached.version == version or time.monotonic() - cached.built_at < max_staleness)
    )
    # A change of answers may be served a little late; a change of publication never is.
    may_wait = (
        max_staleness > 0
        and cached is not None
        and cached.election.get("published_at") == published_at
    )
    if fresh_enough:
        snapshot = cached
    elif may_wait and not _lock.acquire(blocking=False):
        # Another thread is already rebuilding it: serve the slightly older one meanwhile.
        snapshot = cached
    else:
        if not may_wait:
            _lock.acquire()
        try:
            latest = _cache.get(key)
            if (
                latest is not None
                and latest.version == version
                and latest.election.get("published_at") == published_at
            ):
                snapshot = latest  # rebuilt by another thread while this one waited
            else:
                snapshot = _cache[key] = build_snapshot(db, election_id)
        finally:
            _lock.release()
    if published_only and not snapshot.election.get("published_at"):
        raise LookupError(election_id)
    return snapshot


def build_snapshot(db: sqlite_utils.Database, election_id: str) -> ElectionSnapshot:
    """Read one election's statements, candidates and answers into arrays."""
    election = next(db.query("SELECT * FROM election WHERE id = ?", [election_id]), None)
    if election is None:
        raise LookupError(election_id)
    questions = list(
        db.query(
            """SELECT q.id, q.theme_id, q.scale FROM election_question eq
               JOIN question q ON q.id = eq.question_id
               WHERE eq.election_id = ? ORDER BY eq.position, q.id""",
            [election_id],
        )
    )
    question_ids = [q["id"] for q in questions]
    scales = [json.loads(q["scale"]) for q in questions]
    candidates = list(
        db.query(
            f"""SELECT {", ".join(LISTED_COLUMNS)} FROM candidate
               WHERE election_id = ? ORDER BY constituency_id, number, id""",
            [election_id],
        )
    )
    for c in candidates:
        c["languages"] = json.loads(c["languages"] or "[]")
    cand_pos = {c["id"]: i for i, c in enumerate(candidates)}
    q_pos = {qid: j for j, qid in enumerate(question_ids)}
    raw = np.full((len(candidates), len(question_ids)), np.nan)
    # Rebuilt every few seconds while candidates save, so the cells are filled in one numpy assignment
    # (item by item took 90 ms for the demo's 58,000 answers).
    cells = [
        (cand_pos[cid], q_pos[qid], value)
        for cid, qid, value in db.execute(
            """SELECT a.candidate_id, a.question_id, a.value FROM answer a
               JOIN candidate c ON c.id = a.candidate_id
               WHERE c.election_id = ? AND a.value IS NOT NULL""",
            [election_id],
        )
        if qid in q_pos
    ]
    if cells:
        rows, cols, values = (np.array(column) for column in zip(*cells, strict=True))
        raw[rows, cols] = values
    scale_min = np.array([min(s) for s in scales], dtype=np.float64)
    scale_max = np.array([max(s) for s in scales], dtype=np.float64)
    answers = normalise(raw, scale_min, scale_max) if question_ids else raw
    party_ids = sorted({c["party_id"] for c in candidates if c["party_id"]}) + [None]
    party_pos = {p: i for i, p in enumerate(party_ids)}
    constituency_ids = sorted({c["constituency_id"] for c in candidates})
    const_pos = {c: i for i, c in enumerate(constituency_ids)}
    numbers = np.array(
        [c["number"] if c["number"] is not None else 10**9 + c["id"] for c in candidates],
        dtype=np.int64,
    )
    return ElectionSnapshot(
        election=election,
        version=election["data_version"],
        question_ids=question_ids,
        themes=np.array([q["theme_id"] for q in questions], dtype=str),
        scales=scales,
        scale_min=scale_min,
        scale_max=scale_max,
        candidate_ids=np.array([c["id"] for c in candidates], dtype=np.int64),
        numbers=numbers,
        party_ids=party_ids,
        party_index=np.array([party_pos[c["party_id"]] for c in candidates], dtype=np.int64),
        constituency_ids=constituency_ids,
        constituency_index=np.array(
            [const_pos[c["constituency_id"]] for c in candidates], dtype=np.int64
        ),
        answers=answers,
        matrix=CandidateMatrix(answers),
        people=candidates,
        parties={
            p["id"]: p
            for p in db.query(
                """SELECT * FROM party WHERE id IN
                   (SELECT party_id FROM candidate WHERE election_id = ?)""",
                [election_id],
            )
        },
    )
