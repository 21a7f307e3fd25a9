"""National-scale rows of the benchmark: `python -m vaalikone.bench --national`.

Builds the national demo (the 2025 municipal and county elections at real size, ~30,000 + 10,000
candidates) and the small demo on scratch databases, then measures what an election night at national
scale costs: importing the official list, building snapshots, a gunicorn worker's memory, a results
page's CPU, the whole-country organisation report and the open-data export. Takes a few minutes.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from vaalikone.bench import Row

ROOT = Path(__file__).resolve().parent.parent


def cpu_median(call: Any, runs: int) -> tuple[float, float]:
    """Median CPU seconds of this process (SQLite's work included) and median wall seconds of `runs` calls.

    The machine these rows were first measured on was shared (load average near 10 on 2 cores), where
    wall time measures the neighbours; CPU time is what the work costs, and the note keeps the wall time.
    """
    cpu, wall = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return sorted(cpu)[len(cpu) // 2], sorted(wall)[len(wall) // 2]


def cpu_row(
    name: str, size: str, call: Any, runs: int, target: float | None = None, note: str = ""
) -> Row:
    cpu, wall = cpu_median(call, runs)
    return Row(
        name,
        size,
        cpu,
        runs,
        target=target,
        note=f"CPU; wall {wall:.2f} s{'; ' + note if note else ''}",
    )


def _app(path: Path):
    from vaalikone import create_app

    return create_app(
        {
            "DATABASE": str(path),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "SNAPSHOT_MAX_STALENESS": 0,
        }
    )


def official_list(db: Any, election_id: str) -> bytes:
    """The election's candidates written in the Ministry of Justice's layout (tests/data/moj/README.md)."""
    kind = db.execute("SELECT kind FROM election WHERE id = ?", [election_id]).fetchone()[0]
    rows = db.execute(
        """SELECT k.municipality_code, d.number, co.official_code, p.abbreviation, p.name_sv,
                  c.number, c.first_name, c.last_name, c.gender, c.age, c.languages
           FROM candidate c JOIN constituency k ON k.id = c.constituency_id
           LEFT JOIN municipality m ON m.code = k.municipality_code
           LEFT JOIN district d ON d.id = m.district_id
           LEFT JOIN county co ON co.id = k.county_id
           LEFT JOIN party p ON p.id = c.party_id
           WHERE c.election_id = ? ORDER BY c.id""",
        [election_id],
    ).fetchall()
    out = io.StringIO()
    for (
        code,
        district,
        county,
        abbreviation,
        _,
        number,
        first,
        last,
        gender,
        age,
        languages,
    ) in rows:
        cells = [""] * 45
        if kind == "kunta":
            cells[0:5] = ["K", district, code, "K", "****"]
        else:
            cells[0:5] = ["AV", county, "***", "V", "****"]
        cells[11:14] = [abbreviation or "", abbreviation or "", abbreviation or ""]
        cells[14], cells[17], cells[18] = str(number), first, last
        cells[19] = {"m": "1", "f": "2"}.get(gender or "", "")
        cells[20] = str(age or "")
        cells[25] = "sv" if languages.startswith('["sv"') else "fi"
        cells[26:30] = ["0", "0", "0", "0"]
        out.write(";".join(cells) + ";\r\n")
    return out.getvalue().encode("iso-8859-1", "replace")


def import_rows(db: Any) -> list[Row]:
    """The national official list (both elections' candidates, ~40,000 lines) imported into new elections,
    then the same files again (nothing changes)."""
    from vaalikone.domain import candidates, elections
    from vaalikone.importers import moj

    files = {}
    for source, target, kind in (
        ("kunta-2025", "kunta-2029", "kunta"),
        ("alue-2025", "alue-2029", "alue"),
    ):
        files[target] = official_list(db, source)
        elections.create_election(
            db,
            kind,
            "2029-04-08",
            "2029-03-20T16:00:00+02:00",
            {"fi": target, "sv": target, "en": target},
        )
    lines = sum(raw.count(b"\n") for raw in files.values())

    def load_all() -> None:
        for target, raw in files.items():
            parsed = moj.parse(db, io.BytesIO(raw), target)
            assert not parsed.problems, parsed.problems[:3]
            candidates.apply_official_list(db, parsed.election_id, parsed.candidates)

    size = f"{lines:,} lines, 2 elections"
    return [
        cpu_row("official list import (new)", size, load_all, 1, target=30.0),
        cpu_row(
            "official list import (unchanged)", size, load_all, 1, target=30.0, note="no writes"
        ),
    ]


def snapshot_rows(db: Any) -> list[Row]:
    from vaalikone.matching.snapshot import build_snapshot

    rows = []
    for election_id in ("kunta-2025", "alue-2025"):
        n = db.execute(
            "SELECT count(*) FROM candidate WHERE election_id = ?", [election_id]
        ).fetchone()[0]
        rows.append(
            cpu_row(
                f"full snapshot build, {election_id}",
                f"{n:,} cand.",
                lambda eid=election_id: build_snapshot(db, eid),
                3,
                target=2.0,
            )
        )
    return rows


def _results_form(db: Any, municipality: str) -> dict[str, str]:
    questions = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT question_id FROM election_question WHERE election_id IN ('kunta-2025', 'alue-2025')"
        )
    ]
    # A voter who answered every statement: the most scoring work a results page does.
    return {"kunta": municipality, **{f"a-{q}": str(1 + i % 5) for i, q in enumerate(questions)}}


def results_cpu(path: Path, municipality: str, runs: int = 20) -> float:
    """CPU seconds per results page (POST /tulokset) for a voter of `municipality`, in this process."""
    from vaalikone.db import connect

    app = _app(path)
    db = connect(path)
    form = _results_form(db, municipality)
    db.conn.close()
    client = app.test_client()
    assert client.post("/tulokset", data=form).status_code == 200  # snapshots built, caches warm
    start = time.process_time()
    for _ in range(runs):
        response = client.post("/tulokset", data=form)
        assert response.status_code == 200
    return (time.process_time() - start) / runs


def results_rows(national: Path, small: Path, little: str) -> list[Row]:
    """A results page's CPU: Helsinki against a small municipality, and each against the small demo."""
    cpu = {
        (scale, code): results_cpu(path, code)
        for scale, path in (("national", national), ("small", small))
        for code in ("091", little)
    }
    rows = []
    for code, name in (("091", "Helsinki"), (little, f"municipality {little}")):
        rows.append(
            Row(
                f"results page CPU, {name}",
                "national demo",
                cpu["national", code],
                20,
                reference=cpu["small", code],
                note=f"reference: small demo; national/small = {cpu['national', code] / cpu['small', code]:.2f}",
            )
        )
    rows.append(
        Row(
            "results page CPU ratio",
            "Helsinki / small municipality",
            cpu["national", "091"],
            20,
            reference=cpu["national", little],
            note=f"national {cpu['national', '091'] / cpu['national', little]:.2f}, "
            f"small demo {cpu['small', '091'] / cpu['small', little]:.2f} (speed-up column: inverse)",
        )
    )
    return rows


def report_rows(path: Path) -> list[Row]:
    """The whole-country report of a national organisation, numbers and HTML, and the open-data export."""
    from vaalikone import reports
    from vaalikone.db import connect
    from vaalikone.domain import demo

    app = _app(path)
    db = connect(path)
    client = app.test_client()
    client.post(
        "/kirjaudu", data={"email": "soste@demo.vaalikone.invalid", "password": demo.DEMO_PASSWORD}
    )
    rows = []
    for election_id in ("kunta-2025", "alue-2025"):
        n = db.execute(
            "SELECT count(*) FROM candidate WHERE election_id = ?", [election_id]
        ).fetchone()[0]

        def page(eid: str = election_id) -> None:
            assert client.get(f"/jarjesto/raportti/{eid}").status_code == 200

        def numbers(eid: str = election_id) -> None:
            reports.build(db, "soste", eid)

        page()  # the snapshot is built once; the report is what is timed
        size = f"{n:,} cand."
        rows.append(cpu_row(f"whole-country report numbers, {election_id}", size, numbers, 3, 1.0))
        rows.append(cpu_row(f"whole-country report HTML, {election_id}", size, page, 3, 1.0))
    for fmt in ("json", "csv"):
        size = 0

        def export(fmt: str = fmt) -> None:
            nonlocal size
            response = client.get(f"/api/v1/elections/kunta-2025/answers.{fmt}")
            assert response.status_code == 200
            size = len(response.get_data())

        cpu, wall = cpu_median(export, 2)
        rows.append(
            Row(
                f"open-data export, kunta-2025 .{fmt}",
                f"{size / 1e6:.1f} MB",
                cpu,
                2,
                note=f"CPU; wall {wall:.2f} s",
            )
        )
    db.conn.close()
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_rss_rows(path: Path) -> list[Row]:
    """Resident memory of one gunicorn worker after a Helsinki and a Tampere voter's results pages (both
    elections' snapshots loaded and their constituencies prepared)."""
    from vaalikone.db import connect

    port = _free_port()
    env = {
        **os.environ,
        "VAALIKONE_DATABASE": str(path),
        "VAALIKONE_BIND": f"127.0.0.1:{port}",
        "VAALIKONE_WORKERS": "1",
        "VAALIKONE_RATELIMIT_ENABLED": "false",
        "VAALIKONE_ACCESS_LOG": os.devnull,
        "VAALIKONE_SECRET_KEY": "bench",
        "VAALIKONE_WTF_CSRF_ENABLED": "false",
    }
    db = connect(path)
    forms = [_results_form(db, code) for code in ("091", "837")]
    db.conn.close()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        for form in forms:  # CSRF is off for this server: only the pages' work is measured
            body = urllib.parse.urlencode(form).encode()
            assert urllib.request.urlopen(url + "/tulokset", body, timeout=60).status == 200
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        status = Path(f"/proc/{children[0]}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024
        master = Path(f"/proc/{server.pid}/status").read_text()
        master_rss = int(re.search(r"VmRSS:\s+(\d+) kB", master).group(1)) * 1024
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    return [
        Row(
            "gunicorn worker RSS, both elections",
            f"{rss / 2**20:.0f} MB",
            rss / 2**20 / 1000,
            1,
            target=0.3,
            note=f"median column: GB (target 300 MB); master {master_rss / 2**20:.0f} MB, shared copy-on-write",
        )
    ]


def national_rows() -> list[Row]:
    """Every national-scale row, on scratch databases built here."""
    from vaalikone.db import connect
    from vaalikone.domain import demo

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        national, small = Path(tmp) / "national.db", Path(tmp) / "small.db"
        _app(small)
        db = connect(small)
        demo.load_demo(db)
        db.conn.close()
        _app(national)
        db = connect(national)
        counts: dict[str, int] = {}
        cpu, wall = cpu_median(lambda: counts.update(demo.load_demo(db, "national")), 1)
        size = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        rows.append(Row("national demo build", size, cpu, 1, note=f"CPU; wall {wall:.1f} s"))
        rows += snapshot_rows(db)
        little = db.execute(
            """SELECT m.code FROM municipality m JOIN constituency k ON k.municipality_code = m.code
               WHERE k.election_id = 'kunta-2025' ORDER BY m.population LIMIT 1"""
        ).fetchone()[0]
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows += worker_rss_rows(national)
        rows += results_rows(national, small, little)
        rows += report_rows(national)
        rows += import_rows(db)
        db.conn.close()
    return rows
