"""Candidates' answers: every save of a candidate's form goes through here.

The deadline is checked inside the write transaction, so a save that waited for the write lock while the
deadline passed is refused, never committed late.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from vaalikone.db import writing
from vaalikone.domain.mail import queue_confirmation


class DeadlinePassed(Exception):
    """The election's answer deadline had passed when the save reached the database."""


def deadline_passed(election: dict[str, Any], at: datetime | None = None) -> bool:
    """Whether the election's answer deadline (an ISO instant with its offset) is before `at` (now)."""
    deadline = election.get("answer_deadline")
    return bool(deadline) and datetime.fromisoformat(deadline) < (at or datetime.now(UTC))


def save_answers(
    db: sqlite_utils.Database,
    candidate_id: int,
    answers: dict[str, dict[str, Any]],
    profile: dict[str, Any],
    *,
    base_url: str | None = None,
) -> None:
    """Store the candidate's answers (statement id -> value and justifications) and profile fields.

    With `base_url`, the first save also queues a short confirmation e-mail, in the same transaction:
    the message exists exactly when the save does.
    """
    with writing(db):
        election = next(
            db.query(
                """SELECT e.answer_deadline, c.languages FROM election e
                   JOIN candidate c ON c.election_id = e.id WHERE c.id = ?""",
                [candidate_id],
            )
        )
        stamp = datetime.now(UTC)
        if deadline_passed(election, stamp):
            raise DeadlinePassed(candidate_id)
        db["answer"].upsert_all(
            [
                {
                    "candidate_id": candidate_id,
                    "question_id": qid,
                    **values,
                    "updated_at": stamp.isoformat(timespec="seconds"),
                }
                for qid, values in answers.items()
            ],
            pk=("candidate_id", "question_id"),
        )
        if "languages" in profile:
            profile = {
                **profile,
                "languages": keep_order(election["languages"], profile["languages"]),
            }
        db["candidate"].update(candidate_id, profile)
        if base_url:
            queue_confirmation(db, candidate_id, base_url)


def keep_order(stored: str, posted: str) -> str:
    """The posted languages (JSON) in the stored order, new ones last.

    The order is the candidate's preference (the official list's language first: e-mail goes in the first
    of fi/sv); the form's checkboxes carry no order, so a save must not reorder them.
    """
    old, new = json.loads(stored or "[]"), json.loads(posted)
    return json.dumps([x for x in old if x in new] + [x for x in new if x not in old])
