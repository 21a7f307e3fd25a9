"""JSON API for embedding and research (documented in the README)."""

from __future__ import annotations

from flask import Blueprint

from vaalikone.security import csrf

bp = Blueprint("api", __name__, cli_group=None)
# The API keeps no session and changes nothing: CSRF protects cookies, and the API uses none.
csrf.exempt(bp)
