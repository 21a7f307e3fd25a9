"""The request's database connection: one per thread, reused between requests, rolled back at teardown.

A read-only node (READ_ONLY) never writes: start-up neither migrates nor syncs, every connection to its
database is opened read-only by SQLite, and with REPLICA set its copy follows the primary's Litestream
replica (vaalikone.db.replica). When a newer copy is renamed into place, each thread's connection notices
by the file's inode on its next request and reopens (`_connection`): the one place a swap is handled."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlite_utils
from flask import Flask, current_app, g

from vaalikone.db import connect, opened, serve_read_only
from vaalikone.db.migrations import apply_migrations
from vaalikone.db.replica import Follower, copy_identity
from vaalikone.domain import places
from vaalikone.domain.statements import QuestionBank, load_bank

# Opening a connection (and setting its pragmas) costs about as much as a whole match API request, so each
# thread keeps its last one open between requests. Between requests it holds no transaction: SQLite in
# autocommit mode reads the newest committed data at every statement.
_threads = threading.local()


def get_db() -> sqlite_utils.Database:
    """The request's database connection: this thread's open one for the app's file, or a new one."""
    if "db" not in g:
        g.db = _connection(str(current_app.config["DATABASE"]), current_app.config.get("READ_ONLY"))
    return g.db


def writable() -> bool:
    """Whether this node may write (derived data such as a computed report): a read-only node may not."""
    return not current_app.config.get("READ_ONLY")


def _connection(path: str, read_only: bool) -> sqlite_utils.Database:
    """This thread's connection to `path`, reopened when a read-only node's copy has been replaced (a
    stat per request; the old connection finished its reads on the old file, so no voter sees an error)."""
    identity = copy_identity(path) if read_only else None
    held = getattr(_threads, "db", None)
    if held is None or held[0] != path or held[1] != identity:
        if held is not None:
            held[2].conn.close()
        held = _threads.db = (path, identity, connect(path))
    return held[2]


def close_db(exc: BaseException | None = None) -> None:
    """End of request: whatever it left uncommitted is rolled back, as closing the connection would."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()


def get_bank() -> QuestionBank:
    """The question bank this app loaded at start-up."""
    return current_app.extensions["vaalikone.bank"]


def init_db(app: Flask) -> None:
    """Bring the schema up to date and load the reference data and question bank into it."""
    # A file this start creates holds nothing anyone saved: `restore` may put a replica's copy there.
    app.extensions["vaalikone.created_database"] = not Path(app.config["DATABASE"]).exists()
    with opened(app.config["DATABASE"]) as db:
        apply_migrations(db)
        places.sync(db, app.extensions["vaalikone.bank"])


def init_read_only(app: Flask) -> None:
    """Serve the database without ever writing it; with REPLICA, restore a first copy if there is none
    and keep it following the replica (each worker process polls; one restores at a time)."""
    path = app.config["DATABASE"]
    replica = app.config.get("REPLICA")
    serve_read_only(path, immutable=bool(replica))
    if not replica:
        return
    follower = Follower(path, replica)
    follower.ensure_copy()
    app.extensions["vaalikone.follower"] = follower
    interval = float(app.config["REPLICA_POLL_SECONDS"])
    if interval > 0:
        # Started by the first request of each process, never at import: gunicorn's master forks
        # workers after loading the app, and a thread does not survive a fork.
        app.before_request(lambda: follower.start(interval))


def init_app(app: Flask) -> None:
    """Load the question bank (a broken file stops start-up), migrate unless read-only, and register
    teardown."""
    app.extensions["vaalikone.bank"] = load_bank(Path(app.config["QUESTIONS_DIR"]))
    app.teardown_appcontext(close_db)
    if app.config.get("READ_ONLY"):
        init_read_only(app)
    else:
        init_db(app)
