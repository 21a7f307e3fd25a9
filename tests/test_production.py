"""Production serving for real: gunicorn with the repository's config, and two nodes behind nginx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import gunicorn, run_script

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_gunicorn_serves_and_logs_no_answers(demo_db_file, tmp_path):
    import re
    import shutil

    db = tmp_path / "prod.db"
    shutil.copy(demo_db_file, db)
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "VAALIKONE_DATABASE": str(db),
        "VAALIKONE_WORKERS": "2",
        "VAALIKONE_ACCESS_LOG": str(log),
        "VAALIKONE_SECRET_KEY": "prod-test",
    }
    with gunicorn(["-c", "gunicorn.conf.py"], env, ROOT) as url:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(f"{url}/kysely?kunta=091", timeout=5).read().decode()
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        body = f"csrf_token={token}&kunta=091&a-free-premises=5&a-market-rent=1".encode()
        with opener.open(f"{url}/tulokset", body, timeout=5) as response:
            assert response.status == 200
            assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    text = log.read_text()
    assert "POST /tulokset" in text
    assert "a-free-premises" not in text and "market-rent" not in text


@pytest.mark.slow
def test_two_nodes_behind_nginx(tmp_path):
    env = {**os.environ, "PYTHON": sys.executable}
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "two-node")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "both nodes behind nginx served voters" in result.stdout


def succeeded(
    name: str, *args: str, timeout: float = 240, env: dict[str, str] | None = None
) -> str:
    """Run one of scripts/ (bounded in time) and return its output; it must exit 0."""
    result = run_script(name, *args, timeout=timeout, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def run_loadtest(*args: str) -> str:
    """scripts/loadtest on a free port; its output, after checking it exited 0 (no 5xx, no lost save)."""
    return succeeded("loadtest", "--port", str(free_port()), *args, timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize("fault", [[], ["--kill-worker"]], ids=["steady", "worker-killed"])
def test_load_script_loses_no_save_and_serves_no_5xx(fault):
    # A short run of scripts/loadtest (the full 60-second runs are in the README and issue notes): it
    # exits non-zero on any 5xx, any acknowledged save missing from the database, or a logged answer.
    out = run_loadtest(
        "--seconds", "6", "--voters", "30", "--candidates", "6", "--think", "0.1", *fault
    )
    assert "lost saves: 0; 5xx: 0" in out and "voter answers in the access log: none" in out
    results_line = next(line for line in out.splitlines() if line.startswith("POST results"))
    assert int(results_line.split()[2]) > 0
    if fault:
        assert "killed worker: none" not in out


@pytest.mark.slow
def test_hostile_requests_with_unique_parameters_do_not_grow_the_workers():
    # The full run (20,000 requests, < 20 MB; numbers in the issue notes) is `scripts/hostile-memory`. A short
    # one here with the limit scaled down: before the fix, 1,500 requests grew each worker by 14-15 MB.
    out = succeeded("hostile-memory", "--requests", "1500", "--seconds", "60", "--limit-mb", "5")
    assert "OK: no worker grew" in out


@pytest.mark.slow
def test_rate_limits_hold_across_workers_behind_nginx():
    env = {**os.environ, "PATH": os.environ.get("PATH", "") + ":/usr/sbin"}
    assert "OK: the limits hold" in succeeded("limits", env=env)


@pytest.mark.slow
def test_the_deadline_rush_keeps_every_acknowledged_save_and_refuses_every_late_one():
    # A short rush on the small demo (the national one-minute runs are in the issue notes): candidates
    # save in the seconds before a deadline set in Helsinki time, then once more after it.
    out = run_loadtest(
        "--rush",
        "--rush-seconds",
        "6",
        "--after-seconds",
        "3",
        "--voters",
        "10",
        "--candidates",
        "12",
    )
    assert "(Europe/Helsinki)" in out
    assert "lost acknowledged saves: 0" in out
    assert (
        "saves after the deadline: tried 12, refused with the message 12, accepted 0, stored anyway 0"
        in out
    )


BLAS_THREADS_AFTER_FORK = """
import os
import vaalikone.wsgi
from threadpoolctl import threadpool_info

def blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

print("master", blas_threads(), flush=True)
pid = os.fork()
if pid == 0:
    print("worker", blas_threads(), flush=True)
    os._exit(0)
os.waitpid(pid, 0)
"""


@pytest.mark.parametrize("setting, expected", [(None, 1), ("2", 2)])
def test_each_worker_runs_numpy_on_one_blas_thread(demo_db_file, tmp_path, setting, expected):
    """Two workers on two cores, each with a BLAS thread per core, fight for the cores (vaalikone.bench,
    "match, workers at once"): the production entry point pins BLAS before gunicorn forks."""
    import shutil

    db = tmp_path / "prod.db"
    shutil.copy(demo_db_file, db)
    env = {**os.environ, "VAALIKONE_DATABASE": str(db), "VAALIKONE_SECRET_KEY": "x"}
    env.pop("VAALIKONE_BLAS_THREADS", None)
    if setting:
        env["VAALIKONE_BLAS_THREADS"] = setting
    result = subprocess.run(
        [sys.executable, "-c", BLAS_THREADS_AFTER_FORK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == [f"master [{expected}]", f"worker [{expected}]"]
