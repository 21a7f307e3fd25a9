"""Plain-Python scorer written straight from the formulas in vaalikone/matching/scoring.py's docstring.

No numpy on purpose: an independent second reading of the formulas, which the numpy code must agree
with (tests/test_scoring.py), and the baseline the benchmark (vaalikone/bench.py) measures against.
Lists in, lists out; NaN (math.nan) marks a missing answer.
"""

from __future__ import annotations

import math
import statistics

Row = list[float]


def is_missing(x: float) -> bool:
    """True for an empty answer (NaN)."""
    return math.isnan(x)


def normalise(value: float, scale_min: float, scale_max: float) -> float:
    """(v - min) / (max - min); NaN stays NaN."""
    return value if is_missing(value) else (value - scale_min) / (scale_max - scale_min)


def match_one(
    voter: Row, weights: Row, candidate: Row, metric: str = "cityblock", missing: str = "max"
) -> float:
    """One candidate's match 0..100, NaN when the voter answered nothing with weight > 0."""
    in_a = [q for q in range(len(voter)) if not is_missing(voter[q]) and weights[q] > 0]
    if not in_a:
        return math.nan
    dist = dmax = 0.0
    for q in in_a:
        if is_missing(candidate[q]):
            if missing == "skip":
                continue  # drops out of D and Dmax
            d = max(voter[q], 1 - voter[q])  # the farthest answer the candidate could have given
        else:
            d = abs(voter[q] - candidate[q])
        dist += weights[q] * (d if metric == "cityblock" else d * d)
        dmax += weights[q]
    if dmax == 0:
        return 0.0  # skip policy: the candidate answered nothing in A
    if metric == "euclidean":
        dist, dmax = math.sqrt(dist), math.sqrt(dmax)
    return 100 * (1 - dist / dmax)


def match(
    voter: Row, weights: Row, candidates: list[Row], metric: str = "cityblock", missing: str = "max"
) -> Row:
    """Every candidate's match."""
    return [match_one(voter, weights, c, metric, missing) for c in candidates]


def explain(
    voter: Row, weights: Row, candidate: Row, metric: str = "cityblock", missing: str = "max"
) -> Row:
    """Each statement's share of the candidate's D (D^2 for euclidean); all 0 when D is 0."""
    terms = []
    for v, w, c in zip(voter, weights, candidate, strict=True):
        if is_missing(v) or w <= 0:
            terms.append(0.0)
            continue
        if is_missing(c):
            d = max(v, 1 - v) if missing == "max" else 0.0
        else:
            d = abs(v - c)
        terms.append(w * (d if metric == "cityblock" else d * d))
    total = sum(terms)
    return [t / total if total > 0 else 0.0 for t in terms]


def theme_match(
    voter: Row,
    weights: Row,
    candidates: list[Row],
    themes: list[str],
    metric: str = "cityblock",
    missing: str = "max",
) -> tuple[list[str], list[Row]]:
    """Sorted theme labels and, per candidate, the match on each theme's statements alone."""
    labels = sorted(set(themes))
    rows = [[0.0] * len(labels) for _ in candidates]
    for t, label in enumerate(labels):
        theme_weights = [w if th == label else 0.0 for w, th in zip(weights, themes, strict=True)]
        for i, score in enumerate(match(voter, theme_weights, candidates, metric, missing)):
            rows[i][t] = score
    return labels, rows


def alignment(
    goals: Row,
    goal_weights: Row,
    candidates: list[Row],
    metric: str = "cityblock",
    missing: str = "max",
) -> Row:
    """The organisation's goal profile scored in the voter's place."""
    return match(goals, goal_weights, candidates, metric, missing)


def quartiles(values: Row) -> tuple[float, float, float]:
    """Q1, median, Q3 with linear interpolation between order statistics; NaN when empty."""
    xs = sorted(v for v in values if not is_missing(v))
    if not xs:
        return math.nan, math.nan, math.nan
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q1, _, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    return q1, statistics.median(xs), q3


def party_profiles(candidates: list[Row], party_index: list[int], n_parties: int) -> list[Row]:
    """Median answer of each party's candidates per statement, ignoring unanswered (NaN if none)."""
    n_questions = len(candidates[0]) if candidates else 0
    profiles = []
    for p in range(n_parties):
        members = [c for c, party in zip(candidates, party_index, strict=True) if party == p]
        row = []
        for q in range(n_questions):
            answered = [c[q] for c in members if not is_missing(c[q])]
            row.append(statistics.median(answered) if answered else math.nan)
        profiles.append(row)
    return profiles


def party_match(
    voter: Row,
    weights: Row,
    candidates: list[Row],
    party_index: list[int],
    n_parties: int,
    metric: str = "cityblock",
    missing: str = "max",
) -> dict[str, Row]:
    """Match with each party's median profile plus the spread of its candidates' own matches."""
    profiles = party_profiles(candidates, party_index, n_parties)
    own = match(voter, weights, candidates, metric, missing)
    sizes = [sum(1 for party in party_index if party == p) for p in range(n_parties)]
    party_line = match(voter, weights, profiles, metric, missing)
    out: dict[str, Row] = {
        "match": [m if size else math.nan for m, size in zip(party_line, sizes, strict=True)],
        "q1": [],
        "median": [],
        "q3": [],
        "minimum": [],
        "maximum": [],
        "count": [],
    }
    for p in range(n_parties):
        scores = [s for s, party in zip(own, party_index, strict=True) if party == p]
        scores = [s for s in scores if not is_missing(s)]
        q1, median, q3 = quartiles(scores)
        out["q1"].append(q1)
        out["median"].append(median)
        out["q3"].append(q3)
        out["minimum"].append(min(scores) if scores else math.nan)
        out["maximum"].append(max(scores) if scores else math.nan)
        out["count"].append(len(scores))
    return out


def group_summary(
    values: Row, group_index: list[int], n_groups: int, strong: float = 75.0
) -> dict[str, Row]:
    """Per group: median, quartiles, count of values and count of values >= strong."""
    out: dict[str, Row] = {"median": [], "q1": [], "q3": [], "count": [], "strong": []}
    for g in range(n_groups):
        members = [v for v, group in zip(values, group_index, strict=True) if group == g]
        members = [v for v in members if not is_missing(v)]
        q1, median, q3 = quartiles(members)
        out["median"].append(median)
        out["q1"].append(q1)
        out["q3"].append(q3)
        out["count"].append(len(members))
        out["strong"].append(sum(1 for v in members if v >= strong))
    return out


def supports(goal: float, answer: float) -> bool:
    """The answer lies strictly on the goal's side of the scale's middle 0.5."""
    return not is_missing(answer) and (answer - 0.5) * (goal - 0.5) > 0


def statement_support(
    goals: Row, candidates: list[Row], group_index: list[int] | None = None, n_groups: int = 0
) -> Row | list[Row]:
    """Share of candidates supporting each goal, overall or per group; NaN for non-goals."""

    def shares(members: list[Row]) -> Row:
        return [
            math.nan
            if is_missing(g) or not members
            else sum(supports(g, c[q]) for c in members) / len(members)
            for q, g in enumerate(goals)
        ]

    if group_index is None:
        return shares(candidates)
    return [
        shares([c for c, group in zip(candidates, group_index, strict=True) if group == g])
        for g in range(n_groups)
    ]


def rank(matches: Row, numbers: list[int]) -> list[int]:
    """Indices by match descending, then ballot number ascending; NaN matches last."""

    def key(i: int) -> tuple[bool, float, int]:
        m = matches[i]
        return (is_missing(m), 0.0 if is_missing(m) else -round(m, 9), numbers[i])

    return sorted(range(len(matches)), key=key)


def fillings(candidate: Row, scales: list[Row]):
    """Every way the candidate could have answered their unanswered statements, from each scale."""
    if not candidate:
        yield []
        return
    head = [candidate[0]] if not is_missing(candidate[0]) else scales[0]
    for value in head:
        for rest in fillings(candidate[1:], scales[1:]):
            yield [value, *rest]


def match_range(
    voter: Row, weights: Row, candidate: Row, scales: list[Row], metric: str = "cityblock"
) -> tuple[float, float]:
    """Brute force: the lowest and highest match over every filling of the candidate's blanks."""
    scores = [match_one(voter, weights, f, metric) for f in fillings(candidate, scales)]
    return min(scores), max(scores)


def top(matches: Row, numbers: list[int], n: int = 5) -> list[int]:
    """The first n of the ranking."""
    return rank(matches, numbers)[:n]


def stability(
    voter: Row,
    weights: Row,
    candidates: list[Row],
    numbers: list[int],
    scales: list[Row],
    metric: str = "cityblock",
) -> tuple[int, int | None, tuple[int, float, int] | None]:
    """Brute force of vaalikone.matching.stability: (euclidean, leave_one_out, change), every ranking
    recomputed from scratch with match_one."""
    other = "euclidean" if metric == "cityblock" else "cityblock"
    base = top(match(voter, weights, candidates, metric), numbers)
    second = top(match(voter, weights, candidates, other), numbers)
    euclidean = len(set(base) & set(second))
    answered = [q for q in range(len(voter)) if not is_missing(voter[q]) and weights[q] > 0]
    leave = None
    if len(answered) >= 2:
        stay = set(base)
        for q in answered:
            without = [w if i != q else 0.0 for i, w in enumerate(weights)]
            stay &= set(top(match(voter, without, candidates, metric), numbers))
        leave = len(stay)
    changes = []
    for q in answered:
        for value in scales[q]:
            if abs(value - voter[q]) <= 1e-9:
                continue
            moved = [value if i == q else x for i, x in enumerate(voter)]
            first = top(match(moved, weights, candidates, metric), numbers, 1)[0]
            if first != base[0]:
                changes.append((round(abs(value - voter[q]), 9), q, value, first))
    change = min(changes)[1:] if changes else None
    return euclidean, leave, change
