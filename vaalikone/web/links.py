"""The service's own address, for links that leave the site (e-mail)."""

from __future__ import annotations

from flask import current_app, request


def base_url() -> str:
    """BASE_URL when set (behind a proxy the request may not know the public address), else the
    address this request came to."""
    return str(current_app.config.get("BASE_URL") or request.url_root).rstrip("/")
