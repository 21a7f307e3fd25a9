"""What every page needs to say about the data it shows: demo data, and the source of imported data."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g


def shows_election(election: dict[str, Any]) -> None:
    """Call from a view that shows an election's data: base.html then marks demo data and names sources."""
    if election.get("demo"):
        g.shows_demo = True
    if election.get("source"):
        sources = g.setdefault("sources", [])
        if election["source"] not in sources:
            sources.append(election["source"])


def _page_context() -> dict[str, Any]:
    return {
        "shows_demo": g.get("shows_demo", False),
        "sources": g.get("sources", []),
        # Templates link to optional pages only where a blueprint provides them.
        "url_rules": current_app.view_functions.keys(),
    }


def init_app(app: Flask) -> None:
    app.context_processor(_page_context)
