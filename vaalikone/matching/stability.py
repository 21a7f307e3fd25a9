"""How sure a voter's result is: pure numpy, one voter against a constituency's candidates.

Three numbers, all on the ranking of `vaalikone.matching.scoring` (match descending, then ballot number):

- euclidean: how many of the voter's top 5 (under the city-block match the pages show) are also in the top 5
  under the Euclidean match;
- leave_one_out: how many of the top 5 stay in the top 5 whichever one answered statement is left out
  (only when the voter answered at least two; leaving a statement out drops its term from D and its weight
  from Dmax);
- change: the smallest single change of one of the voter's answers (to another value on the statement's
  scale) that would give another candidate the first place, or None. Smallest means the shortest step on
  the 0..1 scale; among equal steps, the statement asked first, then the lower value.

With D_c = sum_q t_qc (t_qc = w_q d_qc^p, the scorer's terms) and W = sum_q w_q, leaving q out gives
D_c - t_qc over W - w_q, and changing the answer to q gives D_c - t_qc + t'_qc over W: every row of
alternatives is one array step. Only candidates who could still overtake are computed: a change or a
left-out statement moves any distance by at most w_q d^p <= w_q, so a candidate farther than the fifth by
more than max w (or than the first by more than 2 max w) can enter neither the top 5 nor the first place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vaalikone.matching import scoring

TOP = 5
# Answers closer than this are the same answer.
_SLACK = 1e-9


@dataclass(frozen=True)
class Stability:
    """How robust one voter's top 5 and first place are (see the module docstring)."""

    top: int  # how many candidates the top holds (5, or fewer in a small constituency)
    euclidean: int  # of the top, how many stay in it under the other metric
    leave_one_out: int | None  # of the top, how many stay whichever statement is left out
    change: tuple[int, float, int] | None  # (statement index, new answer 0..1, new first candidate)


def as_match(dist: np.ndarray, total: np.ndarray | float, power: int) -> np.ndarray:
    """The scorer's match from D^p and Dmax^p, rounded as its ranking rounds."""
    ratio = dist / total
    if power == 2:
        ratio = np.sqrt(np.maximum(ratio, 0.0))
    return np.round(np.clip(100.0 * (1.0 - ratio), 0.0, 100.0), 9)


def top_mask(key: np.ndarray, by_number: np.ndarray, n: int) -> np.ndarray:
    """Rows (R, S) of rounded matches -> the n best per row, ties to the lower ballot number."""
    key = key[:, by_number]
    if n >= key.shape[1]:
        chosen = np.ones(key.shape, dtype=bool)
    else:
        cut = -np.partition(-key, n - 1, axis=1)[:, n - 1 : n]
        above = key > cut
        at = key == cut
        need = n - above.sum(axis=1, keepdims=True)
        chosen = above | (at & (np.cumsum(at, axis=1) <= need))
    out = np.empty_like(chosen)
    out[:, by_number] = chosen
    return out


def _within(dist: np.ndarray, bound: float, always: np.ndarray) -> np.ndarray:
    """Indices of the candidates within `bound`, and those in `always`, ascending."""
    mask = dist <= bound
    mask[always] = True
    return np.flatnonzero(mask)


def _padded(alternatives: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
    """Each statement's answers as rows of one (Q, K) array, NaN-padded; an array is taken as it is."""
    if isinstance(alternatives, np.ndarray):
        return alternatives
    width = max((len(a) for a in alternatives), default=0)
    out = np.full((len(alternatives), width), np.nan)
    for q, values in enumerate(alternatives):
        out[q, : len(values)] = np.sort(values)
    return out


def padded_alternatives(alternatives: Sequence[np.ndarray]) -> np.ndarray:
    """Statements' normalised answers prepared once for stability() (a snapshot keeps them)."""
    out = _padded(alternatives)
    out.flags.writeable = False
    return out


def _terms(
    cm: scoring.CandidateMatrix, keep: np.ndarray, in_a: np.ndarray, v: np.ndarray, power: int
) -> tuple[np.ndarray, np.ndarray]:
    """The contenders' answers (A, S) on the voter's statements and their distances d^p (A, S), a blank
    at the farthest answer."""
    filled = cm.answers[keep][:, in_a].T
    missing = np.isnan(filled)
    farthest = np.maximum(v, 1.0 - v)[:, None]
    d = np.where(missing, farthest, np.abs(np.where(missing, 0.0, filled) - v[:, None]))
    return filled, d**power


def stability(
    voter: np.ndarray,
    weights: np.ndarray,
    candidates: scoring.CandidateMatrix | np.ndarray,
    numbers: np.ndarray,
    alternatives: Sequence[np.ndarray] | np.ndarray,
    *,
    matches: np.ndarray | None = None,
    metric: scoring.Metric = "cityblock",
) -> Stability | None:
    """How sure this voter's ranking is; None when there is nothing to rank (no answers, no candidates).

    `alternatives[q]` are statement q's scale values normalised to 0..1 (or padded_alternatives()); `matches` the voter's matches
    under `metric` when already at hand."""
    cm = (
        candidates
        if isinstance(candidates, scoring.CandidateMatrix)
        else scoring.CandidateMatrix(candidates)
    )
    voter = np.asarray(voter, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    numbers = np.asarray(numbers)
    if matches is None:
        matches = scoring.match(voter, weights, cm, metric=metric)
    in_a = np.flatnonzero(~np.isnan(voter) & (weights > 0))
    if cm.n_candidates == 0 or len(in_a) == 0:
        return None
    top = scoring.top_n(matches, numbers, TOP)
    other: scoring.Metric = "euclidean" if metric == "cityblock" else "cityblock"
    second = scoring.top_n(scoring.match(voter, weights, cm, metric=other), numbers, TOP)
    euclidean = len(np.intersect1d(top, second))

    power = 1 if metric == "cityblock" else 2
    v, w = voter[in_a], weights[in_a]
    total = w.sum()
    # Each candidate's D^p from its match, only to choose the contenders (with a little slack).
    dist_all = ((1.0 - matches / 100.0) ** power) * total
    slack = 1e-6 * total
    nearest = float(dist_all.min())

    leave = None
    if len(in_a) >= 2:
        # Leaving q out lowers a distance by t_qc <= w_q max(v_q, 1 - v_q)^p and no top distance rises.
        reach = float(np.max(w * np.maximum(v, 1.0 - v) ** power))
        keep = _within(dist_all, float(dist_all[top].max()) + reach + slack, top)
        _filled, d = _terms(cm, keep, in_a, v, power)
        terms = w[:, None] * d
        left = as_match(terms.sum(axis=0)[None, :] - terms, (total - w)[:, None], power)
        by_number = np.argsort(numbers[keep], kind="stable")
        stays = top_mask(left, by_number, TOP)[:, np.searchsorted(keep, top)]
        leave = int(stays.all(axis=0).sum())

    # Changing answer q from v_q to a moves anyone's d^p by at most p |a - v_q| (both are 1-Lipschitz), so
    # steps are tried shortest first, each against the candidates within 2 p w_max |a - v_q| of the first.
    alts = _padded(alternatives)[in_a]  # (A, K), NaN beyond a statement's scale
    with np.errstate(invalid="ignore"):
        rq, k = np.nonzero(np.abs(alts - v[:, None]) > _SLACK)
    ra = alts[rq, k]
    change = None
    steps = np.round(np.abs(ra - v[rq]), 9)
    for step in np.unique(steps):
        at = np.flatnonzero(steps == step)
        keep = _within(dist_all, nearest + 2 * power * float(w.max()) * step + slack, top[:1])
        filled, d = _terms(cm, keep, in_a, v, power)
        dist = (w[:, None] * d).sum(axis=0)
        q_at, a_at = rq[at], ra[at]
        col = filled[q_at]
        blank = np.isnan(col)
        new_d = np.where(
            blank,
            np.maximum(a_at, 1.0 - a_at)[:, None],
            np.abs(np.where(blank, 0.0, col) - a_at[:, None]),
        )
        moved = dist[None, :] + w[q_at, None] * (new_d**power - d[q_at])
        by_number = np.argsort(numbers[keep], kind="stable")
        key = as_match(moved, total, power)[:, by_number]
        first = keep[by_number[np.argmax(key, axis=1)]]
        changed = np.flatnonzero(first != top[0])
        if len(changed):
            pick = changed[np.lexsort((a_at[changed], q_at[changed]))[0]]
            change = (int(in_a[q_at[pick]]), float(a_at[pick]), int(first[pick]))
            break
    return Stability(len(top), euclidean, leave, change)
