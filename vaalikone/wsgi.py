"""The production entry point (gunicorn -c gunicorn.conf.py): one app per worker, published snapshots
loaded once at start so the first voter does not pay for building them."""

from __future__ import annotations

import os

from threadpoolctl import threadpool_limits

from vaalikone import create_app
from vaalikone.db import opened
from vaalikone.extensions import matching_store
from vaalikone.matching.snapshot import get_snapshot

# numpy's BLAS (OpenBLAS) starts a thread per core in every process. With one gunicorn worker per core
# the workers' BLAS threads then fight for the same cores: one voter against 40,000 candidates took
# 6.5-16 ms per worker with two BLAS threads each and 2.7 ms with one, two workers busy on 2 cores
# (`python -m vaalikone.bench`, rows "match, workers at once"). Pinned here, in the master before it
# forks, so every worker inherits one thread; VAALIKONE_BLAS_THREADS changes it for a single-worker node.
threadpool_limits(int(os.environ.get("VAALIKONE_BLAS_THREADS", "1")), user_api="blas")

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
