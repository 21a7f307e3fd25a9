"""Feedback on accessibility (law 306/2019): stored for the administrator, deleted after a retention period.

A message holds only what its sender typed; nothing of a voter's answers ever reaches this table.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from vaalikone.db import writing
from vaalikone.i18n import gettext as _

MAX_MESSAGE = 4000
MAX_CONTACT = 200


class FeedbackError(ValueError):
    """A message that cannot be stored; the text says why, in the reader's language."""


def _now() -> datetime:
    return datetime.now(UTC)


def submit(
    db: sqlite_utils.Database,
    message: str,
    contact: str | None,
    lang: str,
    retention_days: int,
    now: datetime | None = None,
) -> int:
    """Store one message (and purge expired ones in the same transaction); returns its id."""
    message = (message or "").strip()
    contact = (contact or "").strip() or None
    if not message:
        raise FeedbackError(_("Kirjoita palautteesi."))
    if len(message) > MAX_MESSAGE:
        raise FeedbackError(_("Palaute on liian pitkä: enintään %(max)d merkkiä.", max=MAX_MESSAGE))
    if contact and len(contact) > MAX_CONTACT:
        raise FeedbackError(
            _("Yhteystieto on liian pitkä: enintään %(max)d merkkiä.", max=MAX_CONTACT)
        )
    now = now or _now()
    with writing(db):
        purge(db, retention_days, now, in_transaction=True)
        cursor = db.execute(
            "INSERT INTO accessibility_feedback (received_at, message, contact, lang) "
            "VALUES (?, ?, ?, ?)",
            [now.isoformat(timespec="seconds"), message, contact, lang],
        )
        return int(cursor.lastrowid)


def purge(
    db: sqlite_utils.Database,
    retention_days: int,
    now: datetime | None = None,
    *,
    in_transaction: bool = False,
) -> int:
    """Delete messages older than the retention period; returns how many went."""
    cutoff = ((now or _now()) - timedelta(days=retention_days)).isoformat(timespec="seconds")

    def delete() -> int:
        return db.execute(
            "DELETE FROM accessibility_feedback WHERE received_at < ?", [cutoff]
        ).rowcount

    if in_transaction:
        return delete()
    with writing(db):
        return delete()


def messages(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every stored message, newest first."""
    return list(db.query("SELECT * FROM accessibility_feedback ORDER BY received_at DESC, id DESC"))
