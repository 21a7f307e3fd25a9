"""What one request works out once and asks for many times: its language, its translations, the state of
the elections. A results page asks for its language and translations a few hundred times; Flask-Babel's
lookups (and even reading an attribute of `request`) walk context-local proxies each time, so the answers are
kept in one context variable that lives exactly as long as the request. No Flask import: the data layer
(voting.py) uses it too, and outside a request every call simply computes afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

_request_memo: ContextVar[dict[str, Any] | None] = ContextVar(
    "vaalikone_request_memo", default=None
)


def per_request(name: str, make: Callable[[], Any]) -> Any:
    """make(), computed once per request and kept under `name` (computed at each call outside one)."""
    memo = _request_memo.get()
    if memo is None:
        return make()
    try:
        return memo[name]
    except KeyError:
        found = memo[name] = make()
        return found


def start() -> None:
    _request_memo.set({})


def end(exc: BaseException | None = None) -> None:
    _request_memo.set(None)


def init_app(app: Any) -> None:
    """Open the memo before any other before-request function (they may use it), close it at teardown."""
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.teardown_request(end)
