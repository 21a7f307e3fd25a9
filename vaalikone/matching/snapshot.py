"""Published snapshot: an election's candidate answers as numpy arrays, built once and reused.

Data flows one way: question bank -> database -> snapshot -> pages. A snapshot is keyed on the election's
`data_version`, which every answer change, import and publication bumps, so a worker rebuilds it only when
answers have changed. One cheap query per request checks the version.

While candidates are saving, answers change many times a second. A worker then serves the snapshot it has
for up to `max_staleness` seconds, and after that rebuilds it in a background thread while voters are still
served the previous one: no voter waits for a rebuild. A rebuild reads again only the candidates changed
since the last snapshot (update_snapshot; triggers keep `candidate.changed_version`), and constituencies
where nobody changed keep their prepared matrices. A change of publication is never served late.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import sqlite_utils

from vaalikone.db import database_file, opened
from vaalikone.matching.scoring import CandidateMatrix, Groups, normalise, party_profiles
from vaalikone.matching.stability import padded_alternatives
from vaalikone.matching.store import MatchingStore
from vaalikone.matching.store import current as current_store


@dataclass
class ConstituencyView:
    """The candidates of one constituency, as indices into the election snapshot plus their own matrix."""

    constituency_id: str
    rows: np.ndarray  # indices into ElectionSnapshot's candidate arrays
    candidate_ids: np.ndarray  # (rows,)
    matrix: CandidateMatrix
    party_index: np.ndarray  # (rows,) index into ElectionSnapshot.party_ids
    party_profiles: np.ndarray  # (parties, Q) median answers of each party's candidates here
    # Candidates, then party profiles, in one matrix: a voter is matched with both in one product.
    stacked: CandidateMatrix
    party_groups: Groups = field(
        init=False, repr=False
    )  # party_index prepared for each voter's spreads
    candidate_keys: frozenset[str] = field(init=False, repr=False)  # ids as forms send them
    # (rows,) how many statements each candidate answered; "did not answer" ranks last on every page
    answered: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.party_groups = Groups(self.party_index, len(self.party_profiles))
        self.candidate_keys = frozenset(str(i) for i in self.candidate_ids.tolist())
        self.answered = np.count_nonzero(~np.isnan(self.matrix.answers), axis=1)


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
    answers: (
        np.ndarray
    )  # (C, Q) normalised to [0, 1], NaN = unanswered; matrices are per constituency
    # What result lists show of each candidate (aligned with candidate_ids) and the parties they stand for:
    # read with the answers so that a results page needs no query of its own.
    people: list[dict[str, Any]] = field(default_factory=list)
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)
    built_at: float = field(default_factory=time.monotonic)
    _views: dict[str, ConstituencyView] = field(default_factory=dict, repr=False)
    # The previous snapshot's views, for constituencies that have not changed since (see constituency()).
    _previous_views: dict[str, ConstituencyView] = field(default_factory=dict, repr=False)
    _previous_party_ids: list[str | None] = field(default_factory=list, repr=False)
    # Which result filters each constituency's data allows (voting.filter_options), made when first asked.
    filter_options: dict[str, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def question_index(self) -> dict[str, int]:
        return {qid: i for i, qid in enumerate(self.question_ids)}

    @cached_property
    def alternatives(self) -> np.ndarray:
        """Each statement's possible answers normalised to 0..1 (Q, K), as the voter could change them."""
        return padded_alternatives(
            [
                normalise(np.array(scale, dtype=np.float64), low, high)
                for scale, low, high in zip(
                    self.scales, self.scale_min, self.scale_max, strict=True
                )
            ]
        )

    def constituency(self, constituency_id: str) -> ConstituencyView:
        """The candidates standing in one constituency (cached)."""
        view = self._views.get(constituency_id)
        if view is None:
            try:
                idx = self.constituency_ids.index(constituency_id)
            except ValueError:
                raise LookupError(constituency_id) from None
            rows = np.flatnonzero(self.constituency_index == idx)
            ids, answers, party_index = (
                self.candidate_ids[rows],
                self.answers[rows],
                self.party_index[rows],
            )
            old = self._previous_views.get(constituency_id)
            if (
                old is not None
                and self._previous_party_ids == self.party_ids
                and np.array_equal(old.candidate_ids, ids)
                and np.array_equal(old.party_index, party_index)
                and np.array_equal(old.matrix.answers, answers, equal_nan=True)
            ):
                # Unchanged: everything prepared is kept; only where its rows sit may have moved.
                view = copy.copy(old)
                view.rows = rows
            else:
                matrix = CandidateMatrix(answers)
                profiles = party_profiles(matrix, party_index, len(self.party_ids))
                stacked = CandidateMatrix(np.vstack([answers, profiles]))
                view = ConstituencyView(
                    constituency_id, rows, ids, matrix, party_index, profiles, stacked
                )
            self._views[constituency_id] = view
        return view

    def voter_vectors(
        self, answers: dict[str, int | None], weights: dict[str, float] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """A voter's answers (normalised, NaN = skipped) and weights as arrays aligned with question_ids."""
        index = self.question_index
        raw = np.full(len(index), np.nan)
        for qid, value in answers.items():
            i = index.get(qid)
            if i is not None and value is not None:
                raw[i] = value
        w = np.ones(len(index))
        for qid, weight in (weights or {}).items():
            i = index.get(qid)
            if i is not None:
                w[i] = weight
        voter = normalise(raw, self.scale_min, self.scale_max)
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
    "substitute",
)

# What result filters read, where the database has them (the official list adds incumbency and its
# language column): read with the listed columns, absent ones left out. Changes mark the candidate (m181).
FILTER_COLUMNS = ("age", "gender", "councillor", "county_councillor", "mp", "official_language")


def _listed_columns(db: sqlite_utils.Database) -> str:
    present = {row[1] for row in db.execute("PRAGMA table_info(candidate)").fetchall()}
    return ", ".join(LISTED_COLUMNS + tuple(c for c in FILTER_COLUMNS if c in present))


log = logging.getLogger(__name__)


def data_version(db: sqlite_utils.Database, election_id: str) -> int | None:
    row = db.execute("SELECT data_version FROM election WHERE id = ?", [election_id]).fetchone()
    return None if row is None else row[0]


def get_snapshot(
    db: sqlite_utils.Database,
    election_id: str,
    *,
    published_only: bool = True,
    max_staleness: float = 0.0,
    store: MatchingStore | None = None,
) -> ElectionSnapshot:
    """The election's snapshot from the app's store, rebuilt only if its answers changed since it was built.

    While candidates are saving at the deadline, every save changes the version; `max_staleness` lets a
    worker keep serving a snapshot up to that many seconds old, and then serve it while a background
    thread builds the next. With max_staleness 0, or after a change of publication, it rebuilds at once.
    An unknown election raises LookupError before anything is kept.
    """
    store = store or current_store()
    row = db.execute(
        "SELECT data_version, published_at FROM election WHERE id = ?", [election_id]
    ).fetchone()
    if row is None:
        raise LookupError(election_id)
    key = (database_file(db), election_id)
    version, published_at = row
    cached = store.snapshots.get(key)
    if cached is not None and version < cached.version:
        # The database went back: a read-only node's copy replaced by one restored to an earlier point.
        # Nothing built from the later state may be served or updated from.
        cached = None
    # A change of publication is never served late; a change of answers may be, up to max_staleness.
    same_publication = cached is not None and cached.election.get("published_at") == published_at
    if same_publication and (
        cached.version == version or time.monotonic() - cached.built_at < max_staleness
    ):
        snapshot = cached
    elif same_publication and max_staleness > 0:
        # Only answers changed: serve this one while a background thread builds the next.
        _rebuild_in_background(store, key, election_id, cached)
        snapshot = cached
    else:
        with store.build_lock:
            latest = store.snapshots.get(key)
            if (
                latest is not None
                and latest.version == version
                and latest.election.get("published_at") == published_at
            ):
                snapshot = latest  # rebuilt by another thread while this one waited
            else:
                snapshot = store.snapshots.put(
                    key, build_snapshot(db, election_id, previous=cached)
                )
    if published_only and not snapshot.election.get("published_at"):
        raise LookupError(election_id)
    return snapshot


def _rebuild_in_background(
    store: MatchingStore, key: tuple[str, str], election_id: str, previous: ElectionSnapshot
) -> None:
    """Build the election's next snapshot in a thread of its own (at most one per election) and put it in
    place of `previous`, with the constituencies voters were using already prepared."""
    with store.rebuilding_lock:
        if key in store.rebuilding:
            return

        def rebuild() -> None:
            try:
                with opened(key[0]) as db:
                    fresh = build_snapshot(db, election_id, previous=previous)
                for constituency_id in list(previous._views):
                    try:
                        fresh.constituency(constituency_id)
                    except LookupError:  # its last candidate has gone
                        pass
                fresh._previous_views = {}  # let the old matrices go
                store.snapshots.replace(key, previous, fresh)  # unless a newer one is in place
            except Exception:  # noqa: BLE001 - voters keep the previous snapshot; the next request retries
                log.exception("rebuilding the snapshot of %s failed", election_id)
            finally:
                with store.rebuilding_lock:
                    store.rebuilding.pop(key, None)

        thread = threading.Thread(target=rebuild, name=f"snapshot-{election_id}", daemon=True)
        store.rebuilding[key] = thread
    thread.start()


def _questions(db: sqlite_utils.Database, election_id: str) -> list[dict[str, Any]]:
    return list(
        db.query(
            """SELECT q.id, q.theme_id, q.scale FROM election_question eq
               JOIN question q ON q.id = eq.question_id
               WHERE eq.election_id = ? ORDER BY eq.position, q.id""",
            [election_id],
        )
    )


def _listed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    parsed: dict[str, list[str]] = {}  # a handful of distinct language lists among thousands
    for c in rows:
        text = c["languages"] or "[]"
        languages = parsed.get(text)
        if languages is None:
            languages = parsed[text] = json.loads(text)
        c["languages"] = list(languages)
    return rows


def _parties(db: sqlite_utils.Database, election_id: str) -> dict[str, dict[str, Any]]:
    return {
        p["id"]: p
        for p in db.query(
            """SELECT * FROM party WHERE id IN
               (SELECT party_id FROM candidate WHERE election_id = ? AND NOT withdrawn)""",
            [election_id],
        )
    }


def _fill_answers(
    db: sqlite_utils.Database,
    raw: np.ndarray,
    where: str,
    params: list[Any],
    cand_pos: dict[int, int],
    q_pos: dict[str, int],
) -> None:
    """Write the answers selected by `where` into raw (candidates x statements), in one numpy assignment.

    A national municipal election has 600,000 answers: each row arrives as three integers (the statement
    by its rowid) that numpy maps to positions at once; a Python lookup per answer took 3 s of a 7 s build.
    """
    if not q_pos or not cand_pos:
        return
    found = db.execute(
        f"""SELECT a.candidate_id, q.rowid, a.value FROM answer a
            JOIN candidate c ON c.id = a.candidate_id
            JOIN question q ON q.id = a.question_id
            WHERE {where} AND a.value IS NOT NULL""",
        params,
    ).fetchall()
    if not found:
        return
    cells = np.array(found, dtype=np.int64)
    rowids = dict(db.execute("SELECT id, rowid FROM question").fetchall())
    column = np.full(max(rowids.values()) + 1, -1, dtype=np.int64)
    for qid, j in q_pos.items():
        if qid in rowids:
            column[rowids[qid]] = j
    ids = np.fromiter(cand_pos.keys(), dtype=np.int64, count=len(cand_pos))
    positions = np.fromiter(cand_pos.values(), dtype=np.int64, count=len(cand_pos))
    order = np.argsort(ids)
    at = np.searchsorted(ids[order], cells[:, 0])
    at[at == len(ids)] = 0
    cols = column[np.minimum(cells[:, 1], len(column) - 1)]
    # Withdrawn candidates' answers, and answers to statements the election no longer asks, stay out.
    known = (ids[order][at] == cells[:, 0]) & (cols >= 0) & (cells[:, 1] < len(column))
    raw[positions[order][at[known]], cols[known]] = cells[known, 2]


def build_snapshot(
    db: sqlite_utils.Database, election_id: str, previous: ElectionSnapshot | None = None
) -> ElectionSnapshot:
    """Read one election's statements, candidates and answers into arrays (reusing what `previous`,
    the election's last snapshot, prepared for constituencies that have not changed)."""
    if previous is not None:
        updated = update_snapshot(db, previous)
        if updated is not None:
            return updated
    # The version is read first: whatever changes while the rest is read is newer, never older, than it.
    election = next(db.query("SELECT * FROM election WHERE id = ?", [election_id]), None)
    if election is None:
        raise LookupError(election_id)
    questions = _questions(db, election_id)
    question_ids = [q["id"] for q in questions]
    scales = [json.loads(q["scale"]) for q in questions]
    candidates = _listed(
        list(
            db.query(
                f"""SELECT {_listed_columns(db)} FROM candidate
                   WHERE election_id = ? AND NOT withdrawn ORDER BY constituency_id, number, id""",
                [election_id],
            )
        )
    )
    cand_pos = {c["id"]: i for i, c in enumerate(candidates)}
    q_pos = {qid: j for j, qid in enumerate(question_ids)}
    raw = np.full((len(candidates), len(question_ids)), np.nan)
    _fill_answers(db, raw, "c.election_id = ? AND NOT c.withdrawn", [election_id], cand_pos, q_pos)
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
        people=candidates,
        _previous_views=dict(previous._views) if previous is not None else {},
        _previous_party_ids=previous.party_ids if previous is not None else [],
        parties=_parties(db, election_id),
    )


# What places a candidate in a snapshot's arrays: a change to any of these needs a full build.
_PLACE = ("constituency_id", "party_id", "number")


def update_snapshot(
    db: sqlite_utils.Database, previous: ElectionSnapshot
) -> ElectionSnapshot | None:
    """`previous` with the candidates changed since it was built read again, or None when only a full
    build will do (candidates added or removed, moved to another constituency, party or number; the
    statements or the publication changed).

    While candidates save at the deadline, a few of thousands change between two snapshots: reading
    those few instead of every answer makes a rebuild take milliseconds instead of 150 ms of a worker.
    """
    election_id = previous.election["id"]
    election = next(db.query("SELECT * FROM election WHERE id = ?", [election_id]), None)
    if election is None or election["published_at"] != previous.election.get("published_at"):
        return None
    questions = _questions(db, election_id)
    if [q["id"] for q in questions] != previous.question_ids or [
        json.loads(q["scale"]) for q in questions
    ] != previous.scales:
        return None
    (count,) = db.execute(
        "SELECT COUNT(*) FROM candidate WHERE election_id = ? AND NOT withdrawn", [election_id]
    ).fetchone()
    if count != len(previous.candidate_ids):
        return None
    # Withdrawn candidates are read too: one withdrawn and another restored since leave the count alike.
    changed = _listed(
        list(
            db.query(
                f"""SELECT {_listed_columns(db)}, withdrawn FROM candidate
                   WHERE election_id = ? AND changed_version > ?""",
                [election_id, previous.version],
            )
        )
    )
    cand_pos = {int(cid): i for i, cid in enumerate(previous.candidate_ids)}
    for c in changed:
        i = cand_pos.get(c["id"])
        if i is None or c.pop("withdrawn") or any(c[k] != previous.people[i][k] for k in _PLACE):
            return None
    people = list(previous.people)
    rows = [cand_pos[c["id"]] for c in changed]
    for i, c in zip(rows, changed, strict=True):
        people[i] = c
    answers = previous.answers.copy()
    if rows:
        raw = np.full((len(previous.candidate_ids), len(previous.question_ids)), np.nan)
        ids = [c["id"] for c in changed]
        _fill_answers(
            db,
            raw,
            f"a.candidate_id IN ({', '.join('?' * len(ids))})",
            ids,
            cand_pos,
            {qid: j for j, qid in enumerate(previous.question_ids)},
        )
        answers[rows] = normalise(raw[rows], previous.scale_min, previous.scale_max)
    answers.flags.writeable = False
    changed_constituencies = {c["constituency_id"] for c in changed}
    views = dict(previous._views)  # one atomic copy: request threads may be adding views to it
    return ElectionSnapshot(
        election=election,
        version=election["data_version"],
        question_ids=previous.question_ids,
        themes=previous.themes,
        scales=previous.scales,
        scale_min=previous.scale_min,
        scale_max=previous.scale_max,
        candidate_ids=previous.candidate_ids,
        numbers=previous.numbers,
        party_ids=previous.party_ids,
        party_index=previous.party_index,
        constituency_ids=previous.constituency_ids,
        constituency_index=previous.constituency_index,
        answers=answers,
        people=people,
        parties=_parties(db, election_id),
        # Constituencies nobody in them changed keep their prepared matrices without comparing.
        _views={cid: view for cid, view in views.items() if cid not in changed_constituencies},
        _previous_views=views,
        _previous_party_ids=previous.party_ids,
    )
