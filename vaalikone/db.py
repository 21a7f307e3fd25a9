"""The database: one SQLite file through sqlite-utils, a connection per request, versioned migrations."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from flask import Flask, current_app, g

from vaalikone.migrations import apply_migrations


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open the file with the settings every connection needs: WAL, a busy timeout, foreign keys."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Writers wait for each other instead of failing: the answer deadline brings many at once.
    conn = sqlite3.connect(str(path), timeout=15, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 15000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    db = sqlite_utils.Database(conn)
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    return db


@contextmanager
def opened(path: str | Path) -> Iterator[sqlite_utils.Database]:
    """A connection of its own for a command or start-up task, closed when the block ends."""
    db = connect(path)
    try:
        yield db
    finally:
        db.conn.close()


def database_file(db: sqlite_utils.Database) -> str:
    """The file a connection reads: the key of every per-worker cache built from it (asked a few times
    per request, so kept on the connection's Database object, whose file never changes)."""
    path = getattr(db, "_vaalikone_file", None)
    if path is None:
        path = str(db.conn.execute("PRAGMA database_list").fetchone()[2])
        db._vaalikone_file = path  # type: ignore[attr-defined]
    return path


@contextmanager
def writing(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the write lock up front (BEGIN IMMEDIATE).

    sqlite-utils' atomic() begins a deferred transaction: under WAL, one that read first and then writes
    fails at once with "database is locked" when another writer committed meanwhile. Taking the lock at
    BEGIN makes concurrent writers wait their turn on the busy timeout instead, so no save is refused.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.conn.execute("COMMIT")


# Opening a connection (and setting its pragmas) costs about as much as a whole match API request, so each
# thread keeps its last one open between requests. Between requests it holds no transaction: SQLite in
# autocommit mode reads the newest committed data at every statement.
_threads = threading.local()


def get_db() -> sqlite_utils.Database:
    """The request's database connection: this thread's open one for the app's file, or a new one."""
    if "db" not in g:
        path = str(current_app.config["DATABASE"])
        held = getattr(_threads, "db", None)
        if held is None or held[0] != path:
            if held is not None:
                held[1].conn.close()
            held = _threads.db = (path, connect(path))
        g.db = held[1]
    return g.db


def close_db(exc: BaseException | None = None) -> None:
    """End of request: whatever it left uncommitted is rolled back, as closing the connection would."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()


def init_db(app: Flask) -> None:
    """Bring the schema up to date and load the reference data and question bank into it."""
    from vaalikone import reference

    with opened(app.config["DATABASE"]) as db:
        apply_migrations(db)
        reference.sync(db, app.extensions["vaalikone.bank"])


def init_app(app: Flask) -> None:
    """Load the question bank (a broken file stops start-up), migrate, and register teardown."""
    from vaalikone.questions import load_bank

    app.extensions["vaalikone.bank"] = load_bank(Path(app.config["QUESTIONS_DIR"]))
    app.teardown_appcontext(close_db)
    init_db(app)
