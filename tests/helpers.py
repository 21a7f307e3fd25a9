"""Helpers for tests: real Chromium pages, and the scripts in scripts/."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def assert_accessible(pg, name: str | None = None) -> None:
    """axe-core (WCAG 2.1 A and AA rules) finds no violation on the page; optionally save a screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        pg,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    if name:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    violations = results.response.get("violations", [])
    assert not violations, results.generate_report()


def cell_text(locator) -> str:
    """The words a cell shows, without the layout's white space around them.

    innerText follows CSS: while the stylesheet is still on its way, a cell's inline SVG bar renders
    inline and the cell's text gains a trailing space ("100% " instead of "100%"). Only ASCII white space
    at the ends is layout; a non-breaking space inside ("100\xa0%") is the locale's and stays.
    """
    return locator.inner_text().strip(" \t\r\n")


@contextmanager
def gunicorn(args: list[str], env: dict[str, str], cwd: Path) -> Iterator[str]:
    """A real gunicorn (`python -m gunicorn ARGS`) bound to a port the kernel chooses; yields its URL.

    Binding port 0 and reading the address gunicorn reports leaves no window in which another process on
    the machine could take a port probed beforehand.
    """
    server = subprocess.Popen(
        [env.get("PYTHON", sys.executable), "-m", "gunicorn", *args, "--bind", "127.0.0.1:0"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line and server.poll() is not None:
                break
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            url = found.group(1) if found else None
        assert url, "gunicorn did not start"
        # Keep reading its log so that a chatty server never blocks on a full pipe.
        threading.Thread(target=server.stderr.read, daemon=True).start()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        server.stderr.close()


def database_bytes(app) -> bytes:
    """Everything the app's SQLite database holds on disk (main file, write-ahead log, shared memory)."""
    db_file = Path(app.config["DATABASE"])
    return b"".join(
        p.read_bytes()
        for p in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm"))
        if p.exists()
    )


def run_script(name: str, *args: str, timeout: float = 300, env: dict[str, str] | None = None):
    """Run one of scripts/ with this interpreter; the finished process (stdout and stderr as text)."""
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, str(root / "scripts" / name), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def answer_one_page(page, url: str) -> dict[str, int]:
    """Answer every statement of the one-page quiz (1..5 in turn) and show the results."""
    page.goto(url)
    statements = page.locator("fieldset.statement")
    answers = {}
    for i in range(statements.count()):
        qid = statements.nth(i).locator("input").first.get_attribute("name")[2:]
        value = 1 + (i * 3) % 5
        statements.nth(i).locator(f"input[value='{value}']").check()
        answers[qid] = value
    page.click("form.quiz > .actions button")
    return answers
