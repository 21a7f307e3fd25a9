"""A read-only node answers only what voters read: everything that logs in or writes is the primary's.

nginx (deploy/nginx.conf) sends those routes to the primary; a request that reaches a read-only node
anyway gets a clear 503 page saying where to go, instead of an error from a database it cannot write."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request

# Blueprints of people with accounts: log-in, candidates, organisations, administrators.
_WRITERS = {"auth", "candidate", "organisation", "admin"}
# Except what anyone may read: an organisation's published report.
_PUBLIC = {"organisation.public_report", "organisation.public_report_download"}


def refuse_writers():
    """Before each request on a read-only node: None lets a voter's request through."""
    if request.blueprint not in _WRITERS or request.endpoint in _PUBLIC:
        return None
    primary = current_app.config.get("PRIMARY_URL")
    target = primary.rstrip("/") + request.full_path.rstrip("?") if primary else None
    response = current_app.make_response(
        (render_template("errors/read_only.html", primary=target), 503)
    )
    response.headers["Retry-After"] = "60"
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    if app.config.get("READ_ONLY"):
        app.before_request(refuse_writers)
