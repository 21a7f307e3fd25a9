"""The scorer: how a voter's answers become match percentages, rankings, party and goal summaries.

Three kinds of test: small cases worked out by hand, properties any fair scorer must keep
(hypothesis), and agreement with the plain-Python reference in vaalikone/matching/reference.py, which
follows the documented formulas line by line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vaalikone.matching import reference as ref
from vaalikone.matching.scoring import (
    IMPORTANCE,
    CandidateMatrix,
    Groups,
    alignment,
    explain,
    group_summary,
    match,
    match_batch,
    normalise,
    party_match,
    party_profiles,
    rank,
    statement_support,
    theme_match,
    top_n,
)

METRICS = ["cityblock", "euclidean"]
POLICIES = ["max", "skip"]
OPTIONS = [(m, p) for m in METRICS for p in POLICIES]
NAN = math.nan
TOL = 1e-9

# Derandomised so CI sees the same examples every run; no deadline on shared 2-core machines.
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# k/12 holds every value of the 4-, 5- and 7-point scales (k/3, k/4, k/6); repeats make ties.
GRID = [k / 12 for k in range(13)]
values = st.one_of(st.sampled_from(GRID), st.floats(0, 1))
answers = st.sampled_from(GRID + [NAN, NAN]) | values  # a few answers missing
# Importance weights: the three levels, zero, or anything in a realistic range.
weights_ = st.sampled_from([0.0, 0.5, 1.0, 2.0]) | st.floats(0.01, 3)


@dataclass
class Problem:
    voter: np.ndarray  # (Q,)
    weights: np.ndarray  # (Q,)
    candidates: np.ndarray  # (C, Q)
    metric: str
    missing: str


@st.composite
def problems(draw: st.DrawFn, max_q: int = 8, max_c: int = 6) -> Problem:
    n_q = draw(st.integers(1, max_q))
    n_c = draw(st.integers(1, max_c))
    row = st.lists(answers, min_size=n_q, max_size=n_q)
    return Problem(
        voter=np.array(draw(row)),
        weights=np.array(draw(st.lists(weights_, min_size=n_q, max_size=n_q))),
        candidates=np.array(draw(st.lists(row, min_size=n_c, max_size=n_c))).reshape(n_c, n_q),
        metric=draw(st.sampled_from(METRICS)),
        missing=draw(st.sampled_from(POLICIES)),
    )


def scores(p: Problem, **changes: np.ndarray) -> np.ndarray:
    fields = {"voter": p.voter, "weights": p.weights, "candidates": p.candidates, **changes}
    return match(
        fields["voter"], fields["weights"], fields["candidates"], metric=p.metric, missing=p.missing
    )


def voter_answered_something(p: Problem) -> bool:
    return bool(np.any(~np.isnan(p.voter) & (p.weights > 0)))


# --------------------------------------------------------------------------------------------------
# Worked by hand


def test_answers_are_put_on_a_zero_to_one_scale() -> None:
    """A 4 on the five-point scale is 0.75; Yle's 1, 2, 4, 5 are 0, .25, .75, 1; NaN stays NaN."""
    assert normalise(np.array([4.0]), 1, 5).tolist() == [0.75]
    assert normalise(np.array([1.0, 2.0, 4.0, 5.0]), 1, 5).tolist() == [0.0, 0.25, 0.75, 1.0]
    assert np.isnan(normalise(np.array([NAN]), 1, 5)).all()
    per_statement = normalise(np.array([[3.0, 2.0]]), np.array([1.0, 0.0]), np.array([5.0, 4.0]))
    assert per_statement.tolist() == [[0.5, 0.5]]


def test_importance_levels_weigh_half_one_and_two() -> None:
    assert IMPORTANCE == {"less": 0.5, "normal": 1.0, "more": 2.0}


# Voter (1, 0.75, 0) with importance normal, more, less = (1, 2, 0.5); the candidate answered
# (0.75, 0.25) and skipped the third statement.
VOTER = np.array([1.0, 0.75, 0.0])
WEIGHTS = np.array([1.0, 2.0, 0.5])
CANDIDATE = np.array([0.75, 0.25, NAN])


@pytest.mark.parametrize(
    ("metric", "missing", "expected"),
    [
        # d = (0.25, 0.5, 1): D = 1*0.25 + 2*0.5 + 0.5*1 = 1.75, Dmax = 3.5 -> 100 * (1 - 0.5) = 50
        ("cityblock", "max", 50.0),
        # the skipped statement leaves: D = 0.25 + 1 = 1.25, Dmax = 3 -> 100 * (1 - 1.25 / 3)
        ("cityblock", "skip", 100 * (1 - 1.25 / 3)),  # 58.33...
        # D^2 = 1*0.0625 + 2*0.25 + 0.5*1 = 1.0625, Dmax^2 = 3.5
        ("euclidean", "max", 100 * (1 - math.sqrt(1.0625 / 3.5))),  # 44.90...
        # D^2 = 0.0625 + 0.5 = 0.5625, Dmax^2 = 3
        ("euclidean", "skip", 100 * (1 - math.sqrt(0.5625 / 3))),  # 56.70...
    ],
)
def test_a_small_match_worked_by_hand(metric: str, missing: str, expected: float) -> None:
    got = match(VOTER, WEIGHTS, CANDIDATE[None, :], metric=metric, missing=missing)
    assert got.shape == (1,) and got.dtype == np.float64
    assert got[0] == pytest.approx(expected, abs=TOL)


def test_explain_splits_the_distance_by_statement() -> None:
    """Cityblock terms 0.25, 1, 0.5 of D = 1.75 are 1/7, 4/7 and 2/7 of the distance."""
    shares = explain(VOTER, WEIGHTS, CANDIDATE)
    assert shares == pytest.approx([1 / 7, 4 / 7, 2 / 7], abs=TOL)
    # Euclidean terms 0.0625, 0.5, 0.5 of D^2 = 1.0625; under skip the unanswered one counts 0
    # and the rest are 0.0625 and 0.5 of 0.5625.
    assert explain(VOTER, WEIGHTS, CANDIDATE, metric="euclidean") == pytest.approx(
        [0.0625 / 1.0625, 0.5 / 1.0625, 0.5 / 1.0625], abs=TOL
    )
    assert explain(VOTER, WEIGHTS, CANDIDATE, missing="skip", metric="euclidean") == pytest.approx(
        [0.0625 / 0.5625, 0.5 / 0.5625, 0.0], abs=TOL
    )


def test_explain_is_all_zero_for_a_perfect_match_and_for_skipped_statements() -> None:
    assert explain(VOTER, WEIGHTS, VOTER).tolist() == [0.0, 0.0, 0.0]
    skipped = explain(np.array([NAN, 1.0]), np.array([1.0, 1.0]), np.array([0.0, 0.0]))
    assert skipped.tolist() == [0.0, 1.0]


def test_a_voter_who_answered_nothing_gets_no_numbers() -> None:
    """Nothing to compare: every match is NaN, whether skipped or weighted zero."""
    candidates = np.array([[0.0, 1.0], [0.5, 0.5]])
    assert np.isnan(match(np.array([NAN, NAN]), np.ones(2), candidates)).all()
    assert np.isnan(match(np.array([1.0, 0.0]), np.zeros(2), candidates)).all()
    assert np.isnan(match(np.array([NAN, 0.0]), np.array([1.0, 0.0]), candidates)).all()


def test_not_answering_never_pays_under_the_default_policy() -> None:
    """A blank costs the farthest answer the candidate could have given from the voter's."""
    voter = np.array([0.5, 0.5])
    silent = np.array([[NAN, NAN]])
    # From the middle no answer lies farther than 0.5: a silent candidate gets 50, no worse than the
    # worst real answers (1 and 0) would have given, and no better.
    assert match(voter, np.ones(2), silent).tolist() == [50.0]
    assert match(voter, np.ones(2), np.array([[1.0, 0.0]])).tolist() == [50.0]
    # From the ends of the scale the farthest answer is the other end: a blank scores as disagreement.
    assert match(np.array([1.0, 0.0]), np.ones(2), silent).tolist() == [0.0]
    # Under skip, a candidate with no answered statement among the voter's gets 0...
    assert match(voter, np.ones(2), silent, missing="skip").tolist() == [0.0]
    # ...and one who answered only where the voter agrees gets 100 from that statement alone.
    assert match(voter, np.ones(2), np.array([[0.5, NAN]]), missing="skip").tolist() == [100.0]
    assert match(voter, np.ones(2), np.array([[0.5, NAN]])).tolist() == [75.0]


def test_ranking_breaks_ties_by_ballot_number_and_puts_no_match_last() -> None:
    # Two candidates at 70 (numbers 9 and 3), two at 50 (numbers 5 and 2), one NaN.
    matches = np.array([50.0, 70.0, 70.0, NAN, 50.0])
    numbers = np.array([5, 9, 3, 1, 2])
    assert rank(matches, numbers).tolist() == [2, 1, 4, 0, 3]
    assert top_n(matches, numbers, 3).tolist() == [2, 1, 4]
    assert top_n(matches, numbers, 0).tolist() == []
    assert top_n(matches, numbers, 10).tolist() == [2, 1, 4, 0, 3]


def test_candidates_with_the_same_answers_are_listed_by_ballot_number() -> None:
    """Equal answers give equal matches, whatever order the statements come in."""
    rng = np.random.default_rng(42)
    voter = rng.random(7)
    weights = rng.choice([0.5, 1.0, 2.0], 7)
    twin = rng.random(7)
    candidates = np.vstack([twin, rng.random(7), twin, twin])
    numbers = np.array([12, 4, 7, 30])
    scores_ = match(voter, weights, candidates)
    assert scores_[0] == scores_[2] == scores_[3]
    order = rank(scores_, numbers).tolist()
    twins_in_order = [i for i in order if i != 1]
    assert twins_in_order == [2, 0, 3]


def test_party_profile_is_the_median_of_its_candidates_answers() -> None:
    # Party 0: answers 0, 0.5, 1 and NaN on statement 0 -> median 0.5; statement 1: 0.25, 0.75 and
    # two blanks -> median 0.5. Party 1 answered statement 0 only (0.75); party 2 has nobody.
    candidates = np.array(
        [[0.0, 0.25], [0.5, NAN], [1.0, 0.75], [NAN, NAN], [0.75, NAN]],
    )
    parties = np.array([0, 0, 0, 0, 1])
    profiles = party_profiles(candidates, parties, 3)
    np.testing.assert_array_equal(profiles, [[0.5, 0.5], [0.75, NAN], [NAN, NAN]])


def test_party_match_reports_the_party_and_the_spread_of_its_candidates() -> None:
    voter = np.array([1.0, 1.0])
    # Party 0 candidates: (1, 0) -> 50, (0, 1) -> 50, (1, 1) -> 100. Sorted 50, 50, 100: median 50,
    # Q1 at position 0.5 -> 50, Q3 at position 1.5 -> 75. Yet its median profile is
    # (median(1, 0, 1), median(0, 1, 1)) = (1, 1), a 100 match: the party line vs its candidates.
    candidates = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    result = party_match(voter, np.ones(2), candidates, np.array([0, 0, 0]), 2)
    assert result.match[0] == 100.0
    assert result.median[0] == 50 and result.q1[0] == 50 and result.q3[0] == 75
    assert result.minimum[0] == 50 and result.maximum[0] == 100
    assert result.count.tolist() == [3, 0]
    # Party 1 has no candidates: no profile to compare, so no match and no spread.
    assert np.isnan([result.match[1], result.median[1], result.q1[1], result.maximum[1]]).all()


def test_constituency_summary_counts_strong_matches() -> None:
    # Constituency 0: 80, 60, 90, 75 -> sorted 60, 75, 80, 90: median 77.5, Q1 = 60 + 0.75 * 15
    # = 71.25, Q3 = 80 + 0.25 * 10 = 82.5; three are >= 75. Constituency 1 is empty.
    # Constituency 2: a single 50 and a NaN (no goals answered) that is not counted.
    values = np.array([80.0, 60.0, 90.0, 75.0, 50.0, NAN])
    groups = np.array([0, 0, 0, 0, 2, 2])
    summary = group_summary(values, groups, 3)
    np.testing.assert_array_equal(summary.median, [77.5, NAN, 50.0])
    np.testing.assert_array_equal(summary.q1, [71.25, NAN, 50.0])
    np.testing.assert_array_equal(summary.q3, [82.5, NAN, 50.0])
    assert summary.count.tolist() == [4, 0, 1]
    assert summary.strong.tolist() == [3, 0, 0]
    assert group_summary(values, groups, 3, strong=50.0).strong.tolist() == [4, 0, 1]


@PROPERTY
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=25),
    st.lists(st.lists(st.sampled_from([NAN, 0.0, 12.5, 50.0, 87.5, 100.0]) | st.floats(0, 100))),
)
def test_prepared_groups_give_every_voter_the_reference_quartiles(parties, voters) -> None:
    """A constituency's parties are prepared once; each voter's matches then get the quartiles, extremes
    and counts of the plain-Python reference (NaN matches ignored, parties without candidates NaN)."""
    groups = Groups(np.array(parties), 6)  # party 5 has no candidates, and maybe others neither
    for row in voters:
        values = [row[i % len(row)] if row else NAN for i in range(len(parties))]
        (q1, median, q3, low, high), counts = groups.quantiles(
            np.array(values), (0.25, 0.5, 0.75, 0.0, 1.0)
        )
        expected = ref.group_summary(values, parties, 6)
        np.testing.assert_allclose(q1, expected["q1"], atol=TOL, rtol=0)
        np.testing.assert_allclose(median, expected["median"], atol=TOL, rtol=0)
        np.testing.assert_allclose(q3, expected["q3"], atol=TOL, rtol=0)
        assert counts.tolist() == expected["count"]
        for p in range(6):
            members = [v for v, party in zip(values, parties, strict=True) if party == p and v == v]
            assert low[p] == min(members) if members else np.isnan(low[p])
            assert high[p] == max(members) if members else np.isnan(high[p])


def test_support_counts_candidates_strictly_on_the_goals_side() -> None:
    # Goal: agree (1.0) with statement 0, disagree (0.25) with statement 1, no goal on statement 2.
    # Statement 0 answers 0.75 yes, 0.5 no (the middle), 1 yes, NaN no -> 2 of 4.
    # Statement 1 answers 0 yes, 0.25 yes, 0.75 no, 0.5 no -> 2 of 4.
    goals = np.array([1.0, 0.25, NAN])
    candidates = np.array(
        [[0.75, 0.0, 1.0], [0.5, 0.25, 0.0], [1.0, 0.75, 1.0], [NAN, 0.5, NAN]],
    )
    np.testing.assert_array_equal(statement_support(goals, candidates), [0.5, 0.5, NAN])
    # By group: the first two candidates vs the last two, and an empty third group.
    by_group = statement_support(goals, candidates, np.array([0, 0, 1, 1]), 3)
    np.testing.assert_array_equal(by_group, [[0.5, 1.0, NAN], [0.5, 0.0, NAN], [NAN, NAN, NAN]])


def test_theme_matches_use_only_that_themes_statements() -> None:
    # Health: statements 0 and 2, the candidate agrees on both -> 100. Economy: statement 1, fully
    # opposite -> 0. Culture: statement 3, which the voter skipped -> NaN.
    voter = np.array([1.0, 0.0, 0.5, NAN])
    candidate = np.array([[1.0, 1.0, 0.5, 0.0]])
    themes = np.array(["health", "economy", "health", "culture"])
    labels, per_theme = theme_match(voter, np.ones(4), candidate, themes)
    assert labels.tolist() == ["culture", "economy", "health"]
    np.testing.assert_array_equal(per_theme, [[NAN, 0.0, 100.0]])


def test_an_organisations_goals_score_like_a_voter() -> None:
    goals = np.array([1.0, NAN, 0.0])
    goal_weights = np.array([2.0, 1.0, 1.0])
    # Candidate (0.5, 1, 0): D = 2 * 0.5 + 1 * 0 = 1 of Dmax 3 -> 66.67; the non-goal is ignored.
    got = alignment(goals, goal_weights, np.array([[0.5, 1.0, 0.0]]))
    assert got[0] == pytest.approx(100 * (1 - 1 / 3), abs=TOL)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: match(np.zeros(3), np.ones(2), np.zeros((4, 3))), "shape"),
        (lambda: match(np.zeros(2), np.ones(2), np.zeros((4, 3))), "shape"),
        (lambda: match(np.array([1.5, 0]), np.ones(2), np.zeros((1, 2))), "0..1"),
        (lambda: match(np.zeros(2), np.array([1.0, -1.0]), np.zeros((1, 2))), ">= 0"),
        (lambda: match(np.zeros(2), np.array([1.0, NAN]), np.zeros((1, 2))), "finite"),
        (lambda: match(np.zeros(2), np.ones(2), np.zeros((1, 2)), metric="cosine"), "metric"),
        (lambda: match(np.zeros(2), np.ones(2), np.zeros((1, 2)), missing="zero"), "missing"),
        (lambda: CandidateMatrix(np.zeros(3)), "candidates, statements"),
        (lambda: CandidateMatrix(np.full((2, 2), 2.0)), "0..1"),
        (lambda: match_batch(np.zeros((3, 2)), np.ones((2, 2)), np.zeros((1, 2))), "weights"),
        (lambda: rank(np.zeros(3), np.arange(2)), "numbers"),
        (lambda: party_profiles(np.zeros((2, 2)), np.array([0, 2]), 2), "0..1"),
        (lambda: group_summary(np.zeros(2), np.array([0.0, 1.0]), 2), "integers"),
        (lambda: statement_support(np.zeros(3), np.zeros((1, 2))), "shape"),
        (lambda: normalise(np.array([6.0]), 1, 5), "outside"),
        (lambda: normalise(np.array([3.0]), 5, 5), "scale_max"),
    ],
)
def test_mismatched_or_out_of_range_input_is_refused_with_a_clear_message(
    call, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_the_prepared_matrix_is_reused_read_only_and_matches_a_raw_array() -> None:
    rng = np.random.default_rng(42)
    answers = rng.random((20, 6))
    answers[rng.random(answers.shape) < 0.2] = NAN
    prepared = CandidateMatrix(answers)
    assert (prepared.n_candidates, prepared.n_questions) == (20, 6)
    assert not prepared.answers.flags.writeable
    voter, weights = rng.random(6), np.ones(6)
    raw = match(voter, weights, answers)
    assert match(voter, weights, prepared).tolist() == raw.tolist()
    answers[0, 0] = 0.123  # the caller's array was copied, not shared
    assert match(voter, weights, prepared).tolist() == raw.tolist()


def test_an_election_with_no_candidates_gives_empty_results() -> None:
    empty = np.zeros((0, 3))
    assert match(np.ones(3), np.ones(3), empty).shape == (0,)
    assert rank(np.zeros(0), np.zeros(0, dtype=int)).tolist() == []
    assert party_profiles(empty, np.zeros(0, dtype=int), 2).shape == (2, 3)
    assert group_summary(np.zeros(0), np.zeros(0, dtype=int), 2).count.tolist() == [0, 0]


# --------------------------------------------------------------------------------------------------
# Properties


@PROPERTY
@given(problems())
def test_identical_answers_match_100(p: Problem) -> None:
    assume(voter_answered_something(p))
    in_a = ~np.isnan(p.voter) & (p.weights > 0)
    # Every candidate answers like the voter wherever the voter answered...
    same = np.where(np.isnan(p.voter), p.candidates, p.voter)
    assert scores(p, candidates=same).tolist() == [100.0] * len(same)
    if p.missing == "skip":
        # ...or, under skip, wherever the candidate answered at all: exactly 100 still, and 0 for
        # a candidate who answered none of the voter's statements.
        partial = np.where(np.isnan(p.candidates), NAN, same)
        answered_any = (~np.isnan(partial) & in_a).any(axis=1)
        assert scores(p, candidates=partial).tolist() == np.where(answered_any, 100.0, 0.0).tolist()


@PROPERTY
@given(problems(), st.data())
def test_opposite_extremes_match_0(p: Problem, data: st.DataObject) -> None:
    extremes = np.array(
        data.draw(
            st.lists(st.sampled_from([0.0, 1.0]), min_size=len(p.voter), max_size=len(p.voter))
        )
    )
    voter = np.where(np.isnan(p.voter), NAN, extremes)
    assume(np.any(~np.isnan(voter) & (p.weights > 0)))
    opposite = np.broadcast_to(1.0 - extremes, p.candidates.shape)
    assert scores(p, voter=voter, candidates=opposite) == pytest.approx(0.0, abs=TOL)


@PROPERTY
@given(problems())
def test_matches_stay_between_0_and_100_and_are_nan_only_when_nothing_was_answered(
    p: Problem,
) -> None:
    got = scores(p)
    if voter_answered_something(p):
        assert np.all((got >= 0) & (got <= 100))
    else:
        assert np.isnan(got).all()


@PROPERTY
@given(problems(), st.randoms(use_true_random=False))
def test_the_order_of_statements_does_not_matter(p: Problem, random) -> None:
    order = list(range(len(p.voter)))
    random.shuffle(order)
    shuffled = scores(
        p, voter=p.voter[order], weights=p.weights[order], candidates=p.candidates[:, order]
    )
    np.testing.assert_allclose(shuffled, scores(p), atol=TOL, rtol=0)


@PROPERTY
@given(problems(), st.lists(answers, min_size=6, max_size=6), weights_, st.integers(0, 8))
def test_a_skipped_statement_changes_nothing(p: Problem, column, weight, position) -> None:
    position = min(position, len(p.voter))
    extra = np.array(column[: len(p.candidates)])  # problems have at most 6 candidates
    got = scores(
        p,
        voter=np.insert(p.voter, position, NAN),
        weights=np.insert(p.weights, position, weight),
        candidates=np.insert(p.candidates, position, extra, axis=1),
    )
    np.testing.assert_allclose(got, scores(p), atol=TOL, rtol=0)


@PROPERTY
@given(problems(), st.integers(0, 7), st.floats(0, 5))
def test_weighing_a_statement_the_candidate_agrees_on_never_lowers_the_match(
    p: Problem, q: int, extra: float
) -> None:
    q = q % len(p.voter)
    assume(not np.isnan(p.voter[q]))
    candidates = p.candidates.copy()
    candidates[:, q] = p.voter[q]  # every candidate agrees exactly on statement q
    before = scores(p, candidates=candidates)
    heavier = p.weights.copy()
    heavier[q] += extra
    after = scores(p, candidates=candidates, weights=heavier)
    if not np.isnan(before).all():  # with nothing to compare before, there is nothing to lower
        assert np.all(after >= before - TOL)


@PROPERTY
@given(
    problems(max_c=5),
    st.lists(st.lists(answers, min_size=8, max_size=8), min_size=1, max_size=4),
    st.booleans(),
)
def test_a_batch_of_voters_scores_like_one_voter_at_a_time(
    p: Problem, rows, shared_weights: bool
) -> None:
    voters = np.array([row[: len(p.voter)] for row in rows])
    weights = p.weights if shared_weights else np.vstack([p.weights[::-1]] * len(voters))
    batch = match_batch(voters, weights, p.candidates, metric=p.metric, missing=p.missing)
    one_by_one = [
        match(
            v,
            weights if shared_weights else weights[i],
            p.candidates,
            metric=p.metric,
            missing=p.missing,
        )
        for i, v in enumerate(voters)
    ]
    np.testing.assert_allclose(batch, np.array(one_by_one), atol=TOL, rtol=0)


@PROPERTY
@given(
    st.lists(st.sampled_from([NAN, 0.0, 12.5, 50.0, 87.5, 100.0]), min_size=0, max_size=30),
    st.integers(0, 32),
    st.randoms(use_true_random=False),
)
def test_top_n_is_the_head_of_the_full_ranking(matches, n: int, random) -> None:
    # Few distinct values make ties, and duplicated numbers make ties of ties.
    numbers = np.array([random.randrange(10) for _ in matches], dtype=int)
    matches = np.array(matches, dtype=float)
    full = rank(matches, numbers)
    assert top_n(matches, numbers, n).tolist() == full[:n].tolist()
    assert full.tolist() == ref.rank(matches.tolist(), numbers.tolist())


def test_the_batch_goes_in_bounded_steps_on_a_big_election() -> None:
    """Enough voters and candidates for several steps: each row still equals its own match."""
    rng = np.random.default_rng(42)
    candidates = CandidateMatrix(
        np.where(rng.random((2_000, 30)) < 0.05, NAN, rng.random((2_000, 30)))
    )
    voters = np.where(rng.random((40, 30)) < 0.1, NAN, rng.random((40, 30)))
    batch = match_batch(voters, np.ones(30), candidates)
    for i in (0, 17, 39):
        np.testing.assert_allclose(batch[i], match(voters[i], np.ones(30), candidates), atol=TOL)


# --------------------------------------------------------------------------------------------------
# Agreement with the plain-Python reference


def random_election(seed: int) -> dict:
    """Random answers with about 15 % missing: half on the k/12 grid, half anywhere in 0..1."""
    rng = np.random.default_rng(seed)
    n_c, n_q = int(rng.integers(1, 40)), int(rng.integers(1, 12))
    grid = rng.integers(0, 13, (n_c, n_q)) / 12
    candidates = np.where(rng.random((n_c, n_q)) < 0.5, grid, rng.random((n_c, n_q)))
    candidates[rng.random((n_c, n_q)) < 0.15] = NAN
    voter = rng.integers(0, 13, n_q) / 12
    voter[rng.random(n_q) < 0.2] = NAN
    goals = rng.choice([0.0, 0.25, 0.5, 0.75, 1.0, NAN], n_q)
    n_parties = int(rng.integers(1, 6))
    n_groups = int(rng.integers(1, 5))
    return {
        "candidates": candidates,
        "voter": voter,
        "weights": rng.choice([0.0, 0.5, 1.0, 2.0, 1.3], n_q),
        "goals": goals,
        "goal_weights": rng.choice([0.5, 1.0, 2.0], n_q),
        "themes": rng.choice(["health", "care", "work"], n_q),
        "party_index": rng.integers(0, n_parties, n_c),  # some parties may be left empty
        "n_parties": n_parties,
        "group_index": rng.integers(0, n_groups, n_c),
        "n_groups": n_groups,
    }


def as_lists(array: np.ndarray) -> list:
    return array.tolist()


SEEDS = range(12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("metric", "missing"), OPTIONS)
def test_match_and_explain_agree_with_the_reference(seed: int, metric: str, missing: str) -> None:
    e = random_election(seed)
    voter, weights, candidates = e["voter"], e["weights"], e["candidates"]
    expected = ref.match(as_lists(voter), as_lists(weights), as_lists(candidates), metric, missing)
    got = match(voter, weights, candidates, metric=metric, missing=missing)
    np.testing.assert_allclose(got, expected, atol=TOL, rtol=0)
    for c in candidates[:5]:
        expected_shares = ref.explain(
            as_lists(voter), as_lists(weights), as_lists(c), metric, missing
        )
        got_shares = explain(voter, weights, c, metric=metric, missing=missing)
        np.testing.assert_allclose(got_shares, expected_shares, atol=TOL, rtol=0)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("metric", "missing"), OPTIONS)
def test_theme_party_and_goal_scores_agree_with_the_reference(
    seed: int, metric: str, missing: str
) -> None:
    e = random_election(seed)
    voter, weights, candidates = e["voter"], e["weights"], e["candidates"]

    labels, per_theme = theme_match(
        voter, weights, candidates, e["themes"], metric=metric, missing=missing
    )
    ref_labels, ref_per_theme = ref.theme_match(
        as_lists(voter),
        as_lists(weights),
        as_lists(candidates),
        as_lists(e["themes"]),
        metric,
        missing,
    )
    assert labels.tolist() == ref_labels
    np.testing.assert_allclose(per_theme, ref_per_theme, atol=TOL, rtol=0)

    parties = party_match(
        voter, weights, candidates, e["party_index"], e["n_parties"], metric=metric, missing=missing
    )
    ref_parties = ref.party_match(
        as_lists(voter),
        as_lists(weights),
        as_lists(candidates),
        as_lists(e["party_index"]),
        e["n_parties"],
        metric,
        missing,
    )
    for name, expected in ref_parties.items():
        np.testing.assert_allclose(getattr(parties, name), expected, atol=TOL, rtol=0, err_msg=name)
    # As the server does it: candidates and party profiles stacked in one matrix, matched once, and the
    # parties prepared once as Groups.
    profiles = party_profiles(candidates, e["party_index"], e["n_parties"])
    both = match(voter, weights, np.vstack([candidates, profiles]), metric=metric, missing=missing)
    n = len(candidates)
    stacked = party_match(
        voter,
        weights,
        candidates,
        Groups(e["party_index"], e["n_parties"]),
        e["n_parties"],
        metric=metric,
        missing=missing,
        matches=both[:n],
        profile_matches=both[n:],
    )
    for name, expected in ref_parties.items():
        np.testing.assert_allclose(getattr(stacked, name), expected, atol=TOL, rtol=0, err_msg=name)

    aligned = alignment(e["goals"], e["goal_weights"], candidates, metric=metric, missing=missing)
    ref_aligned = ref.alignment(
        as_lists(e["goals"]), as_lists(e["goal_weights"]), as_lists(candidates), metric, missing
    )
    np.testing.assert_allclose(aligned, ref_aligned, atol=TOL, rtol=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_support_profiles_and_summaries_agree_with_the_reference(seed: int) -> None:
    e = random_election(seed)
    candidates, goals = e["candidates"], e["goals"]
    np.testing.assert_allclose(
        statement_support(goals, candidates),
        ref.statement_support(as_lists(goals), as_lists(candidates)),
        atol=TOL,
        rtol=0,
    )
    np.testing.assert_allclose(
        statement_support(goals, candidates, e["group_index"], e["n_groups"]),
        ref.statement_support(
            as_lists(goals), as_lists(candidates), as_lists(e["group_index"]), e["n_groups"]
        ),
        atol=TOL,
        rtol=0,
    )
    np.testing.assert_allclose(
        party_profiles(candidates, e["party_index"], e["n_parties"]),
        ref.party_profiles(as_lists(candidates), as_lists(e["party_index"]), e["n_parties"]),
        atol=TOL,
        rtol=0,
    )
    aligned = alignment(goals, e["goal_weights"], candidates)
    summary = group_summary(aligned, e["group_index"], e["n_groups"], strong=60.0)
    ref_summary = ref.group_summary(
        as_lists(aligned), as_lists(e["group_index"]), e["n_groups"], 60.0
    )
    for name, expected in ref_summary.items():
        np.testing.assert_allclose(getattr(summary, name), expected, atol=TOL, rtol=0, err_msg=name)
