"""Helpers for tests that drive real Chromium."""

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
