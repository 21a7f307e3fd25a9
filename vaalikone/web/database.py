"""The request's database connection: one per thread, reused between requests, rolled back at teardown."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlite_utils
from flask import Flask, current_app, g

from vaalikone.db import connect, opened
from vaalikone.db.migrations import apply_migrations
from vaalikone.domain import places
from vaalikone.domain.statements import QuestionBank, load_bank

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


def get_bank() -> QuestionBank:
    """The question bank this app loaded at start-up."""
    return current_app.extensions["vaalikone.bank"]


def init_db(app: Flask) -> None:
    """Bring the schema up to date and load the reference data and question bank into it."""
    with opened(app.config["DATABASE"]) as db:
        apply_migrations(db)
        places.sync(db, app.extensions["vaalikone.bank"])


def init_app(app: Flask) -> None:
    """Load the question bank (a broken file stops start-up), migrate, and register teardown."""
    app.extensions["vaalikone.bank"] = load_bank(Path(app.config["QUESTIONS_DIR"]))
    app.teardown_appcontext(close_db)
    init_db(app)
