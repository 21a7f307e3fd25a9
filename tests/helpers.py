"""Helpers for tests: real Chromium pages, and the scripts in scripts/."""

from __future__ import annotations

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


def run_script(name: str, *args: str, timeout: float = 300):
    """Run one of scripts/ with this interpreter; the finished process (stdout and stderr as text)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, str(root / "scripts" / name), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
