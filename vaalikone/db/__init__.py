"""The database: one SQLite file through sqlite-utils, opened with the settings every connection needs.

No Flask here: commands, importers and the domain layer open connections with `connect`/`opened`; the web
layer keeps one per thread for requests (`vaalikone.web.database`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

# Files this process must never write, each with whether it is immutable: every connection to them, whoever
# opens it (a request, a snapshot rebuild, a command), is opened read-only by SQLite itself.
_read_only: dict[str, bool] = {}


def serve_read_only(path: str | Path, immutable: bool = True) -> None:
    """From now on, open `path` read-only. Immutable: a read-only node's own copy, which only ever changes
    by being replaced whole (an atomic rename), so SQLite needs no locks and no -shm file to read it.
    Otherwise a file that another process writes (a primary on the same machine), read as it changes."""
    _read_only[str(Path(path).resolve())] = immutable


def is_read_only(path: str | Path) -> bool:
    return str(Path(path).resolve()) in _read_only


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open the file with the settings every connection needs: WAL, a busy timeout, foreign keys."""
    if is_read_only(path):
        return connect_read_only(path)
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


def connect_read_only(path: str | Path) -> sqlite_utils.Database:
    """A connection that cannot write: any attempt fails with "attempt to write a readonly database".

    An immutable copy (see serve_read_only) is opened with immutable=1: SQLite takes no locks and creates
    nothing beside it. A connection keeps reading the file it opened after the name is given to a newer
    copy; get_db reopens on the next request."""
    resolved = Path(path).resolve()
    immutable = _read_only.get(str(resolved), True)
    uri = resolved.as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    conn = sqlite3.connect(uri, uri=True, timeout=15, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn)


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
