"""The production entry point (gunicorn -c gunicorn.conf.py): one app per worker, published snapshots
loaded once at start so the first voter does not pay for building them."""

from __future__ import annotations

from vaalikone import create_app
from vaalikone.db import opened
from vaalikone.extensions import matching_store
from vaalikone.matching.snapshot import get_snapshot

app = create_app()


def preload_snapshots() -> int:
    """Build every published election's snapshot into the app's store (in gunicorn's master: the workers
    inherit them when they fork). Builds synchronously: a thread started here would not survive the fork."""
    store = matching_store(app)
    with opened(app.config["DATABASE"]) as db:
        ids = [r[0] for r in db.execute("SELECT id FROM election WHERE published_at IS NOT NULL")]
        for election_id in ids:
            get_snapshot(db, election_id, store=store)
        return len(ids)


preload_snapshots()
