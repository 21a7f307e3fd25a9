"""The outbox: every e-mail is first a row here, then a delivery by `send-mail` (vaalikone.mailer).

A message is queued in the same write transaction as the change it reports (an invitation, a first save),
so a committed change always has its message and a rolled-back one never does. A row moves
pending -> sending -> sent, or -> failed (the server refused the address, or transient errors ran out
of attempts); a transient error puts it back to pending with a later `due_at`.

The guarantee, exactly: a row is claimed (pending -> sending) in its own write transaction before it is
handed to SMTP, and marked sent in another as soon as the server accepts it. A sender that dies in
between leaves the row 'sending'; after the lease (longer than an SMTP conversation may take) the next
run marks it 'uncertain' and does NOT send it again on its own, because the server may already have
taken it. The machinery sends a message again only when the server did not accept it: it answered 4xx,
or the connection broke before its reply (see vaalikone/mailer.py for that one narrow case). So a crash
never makes a duplicate and never loses a message: an uncertain one is counted and listed for the
administrator, who can send it again with the same Message-ID (so the copy can be recognised). A sender
holds one message in flight, so a crash leaves at most one uncertain message per sender.

Tokens: only a SHA-256 of an invitation token is stored in `invitation`. The link itself exists only in
the body of an unsent outbox row (pending, sending or uncertain); the moment the row is sent or fails,
its body keeps the text but the token is cut out of it. Sending a failed invitation again makes a new
token (which ends the old one) rather than reviving a stored one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid
from typing import Any

import sqlite_utils

from vaalikone.db import writing

STATUSES = ("pending", "sending", "sent", "failed", "uncertain")
# What the link of an invitation looks like in a body; cut out once the row is no longer unsent.
TOKEN_IN_LINK = re.compile(r"(/kutsu/)[A-Za-z0-9_-]+")
WINDOW = timedelta(minutes=1)


def stamp(at: datetime | None = None) -> str:
    """A UTC instant to the microsecond: the rate limit compares these as strings."""
    return (at or datetime.now(UTC)).isoformat(timespec="microseconds")


def without_token(body: str) -> str:
    """The body with any invitation token replaced by an ellipsis."""
    return TOKEN_IN_LINK.sub(r"\1…", body)


def queue(
    db: sqlite_utils.Database,
    *,
    kind: str,
    recipient: str,
    language: str,
    subject: str,
    body: str,
    domain: str,
    election_id: str | None = None,
    user_id: int | None = None,
    dedupe_key: str | None = None,
) -> int | None:
    """Add a message; returns its id, or None when one with the same `dedupe_key` was queued before.

    Call inside the caller's write transaction, so the message commits or rolls back with its cause.
    """
    cursor = db.execute(
        """INSERT INTO outbox (election_id, user_id, kind, dedupe_key, recipient, language, subject,
               body, message_id, created_at, due_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dedupe_key) DO NOTHING""",
        [
            election_id,
            user_id,
            kind,
            dedupe_key,
            recipient,
            language,
            subject,
            body,
            make_msgid(domain=domain),
            now := stamp(),
            now,
        ],
    )
    return cursor.lastrowid if cursor.rowcount else None


def recover(db: sqlite_utils.Database, lease: timedelta) -> int:
    """Rows left 'sending' longer than `lease` (their sender died) become 'uncertain'; returns how many."""
    with writing(db):
        return db.execute(
            "UPDATE outbox SET status = 'uncertain' WHERE status = 'sending' AND claimed_at < ?",
            [stamp(datetime.now(UTC) - lease)],
        ).rowcount


def claim(db: sqlite_utils.Database, per_minute: int) -> tuple[dict[str, Any] | None, float]:
    """The next due message, now marked 'sending'; or (None, seconds to wait for the rate limit).

    (None, 0) means nothing is due. Hand-overs are paced evenly, one every 60/`per_minute` seconds,
    counted over every sender sharing the database: two `send-mail` runs together still keep the limit,
    and the SMTP server never sees a burst.
    """
    with writing(db):
        moment = datetime.now(UTC)
        row = next(
            db.query(
                """SELECT * FROM outbox WHERE status = 'pending' AND due_at <= ?
                   ORDER BY due_at, id LIMIT 1""",
                [stamp(moment)],
            ),
            None,
        )
        if row is None:
            return None, 0.0
        last = db.execute("SELECT max(claimed_at) FROM outbox").fetchone()[0]
        if last:
            gap = WINDOW / per_minute - (moment - datetime.fromisoformat(last))
            if gap > timedelta(0):
                return None, gap.total_seconds()
        db.execute(
            """UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1
               WHERE id = ?""",
            [stamp(moment), row["id"]],
        )
    row["attempts"] += 1
    return row, 0.0


def mark_sent(db: sqlite_utils.Database, outbox_id: int) -> None:
    """The SMTP server accepted the message."""
    with writing(db):
        _finish(db, outbox_id, "sent", None)


def mark_failed(db: sqlite_utils.Database, outbox_id: int, reason: str) -> None:
    """The server refused the message for good; `reason` is its reply, shown to the administrator."""
    with writing(db):
        _finish(db, outbox_id, "failed", reason)


def retry_later(
    db: sqlite_utils.Database, outbox_id: int, reason: str, delay: timedelta, max_attempts: int
) -> bool:
    """A transient failure: back to pending after `delay`, or failed once attempts run out.

    Returns whether the message will be tried again.
    """
    with writing(db):
        attempts = db.execute("SELECT attempts FROM outbox WHERE id = ?", [outbox_id]).fetchone()[0]
        if attempts >= max_attempts:
            _finish(db, outbox_id, "failed", reason)
            return False
        db.execute(
            "UPDATE outbox SET status = 'pending', due_at = ?, error = ? WHERE id = ?",
            [stamp(datetime.now(UTC) + delay), reason, outbox_id],
        )
    return True


def _finish(db: sqlite_utils.Database, outbox_id: int, status: str, reason: str | None) -> None:
    """Sent or failed for good: the row's token is cut out of its body. Inside a write transaction."""
    body = db.execute("SELECT body FROM outbox WHERE id = ?", [outbox_id]).fetchone()[0]
    db.execute(
        "UPDATE outbox SET status = ?, sent_at = ?, error = ?, body = ? WHERE id = ?",
        [status, stamp() if status == "sent" else None, reason, without_token(body), outbox_id],
    )


def release(db: sqlite_utils.Database, outbox_id: int, reason: str) -> None:
    """Give a claimed message back untried (the SMTP server could not be reached): the attempt does not
    count, so a long outage never uses up a message's attempts."""
    with writing(db):
        db.execute(
            """UPDATE outbox SET status = 'pending', attempts = attempts - 1, error = ?
               WHERE id = ? AND status = 'sending'""",
            [reason, outbox_id],
        )


def requeue(db: sqlite_utils.Database, outbox_id: int, body: str | None = None) -> None:
    """Send a failed or uncertain message again, with its Message-ID; `body` replaces a failed
    invitation's (whose token was cut out). Call inside the caller's write transaction."""
    db.execute(
        """UPDATE outbox SET status = 'pending', due_at = ?, attempts = 0, error = NULL,
               body = coalesce(?, body)
           WHERE id = ? AND status IN ('failed', 'uncertain')""",
        [stamp(), body, outbox_id],
    )


def counts(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Per election (None: messages about no election) the number of messages in each state."""
    columns = ", ".join(
        f"sum(CASE WHEN status = '{status}' THEN 1 ELSE 0 END) AS {status}" for status in STATUSES
    )
    return list(
        db.query(
            f"""SELECT o.election_id, e.name_fi, e.name_sv, e.name_en, {columns}
                FROM outbox o LEFT JOIN election e ON e.id = o.election_id
                GROUP BY o.election_id ORDER BY o.election_id IS NULL, e.date DESC, o.election_id"""
        )
    )


def election_counts(db: sqlite_utils.Database, election_id: str | None) -> dict[str, int]:
    """The number of messages in each state for one election (None: about no election)."""
    found = dict.fromkeys(STATUSES, 0)
    for status, n in db.execute(
        "SELECT status, count(*) FROM outbox WHERE election_id IS ? GROUP BY status", [election_id]
    ):
        found[status] = n
    return found


def problems(
    db: sqlite_utils.Database, election_id: str | None, limit: int = 500
) -> list[dict[str, Any]]:
    """Failed and uncertain messages of an election, with the server's reason, newest first."""
    return list(
        db.query(
            """SELECT id, kind, recipient, language, subject, status, error, attempts, claimed_at
               FROM outbox WHERE election_id IS ? AND status IN ('failed', 'uncertain')
               ORDER BY claimed_at DESC, id DESC LIMIT ?""",
            [election_id, limit],
        )
    )


def get(db: sqlite_utils.Database, outbox_id: int) -> dict[str, Any] | None:
    """The message, or None; an id beyond SQLite's integers (2**63 - 1) is no message, not an overflow."""
    if not 0 < outbox_id < 2**63:
        return None
    return next(db.query("SELECT * FROM outbox WHERE id = ?", [outbox_id]), None)
