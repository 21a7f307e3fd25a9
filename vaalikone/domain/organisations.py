"""Organisations: their goal profiles and the publication of their reports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from vaalikone.db import writing
from vaalikone.domain import elections
from vaalikone.i18n import gettext as _


class NotPublishable(LookupError):
    """The report's election does not exist or is not published: there is nothing to publish."""


def save_goals(
    db: sqlite_utils.Database, organisation_id: str, election_id: str, goals: list[dict[str, Any]]
) -> None:
    """Replace the organisation's goals for this election's statements with `goals`
    (dicts of question_id, position, weight)."""
    with writing(db):
        db.execute(
            "DELETE FROM organisation_goal WHERE organisation_id = ? AND question_id IN "
            "(SELECT question_id FROM election_question WHERE election_id = ?)",
            [organisation_id, election_id],
        )
        if goals:
            db["organisation_goal"].insert_all(
                [{"organisation_id": organisation_id, **goal} for goal in goals],
                pk=("organisation_id", "question_id"),
            )


def ensure_publishable(db: sqlite_utils.Database, election_id: str) -> None:
    """Raise NotPublishable unless the election exists and is published."""
    if elections.published(db, election_id) is None:
        raise NotPublishable(_("Vaaleja ei löytynyt tai niitä ei ole vielä julkaistu."))


def toggle_report_publication(
    db: sqlite_utils.Database, organisation_id: str, election_id: str
) -> bool:
    """Publish the organisation's report of the election at a stable URL, or withdraw it; returns
    whether it is now public. Only a published election's report can be published."""
    with writing(db):
        ensure_publishable(db, election_id)
        existing = db.execute(
            "SELECT 1 FROM report_publication WHERE organisation_id = ? AND election_id = ?",
            [organisation_id, election_id],
        ).fetchone()
        if existing:
            db.execute(
                "DELETE FROM report_publication WHERE organisation_id = ? AND election_id = ?",
                [organisation_id, election_id],
            )
            return False
        db["report_publication"].insert(
            {
                "organisation_id": organisation_id,
                "election_id": election_id,
                "slug": f"{organisation_id}-{election_id}",
                "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )
        return True
