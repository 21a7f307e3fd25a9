"""The quick quiz: which statement to ask next, and when the top of the ranking is unlikely to change.

Pure numpy, no Flask. Every array is on the scorer's terms (scoring.py): candidates' answers normalised to
0..1 with NaN for unanswered, the voter's answers likewise with NaN for not (yet) answered, weights per
statement.

Choosing the next statement. The candidates who match the voter best so far are the likeliest to end at
the top, so a statement is worth asking when *they* disagree on it. Each candidate i gets a plausibility
p_i = exp(β · (m_i − max m) / 100) from its match m_i so far (all equal before the first answer, β =
`SHARPNESS`), and each statement j not yet asked scores

    s_j = Σ_i p_i · a_ij · (x_ij − x̄_j)² / Σ_i p_i      with x̄_j = Σ_i p_i · a_ij · x_ij / Σ_i p_i · a_ij,

the plausibility-weighted variance of the candidates' answers (a_ij = 1 where candidate i answered j,
and an unanswered cell adds nothing), which also counts how many of them answered. The highest s_j is
asked; ties go to the bank's order. Before the first answer this is simply the statement that divides the
constituency's candidates most; afterwards it is the one that divides the voter's current leaders most.

When to offer stopping. The candidates who match best so far also stand in for how the voter might answer
the rest: for each of the `TWINS` best-matching candidates t, the voter's remaining answers are set to
t's answers (t's own blanks stay skipped) and every candidate except t is ranked on all statements. The
top is *settled* when, in at least `SETTLED_SHARE` of these completions, the current first choice stays
first and at least `TOP_KEEP` of the current top `TOP` stay in the top `TOP` (t left out of both lists).
`worst_case_stable` is the strict version: no answers at all to the remaining statements can change who
is in the top `TOP`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vaalikone.matching import scoring

SHARPNESS = 3.0  # β: a candidate one full-scale disagreement further away counts e^-3 ≈ 5 % as much
TWINS = 20
TOP = 10
TOP_KEEP = 8
SETTLED_SHARE = 0.9


@dataclass(frozen=True)
class Pool:
    """One constituency's candidates on one election's statements, as the scorer holds them."""

    question_ids: Sequence[str]
    answers: np.ndarray  # (C, Q) normalised 0..1, NaN = unanswered
    numbers: np.ndarray  # (C,) ballot numbers: the ranking's tie-break


def _plausibility(pool: Pool, voter: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """exp(−β · D_i) for each candidate, D_i its weighted distance from the voter so far; equal before
    the first answer."""
    answered = ~np.isnan(voter) & (weights > 0)
    if not np.any(answered):
        return np.ones(len(pool.answers))
    x = pool.answers[:, answered]
    v = voter[answered]
    # A blank costs the farthest answer the candidate could have given, as in the scorer.
    d = np.where(np.isnan(x), np.maximum(v, 1.0 - v), np.abs(x - v))
    dist = d @ weights[answered]
    return np.exp(-SHARPNESS * (dist - dist.min()))


def separation(pool: Pool, voter: np.ndarray, weights: np.ndarray, asked: np.ndarray) -> np.ndarray:
    """s_j for every statement (Q,): how much the plausible leaders disagree on it; 0 once asked."""
    x = pool.answers
    if len(x) == 0:
        return np.zeros(x.shape[1])
    p = _plausibility(pool, voter, weights)[:, None]
    present = ~np.isnan(x)
    filled = np.where(present, x, 0.0)
    pa = p * present
    total = p.sum()
    mass = pa.sum(axis=0)
    mean = np.divide((pa * filled).sum(axis=0), mass, out=np.zeros(x.shape[1]), where=mass > 0)
    score = (pa * (filled - mean) ** 2).sum(axis=0) / total
    score[np.asarray(asked, dtype=bool)] = -np.inf
    return score


def next_statement(
    pools: Sequence[Pool],
    voters: Sequence[tuple[np.ndarray, np.ndarray]],
    asked: set[str],
    order: Sequence[str],
) -> str | None:
    """The statement to ask next (of `order`, the bank's order, which breaks ties), or None when all are asked.

    `voters` holds, for each pool, the voter's answers and weights aligned with its question_ids. A statement
    asked in several elections (a municipal and a county election on one day) adds up its scores.
    """
    remaining = [qid for qid in order if qid not in asked]
    if not remaining:
        return None
    total = dict.fromkeys(remaining, 0.0)
    for pool, (voter, weights) in zip(pools, voters, strict=True):
        mask = np.array([qid in asked for qid in pool.question_ids], dtype=bool)
        for qid, s in zip(
            pool.question_ids, separation(pool, voter, weights, mask).tolist(), strict=True
        ):
            if qid in total:
                total[qid] += s
    best = max(total.values())
    return next(qid for qid in remaining if total[qid] == best)


def _ranked(matches: np.ndarray, numbers: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Candidate indices best first among those kept (a boolean mask)."""
    idx = np.flatnonzero(keep)
    return idx[scoring.rank(matches[idx], numbers[idx])]


def settled_share(pool: Pool, voter: np.ndarray, weights: np.ndarray, asked: np.ndarray) -> float:
    """Share of the best-matching candidates' completions that keep the first choice and the top (see above)."""
    n = len(pool.answers)
    asked = np.asarray(asked, dtype=bool)
    if n < 2 or not np.any(~np.isnan(voter) & (weights > 0)):
        return 0.0
    if asked.all():
        return 1.0
    now = scoring.match(voter, weights, pool.answers)
    now = np.nan_to_num(now, nan=-1.0)
    twins = _ranked(now, pool.numbers, np.ones(n, dtype=bool))[: min(TWINS, n)]
    completions = np.repeat(voter[None, :], len(twins), axis=0)
    completions[:, ~asked] = pool.answers[twins][:, ~asked]
    w = np.repeat(weights[None, :], len(twins), axis=0)
    w[:, ~asked] = 1.0
    later = np.nan_to_num(scoring.match_batch(completions, w, pool.answers), nan=-1.0)
    top = min(TOP, n - 1)
    keep_needed = min(TOP_KEEP, top)
    kept = 0
    for row, twin in enumerate(twins.tolist()):
        others = np.ones(n, dtype=bool)
        others[twin] = False
        before = _ranked(now, pool.numbers, others)[:top]
        after = _ranked(later[row], pool.numbers, others)[:top]
        if before[0] == after[0] and len(np.intersect1d(before, after)) >= keep_needed:
            kept += 1
    return kept / len(twins)


def settled(
    pools: Sequence[Pool], voters: Sequence[tuple[np.ndarray, np.ndarray]], asked: set[str]
) -> bool:
    """Whether the top is unlikely to change in every election (SETTLED_SHARE of completions keep it)."""
    for pool, (voter, weights) in zip(pools, voters, strict=True):
        mask = np.array([qid in asked for qid in pool.question_ids], dtype=bool)
        if len(pool.answers) > 1 and settled_share(pool, voter, weights, mask) < SETTLED_SHARE:
            return False
    return True


def worst_case_stable(
    pool: Pool,
    voter: np.ndarray,
    weights: np.ndarray,
    asked: np.ndarray,
    values: Sequence[np.ndarray],
) -> bool:
    """Whether no answers to the remaining statements (weight 1 each) can change who is in the top TOP.

    `values` holds each statement's possible answers, normalised. For a leader a and an outsider b, the
    remaining statements can move b past a by at most Σ_j max_v (|v − x_aj| − |v − x_bj|) (an unanswered
    cell counts max(v, 1 − v), as in the scorer); the top is stable when that never closes the gap.
    """
    n = len(pool.answers)
    asked = np.asarray(asked, dtype=bool)
    top = min(TOP, n)
    if top == n:
        return True
    now = np.nan_to_num(scoring.match(voter, weights, pool.answers), nan=-1.0)
    order = _ranked(now, pool.numbers, np.ones(n, dtype=bool))
    leaders, outsiders = order[:top], order[top:]
    answered = ~np.isnan(voter) & (weights > 0)
    w_now = weights[answered].sum()
    remaining = np.flatnonzero(~asked)
    # Distances so far, on the final scale (Σ w) so that the remaining statements add to them directly.
    dist = (100.0 - now) / 100.0 * w_now
    gain = np.zeros((top, len(outsiders)))
    for j in remaining.tolist():
        v = np.asarray(values[j], dtype=np.float64)[:, None]
        col = pool.answers[:, j]
        farthest = np.maximum(v, 1.0 - v)  # a blank, as in the scorer
        d = np.where(
            np.isnan(col)[None, :], farthest, np.abs(v - np.nan_to_num(col)[None, :])
        )  # (V, C)
        gain += np.max(d[:, leaders][:, :, None] - d[:, outsiders][:, None, :], axis=0)
    margin = dist[outsiders][None, :] - dist[leaders][:, None]
    return bool(np.all(gain < margin))
