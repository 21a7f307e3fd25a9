"""How sure a result is: the range a candidate's blanks leave open and the stability of the voter's top 5,
both checked against brute force (every filling, every ranking recomputed) on small elections."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vaalikone.matching import reference as ref
from vaalikone.matching.scoring import match, match_range
from vaalikone.matching.stability import stability

NAN = math.nan
FIVE = [0.0, 0.25, 0.5, 0.75, 1.0]
YLE = [0.0, 0.25, 0.75, 1.0]  # Yle 2023's four-point scale: no middle


def small_election(seed: int, n_c: int = 8, n_q: int = 5) -> dict:
    """Candidates answering on each statement's own scale, with blanks; a voter on the same scales."""
    rng = np.random.default_rng(seed)
    scales = [FIVE if rng.random() < 0.6 else YLE for _ in range(n_q)]
    candidates = np.array([[rng.choice(s) for s in scales] for _ in range(n_c)])
    candidates[rng.random((n_c, n_q)) < 0.25] = NAN
    voter = np.array([rng.choice(s) for s in scales])
    voter[rng.random(n_q) < 0.2] = NAN
    weights = rng.choice([0.5, 1.0, 2.0], n_q)
    numbers = rng.permutation(np.arange(2, 2 + n_c))
    return {
        "scales": scales,
        "candidates": candidates,
        "voter": voter,
        "weights": weights,
        "numbers": numbers,
    }


@pytest.mark.parametrize("metric", ["cityblock", "euclidean"])
@pytest.mark.parametrize("seed", range(25))
def test_the_range_is_the_lowest_and_highest_match_over_every_filling(
    seed: int, metric: str
) -> None:
    e = small_election(seed, n_c=6, n_q=4)
    voter, weights, candidates = e["voter"], e["weights"], e["candidates"]
    low, high = match_range(voter, weights, candidates, metric=metric)
    for c, lo, hi in zip(candidates, low, high, strict=True):
        if np.isnan(voter).all():
            assert math.isnan(lo) and math.isnan(hi)
            continue
        want_lo, want_hi = ref.match_range(
            voter.tolist(), weights.tolist(), c.tolist(), e["scales"], metric
        )
        assert lo == pytest.approx(want_lo, abs=1e-9)
        assert hi == pytest.approx(want_hi, abs=1e-9)


@pytest.mark.parametrize("seed", range(10))
def test_the_shown_match_is_the_bottom_of_the_range_and_complete_answers_have_no_range(
    seed: int,
) -> None:
    e = small_election(seed)
    voter, weights, candidates = e["voter"], e["weights"], e["candidates"]
    low, high = match_range(voter, weights, candidates)
    np.testing.assert_allclose(match(voter, weights, candidates), low, atol=1e-9)
    complete = ~np.isnan(candidates).any(axis=1)
    np.testing.assert_allclose(low[complete], high[complete], atol=1e-12)
    assert np.all(low <= high + 1e-12)


def test_a_blank_from_the_middle_leaves_the_range_from_a_worst_to_a_best_answer() -> None:
    """Voter answers 0.5 and 1 on two statements; the candidate answered 1 and left the first blank:
    the blank could have been 0.5 (d 0) or an end (d 0.5), so the match lies between 75 and 100."""
    low, high = match_range(np.array([0.5, 1.0]), np.ones(2), np.array([[NAN, 1.0]]))
    assert (low[0], high[0]) == (75.0, 100.0)


@pytest.mark.parametrize("metric", ["cityblock", "euclidean"])
@pytest.mark.parametrize("seed", range(40))
def test_stability_agrees_with_recomputing_every_ranking(seed: int, metric: str) -> None:
    e = small_election(seed, n_c=int(3 + seed % 9), n_q=int(2 + seed % 5))
    voter, weights, candidates, numbers = e["voter"], e["weights"], e["candidates"], e["numbers"]
    got = stability(
        voter, weights, candidates, numbers, [np.array(s) for s in e["scales"]], metric=metric
    )
    if np.isnan(voter).all():
        assert got is None
        return
    euclidean, leave, change = ref.stability(
        voter.tolist(), weights.tolist(), candidates.tolist(), numbers.tolist(), e["scales"], metric
    )
    assert got.top == min(5, len(candidates))
    assert (got.euclidean, got.leave_one_out, got.change) == (euclidean, leave, change)


@pytest.mark.parametrize("seed", range(6))
def test_stability_on_a_crowded_constituency_where_only_contenders_are_recomputed(
    seed: int,
) -> None:
    e = small_election(100 + seed, n_c=80, n_q=6)
    voter, weights, candidates, numbers = e["voter"], e["weights"], e["candidates"], e["numbers"]
    voter[0] = 0.5 if np.isnan(voter[0]) else voter[0]  # something to rank
    got = stability(voter, weights, candidates, numbers, [np.array(s) for s in e["scales"]])
    want = ref.stability(
        voter.tolist(), weights.tolist(), candidates.tolist(), numbers.tolist(), e["scales"]
    )
    assert (got.euclidean, got.leave_one_out, got.change) == want


def test_a_near_tie_at_the_top_is_broken_by_the_smallest_change() -> None:
    """Two candidates one step apart on one statement: moving the voter one step there swaps the first."""
    voter = np.array([1.0, 0.5, 0.0])
    candidates = np.array([[1.0, 0.5, 0.25], [1.0, 0.75, 0.0], [0.0, 0.0, 1.0]])
    got = stability(voter, np.ones(3), candidates, np.array([1, 2, 3]), [np.array(FIVE)] * 3)
    # Candidate 0 wins on ballot number (both a quarter off); answering 0.75 on the second statement
    # puts candidate 1 a half ahead, the smallest step that changes the first place.
    assert got.change == (1, 0.75, 1)
    assert got.top == 3 and got.euclidean == 3 and got.leave_one_out == 3


def ranked(voter, weights, candidates, numbers, metric="cityblock"):
    """The first candidate and the top-5 set, straight from the scorer."""
    from vaalikone.matching import scoring

    matches = scoring.match(voter, weights, candidates, metric=metric)
    return int(scoring.rank(matches, numbers)[0]), set(scoring.top_n(matches, numbers, 5).tolist())


def test_the_robustness_report_agrees_with_ranking_every_simulated_voter_again(db):
    """Candidates as voters in two small constituencies: every number recomputed with the scorer's own
    match and top_n, one voter and one left-out statement at a time."""
    from tests.builders import make_candidate, make_election
    from vaalikone.matching.snapshot import get_snapshot
    from vaalikone.reports import robustness

    make_election(db, "kunta-2029", published=True)
    questions = [
        q
        for (q,) in db.execute(
            "SELECT question_id FROM election_question WHERE election_id = 'kunta-2029' ORDER BY position"
        )
    ][:5]
    db.execute(
        "DELETE FROM election_question WHERE election_id = 'kunta-2029' AND question_id NOT IN "
        f"({', '.join('?' * len(questions))})",
        questions,
    )
    rng = np.random.default_rng(7)
    for municipality, count in (("179", 16), ("091", 12)):
        for number in range(2, 2 + count):
            cid = make_candidate(
                db, "kunta-2029", municipality, number, email=f"c{municipality}{number}@example.fi"
            )
            for q in questions:
                if rng.random() < 0.85:
                    db["answer"].insert(
                        {"candidate_id": cid, "question_id": q, "value": int(rng.integers(1, 6))}
                    )
    db.conn.commit()
    snapshot = get_snapshot(db, "kunta-2029")
    got = robustness.compute(snapshot, random_voters=0)["groups"]["candidates"]

    voters = pairs = metric1 = metric5 = loo1 = loo5 = any1 = any5 = 0
    for constituency in snapshot.constituency_ids:
        view = snapshot.constituency(constituency)
        answers = view.matrix.answers
        numbers = snapshot.numbers[view.rows]
        for me in range(len(answers)):
            voter = answers[me]
            weights = np.where(np.isnan(voter), 0.0, 1.0)
            if not weights.sum():
                continue
            others = [i for i in range(len(answers)) if i != me]
            rest, rest_numbers = answers[others], numbers[others]
            first, top = ranked(voter, weights, rest, rest_numbers)
            first_e, top_e = ranked(voter, weights, rest, rest_numbers, "euclidean")
            voters += 1
            metric1 += first != first_e
            metric5 += top != top_e
            changed1 = changed5 = False
            if weights.sum() >= 2:
                for q in np.flatnonzero(weights):
                    w = weights.copy()
                    w[q] = 0.0
                    f, t = ranked(voter, w, rest, rest_numbers)
                    pairs += 1
                    loo1 += f != first
                    loo5 += t != top
                    changed1 |= f != first
                    changed5 |= t != top
            any1 += changed1
            any5 += changed5
    assert 0 < loo1 < pairs and 0 < metric1 + metric5, (voters, pairs, metric1, metric5, loo1, loo5)
    assert got["voters"] == voters
    assert got["top1_metric"] == pytest.approx(metric1 / voters)
    assert got["top5_metric"] == pytest.approx(metric5 / voters)
    assert got["top1_leave_one_out"] == pytest.approx(loo1 / pairs)
    assert got["top5_leave_one_out"] == pytest.approx(loo5 / pairs)
    assert got["top1_leave_one_out_any"] == pytest.approx(any1 / voters)
    assert got["top5_leave_one_out_any"] == pytest.approx(any5 / voters)
