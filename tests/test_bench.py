"""The benchmark still runs: a developer's `python -m vaalikone.bench` prints its table.

Only a smoke run with --quick; timings are not asserted here (performance lives in the benchmark,
and shared CI machines make time limits flaky).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_bench(*args: str) -> str:
    """`python -m vaalikone.bench --quick ARGS`'s output; -W error: a numpy warning in any row (division
    by zero, NaN slice) fails the run."""
    result = subprocess.run(
        [sys.executable, "-W", "error", "-m", "vaalikone.bench", "--quick", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_quick_benchmark_prints_a_row_for_each_measurement() -> None:
    lines = run_bench().splitlines()
    header = lines[1].split()
    assert header[:4] == ["row", "size", "runs", "median"]
    assert "speed-up" in header
    assert set(lines[2]) <= {"-", " "}  # the rule under the header
    body = "\n".join(lines[3:])
    for name in (
        "match, one voter",
        "match_batch, total",
        "match_batch, per voter",
        "alignment, one organisation",
        "group_summary of alignment",
        "statement_support by group",
        "snapshot rebuild, kunta-2025",
        "snapshot rebuild, alue-2025",
    ):
        assert name in body, name
    # The one-voter rows ran the plain-Python reference too, and the two agreed.
    one_voter = [line for line in lines if line.startswith("match, one voter")]
    assert len(one_voter) == 2
    for line in one_voter:
        assert "max diff vs reference" in line, line
        assert float(line.split()[-1]) <= 1e-9, line
        assert re.search(r"\s[\d,]+x\s", line), line  # a speed-up ratio such as "115x"
    # Patching in the changed candidates is timed against a full rebuild: the row shows the ratio.
    for line in (line for line in lines if line.startswith("snapshot rebuild")):
        assert re.search(r"\s[\d,]+x\s", line), line


def test_the_adaptive_benchmark_prints_both_tables() -> None:
    out = run_bench("--adaptive")
    for name in ("Yle 2023:", "demo kunta-2025:", "adaptive first", "fixed top10", "offer to stop"):
        assert name in out, name
    assert len(re.findall(r"^\s*(5|10|15|20)\s+\d", out, re.M)) == 8
