"""Candidates' answers: every save of a candidate's form goes through here.

Saves merge per statement (`save_answers`): a candidate with the form open in two tabs never loses what
either tab saved.

The deadline is checked inside the write transaction, so a save that waited for the write lock while the
deadline passed is refused, never committed late.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from vaalikone.db import writing
from vaalikone.domain.elections import HELSINKI
from vaalikone.domain.mail import queue_confirmation


class DeadlinePassed(Exception):
    """The election's answer deadline had passed when the save reached the database."""


def deadline_passed(election: dict[str, Any], at: datetime | None = None) -> bool:
    """Whether the election's answer deadline (an ISO instant with its offset) is before `at` (now)."""
    deadline = election.get("answer_deadline")
    if not deadline:
        return False
    instant = datetime.fromisoformat(deadline)
    if instant.tzinfo is None:  # a deadline written without an offset meant Finnish time
        instant = instant.replace(tzinfo=HELSINKI)
    return instant < (at or datetime.now(UTC))


ANSWER_FIELDS = ("value", "justification_fi", "justification_sv")
PROFILE_FIELDS = ("languages", "intro_fi", "intro_sv", "web_url")
PROFILE = "profile"  # the key of the profile's fields among the versions a form was opened with


def version(values: dict[str, Any], fields: tuple[str, ...] = ANSWER_FIELDS) -> str:
    """A short digest of one statement's answer (or the profile) as a form showed it: the form sends it
    back, so a save can tell what this tab changed from what another tab saved meanwhile."""
    text = json.dumps([values.get(f) or None for f in fields], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def save_answers(
    db: sqlite_utils.Database,
    candidate_id: int,
    answers: dict[str, dict[str, Any]],
    profile: dict[str, Any],
    opened: dict[str, str] | None = None,
    *,
    base_url: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Store the candidate's answers (statement id -> value and justifications) and profile fields.

    `opened` holds the versions the form showed (statement id or PROFILE -> `version`). Merged per
    statement, so two tabs never overwrite each other: what this tab left as it was is not written; what it
    changed is written unless another save changed the same statement since (then it is not written, and
    the other save's values are returned under its id, so the candidate can choose). Without a version for
    a statement, it is written as posted. Returns those conflicts (empty: everything was saved).

    With `base_url`, the first save also queues a short confirmation e-mail, in the same transaction:
    the message exists exactly when the save does.
    """
    opened = opened or {}
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
        saved = {
            row["question_id"]: row
            for row in db.query("SELECT * FROM answer WHERE candidate_id = ?", [candidate_id])
        }
        conflicts: dict[str, dict[str, Any]] = {}
        changed = {}
        for qid, values in answers.items():
            current = saved.get(qid, {})
            outcome = _merge(values, current, opened.get(qid), ANSWER_FIELDS)
            if outcome == "write":
                changed[qid] = values
            elif outcome == "conflict":
                conflicts[qid] = {f: current.get(f) for f in ANSWER_FIELDS}
        db["answer"].upsert_all(
            [
                {
                    "candidate_id": candidate_id,
                    "question_id": qid,
                    **values,
                    "updated_at": stamp.isoformat(timespec="seconds"),
                }
                for qid, values in changed.items()
            ],
            pk=("candidate_id", "question_id"),
        )
        if "languages" in profile:
            # The form's checkboxes carry no order; the stored order is the candidate's preference.
            profile = {
                **profile,
                "languages": keep_order(election["languages"], profile["languages"]),
            }
        current_profile = next(
            db.query(
                f"SELECT {', '.join(PROFILE_FIELDS)} FROM candidate WHERE id = ?", [candidate_id]
            )
        )
        outcome = _merge(profile, current_profile, opened.get(PROFILE), PROFILE_FIELDS)
        if outcome == "write":
            db["candidate"].update(candidate_id, profile)
        elif outcome == "conflict":
            conflicts[PROFILE] = current_profile
        if base_url:
            queue_confirmation(db, candidate_id, base_url)
    return conflicts


def _merge(
    posted: dict[str, Any], current: dict[str, Any], opened: str | None, fields: tuple[str, ...]
) -> str:
    """'write', 'keep' (nothing to write) or 'conflict' for one statement (or the profile)."""
    if opened is None:
        return "write"
    mine, theirs = version(posted, fields), version(current, fields)
    if mine == opened or mine == theirs:
        return "keep"  # unchanged in this tab, or already saved exactly so
    return "write" if theirs == opened else "conflict"


def keep_order(stored: str, posted: str) -> str:
    """The posted languages (JSON) in the stored order, new ones last.

    The order is the candidate's preference (the official list's language first: e-mail goes in the first
    of fi/sv); the form's checkboxes carry no order, so a save must not reorder them.
    """
    old, new = json.loads(stored or "[]"), json.loads(posted)
    return json.dumps([x for x in old if x in new] + [x for x in new if x not in old])
