"""The Flask extensions and the app-owned state, created once here and bound to each app by create_app.

Blueprints import the extension objects from here (never from each other); what an app keeps between
requests lives in `app.extensions`, bounded: the matching store (snapshots, the elections' structure) and
the template links (vaalikone.web.templating).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from vaalikone.matching import store

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()


def matching_store(app: Flask) -> store.MatchingStore:
    return app.extensions["vaalikone.matching"]


def init_matching(app: Flask) -> None:
    """The app's matching store, made current for each of its requests."""
    app.extensions["vaalikone.matching"] = store.MatchingStore(
        max_snapshots=int(app.config["SNAPSHOT_CACHE_SIZE"]),
        max_memo=int(app.config["MEMO_CACHE_SIZE"]),
        max_staleness=float(app.config["SNAPSHOT_MAX_STALENESS"]),
    )
    app.before_request_funcs.setdefault(None, []).insert(
        0, lambda: store.activate(app.extensions["vaalikone.matching"])
    )
