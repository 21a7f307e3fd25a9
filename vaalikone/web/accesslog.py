"""Gunicorn's access log, by path only: never a query string or a body, where voters' answers could travel.

Invitation tokens and the candidates a voter opened are logged as route templates (`loggable_path`).
Each line is `address [time] "METHOD /path" status bytes duration`. Written directly rather than through
gunicorn's full set of log atoms, which it builds (headers and all) for every request: on a busy night
that was a few per cent of the server's time.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

# Paths whose values must not be kept: an invitation's token opens an account, and which candidates a
# voter opened (from their results, with their address beside it) reveals their leaning. These are logged
# as their route templates.
_REDACTED = (
    (re.compile(r"/kutsu/[^/]*"), "/kutsu/<token>"),
    (re.compile(r"/ehdokkaat/[^/]*"), "/ehdokkaat/<id>"),
    (re.compile(r"/api/v1/candidates/[^/]*"), "/api/v1/candidates/<id>"),
)


def loggable_path(path: str) -> str:
    """The request's path with invitation tokens and candidate ids replaced by their route templates."""
    for pattern, template in _REDACTED:
        path = pattern.sub(template, path)
    return path


class PathOnlyLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        self.access_log.info(
            '%s %s "%s %s" %s %s %dms',
            environ.get("REMOTE_ADDR", "-"),
            self.now(),
            req.method,
            loggable_path(req.path),
            resp.status_code,
            getattr(resp, "sent", None) or "-",
            request_time.total_seconds() * 1000,
        )
