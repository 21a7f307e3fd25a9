"""Gunicorn's access log, by path only: never a query string or a body, where voters' answers could travel.

Each line is `address [time] "METHOD /path" status bytes duration`. Written directly rather than through
gunicorn's full set of log atoms, which it builds (headers and all) for every request: on a busy night
that was a few per cent of the server's time.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger


class PathOnlyLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        self.access_log.info(
            '%s %s "%s %s" %s %s %dms',
            environ.get("REMOTE_ADDR", "-"),
            self.now(),
            req.method,
            req.path,
            resp.status_code,
            getattr(resp, "sent", None) or "-",
            request_time.total_seconds() * 1000,
        )
