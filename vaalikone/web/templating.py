"""What every page needs to say about the data it shows: demo data, and the source of imported data."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context, request, url_for


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


# A page builds the same links (start, method, quiz, static files...) on every request; building one costs
# more than a dozen template expressions, so templates reuse them. Only plain links are kept: relative to
# a blueprint (".x"), with options (_external, _anchor...) or values that cannot be a key, Flask builds them.
_links: dict[tuple[Any, ...], str] = {}


def cached_url_for(endpoint: str, **values: Any) -> str:
    """flask.url_for for templates, remembering each plain link per application root."""
    if (
        endpoint.startswith(".")
        or any(key.startswith("_") for key in values)
        or not has_request_context()
    ):
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, *sorted(values.items()))
        hash(key)
    except TypeError:
        return url_for(endpoint, **values)
    link = _links.get(key)
    if link is None:
        link = url_for(endpoint, **values)
        if len(_links) < 10_000:  # candidate and quiz links with ids stay well below this
            _links[key] = link
    return link


def init_app(app: Flask) -> None:
    app.context_processor(_page_context)
    app.jinja_env.globals["url_for"] = cached_url_for
