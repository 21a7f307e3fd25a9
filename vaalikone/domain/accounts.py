"""Accounts and invitations: administrators, organisation users and candidates (voters never have one).

An invitation is a single-use, expiring link that lets its holder set a password. Only a SHA-256 of each
token is stored. A user has at most one live invitation: making a new one revokes the older ones, and
accepting one ends them all, so a leftover link can never reset the password of an account in use.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils
from werkzeug.security import generate_password_hash

from vaalikone.db import writing
from vaalikone.i18n import gettext as _

MIN_PASSWORD = 10
MAX_EMAIL = 254
NOT_IN_ADDRESS = frozenset(" \t\r\n,;")


def is_email(text: str) -> bool:
    """name@domain.tld, without white space, commas or semicolons; linear in the text's length (a regular
    expression with nested repetition took 1.35 s on a 16,000-character cell). The SMTP server has the
    last word on whether the address exists."""
    local, at, domain = text.partition("@")
    return (
        bool(at)
        and 0 < len(text) <= MAX_EMAIL
        and bool(local)
        and "@" not in domain
        and "." in domain.strip(".")
        and not domain.startswith(".")
        and not domain.endswith(".")
        and not NOT_IN_ADDRESS.intersection(text)
    )


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why, for people."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(db: sqlite_utils.Database, user_id: int, days: int) -> str:
    """A new single-use token for the user, valid `days`; earlier unused ones stop working, and unsent
    invitation e-mails carrying them are dropped from the outbox.

    Call inside the caller's write transaction (it writes two statements that belong together).
    """
    token = secrets.token_urlsafe(32)
    created = datetime.now(UTC)
    stamp = created.isoformat(timespec="seconds")
    db.execute(
        "UPDATE invitation SET used_at = ? WHERE user_id = ? AND used_at IS NULL", [stamp, user_id]
    )
    # An unsent invitation e-mail carries a token that just ended: it would only deliver a dead link.
    db.execute(
        "DELETE FROM outbox WHERE user_id = ? AND kind = 'invitation' AND status = 'pending'",
        [user_id],
    )
    db["invitation"].insert(
        {
            "token_hash": token_digest(token),
            "user_id": user_id,
            "created_at": stamp,
            "expires_at": (created + timedelta(days=days)).isoformat(timespec="seconds"),
        }
    )
    return token


def live_invitation(db: sqlite_utils.Database, token: str) -> dict[str, Any] | None:
    """The invitation this token opens, if it is unused and unexpired."""
    digest = token_digest(token)
    rows = list(db.query("SELECT * FROM invitation WHERE token_hash = ?", [digest]))
    found = rows[0] if rows and hmac.compare_digest(rows[0]["token_hash"], digest) else None
    if found is None or found["used_at"] or found["expires_at"] < now():
        return None
    return found


def accept_invitation(db: sqlite_utils.Database, token: str, password: str) -> int | None:
    """Set the password through the invitation and end every invitation of that user.

    Checked and used in one write transaction: of two requests racing with the same token, one wins and
    the other gets None. Returns the user's id, or None when the token is not (or no longer) valid.
    """
    password_hash = generate_password_hash(password)
    with writing(db):
        invitation = live_invitation(db, token)
        if invitation is None:
            return None
        stamp = now()
        db.execute(
            "UPDATE user SET password_hash = ?, session_version = session_version + 1 WHERE id = ?",
            [password_hash, invitation["user_id"]],
        )
        db.execute(
            "UPDATE invitation SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
            [stamp, invitation["user_id"]],
        )
    return int(invitation["user_id"])


# Log-in attempts an account may get per minute, counted in the database (all workers and nodes share it).
LOGIN_ATTEMPTS_PER_MINUTE = 5


def login_attempt_allowed(
    db: sqlite_utils.Database, email: str, per_minute: int = LOGIN_ATTEMPTS_PER_MINUTE
) -> bool:
    """Count a log-in attempt for this e-mail; False when it already had `per_minute` in the last minute."""
    account = token_digest(email.strip().lower())
    moment = time.time()
    with writing(db):
        db.execute("DELETE FROM login_attempt WHERE at < ?", [moment - 60])
        (recent,) = db.execute(
            "SELECT count(*) FROM login_attempt WHERE account = ?", [account]
        ).fetchone()
        if recent >= per_minute:
            return False
        db.execute("INSERT INTO login_attempt (account, at) VALUES (?, ?)", [account, moment])
    return True


def end_sessions(db: sqlite_utils.Database, user_id: int) -> None:
    """Every session the user has open (a copied cookie too) stops working: at log-out."""
    with writing(db):
        db.execute("UPDATE user SET session_version = session_version + 1 WHERE id = ?", [user_id])


def set_active(db: sqlite_utils.Database, email: str, active: bool) -> None:
    """Deactivate an account (ending its sessions) or activate it again."""
    with writing(db):
        changed = db.execute(
            "UPDATE user SET active = ?, session_version = session_version + 1 WHERE email = ?",
            [int(active), email.strip().lower()],
        ).rowcount
    if not changed:
        raise AccountError(_("Käyttäjää %(email)s ei ole.", email=email))


def create_admin(db: sqlite_utils.Database, email: str, password: str) -> None:
    """An administrator account, or a new password for an existing one."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("Salasanassa on oltava vähintään %(n)d merkkiä.", n=MIN_PASSWORD))
    with writing(db):
        db.execute(
            """INSERT INTO user (email, password_hash, role, active, created_at) VALUES (?, ?, 'admin', 1, ?)
               ON CONFLICT(email) DO UPDATE SET password_hash = excluded.password_hash, role = 'admin',
               session_version = session_version + 1""",
            [email.strip().lower(), generate_password_hash(password), now()],
        )


def create_organisation_user(
    db: sqlite_utils.Database,
    organisation_id: str,
    email: str,
    *,
    days: int,
    name: str | None = None,
    based_on: str | None = None,
    counties: tuple[str, ...] = (),
) -> str:
    """Create the organisation if it is new, and a user for it; returns the user's invitation token."""
    with writing(db):
        user_id = add_organisation_user(
            db, organisation_id, email, name=name, based_on=based_on, counties=counties
        )
        return create_invitation(db, user_id, days)


def add_organisation_user(
    db: sqlite_utils.Database,
    organisation_id: str,
    email: str,
    *,
    name: str | None = None,
    based_on: str | None = None,
    counties: tuple[str, ...] = (),
) -> int:
    """Create the organisation if it is new, and a user for it (no password yet); returns the user's id.

    Call inside the caller's write transaction; the caller gives the user an invitation.
    """
    if not re.fullmatch(r"[a-z0-9-]+", organisation_id):
        raise AccountError(
            _("Järjestön tunnus saa sisältää vain pieniä kirjaimia, numeroita ja väliviivoja.")
        )
    email = email.strip().lower()
    if not is_email(email):
        raise AccountError(_("Anna toimiva sähköpostiosoite."))
    if db.execute("SELECT 1 FROM user WHERE email = ?", [email]).fetchone():
        raise AccountError(_("Tällä sähköpostiosoitteella on jo käyttäjätunnus."))
    if not db.execute("SELECT 1 FROM organisation WHERE id = ?", [organisation_id]).fetchone():
        if not name:
            raise AccountError(_("Uusi järjestö tarvitsee nimen."))
        if (
            based_on
            and not db.execute("SELECT 1 FROM organisation WHERE id = ?", [based_on]).fetchone()
        ):
            raise AccountError(_("Pohjaksi valittua järjestöä ei löytynyt."))
        db["organisation"].insert(
            {
                "id": organisation_id,
                "name_fi": name,
                "name_sv": name,
                "name_en": name,
                "scope": "regional" if counties else "national",
                "counties": json.dumps(list(counties)),
                "municipalities": "[]",
                "based_on": based_on,
            }
        )
        if based_on:
            db.execute(
                "INSERT INTO organisation_goal (organisation_id, question_id, position, weight) "
                "SELECT ?, question_id, position, weight FROM organisation_goal WHERE organisation_id = ?",
                [organisation_id, based_on],
            )
    return int(
        db["user"]
        .insert(
            {
                "email": email,
                "role": "organisation",
                "organisation_id": organisation_id,
                "active": 1,
                "created_at": now(),
            }
        )
        .last_pk
    )


def invite_candidates(
    db: sqlite_utils.Database, election_id: str, days: int
) -> list[tuple[dict[str, Any], str]]:
    """A new invitation for every candidate of the election who has not set a password yet."""
    users = list(
        db.query(
            """SELECT u.id, u.email, c.first_name, c.last_name FROM user u JOIN candidate c ON c.id = u.candidate_id
               WHERE c.election_id = ? AND u.password_hash IS NULL ORDER BY c.last_name""",
            [election_id],
        )
    )
    with writing(db):
        return [(user, create_invitation(db, user["id"], days)) for user in users]
