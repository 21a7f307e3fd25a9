"""How a voter's answers are compared with the candidates': pure numpy, arrays in, arrays out.

Every answer is first put on the same footing, 0 to 1: an answer v on a scale from min to max
becomes (v - min) / (max - min). On the five-point scale 1..5 the answer 4 becomes 0.75; on Yle's
four-point scale coded 1, 2, 4, 5 the answers become 0, 0.25, 0.75 and 1. A skipped statement stays
empty (NaN). Each statement has a weight w_q >= 0, the importance the voter gave it: less 0.5,
normal 1, more 2.

The match between a voter (answers v) and a candidate (answers c):

  A = the statements the voter answered (not NaN) with weight > 0.
  d_q = |v_q - c_q| if the candidate answered q, else max(v_q, 1 - v_q) under the default policy missing="max":
  the farthest answer the candidate could have given from the voter's (the relative maximum, as in OpenVAA),
  so that not answering never pays, yet costs no more than a real answer could.
  cityblock (default): D = sum_{q in A} w_q d_q;  Dmax = sum_{q in A} w_q;  match = 100 * (1 - D / Dmax)
  euclidean:           D = sqrt(sum_{q in A} w_q d_q^2); Dmax = sqrt(sum_{q in A} w_q); match = 100 * (1 - D / Dmax)
  alternative policy missing="skip": a candidate's unanswered statements drop out of both D and Dmax for that
  candidate; a candidate with no answered statement in A gets match 0.
  If A is empty every match is NaN (nothing to compare); callers show "answer at least one statement".

Identical answers give 100, opposite extremes give 0, and the match always lies within 0..100.

The range (match_range): a candidate who left statements of A unanswered could have answered them in many
ways. Each d_q moves independently between 0 (the voter's own answer, which is on the statement's scale) and
max(v_q, 1 - v_q) (the scale's far end, also on it), and the match falls as any d_q grows, so over every
filling the match runs from
  match_min = the formula with d_q = max(v_q, 1 - v_q) for the unanswered q  (= match under missing="max")
  match_max = the formula with d_q = 0 for the unanswered q  (still divided by the whole Dmax).
A candidate who answered all of A has match_min = match_max = match.

The same scorer serves the rest of the application:
- a party's match compares the voter with the party's profile: for each statement the median
  answer of the party's candidates who answered it (NaN if none did); the spread shows the
  quartiles, minimum and maximum of the party's candidates' own matches (all NaN for a party
  without candidates);
- an organisation's alignment puts its goal positions in the voter's place (statements that are
  not goals count as skipped);
- a statement's support is the share of candidates whose answer lies strictly on the goal's side
  of the middle of the scale, (c - 0.5) * (g - 0.5) > 0; not answering is not supporting;
- medians and quartiles interpolate linearly between the sorted values (numpy's default method).

Matches are computed in float64 throughout. float32 storage would be about twice as fast, but its
rounding (around 1e-7 relative) would make mathematically equal matches differ and break the 1e-9
agreement with the plain-Python reference in vaalikone/matching/reference.py; float64 already meets the
speed targets measured by `python -m vaalikone.bench`.
"""  # noqa: E501  (the formula block above is quoted verbatim from the specification)

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Metric = Literal["cityblock", "euclidean"]
Policy = Literal["max", "skip"]

IMPORTANCE: dict[str, float] = {"less": 0.5, "normal": 1.0, "more": 2.0}

_METRICS = ("cityblock", "euclidean")
_POLICIES = ("max", "skip")
# "best" fills every unanswered cell with the voter's own answer: the top of the range (match_range).
_Internal = Literal["max", "skip", "best"]
# Upper bound on the (voters, candidates, statements) temporary of one match_batch step, in
# elements (8 MB of float64): enough voters per step to amortise Python overhead on small
# elections, one voter at a time on big ones.
_BATCH_ELEMENTS = 1 << 20
# Matches equal to this many decimals tie when ranking: float rounding never beats ballot numbers.
_RANK_DECIMALS = 9


def normalise(
    values: np.ndarray, scale_min: np.ndarray | float, scale_max: np.ndarray | float
) -> np.ndarray:
    """Map raw answers onto 0..1 with (v - min) / (max - min); NaN (unanswered) stays NaN."""
    values = np.asarray(values, dtype=np.float64)
    low = np.asarray(scale_min, dtype=np.float64)
    high = np.asarray(scale_max, dtype=np.float64)
    if np.any(high <= low):
        raise ValueError("normalise: every scale needs scale_max > scale_min")
    out = (values - low) / (high - low)
    if np.any((out < 0) | (out > 1)):
        raise ValueError("normalise: an answer lies outside its scale")
    return out


class CandidateMatrix:
    """Candidates' normalised answers (C, Q), NaN for unanswered, prepared once per snapshot."""

    def __init__(self, answers: np.ndarray) -> None:
        """Validate and copy the answers and precompute what makes match() a few matrix products."""
        answers = np.array(answers, dtype=np.float64)  # a private copy: snapshots share this object
        if answers.ndim != 2:
            raise ValueError(
                f"candidate answers must be (candidates, statements), got shape {answers.shape}"
            )
        if np.any((answers < 0) | (answers > 1)):
            raise ValueError("candidate answers must be normalised to 0..1 (NaN for unanswered)")
        missing = np.isnan(answers)
        answers.flags.writeable = False
        self.answers = answers
        self.n_candidates, self.n_questions = answers.shape
        # Statement-major copies: elementwise work then runs along C-long contiguous rows, about
        # 40 % faster than along 30-long ones. Unanswered cells hold 0 in `_filled_t`; the 0/1
        # masks turn the policies into matrix products: `_missing_t` gives unanswered cells the
        # farthest answer (max), `_present_t` takes them out of D and Dmax (skip).
        self._filled_t = np.ascontiguousarray(np.where(missing, 0.0, answers).T)
        self._missing_t = np.ascontiguousarray(missing.T, dtype=np.float64)
        self._present_t = 1.0 - self._missing_t
        for shared in (self._filled_t, self._missing_t, self._present_t):
            shared.flags.writeable = False

    def __repr__(self) -> str:
        return f"CandidateMatrix({self.n_candidates} candidates x {self.n_questions} statements)"


@dataclass(frozen=True)
class PartyScores:
    """Per party (P,): match with its median profile and the spread of its candidates' matches."""

    match: np.ndarray
    q1: np.ndarray
    median: np.ndarray
    q3: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray
    count: np.ndarray  # candidates with a defined match


@dataclass(frozen=True)
class GroupSummary:
    """Per group (G,): median and quartiles of the values, how many, and how many are strong."""

    median: np.ndarray
    q1: np.ndarray
    q3: np.ndarray
    count: np.ndarray  # non-NaN values
    strong: np.ndarray  # values >= the strong threshold


# --------------------------------------------------------------------------------------------------
# Validation


def _as_matrix(candidates: CandidateMatrix | np.ndarray) -> CandidateMatrix:
    return candidates if isinstance(candidates, CandidateMatrix) else CandidateMatrix(candidates)


def _check_options(metric: str, missing: str) -> None:
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {_METRICS}, got {metric!r}")
    if missing not in _POLICIES:
        raise ValueError(f"missing must be one of {_POLICIES}, got {missing!r}")


def _voters(
    voters: np.ndarray, weights: np.ndarray, n_questions: int
) -> tuple[np.ndarray, np.ndarray]:
    """Validated (V, Q) answers and weights; weights (Q,) shared by every voter are broadcast."""
    voters = np.asarray(voters, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if voters.ndim != 2 or voters.shape[1] != n_questions:
        raise ValueError(
            f"voter answers must have {n_questions} statements, got shape {voters.shape}"
        )
    if weights.shape not in ((n_questions,), voters.shape):
        raise ValueError(
            f"weights must have shape ({n_questions},) or {voters.shape}, got {weights.shape}"
        )
    if np.any((voters < 0) | (voters > 1)):
        raise ValueError("voter answers must be normalised to 0..1 (NaN for skipped)")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError("weights must be finite and >= 0")
    return voters, np.broadcast_to(weights, voters.shape)


def _one_voter(
    voter: np.ndarray, weights: np.ndarray, n_questions: int
) -> tuple[np.ndarray, np.ndarray]:
    voter = np.asarray(voter, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if voter.shape != (n_questions,) or weights.shape != (n_questions,):
        raise ValueError(
            f"voter answers and weights must both have shape ({n_questions},), "
            f"got {voter.shape} and {weights.shape}"
        )
    v, w = _voters(voter[None, :], weights, n_questions)
    return v[0], w[0]


def _groups(
    group_index: np.ndarray, n_groups: int, n: int, what: str = "group_index"
) -> np.ndarray:
    group_index = np.asarray(group_index)
    if group_index.shape != (n,):
        raise ValueError(f"{what} must have shape ({n},), got {group_index.shape}")
    if n and (not np.issubdtype(group_index.dtype, np.integer)):
        raise ValueError(f"{what} must hold integers")
    if n and (group_index.min() < 0 or group_index.max() >= n_groups):
        raise ValueError(f"{what} values must lie in 0..{n_groups - 1}")
    return group_index.astype(np.intp)


# --------------------------------------------------------------------------------------------------
# The scorer


def _gaps(
    cm: CandidateMatrix, voters: np.ndarray, weights: np.ndarray, power: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For validated voters (k, Q): |answer - voter|^p per cell (k, Q, C), unanswered cells holding
    |0 - v|^p, with the effective weights (k, Q) and the voters' answers, 0 where skipped (k, Q)."""
    k = len(voters)
    answered = ~np.isnan(voters)
    w = np.where(answered & (weights > 0), weights, 0.0)  # zero weight takes q out of A
    v = np.where(answered, voters, 0.0)
    gaps = np.empty((k, cm.n_questions, cm.n_candidates))
    for i in range(k):  # 2-d broadcasting per voter runs ~40 % faster than one 3-d broadcast
        np.subtract(cm._filled_t, v[i, :, None], out=gaps[i])
    if power == 1:
        np.abs(gaps, out=gaps)
    else:
        np.square(gaps, out=gaps)
    return gaps, w, v


def _distance_parts(
    cm: CandidateMatrix, voters: np.ndarray, weights: np.ndarray, power: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For validated voters (k, Q): sum_q w_q d_q^p over answered cells (k, C), the same over unanswered
    cells at the relative maximum (k, C), the effective weights (k, Q) and their sums (k, 1)."""
    gaps, w, v = _gaps(cm, voters, weights, power)
    # Unanswered cells are zeroed rather than subtracted later, so that near-identical answers keep
    # their full precision.
    gaps *= cm._present_t
    present = np.matmul(w[:, None, :], gaps)[:, 0, :]  # (k, C)
    farthest = np.maximum(v, 1.0 - v) ** power
    absent = (w * farthest) @ cm._missing_t
    return present, absent, w, w.sum(axis=1)[:, None]


def _match_block(
    cm: CandidateMatrix, voters: np.ndarray, weights: np.ndarray, metric: Metric, missing: _Internal
) -> np.ndarray:
    """Matches (k, C) of a block of validated voters, each row following the module's formulas."""
    power = 1 if metric == "cityblock" else 2
    if missing == "max":
        # The voters' default, so the fast path: unanswered cells hold |0 - v|^p, and one product adds
        # what turns that into the farthest answer. Both terms are >= 0, so nothing cancels, and the
        # (Q, C) mask that _distance_parts applies is not needed (about a third of a voter's time).
        gaps, w, v = _gaps(cm, voters, weights, power)
        dist = np.matmul(w[:, None, :], gaps)[:, 0, :]
        dist += (w * (np.maximum(v, 1.0 - v) ** power - v**power)) @ cm._missing_t
        total = w.sum(axis=1)[:, None]
        return _to_match(dist, total, total, power)
    present, absent, w, total = _distance_parts(cm, voters, weights, power)
    if missing == "best":
        dist, dmax = present, total
    else:  # skip: unanswered cells leave Dmax too, exactly 0 for a candidate who answered nothing in A
        dist, dmax = present, w @ cm._present_t
    return _to_match(dist, dmax, total, power)


def _to_match(dist: np.ndarray, dmax: np.ndarray, total: np.ndarray, power: int) -> np.ndarray:
    """100 * (1 - D / Dmax) from D^p and Dmax^p; 0 where Dmax is 0, NaN where the voter answered nothing."""
    dmax = np.broadcast_to(dmax, dist.shape)
    has_any = dmax > 0
    if power == 2:
        dist = np.sqrt(dist)
        dmax = np.sqrt(np.maximum(dmax, 0.0))
    ratio = np.divide(dist, dmax, out=np.ones_like(dist), where=has_any)  # nothing answered: 0
    matches = 100.0 * (1.0 - ratio)
    np.clip(matches, 0.0, 100.0, out=matches)
    matches[np.broadcast_to(total == 0, matches.shape)] = np.nan  # A is empty: nothing to compare
    return matches


def match(
    voter: np.ndarray,
    weights: np.ndarray,
    candidates: CandidateMatrix | np.ndarray,
    *,
    metric: Metric = "cityblock",
    missing: Policy = "max",
) -> np.ndarray:
    """Match 0..100 of one voter (Q,) with weights (Q,) against every candidate: (C,) float64."""
    _check_options(metric, missing)
    cm = _as_matrix(candidates)
    v, w = _one_voter(voter, weights, cm.n_questions)
    return _match_block(cm, v[None, :], w[None, :], metric, missing)[0]


def match_range(
    voter: np.ndarray,
    weights: np.ndarray,
    candidates: CandidateMatrix | np.ndarray,
    *,
    metric: Metric = "cityblock",
) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest match (C,) each candidate could have had over every way of answering
    the statements they left unanswered (see the module docstring); equal for a complete answerer."""
    _check_options(metric, "max")
    cm = _as_matrix(candidates)
    v, w = _one_voter(voter, weights, cm.n_questions)
    power = 1 if metric == "cityblock" else 2
    present, absent, _w, total = _distance_parts(cm, v[None, :], w[None, :], power)
    low = _to_match(present + absent, total, total, power)[0]
    high = _to_match(present, total, total, power)[0]
    return low, high


def match_batch(
    voters: np.ndarray,
    weights: np.ndarray,
    candidates: CandidateMatrix | np.ndarray,
    *,
    metric: Metric = "cityblock",
    missing: Policy = "max",
) -> np.ndarray:
    """Matches (V, C) of voters (V, Q), weights (V, Q) or shared (Q,), in bounded-memory steps."""
    _check_options(metric, missing)
    cm = _as_matrix(candidates)
    v, w = _voters(voters, weights, cm.n_questions)
    out = np.empty((len(v), cm.n_candidates))
    step = max(1, _BATCH_ELEMENTS // max(1, cm.n_candidates * cm.n_questions))
    for start in range(0, len(v), step):
        stop = start + step
        out[start:stop] = _match_block(cm, v[start:stop], w[start:stop], metric, missing)
    return out


def explain(
    voter: np.ndarray,
    weights: np.ndarray,
    candidate_answers: np.ndarray,
    *,
    metric: Metric = "cityblock",
    missing: Policy = "max",
) -> np.ndarray:
    """Each statement's share (Q,) of one candidate's distance D; 0 for skipped, all 0 if D == 0."""
    _check_options(metric, missing)
    c = np.asarray(candidate_answers, dtype=np.float64)
    if c.ndim != 1:
        raise ValueError(f"one candidate's answers must be 1-d, got shape {c.shape}")
    v, w = _one_voter(voter, weights, len(c))
    if np.any((c < 0) | (c > 1)):
        raise ValueError("candidate answers must be normalised to 0..1 (NaN for unanswered)")
    in_a = ~np.isnan(v) & (w > 0)
    gaps = np.abs(np.where(in_a, v, 0.0) - np.where(np.isnan(c), 0.0, c))
    farthest = np.maximum(np.where(in_a, v, 0.0), 1.0 - np.where(in_a, v, 0.0))
    gaps = np.where(np.isnan(c), farthest if missing == "max" else 0.0, gaps)
    terms = np.where(in_a, w * gaps ** (1 if metric == "cityblock" else 2), 0.0)
    total = terms.sum()  # D for cityblock, D^2 for euclidean
    return terms / total if total > 0 else np.zeros_like(terms)


def theme_match(
    voter: np.ndarray,
    weights: np.ndarray,
    candidates: CandidateMatrix | np.ndarray,
    themes: np.ndarray | Sequence[str],
    *,
    metric: Metric = "cityblock",
    missing: Policy = "max",
) -> tuple[np.ndarray, np.ndarray]:
    """Per-theme matches: sorted theme labels (T,) and (C, T), NaN where the voter answered none."""
    cm = _as_matrix(candidates)
    themes = np.asarray(themes)
    if themes.shape != (cm.n_questions,):
        raise ValueError(f"themes must have shape ({cm.n_questions},), got {themes.shape}")
    v, w = _one_voter(voter, weights, cm.n_questions)
    labels = np.unique(themes)
    # One row per theme: the voter's answers, with the weights of other themes' statements at 0.
    theme_weights = np.where(themes[None, :] == labels[:, None], w[None, :], 0.0)
    voters = np.broadcast_to(v, theme_weights.shape)
    return labels, match_batch(voters, theme_weights, cm, metric=metric, missing=missing).T


def alignment(
    goal_positions: np.ndarray,
    goal_weights: np.ndarray,
    candidates: CandidateMatrix | np.ndarray,
    *,
    metric: Metric = "cityblock",
    missing: Policy = "max",
) -> np.ndarray:
    """Each candidate's match (C,) with an organisation's goals, standing in the voter's place."""
    return match(goal_positions, goal_weights, candidates, metric=metric, missing=missing)


# --------------------------------------------------------------------------------------------------
# Ranking


def _rank_key(matches: np.ndarray, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    matches = np.asarray(matches, dtype=np.float64)
    numbers = np.asarray(numbers)
    if matches.ndim != 1 or numbers.shape != matches.shape:
        raise ValueError(
            f"matches and numbers must be 1-d, equally long: {matches.shape} vs {numbers.shape}"
        )
    # Higher is better; NaN (nothing to compare) goes last, still ordered by ballot number.
    return np.where(np.isnan(matches), -np.inf, np.round(matches, _RANK_DECIMALS)), numbers


def rank(matches: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """Candidate indices by match descending, then ballot number ascending; NaN matches last."""
    key, numbers = _rank_key(matches, numbers)
    return np.lexsort((numbers, -key))


def top_n(matches: np.ndarray, numbers: np.ndarray, n: int) -> np.ndarray:
    """The first n of rank(), found with argpartition instead of sorting every candidate."""
    key, numbers = _rank_key(matches, numbers)
    if n <= 0:
        return np.empty(0, dtype=np.intp)
    if n >= len(key):
        return np.lexsort((numbers, -key))
    # The n-th best key is the cut; everyone at the cut stays in, so ballot numbers settle ties.
    cut = -np.partition(-key, n - 1)[n - 1]
    chosen = np.flatnonzero(key >= cut)
    return chosen[np.lexsort((numbers[chosen], -key[chosen]))][:n]


# --------------------------------------------------------------------------------------------------
# Groups: parties, constituencies


def _group_counts(flags: np.ndarray, group_index: np.ndarray, n_groups: int) -> np.ndarray:
    """How many rows of each group (G, K) have the flag set, per column of flags (N, K)."""
    n, k = flags.shape
    cells = (group_index[:, None] * k + np.arange(k)[None, :]).ravel()
    counts = np.bincount(cells, weights=flags.ravel().astype(np.float64), minlength=n_groups * k)
    return counts.reshape(n_groups, k).astype(np.int64)


def _grouped_quantiles(
    values: np.ndarray, group_index: np.ndarray, n_groups: int, qs: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles (len(qs), G, K) of values (N, K) per group, ignoring NaN, and counts (G, K)."""
    n, k = values.shape
    counts = _group_counts(~np.isnan(values), group_index, n_groups)
    out = np.full((len(qs), n_groups, k), np.nan)
    if n == 0:
        return out, counts
    # Sort each column by group, then by value (NaN last within the group).
    if k == 1:  # one column (a party's candidates' matches): a single sort on both keys
        order = np.lexsort((values[:, 0], group_index))[:, None]
    else:
        order = np.argsort(values, axis=0, kind="stable")
        order = np.take_along_axis(
            order, np.argsort(group_index[order], axis=0, kind="stable"), axis=0
        )
    ordered = np.take_along_axis(values, order, axis=0)
    sizes = np.bincount(group_index, minlength=n_groups)
    starts = (np.cumsum(sizes) - sizes)[None, :, None]
    last = np.maximum(counts - 1, 0)[None, :, :]
    # Every quantile at once, (len(qs), G, K): linear interpolation between order statistics.
    position = np.asarray(qs, dtype=np.float64)[:, None, None] * last
    low = np.floor(position).astype(np.intp)
    high = np.minimum(low + 1, last)
    columns = np.arange(k)[None, None, :]
    below = ordered[np.minimum(starts + low, n - 1), columns]
    above = ordered[np.minimum(starts + high, n - 1), columns]
    out = np.where(counts[None, :, :] > 0, below + (position - low) * (above - below), np.nan)
    return out, counts


class Groups:
    """Rows (N,) in G groups (a constituency's candidates by party), prepared once, so that per-group
    quantiles of values that change from voter to voter cost one sort instead of two dozen array steps."""

    def __init__(
        self,
        group_index: np.ndarray,
        n_groups: int,
        n: int | None = None,
        what: str = "group_index",
    ) -> None:
        rows = len(np.asarray(group_index)) if n is None else n
        self.index = _groups(group_index, n_groups, rows, what)
        self.index.flags.writeable = False
        self.n_groups = n_groups
        self.sizes = np.bincount(self.index, minlength=n_groups)
        self._starts = np.cumsum(self.sizes) - self.sizes
        self._points: dict[tuple[float, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _prepare(self, qs: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # _grouped_quantiles' interpolation for groups where every value is present.
        last = np.maximum(self.sizes - 1, 0)[None, :]
        position = np.asarray(qs, dtype=np.float64)[:, None] * last
        low = np.floor(position).astype(np.intp)
        high = np.minimum(low + 1, last)
        top = max(len(self.index) - 1, 0)
        points = (
            np.minimum(self._starts + low, top),
            np.minimum(self._starts + high, top),
            position - low,
        )
        self._points[qs] = points
        return points

    def quantiles(self, values: np.ndarray, qs: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """Quantiles (len(qs), G) of values (N,) per group, ignoring NaN, and counts of values (G,):
        exactly _grouped_quantiles' numbers, which it falls back on when a value is NaN."""
        values = np.asarray(values, dtype=np.float64)
        if values.shape != self.index.shape:
            raise ValueError(f"values must have shape {self.index.shape}, got {values.shape}")
        qs = tuple(qs)
        if len(values) == 0 or np.isnan(values).any():
            out, counts = _grouped_quantiles(values[:, None], self.index, self.n_groups, qs)
            return out[:, :, 0], counts[:, 0]
        low, high, fraction = self._points.get(qs) or self._prepare(qs)
        ordered = values[np.lexsort((values, self.index))]
        below = ordered[low]
        out = below + fraction * (ordered[high] - below)
        out[:, self.sizes == 0] = np.nan
        return out, self.sizes.copy()


def party_profiles(
    candidates: CandidateMatrix | np.ndarray, party_index: np.ndarray, n_parties: int
) -> np.ndarray:
    """Each party's median answer (P, Q) per statement, ignoring unanswered; NaN if none."""
    answers = _as_matrix(candidates).answers
    parties = _groups(party_index, n_parties, len(answers), "party_index")
    return _grouped_quantiles(answers, parties, n_parties, [0.5])[0][0]


def party_match(
    voter: np.ndarray,
    weights: np.ndarray,
    candidates: CandidateMatrix | np.ndarray,
    party_index: np.ndarray | Groups,
    n_parties: int,
    *,
    metric: Metric = "cityblock",
    missing: Policy = "max",
    matches: np.ndarray | None = None,
    profile_matches: np.ndarray | None = None,
) -> PartyScores:
    """The voter's match with each party's median profile and its candidates' spread of matches.

    `party_index` may be given prepared as Groups, and `matches` (the candidates' match with this voter) and
    `profile_matches` (the party profiles' match with this voter) when already at hand: a server prepares a
    constituency's parties once and matches a voter with candidates and profiles stacked in one matrix.
    """
    cm = _as_matrix(candidates)
    if isinstance(party_index, Groups):
        if party_index.n_groups != n_parties or len(party_index.index) != cm.n_candidates:
            raise ValueError(
                f"party_index groups {len(party_index.index)} rows into {party_index.n_groups}, "
                f"not {cm.n_candidates} candidates into {n_parties} parties"
            )
        groups = party_index
    else:
        groups = Groups(party_index, n_parties, cm.n_candidates, "party_index")
    if profile_matches is not None:
        party = np.array(profile_matches, dtype=np.float64)
        if party.shape != (n_parties,):
            raise ValueError(f"profile_matches must have shape ({n_parties},), got {party.shape}")
    else:
        profiles = party_profiles(cm, groups.index, n_parties)
        party = match(voter, weights, profiles, metric=metric, missing=missing)
    party[groups.sizes == 0] = np.nan  # no candidates, no party line
    own = match(voter, weights, cm, metric=metric, missing=missing) if matches is None else matches
    (q1, median, q3, low, high), counts = groups.quantiles(own, (0.25, 0.5, 0.75, 0.0, 1.0))
    return PartyScores(party, q1, median, q3, low, high, counts)


def group_summary(
    values: np.ndarray, group_index: np.ndarray, n_groups: int, *, strong: float = 75.0
) -> GroupSummary:
    """Median, quartiles, count and count >= strong (G,) per group; NaN stats for empty groups."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"values must be 1-d, got shape {values.shape}")
    groups = _groups(group_index, n_groups, len(values))
    (median, q1, q3), counts = _grouped_quantiles(
        values[:, None], groups, n_groups, [0.5, 0.25, 0.75]
    )
    strong_counts = _group_counts((values >= strong)[:, None], groups, n_groups)
    return GroupSummary(median[:, 0], q1[:, 0], q3[:, 0], counts[:, 0], strong_counts[:, 0])


def statement_support(
    goal_positions: np.ndarray,
    candidates: CandidateMatrix | np.ndarray,
    group_index: np.ndarray | None = None,
    n_groups: int = 0,
) -> np.ndarray:
    """Share 0..1 of candidates on the goal's side: (Q,), or (G, Q) by group; NaN for non-goals."""
    answers = _as_matrix(candidates).answers
    goals = np.asarray(goal_positions, dtype=np.float64)
    if goals.shape != (answers.shape[1],):
        raise ValueError(f"goal positions must have shape ({answers.shape[1]},), got {goals.shape}")
    if np.any((goals < 0) | (goals > 1)):
        raise ValueError("goal positions must be normalised to 0..1 (NaN for non-goal statements)")
    # NaN compares False, so an unanswered statement never supports a goal.
    supports = (answers - 0.5) * (goals - 0.5) > 0
    if group_index is None:
        sizes = np.array([len(answers)])
        counts = supports.sum(axis=0)[None, :]
    else:
        groups = _groups(group_index, n_groups, len(answers))
        sizes = np.bincount(groups, minlength=n_groups)
        counts = _group_counts(supports, groups, n_groups)
    empty = np.full(counts.shape, np.nan)
    share = np.divide(counts, sizes[:, None], out=empty, where=sizes[:, None] > 0)
    share[:, np.isnan(goals)] = np.nan
    return share[0] if group_index is None else share
