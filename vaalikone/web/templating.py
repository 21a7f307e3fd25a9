"""What every page needs to say about the data it shows: demo data, and the source of imported data."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context, request, url_for

from vaalikone.matching.store import BoundedCache
from vaalikone.requestmemo import per_request


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
# more than a dozen template expressions, so templates reuse them. Only plain links with short values are
# kept, in the app's bounded cache: relative to a blueprint (".x"), with options (_external, _anchor...),
# long values or values that cannot be a key, Flask builds them each time. Values come from request input
# on some pages, so both the count and the size of what is kept are bounded.
MAX_LINKS = 4096
MAX_VALUE_LENGTH = 64


def cached_url_for(endpoint: str, **values: Any) -> str:
    """flask.url_for for templates, remembering each plain link per application root."""
    if (
        endpoint.startswith(".")
        or any(key.startswith("_") for key in values)
        or not has_request_context()
        or any(len(str(value)) > MAX_VALUE_LENGTH for value in values.values())
    ):
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, *sorted(values.items()))
        hash(key)
    except TypeError:
        return url_for(endpoint, **values)
    links = per_request("vaalikone_links", lambda: current_app.extensions["vaalikone.links"])
    link = links.get(key)
    if link is None:
        link = links.put(key, url_for(endpoint, **values))
    return link


def init_app(app: Flask) -> None:
    app.extensions["vaalikone.links"] = BoundedCache(MAX_LINKS)
    app.context_processor(_page_context)
    app.jinja_env.globals["url_for"] = cached_url_for
