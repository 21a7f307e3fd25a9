"""Benchmark of the scorer: `python -m vaalikone.bench` prints one plain-text table.

Each row is a function returning Row objects, listed in ROWS, so later work can add rows (real
election data, report rendering) without touching the rest. Data are synthetic: five-point answers
drawn with np.random.default_rng(42), about 5 % of them missing. The plain-Python reference
(vaalikone/matching/reference.py) is timed on the same
data in the same run, so the speed-up column compares like with like.

`--quick` shrinks every size for a smoke run (tests/test_bench.py); its timings mean nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from vaalikone.matching import reference as reference_scorer
from vaalikone.matching import scoring

SEED = 42
MISSING_SHARE = 0.05


@dataclass(frozen=True)
class Sizes:
    """How big each row's problem is and how many times it is timed."""

    questions: int = 30
    big: int = 40_000  # candidates, a large election searched by one voter
    constituency: int = 1_500  # candidates, a large municipality
    runs: int = 200
    reference_runs: int = 3
    batch_voters: int = 1_000
    batch_runs: int = 3
    election: int = 30_000  # candidates of a whole municipal election
    constituencies: int = 300


QUICK = Sizes(
    big=2_000,
    constituency=300,
    runs=5,
    reference_runs=1,
    batch_voters=10,
    batch_runs=1,
    election=1_000,
    constituencies=20,
)


@dataclass(frozen=True)
class Row:
    """One line of the table: a median time, optionally against a target and the reference."""

    name: str
    size: str
    seconds: float
    runs: int
    target: float | None = None  # seconds
    reference: float | None = None  # seconds, plain Python on the same data
    note: str = ""


def timed(call: Callable[[], object], runs: int, warm_up: bool = True) -> tuple[float, object]:
    """Median wall time of `runs` calls (after an untimed warm-up call) and the last result."""
    if warm_up:
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def median_seconds(call: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls after one untimed warm-up call."""
    return timed(call, runs)[0]


def answers(rng: np.random.Generator, n_candidates: int, n_questions: int) -> np.ndarray:
    """Normalised five-point answers (k/4) with about 5 % missing."""
    values = rng.integers(0, 5, (n_candidates, n_questions)) / 4
    values[rng.random(values.shape) < MISSING_SHARE] = np.nan
    return values


def voter(rng: np.random.Generator, n_questions: int) -> tuple[np.ndarray, np.ndarray]:
    """One voter's answers (about 5 % skipped) and importance weights."""
    weights = rng.choice(list(scoring.IMPORTANCE.values()), n_questions)
    return answers(rng, 1, n_questions)[0], weights


def one_voter_row(sizes: Sizes, n_candidates: int, target: float) -> Row:
    """One voter against n_candidates, timed beside the plain-Python reference on the same data."""
    rng = np.random.default_rng(SEED)
    candidates = answers(rng, n_candidates, sizes.questions)
    v, w = voter(rng, sizes.questions)
    matrix = scoring.CandidateMatrix(candidates)
    seconds, matches = timed(lambda: scoring.match(v, w, matrix), sizes.runs)
    lists = (v.tolist(), w.tolist(), candidates.tolist())
    # The reference is slow and has nothing to warm up: no untimed call.
    reference, expected = timed(lambda: reference_scorer.match(*lists), sizes.reference_runs, False)
    note = f"max diff vs reference {np.max(np.abs(matches - np.array(expected))):.0e}"
    size = f"{n_candidates:,} x {sizes.questions}"
    return Row("match, one voter", size, seconds, sizes.runs, target, reference, note)


def one_voter_rows(sizes: Sizes) -> list[Row]:
    """(a) and (b): one voter against a big election and against one large municipality."""
    return [one_voter_row(sizes, sizes.big, 2e-3), one_voter_row(sizes, sizes.constituency, 1e-4)]


def _busy_worker_match(args: tuple[Sizes, int]) -> float:
    """In a forked process: the median time of one voter's match with `threads` BLAS threads."""
    sizes, threads = args
    with threadpool_limits(threads, user_api="blas"):
        rng = np.random.default_rng(SEED)
        matrix = scoring.CandidateMatrix(answers(rng, sizes.big, sizes.questions))
        v, w = voter(rng, sizes.questions)
        return median_seconds(lambda: scoring.match(v, w, matrix), sizes.runs)


def busy_workers_rows(sizes: Sizes) -> list[Row]:
    """One voter's match in each of as many processes as cores at once, as gunicorn's workers serve under
    load: with BLAS pinned to one thread per process (what vaalikone/wsgi.py does) and with BLAS's
    default of a thread per core in every process. The note gives the ratio."""
    workers = os.cpu_count() or 1
    context = multiprocessing.get_context("fork")
    medians = {}
    for threads in (1, workers):
        with context.Pool(workers) as pool:
            medians[threads] = statistics.median(
                pool.map(_busy_worker_match, [(sizes, threads)] * workers)
            )
    size = f"{sizes.big:,} x {sizes.questions}, {workers} processes"
    return [
        Row("match, workers at once, 1 BLAS thread", size, medians[1], sizes.runs),
        Row(
            f"match, workers at once, {workers} BLAS threads",
            size,
            medians[workers],
            sizes.runs,
            note=f"{medians[workers] / medians[1]:.1f}x the pinned time",
        ),
    ]


def batch_rows(sizes: Sizes) -> list[Row]:
    """(c): many voters against a big election at once, in total and per voter."""
    rng = np.random.default_rng(SEED)
    matrix = scoring.CandidateMatrix(answers(rng, sizes.big, sizes.questions))
    voters = answers(rng, sizes.batch_voters, sizes.questions)
    weights = rng.choice(list(scoring.IMPORTANCE.values()), voters.shape)
    seconds = median_seconds(lambda: scoring.match_batch(voters, weights, matrix), sizes.batch_runs)
    size = f"{sizes.batch_voters:,} x {sizes.big:,} x {sizes.questions}"
    return [
        Row("match_batch, total", size, seconds, sizes.batch_runs),
        Row("match_batch, per voter", size, seconds / sizes.batch_voters, sizes.batch_runs),
    ]


def organisation_rows(sizes: Sizes) -> list[Row]:
    """(d): one organisation's alignment with a whole election, summarised by constituency."""
    rng = np.random.default_rng(SEED)
    matrix = scoring.CandidateMatrix(answers(rng, sizes.election, sizes.questions))
    constituency = rng.integers(0, sizes.constituencies, sizes.election)
    # An organisation takes a position on about a third of the statements.
    goals = np.where(
        rng.random(sizes.questions) < 1 / 3, rng.integers(0, 5, sizes.questions) / 4, np.nan
    )
    goals[0] = 1.0  # at least one goal
    goal_weights = rng.choice([1.0, 2.0], sizes.questions)
    aligned = scoring.alignment(goals, goal_weights, matrix)
    align_s = median_seconds(lambda: scoring.alignment(goals, goal_weights, matrix), sizes.runs)
    summary_s = median_seconds(
        lambda: scoring.group_summary(aligned, constituency, sizes.constituencies), sizes.runs
    )
    support_s = median_seconds(
        lambda: scoring.statement_support(goals, matrix, constituency, sizes.constituencies),
        sizes.runs,
    )
    n_goals = int(np.sum(~np.isnan(goals)))
    size = f"{sizes.election:,} x {sizes.questions}"
    by = f"{sizes.election:,} by {sizes.constituencies}"
    return [
        Row("alignment, one organisation", size, align_s, sizes.runs, note=f"{n_goals} goals"),
        Row("group_summary of alignment", by, summary_s, sizes.runs, note="constituencies"),
        Row("statement_support by group", by, support_s, sizes.runs, note="constituencies"),
    ]


def real_data_rows(sizes: Sizes) -> list[Row]:
    """Yle's real 2023 answers (2,116 candidates x 47 statements, four-point scale): ranking all
    candidates for one voter, and for many voters in batch."""
    real = yle_2023().answers
    matrix = scoring.CandidateMatrix(real)
    numbers = np.arange(len(real))
    rng = np.random.default_rng(SEED)
    v = real[rng.integers(0, len(real))].copy()
    w = np.ones(real.shape[1])

    def rank_all() -> np.ndarray:
        return scoring.rank(scoring.match(v, w, matrix), numbers)

    seconds, order = timed(rank_all, sizes.runs)
    lists = (v.tolist(), w.tolist(), real.tolist())
    reference, expected = timed(lambda: reference_scorer.match(*lists), sizes.reference_runs, False)
    got = scoring.match(v, w, matrix)
    note = f"max diff vs reference {np.max(np.abs(got - np.array(expected))):.0e}"
    voters = real[rng.integers(0, len(real), sizes.batch_voters)]
    batch = median_seconds(lambda: scoring.match_batch(voters, w, matrix), sizes.batch_runs)
    size = f"{real.shape[0]:,} x {real.shape[1]}"
    return [
        Row("Yle 2023: match + rank, one voter", size, seconds, sizes.runs, None, reference, note),
        Row(
            "Yle 2023: match_batch, total",
            f"{sizes.batch_voters:,} x {size}",
            batch,
            sizes.batch_runs,
            note="real answers",
        ),
    ]


def report_rows(sizes: Sizes) -> list[Row]:
    """A whole demo election's organisation report (every constituency), computed and rendered as HTML
    through the real application on a scratch copy of the demo database. Target: under a second."""
    import tempfile
    from pathlib import Path

    from vaalikone import create_app, reports
    from vaalikone.db import connect
    from vaalikone.domain import demo

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        app = create_app(
            {
                "DATABASE": str(path),
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
            }
        )
        db = connect(path)
        demo.load_demo(db)
        client = app.test_client()
        client.post(
            "/kirjaudu",
            data={"email": "soste@demo.vaalikone.invalid", "password": demo.DEMO_PASSWORD},
        )
        runs = max(3, sizes.batch_runs)
        n = db.execute(
            "SELECT count(*) FROM candidate WHERE election_id = 'kunta-2025'"
        ).fetchone()[0]
        k = db.execute(
            "SELECT count(*) FROM constituency WHERE election_id = 'kunta-2025'"
        ).fetchone()[0]
        build = median_seconds(lambda: reports.build(db, "soste", "kunta-2025"), runs)

        def render() -> None:
            response = client.get("/jarjesto/raportti/kunta-2025")
            assert response.status_code == 200, response.status_code

        page = median_seconds(render, runs)
        db.conn.close()
    size = f"{n:,} cand., {k} const."
    return [
        Row(
            "report numbers, whole election",
            size,
            build,
            runs,
            target=1.0,
            note="national organisation",
        ),
        Row(
            "report HTML page, whole election",
            size,
            page,
            runs,
            target=1.0,
            note="GET through the app",
        ),
    ]


def snapshot_rows(sizes: Sizes) -> list[Row]:
    """Rebuilding a demo election's snapshot after 50 candidates saved, with every constituency prepared:
    patching in the changed candidates (snapshot.update_snapshot) against reading everything again
    (shown in the reference column, so the speed-up column is the ratio)."""
    import random
    import tempfile
    from pathlib import Path

    from vaalikone import create_app
    from vaalikone.db import connect
    from vaalikone.domain import demo
    from vaalikone.matching import snapshot

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        create_app({"DATABASE": str(path), "SECRET_KEY": "bench"})
        db = connect(path)
        demo.load_demo(db)
        rng = random.Random(SEED)
        runs = max(3, sizes.batch_runs)
        for election_id in ("kunta-2025", "alue-2025"):
            current = snapshot.build_snapshot(db, election_id)
            ids = [int(c) for c in current.candidate_ids]

            def prepared(snap: snapshot.ElectionSnapshot) -> snapshot.ElectionSnapshot:
                for constituency_id in snap.constituency_ids:
                    snap.constituency(constituency_id)
                return snap

            prepared(current)
            changes = []
            for _ in range(runs):
                with (
                    db.conn
                ):  # 50 candidates save one answer each, as between two rebuilds at the deadline
                    for cid in rng.sample(ids, 50):
                        db.execute(
                            "UPDATE answer SET value = ? WHERE candidate_id = ? AND value IS NOT NULL",
                            [rng.choice([1, 2, 4, 5]), cid],
                        )
                start = time.perf_counter()
                updated = snapshot.update_snapshot(db, current)
                assert updated is not None
                prepared(updated)
                changes.append(time.perf_counter() - start)
                current = updated
            full = median_seconds(
                lambda eid=election_id: prepared(snapshot.build_snapshot(db, eid)), runs
            )
            rows.append(
                Row(
                    f"snapshot rebuild, {election_id}",
                    f"{len(ids):,} cand., 50 changed",
                    statistics.median(changes),
                    runs,
                    reference=full,
                    note="reference: full rebuild",
                )
            )
        db.conn.close()
    return rows


def stability_rows(sizes: Sizes) -> list[Row]:
    """ "How sure is this?" for one voter in a large municipality, against the plain ranking (match and
    rank) it comes with; the target is 2x the ranking. Timed alternately, so drift hits both alike."""
    from vaalikone.matching import stability

    rng = np.random.default_rng(SEED)
    matrix = scoring.CandidateMatrix(answers(rng, sizes.constituency, sizes.questions))
    numbers = rng.permutation(sizes.constituency) + 2
    scales = stability.padded_alternatives([np.linspace(0.0, 1.0, 5)] * sizes.questions)
    v, w = voter(rng, sizes.questions)
    matches = scoring.match(v, w, matrix)

    def ranking() -> np.ndarray:
        return scoring.rank(scoring.match(v, w, matrix), numbers)

    def sure() -> object:
        return stability.stability(v, w, matrix, numbers, scales, matches=matches)

    plain, extra = [], []
    for _ in range(max(1, sizes.runs // 10)):
        plain.append(median_seconds(ranking, 10))
        extra.append(median_seconds(sure, 10))
    plain_s, sure_s = statistics.median(plain), statistics.median(extra)
    size = f"{sizes.constituency:,} x {sizes.questions}"
    return [
        Row("ranking, one voter", size, plain_s, sizes.runs),
        Row(
            "stability, one voter",
            size,
            sure_s,
            sizes.runs,
            target=2 * plain_s,
            note=f"ratio {sure_s / plain_s:.2f} of the ranking (target <= 2)",
        ),
    ]


ROWS: list[Callable[[Sizes], list[Row]]] = [
    one_voter_rows,
    busy_workers_rows,
    stability_rows,
    batch_rows,
    organisation_rows,
    real_data_rows,
    report_rows,
    snapshot_rows,
]


def duration(seconds: float | None) -> str:
    """A time in the unit that reads best: µs, ms or s."""
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds:.2f} s"


def render(rows: list[Row]) -> str:
    """The rows as an aligned plain-text table."""
    header = ("row", "size", "runs", "median", "target", "met", "reference", "speed-up", "note")
    lines = [header]
    for r in rows:
        met = "-" if r.target is None else ("yes" if r.seconds <= r.target else "NO")
        speed_up = "-" if r.reference is None else f"{r.reference / r.seconds:,.0f}x"
        lines.append(
            (
                r.name,
                r.size,
                str(r.runs),
                duration(r.seconds),
                duration(r.target),
                met,
                duration(r.reference),
                speed_up,
                r.note,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)


# --------------------------------------------------------------------------------------------------
# The quick quiz's order (matching/adaptive.py), measured on real answers: each candidate in turn is a
# simulated voter, matched against the other candidates of its own constituency.

ADAPTIVE_KS = (5, 10, 15, 20)
ORDERS = ("adaptive", "fixed", "random")


@dataclass(frozen=True)
class Electorate:
    """Candidates' normalised answers (C, Q) and their constituency (C,), one election, bank order."""

    name: str
    answers: np.ndarray
    constituency: np.ndarray


def yle_2023() -> Electorate:
    """Yle's 2023 parliamentary candidates (four-point scale) in the importer's statement order."""
    from pathlib import Path

    from vaalikone.importers import yle

    data = yle.read_2023(Path(__file__).resolve().parent / "data" / "yle" / "2023")
    index = {c["id"]: i for i, c in enumerate(data.candidates)}
    columns = {q["id"]: j for j, q in enumerate(data.questions)}
    raw = np.full((len(index), len(columns)), np.nan)
    for a in data.answers:
        if a["value"] is not None:
            raw[index[a["candidate_id"]], columns[a["question_id"]]] = a["value"]
    places = sorted({c["constituency_id"] for c in data.candidates})
    where = np.array([places.index(c["constituency_id"]) for c in data.candidates])
    return Electorate("Yle 2023", scoring.normalise(raw, 1, 5), where)


def demo_municipal() -> Electorate:
    """The demo's municipal election (kunta-2025), built through the real application on a scratch copy."""
    import tempfile
    from pathlib import Path

    from vaalikone import create_app
    from vaalikone.db import connect
    from vaalikone.domain import demo
    from vaalikone.matching.snapshot import build_snapshot

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        create_app({"DATABASE": str(path), "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
        db = connect(path)
        demo.load_demo(db)
        snap = build_snapshot(db, "kunta-2025")
        db.conn.close()
    return Electorate("demo kunta-2025", np.array(snap.answers), np.array(snap.constituency_index))


def _voters(electorate: Electorate, limit: int | None) -> list[tuple[int, np.ndarray]]:
    """(voter row, rows of the others in its constituency) for every candidate with an answer, or a
    spread-out sample of `limit` of them."""
    x = electorate.answers
    rows = [i for i in range(len(x)) if np.any(~np.isnan(x[i]))]
    if limit is not None and len(rows) > limit:
        rows = [rows[int(k)] for k in np.linspace(0, len(rows) - 1, limit)]
    out = []
    for i in rows:
        others = np.flatnonzero(electorate.constituency == electorate.constituency[i])
        others = others[others != i]
        if len(others) >= 2:
            out.append((i, others))
    return out


def simulate(
    electorate: Electorate, limit: int | None = None, ks: tuple[int, ...] = ADAPTIVE_KS
) -> dict[str, dict[int, tuple[float, float]]]:
    """Per order and k: share of voters whose first choice equals the full quiz's, and the mean overlap
    of the top 10 (0..10), after k statements (a statement the simulated voter left blank counts as asked
    and skipped, as a real voter skipping it)."""
    from vaalikone.matching import adaptive

    x = electorate.answers
    n_q = x.shape[1]
    ids = [str(j) for j in range(n_q)]
    rng = np.random.default_rng(SEED)
    hits = {o: {k: [] for k in ks} for o in ORDERS}
    overlap = {o: {k: [] for k in ks} for o in ORDERS}
    ones = np.ones(n_q)
    for i, others in _voters(electorate, limit):
        pool = adaptive.Pool(ids, x[others], np.arange(len(others)))
        truth = x[i]
        full = scoring.rank(scoring.match(truth, ones, pool.answers), pool.numbers)
        top = min(adaptive.TOP, len(others))
        orders = {
            "fixed": list(range(n_q)),
            "random": rng.permutation(n_q).tolist(),
            "adaptive": [],
        }
        asked: set[str] = set()
        for _ in range(min(max(ks), n_q)):
            voter = np.where([j in asked for j in ids], truth, np.nan)
            nxt = adaptive.next_statement([pool], [(voter, ones)], asked, ids)
            asked.add(nxt)
            orders["adaptive"].append(int(nxt))
        for name, order in orders.items():
            for k in ks:
                voter = np.full(n_q, np.nan)
                chosen = order[:k]
                voter[chosen] = truth[chosen]
                if np.all(np.isnan(voter)):
                    partial = np.arange(len(others))
                else:
                    partial = scoring.rank(scoring.match(voter, ones, pool.answers), pool.numbers)
                hits[name][k].append(partial[0] == full[0])
                overlap[name][k].append(len(np.intersect1d(partial[:top], full[:top])))
    return {
        o: {k: (float(np.mean(hits[o][k])), float(np.mean(overlap[o][k]))) for k in ks}
        for o in ORDERS
    }


def stopping(electorate: Electorate, limit: int) -> tuple[float, float, float, float]:
    """The offer to stop (adaptive.settled), on a spread-out sample of voters: mean statements asked when it
    comes, the share offered it before the last statement, and at that point the share whose first choice
    equals the full quiz's and the mean top-10 overlap."""
    from vaalikone.matching import adaptive

    x = electorate.answers
    n_q = x.shape[1]
    ids = [str(j) for j in range(n_q)]
    ones = np.ones(n_q)
    asked_at, early, hit, over = [], [], [], []
    for i, others in _voters(electorate, limit):
        pool = adaptive.Pool(ids, x[others], np.arange(len(others)))
        truth = x[i]
        full = scoring.rank(scoring.match(truth, ones, pool.answers), pool.numbers)
        asked: set[str] = set()
        while len(asked) < n_q:
            voter = np.where([j in asked for j in ids], truth, np.nan)
            if asked and adaptive.settled([pool], [(voter, ones)], asked):
                break
            asked.add(adaptive.next_statement([pool], [(voter, ones)], asked, ids))
        voter = np.where([j in asked for j in ids], truth, np.nan)
        partial = scoring.rank(scoring.match(voter, ones, pool.answers), pool.numbers)
        top = min(adaptive.TOP, len(others))
        asked_at.append(len(asked))
        early.append(len(asked) < n_q)
        hit.append(partial[0] == full[0])
        over.append(len(np.intersect1d(partial[:top], full[:top])))
    return (
        float(np.mean(asked_at)),
        float(np.mean(early)),
        float(np.mean(hit)),
        float(np.mean(over)),
    )


def adaptive_table(quick: bool = False) -> str:
    """The quick quiz's comparison table on Yle 2023 and the demo's municipal election."""
    limit = 40 if quick else None
    stop_limit = 20 if quick else 300
    lines = [
        "quick quiz: adaptive vs fixed (bank) vs random order; voters = candidates, each matched against "
        "the others of its constituency",
        "first = share whose first choice equals the full quiz's; top10 = mean overlap of the top 10 (of 10)",
    ]
    for electorate in (yle_2023(), demo_municipal()):
        results = simulate(electorate, limit)
        n_voters = len(_voters(electorate, limit))
        lines.append("")
        lines.append(
            f"{electorate.name}: {n_voters:,} voters, {electorate.answers.shape[1]} statements"
        )
        header = ["k"] + [f"{o} first" for o in ORDERS] + [f"{o} top10" for o in ORDERS]
        rows = [header]
        for k in ADAPTIVE_KS:
            rows.append(
                [str(k)]
                + [f"{results[o][k][0]:.1%}" for o in ORDERS]
                + [f"{results[o][k][1]:.2f}" for o in ORDERS]
            )
        widths = [max(len(r[c]) for r in rows) for c in range(len(header))]
        for r in rows:
            lines.append("  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)))
        mean_k, early, hit, over = stopping(electorate, stop_limit)
        lines.append(
            f"offer to stop ({min(stop_limit, n_voters)} voters): after {mean_k:.1f} statements on "
            f"average, {early:.0%} before the last; then first choice right {hit:.1%}, "
            f"top-10 overlap {over:.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every row and print the table."""
    parser = argparse.ArgumentParser(
        prog="python -m vaalikone.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: a smoke run, not a measurement"
    )
    parser.add_argument(
        "--national",
        action="store_true",
        help="only the national-scale rows (builds the 2025 elections at real size; minutes)",
    )
    parser.add_argument(
        "--adaptive",
        action="store_true",
        help="the quick quiz's order on real answers instead of timings",
    )
    args = parser.parse_args(argv)
    if args.adaptive:
        print(adaptive_table(args.quick))
        return 0
    if args.national:
        from vaalikone.bench_national import national_rows

        print(
            f"vaalikone national-scale benchmark: numpy {np.__version__}, Python "
            f"{sys.version.split()[0]}, {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.2f})"
        )
        print(render(national_rows()))
        return 0
    sizes = QUICK if args.quick else Sizes()
    print(
        f"vaalikone scoring benchmark{' (--quick: timings mean nothing)' if args.quick else ''}: "
        f"numpy {np.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"seed {SEED}"
    )
    rows = [row for make_rows in ROWS for row in make_rows(sizes)]
    print(render(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
