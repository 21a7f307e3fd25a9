"""The e-mails Vaalikone sends, written into the outbox (vaalikone.domain.outbox) in their reader's language.

- An invitation: a single-use link to set a password, for a candidate (in their language, fi or sv) or an
  organisation user.
- A reminder, N days before an election's answer deadline (the election's `reminder_days`), to each
  candidate who still has unanswered statements. Only the latest due day of the schedule is sent, so a
  late first run does not send a week's reminders at once. A candidate without a password gets a fresh
  invitation link in it instead of the log-in link (a new link ends the older one, and an invitation
  still unsent is dropped: its link would no longer work, and the reminder carries one that does).
- A confirmation after a candidate's first save, queued in the save's own transaction.

Links are absolute: `base_url` is the address voters and candidates use (setting BASE_URL). The paths
below are the auth blueprint's routes (tests check they agree).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlite_utils
from babel.dates import format_datetime

from vaalikone.db import writing
from vaalikone.domain import outbox
from vaalikone.domain.accounts import (
    add_organisation_user,
    create_invitation,
    live_invitation,
    now,
)
from vaalikone.i18n import gettext as _
from vaalikone.i18n import language

INVITATION_PATH = "/kutsu/"
LOGIN_PATH = "/kirjaudu"
HELSINKI = ZoneInfo("Europe/Helsinki")
CANDIDATE_LANGUAGES = ("fi", "sv")
# Candidates queued per write transaction (see queue_candidate_invitations).
BATCH = 500


class MailError(ValueError):
    """A mail request that cannot be carried out; the message says why, for people."""


def candidate_language(languages: str | None) -> str:
    """The language a candidate is written to: the first of fi/sv in their languages, else Finnish."""
    try:
        listed = json.loads(languages or "[]")
    except ValueError:
        listed = []
    return next((lang for lang in listed if lang in CANDIDATE_LANGUAGES), "fi")


def message_domain(base_url: str) -> str:
    """The right-hand side of our Message-IDs: the service's own host name."""
    return urlsplit(base_url).hostname or "vaalikone.invalid"


def _deadline(election: dict[str, Any], lang: str) -> str:
    if not election.get("answer_deadline"):
        return "–"
    moment = datetime.fromisoformat(election["answer_deadline"])
    return format_datetime(moment, "short", tzinfo=HELSINKI, locale=lang)


def _person(candidate: dict[str, Any]) -> str:
    return f"{candidate['first_name']} {candidate['last_name']}"


def _name(row: dict[str, Any], lang: str) -> str:
    return row.get(f"name_{lang}") or row["name_fi"]


def _candidate_invitation(
    candidate: dict[str, Any], election: dict[str, Any], link: str, days: int, lang: str
) -> tuple[str, str]:
    with language(lang):
        subject = _("Kutsu vastaamaan vaalikoneeseen: %(election)s", election=_name(election, lang))
        body = _(
            "Hei %(name)s,\n\n"
            "sinut on kutsuttu vastaamaan Vaalikoneen väittämiin vaaleissa %(election)s. "
            "Aseta itsellesi salasana tästä linkistä:\n\n%(link)s\n\n"
            "Linkki toimii kerran ja vanhenee %(days)d päivän kuluttua. "
            "Vastausten määräaika on %(deadline)s (Suomen aikaa).\n\n"
            "Jos et odottanut tätä viestiä, voit jättää sen huomiotta.\n",
            name=_person(candidate),
            election=_name(election, lang),
            link=link,
            days=days,
            deadline=_deadline(election, lang),
        )
    return subject, body


def _organisation_invitation(
    organisation: dict[str, Any], link: str, days: int, lang: str
) -> tuple[str, str]:
    with language(lang):
        name = _name(organisation, lang)
        subject = _("Kutsu Vaalikoneen järjestökäyttäjäksi: %(organisation)s", organisation=name)
        body = _(
            "Hei,\n\n"
            "sinut on kutsuttu käyttämään Vaalikonetta järjestön %(organisation)s puolesta. "
            "Aseta itsellesi salasana tästä linkistä:\n\n%(link)s\n\n"
            "Linkki toimii kerran ja vanhenee %(days)d päivän kuluttua.\n",
            organisation=name,
            link=link,
            days=days,
        )
    return subject, body


def _invitation_link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + INVITATION_PATH + token


def render_invitation(
    db: sqlite_utils.Database,
    user: dict[str, Any],
    token: str,
    base_url: str,
    days: int,
    lang: str | None = None,
) -> tuple[str, str, str]:
    """(language, subject, body) of the invitation carrying `token` for a candidate or organisation user.

    A candidate is written to in their own language; an organisation user in `lang` (default Finnish).
    """
    link = _invitation_link(base_url, token)
    if user["role"] == "candidate":
        candidate = _row(db, "candidate", user["candidate_id"])
        election = _row(db, "election", candidate["election_id"])
        lang = candidate_language(candidate["languages"])
        return lang, *_candidate_invitation(candidate, election, link, days, lang)
    lang = lang if lang in ("fi", "sv", "en") else "fi"
    organisation = _row(db, "organisation", user["organisation_id"])
    return lang, *_organisation_invitation(organisation, link, days, lang)


def _queue(
    db: sqlite_utils.Database,
    kind: str,
    user: tuple[int, str],
    lang: str,
    texts: tuple[str, str],
    base_url: str,
    election_id: str | None,
    dedupe_key: str | None = None,
) -> int | None:
    """Queue (subject, body) for the user (id, address), in the caller's transaction."""
    return outbox.queue(
        db,
        kind=kind,
        recipient=user[1],
        language=lang,
        subject=texts[0],
        body=texts[1],
        domain=message_domain(base_url),
        election_id=election_id,
        user_id=user[0],
        dedupe_key=dedupe_key,
    )


def _row(db: sqlite_utils.Database, table: str, key: Any) -> dict[str, Any]:
    return next(db.query(f"SELECT * FROM {table} WHERE id = ?", [key]))


def _queue_invitation(
    db: sqlite_utils.Database,
    user: dict[str, Any],
    base_url: str,
    days: int,
    election_id: str | None,
    lang: str | None = None,
) -> int | None:
    """A new token for the user (ending older ones) and the message carrying it, in the caller's
    transaction."""
    token = create_invitation(db, user["id"], days)
    lang, subject, body = render_invitation(db, user, token, base_url, days, lang)
    return _queue(
        db, "invitation", (user["id"], user["email"]), lang, (subject, body), base_url, election_id
    )


def queue_candidate_invitations(
    db: sqlite_utils.Database, election_id: str, base_url: str, days: int, *, renew: bool = False
) -> dict[str, Any]:
    """Queue an invitation for every candidate of the election who has an address and no password.

    A candidate whose address came without an account gets one. Those whose invitation is still live
    (unused, unexpired) are left alone unless `renew`: running this again after a new e-mail list only
    reaches the new addresses. An address that already belongs to another account is reported, not used.
    Returns {"queued": n, "already": n, "taken": [addresses]}.
    """
    queued, already, taken = 0, 0, []
    if not db.execute("SELECT 1 FROM election WHERE id = ?", [election_id]).fetchone():
        raise MailError(_("Vaaleja ei löytynyt."))
    last = 0
    while True:
        # A batch per transaction: candidates saving meanwhile wait for the write lock a moment, never
        # for a whole national list. Each invitation commits with its message, so a run cut short is
        # simply run again (the invited are skipped).
        with writing(db):
            rows = list(
                db.query(
                    """SELECT c.id AS candidate_id, c.email AS candidate_email, u.id, u.email, u.role,
                           u.password_hash
                       FROM candidate c LEFT JOIN user u ON u.candidate_id = c.id
                       WHERE c.election_id = ? AND c.id > ? AND coalesce(u.email, c.email) IS NOT NULL
                           AND u.password_hash IS NULL AND NOT c.withdrawn
                       ORDER BY c.id LIMIT ?""",
                    [election_id, last, BATCH],
                )
            )
            if not rows:
                break
            last = rows[-1]["candidate_id"]
            for row in rows:
                if row["id"] is None:
                    email = row["candidate_email"].strip().lower()
                    if db.execute("SELECT 1 FROM user WHERE email = ?", [email]).fetchone():
                        taken.append(email)
                        continue
                    row["id"] = (
                        db["user"]
                        .insert(
                            {
                                "email": email,
                                "role": "candidate",
                                "candidate_id": row["candidate_id"],
                                "active": 1,
                                "created_at": now(),
                            }
                        )
                        .last_pk
                    )
                    row.update(email=email, role="candidate")
                elif not renew and _has_live_invitation(db, row["id"]):
                    already += 1
                    continue
                _queue_invitation(db, row, base_url, days, election_id)
                queued += 1
    return {"queued": queued, "already": already, "taken": taken}


def _has_live_invitation(db: sqlite_utils.Database, user_id: int) -> bool:
    return bool(
        db.execute(
            "SELECT 1 FROM invitation WHERE user_id = ? AND used_at IS NULL AND expires_at > ?",
            [user_id, now()],
        ).fetchone()
    )


def invite_organisation_user(
    db: sqlite_utils.Database,
    organisation_id: str,
    email: str,
    base_url: str,
    days: int,
    lang: str,
    *,
    name: str | None = None,
    based_on: str | None = None,
    counties: tuple[str, ...] = (),
) -> int:
    """Create the organisation if new and a user for it, and queue the user's invitation in `lang`,
    all in one transaction; returns the user's id."""
    with writing(db):
        user_id = add_organisation_user(
            db, organisation_id, email, name=name, based_on=based_on, counties=counties
        )
        _queue_invitation(db, _row(db, "user", user_id), base_url, days, None, lang)
    return user_id


def resend(db: sqlite_utils.Database, outbox_id: int, base_url: str, days: int) -> None:
    """Send a failed or uncertain message again, with the same Message-ID.

    An invitation whose link still works goes again as it was (the same link: it still works once). One
    whose token was cut out or has ended gets a new token first (which ends any older one).
    """
    with writing(db):
        row = outbox.get(db, outbox_id)
        if row is None or row["status"] not in ("failed", "uncertain"):
            raise MailError(_("Viestiä ei voi lähettää uudelleen: se ei ole epäonnistunut."))
        body = None
        if row["kind"] == "invitation" and row["user_id"] is not None:
            found = outbox.TOKEN_IN_LINK.search(row["body"])
            token = found.group(0).removeprefix(INVITATION_PATH) if found else ""
            if not token or token == "…" or live_invitation(db, token) is None:
                user = _row(db, "user", row["user_id"])
                token = create_invitation(db, user["id"], days)
                body = render_invitation(db, user, token, base_url, days, row["language"])[2]
        outbox.requeue(db, outbox_id, body)


def resend_failed(
    db: sqlite_utils.Database, election_id: str | None, base_url: str, days: int
) -> int:
    """Send every failed message of the election again; returns how many."""
    ids = [
        r[0]
        for r in db.execute(
            "SELECT id FROM outbox WHERE election_id IS ? AND status = 'failed'", [election_id]
        )
    ]
    for outbox_id in ids:
        resend(db, outbox_id, base_url, days)
    return len(ids)


def set_reminder_days(db: sqlite_utils.Database, election_id: str, text: str) -> list[int]:
    """Store the election's reminder schedule from text like "7, 1" (days before the deadline)."""
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    # isdigit() would take "²" too; only ASCII digits are a number of days.
    if not all(re.fullmatch(r"[0-9]{1,2}", p) and 1 <= int(p) <= 90 for p in parts):
        raise MailError(
            _("Anna muistutuspäivät kokonaislukuina 1–90 pilkulla erotettuina, esimerkiksi 7, 1.")
        )
    days = sorted({int(p) for p in parts}, reverse=True)
    with writing(db):
        found = db.execute(
            "UPDATE election SET reminder_days = ? WHERE id = ?", [json.dumps(days), election_id]
        ).rowcount
        if not found:
            raise MailError(_("Vaaleja ei löytynyt."))
    return days


def _due_day(election: dict[str, Any], at: datetime) -> int | None:
    """The smallest scheduled day whose moment has come, while the deadline has not passed."""
    if not election["answer_deadline"]:
        return None
    deadline = datetime.fromisoformat(election["answer_deadline"])
    if deadline <= at:
        return None
    due = [n for n in json.loads(election["reminder_days"]) if at >= deadline - timedelta(days=n)]
    return min(due) if due else None


def queue_reminders(
    db: sqlite_utils.Database, base_url: str, days: int, at: datetime | None = None
) -> int:
    """Queue the reminders that are due now; each (election, schedule day, candidate) goes only once.

    Returns how many were queued.
    """
    at = at or datetime.now(UTC)
    queued = 0
    for election in list(db.query("SELECT * FROM election WHERE reminder_days != '[]'")):
        day = _due_day(election, at)
        if day is None:
            continue
        while True:  # in batches, as invitations are: _unfinished skips those already reminded
            with writing(db):
                rows = list(_unfinished(db, election["id"], day))
                for row in rows:
                    queued += _queue_reminder(db, election, day, row, base_url, days)
            if len(rows) < BATCH:
                break
    return queued


def _unfinished(db: sqlite_utils.Database, election_id: str, day: int) -> Iterator[dict[str, Any]]:
    """Candidates with an account and unanswered statements, not yet reminded for this day (a candidate
    withdrawn from the official list gets no reminder)."""
    yield from db.query(
        """SELECT c.*, u.id AS user_id, u.email AS user_email, u.role, u.password_hash,
               (SELECT count(*) FROM answer a WHERE a.candidate_id = c.id AND a.value IS NOT NULL)
                   AS answered,
               (SELECT count(*) FROM election_question q WHERE q.election_id = c.election_id) AS total
           FROM candidate c JOIN user u ON u.candidate_id = c.id
           WHERE c.election_id = ? AND u.active = 1 AND NOT c.withdrawn
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = 'reminder:' || ? || ':' || c.id)
               AND (SELECT count(*) FROM answer a WHERE a.candidate_id = c.id AND a.value IS NOT NULL)
                   < (SELECT count(*) FROM election_question q WHERE q.election_id = c.election_id)
           ORDER BY c.id LIMIT ?""",
        [election_id, f"{election_id}:{day}", BATCH],
    )


def _queue_reminder(
    db: sqlite_utils.Database,
    election: dict[str, Any],
    day: int,
    candidate: dict[str, Any],
    base_url: str,
    days: int,
) -> int:
    lang = candidate_language(candidate["languages"])
    if candidate["password_hash"]:
        link = base_url.rstrip("/") + LOGIN_PATH
    else:
        link = _invitation_link(base_url, create_invitation(db, candidate["user_id"], days))
    with language(lang):
        values = {
            "name": _person(candidate),
            "election": _name(election, lang),
            "deadline": _deadline(election, lang),
            "answered": candidate["answered"],
            "total": candidate["total"],
            "link": link,
        }
        subject = _("Muistutus: vaalikoneen vastausaika päättyy %(deadline)s", **values)
        if candidate["password_hash"]:
            body = _(
                "Hei %(name)s,\n\n"
                "Vaalikoneen vastausaika vaaleissa %(election)s päättyy %(deadline)s (Suomen aikaa). "
                "Olet vastannut %(answered)d väittämään %(total)d:stä.\n\n"
                "Kirjaudu sisään ja jatka vastaamista:\n\n%(link)s\n",
                **values,
            )
        else:
            body = _(
                "Hei %(name)s,\n\n"
                "Vaalikoneen vastausaika vaaleissa %(election)s päättyy %(deadline)s (Suomen aikaa). "
                "Et ole vielä asettanut salasanaa. Aseta se tästä linkistä, joka toimii kerran:"
                "\n\n%(link)s\n",
                **values,
            )
    found = _queue(
        db,
        "reminder",
        (candidate["user_id"], candidate["user_email"]),
        lang,
        (subject, body),
        base_url,
        election["id"],
        f"reminder:{election['id']}:{day}:{candidate['id']}",
    )
    return 1 if found else 0


def queue_confirmation(db: sqlite_utils.Database, candidate_id: int, base_url: str) -> int | None:
    """After a candidate's first save: a short confirmation (once per candidate). Call inside the save's
    write transaction."""
    candidate = next(
        db.query(
            """SELECT c.*, u.id AS user_id, u.email AS user_email FROM candidate c
               JOIN user u ON u.candidate_id = c.id WHERE c.id = ?""",
            [candidate_id],
        ),
        None,
    )
    if candidate is None:
        return None
    election = _row(db, "election", candidate["election_id"])
    lang = candidate_language(candidate["languages"])
    with language(lang):
        subject = _("Vastauksesi on tallennettu: %(election)s", election=_name(election, lang))
        body = _(
            "Hei %(name)s,\n\n"
            "vastauksesi Vaalikoneeseen vaaleissa %(election)s on tallennettu. "
            "Voit täydentää ja muuttaa niitä %(deadline)s asti (Suomen aikaa):\n\n%(link)s\n",
            name=_person(candidate),
            election=_name(election, lang),
            deadline=_deadline(election, lang),
            link=base_url.rstrip("/") + LOGIN_PATH,
        )
    return _queue(
        db,
        "confirmation",
        (candidate["user_id"], candidate["user_email"]),
        lang,
        (subject, body),
        base_url,
        election["id"],
        f"confirmation:{candidate_id}",
    )
