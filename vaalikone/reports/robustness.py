"""Robustness of an election's statement set: how much its rankings depend on the formula and on any one
statement. For administrators and organisations judging the statements; public, like the method.

Simulated voters, each ranked against the candidates of one constituency with the scorer's formulas
(vaalikone.matching.scoring; a blank costs the farthest answer; every weight 1):
- every candidate of the election as a voter (their answers, blanks skipped), against the others of
  their constituency (never themselves);
- RANDOM_VOTERS random voters answering every statement uniformly on its scale, each in the constituency
  of a candidate drawn at random (so constituencies weigh by their size). Seeded: the same data give the
  same report.
For each voter: does the first place, and the top-5 set, change between city-block and Euclidean? For each
statement the voter answered (of at least two): does leaving it out change them? Shares are of voters (the
metric) and of voter-statement pairs (leave-one-out); "any" is the share of voters for whom leaving out at
least one statement changes the result. Statements are listed by how often leaving them out changes the
first place.

Computed per election and data_version (about 10 s for a national municipal election), kept in the database
(`robustness_report`; computed when the election is published, or by the first request after a change, or
by `flask robustness`) and remembered in the app's matching store (bounded): a change of answers or
statements gives a new report on the next request.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import sqlite_utils

from vaalikone.db import database_file
from vaalikone.domain import elections
from vaalikone.matching.snapshot import ElectionSnapshot, get_snapshot
from vaalikone.matching.stability import TOP, as_match, top_mask
from vaalikone.matching.store import current as current_store

RANDOM_VOTERS = 1000
SEED = 2026
_BLOCK = 32  # voters per step: (block, statements, candidates) arrays stay a few MB


def _tally() -> dict[str, float]:
    return dict.fromkeys(
        (
            "voters",
            "top1_metric",
            "top5_metric",
            "pairs",
            "top1_loo",
            "top5_loo",
            "top1_any",
            "top5_any",
        ),
        0,
    )


def _first(key: np.ndarray, by_number: np.ndarray) -> np.ndarray:
    """Index of the first place per row of rounded matches, ties to the lower ballot number."""
    return by_number[np.argmax(key[..., by_number], axis=-1)]


def _block(
    answers_t: np.ndarray,
    blank_t: np.ndarray,
    voters: np.ndarray,
    selves: np.ndarray,
    by_number: np.ndarray,
    tally: dict[str, float],
    moved: np.ndarray,
) -> None:
    """Add one block of voters (k, Q) against one constituency's candidates to the tallies."""
    k, n_q = voters.shape
    n_c = answers_t.shape[1]
    top = min(TOP, n_c - (selves >= 0).any())
    if top < 1:
        return
    w = (~np.isnan(voters)).astype(np.float64)
    v = np.where(np.isnan(voters), 0.0, voters)
    far = np.maximum(v, 1.0 - v)[:, :, None]
    d = np.where(blank_t[None], far, np.abs(answers_t[None] - v[:, :, None]))
    t1 = w[:, :, None] * d
    t2 = t1 * d
    total = w.sum(axis=1)
    answered = total > 0
    if not answered.any():
        return
    t1, t2, w, total, selves = (
        t1[answered],
        t2[answered],
        w[answered],
        total[answered],
        selves[answered],
    )
    rows = np.arange(len(total))
    m1 = as_match(t1.sum(axis=1), total[:, None], 1)
    m2 = as_match(t2.sum(axis=1), total[:, None], 2)
    own = selves >= 0
    m1[rows[own], selves[own]] = -np.inf  # never one's own first choice
    m2[rows[own], selves[own]] = -np.inf
    first1, first2 = _first(m1, by_number), _first(m2, by_number)
    top1, top2 = top_mask(m1, by_number, top), top_mask(m2, by_number, top)
    tally["voters"] += len(total)
    tally["top1_metric"] += int(np.count_nonzero(first1 != first2))
    tally["top5_metric"] += int(np.count_nonzero((top1 != top2).any(axis=1)))
    # Leave one statement out: D - t_q over W - w_q, for the statements each voter answered.
    rest = total[:, None] - w
    valid = (w > 0) & (rest > 0)  # (k, Q)
    left = as_match(
        t1.sum(axis=1)[:, None, :] - t1, np.where(valid, rest, 1.0)[:, :, None], 1
    )  # (k, Q, C)
    if own.any():
        left[rows[own], :, selves[own]] = -np.inf
    first_q = _first(left, by_number)
    tops_q = top_mask(left.reshape(-1, n_c), by_number, top).reshape(left.shape)
    changed1 = (first_q != first1[:, None]) & valid
    changed5 = (tops_q != top1[:, None, :]).any(axis=2) & valid
    tally["pairs"] += int(valid.sum())
    tally["top1_loo"] += int(changed1.sum())
    tally["top5_loo"] += int(changed5.sum())
    tally["top1_any"] += int(changed1.any(axis=1).sum())
    tally["top5_any"] += int(changed5.any(axis=1).sum())
    moved[0] += changed1.sum(axis=0)
    moved[1] += changed5.sum(axis=0)
    moved[2] += valid.sum(axis=0)


def compute(snapshot: ElectionSnapshot, random_voters: int = RANDOM_VOTERS) -> dict[str, Any]:
    """The report for one snapshot (see the module docstring)."""
    n_q = len(snapshot.question_ids)
    rng = np.random.default_rng(SEED)
    tallies = {"candidates": _tally(), "random": _tally()}
    moved = np.zeros((3, n_q))
    n_c = len(snapshot.candidate_ids)
    homes = (
        rng.integers(0, n_c, random_voters) if n_c else np.zeros(0, dtype=np.intp)
    )  # a random candidate's constituency
    alternatives = snapshot.alternatives
    for index, constituency_id in enumerate(snapshot.constituency_ids):
        view = snapshot.constituency(constituency_id)
        rows = view.rows
        if len(rows) < 2 or n_q == 0:
            continue
        answers = view.matrix.answers
        answers_t = np.where(np.isnan(answers), 0.0, answers).T
        blank_t = np.isnan(answers).T
        by_number = np.argsort(snapshot.numbers[rows], kind="stable")
        mine = np.flatnonzero(snapshot.constituency_index[homes] == index)
        sizes = np.sum(~np.isnan(alternatives), axis=1)
        picks = rng.integers(0, 1 << 30, (len(mine), n_q)) % sizes
        randoms = alternatives[np.arange(n_q), picks] if len(mine) else np.zeros((0, n_q))
        for kind, voters, selves in (
            ("candidates", answers, np.arange(len(rows))),
            ("random", randoms, np.full(len(randoms), -1)),
        ):
            for start in range(0, len(voters), _BLOCK):
                stop = start + _BLOCK
                _block(
                    answers_t,
                    blank_t,
                    voters[start:stop],
                    selves[start:stop],
                    by_number,
                    tallies[kind],
                    moved,
                )
    groups = {}
    for kind, t in tallies.items():
        voters, pairs = t["voters"], t["pairs"]
        groups[kind] = {
            "voters": int(voters),
            "top1_metric": t["top1_metric"] / voters if voters else None,
            "top5_metric": t["top5_metric"] / voters if voters else None,
            "top1_leave_one_out": t["top1_loo"] / pairs if pairs else None,
            "top5_leave_one_out": t["top5_loo"] / pairs if pairs else None,
            "top1_leave_one_out_any": t["top1_any"] / voters if voters else None,
            "top5_leave_one_out_any": t["top5_any"] / voters if voters else None,
        }
    statements = [
        {
            "id": qid,
            "top1": float(moved[0, j] / moved[2, j]) if moved[2, j] else None,
            "top5": float(moved[1, j] / moved[2, j]) if moved[2, j] else None,
        }
        for j, qid in enumerate(snapshot.question_ids)
    ]
    statements.sort(key=lambda s: (-(s["top1"] or 0), -(s["top5"] or 0), s["id"]))
    return {
        "election": snapshot.election["id"],
        "data_version": snapshot.version,
        "candidates": n_c,
        "statements": n_q,
        "random_voters": random_voters,
        "seed": SEED,
        "groups": groups,
        "by_statement": statements,
    }


def report(db: sqlite_utils.Database, election_id: str, *, keep: bool = False) -> dict[str, Any]:
    """The election's report for its current data: the one kept in the database for this data_version,
    else computed (and kept there too when `keep`: a read-only node passes False). Either way it is also
    remembered in the app's bounded store, so a worker reads the database once per version."""
    snapshot = get_snapshot(db, election_id)
    key = (database_file(db), election_id, snapshot.version)

    def make() -> dict[str, Any]:
        kept = elections.kept_robustness(db, election_id, snapshot.version)
        if kept is not None:
            return json.loads(kept)
        found = compute(snapshot)
        if keep:
            elections.keep_robustness(db, election_id, snapshot.version, json.dumps(found))
        return found

    # In the app's store (bounded), keyed by an election checked against the database and its version.
    return current_store().reports.remember(("robustness", *key), make)
