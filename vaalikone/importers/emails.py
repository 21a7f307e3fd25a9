"""Candidates' e-mail addresses from the parties: a CSV with the columns municipality,number,email.

The official list has no addresses; each party sends its own. UTF-8 (with or without a byte order mark),
comma or semicolon. `municipality` is the municipality number; in a county election, any municipality of
the county names its constituency. Rows are checked against the imported candidates; all or nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import sqlite_utils

from vaalikone.i18n import gettext as _
from vaalikone.importers import decode_utf8, problem
from vaalikone.importers.candidates import is_email

COLUMNS = ("municipality", "number", "email")
MAX_ROWS = 100_000


@dataclass
class EmailList:
    election_id: str
    party_id: str | None
    rows: list[tuple[int, str]] = field(default_factory=list)  # (candidate id, address)
    problems: list[str] = field(default_factory=list)


def _problem(row: int, column: str, message: str, **values: object) -> str:
    return problem(row, column, message % values if values else message)


def parse(
    db: sqlite_utils.Database, raw: bytes, election_id: str, party_id: str | None = None
) -> EmailList:
    """Check the whole file against the election's candidates (and, for a party's list, its party)."""
    parsed = EmailList(election_id, party_id)
    problems = parsed.problems
    text = decode_utf8(raw, problems, hint=_("tallenna se muodossa CSV UTF-8"))
    if text is None:
        return parsed
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if ";" in first else ",")
    header = [h.strip().lower() for h in next(reader, [])]
    if header[: len(COLUMNS)] != list(COLUMNS):
        problems.append(
            _problem(
                1, "-", _("ensimmäisen rivin pitää olla %(header)s."), header=",".join(COLUMNS)
            )
        )
        return parsed
    election = next(db.query("SELECT kind FROM election WHERE id = ?", [election_id]))
    counties = dict(db.execute("SELECT code, county_id FROM municipality").fetchall())
    candidates = {
        (r["constituency_id"], r["number"]): r
        for r in db.query(
            """SELECT c.id, c.constituency_id, c.number, c.party_id, u.id AS user_id, u.email AS login,
                      u.password_hash IS NOT NULL AS active
               FROM candidate c LEFT JOIN user u ON u.candidate_id = c.id
               WHERE c.election_id = ? AND c.number IS NOT NULL""",
            [election_id],
        )
    }
    owners = {
        email.lower(): candidate_id
        for email, candidate_id in db.execute("SELECT email, candidate_id FROM user")
    }
    seen: dict[str, int] = {}
    listed: dict[int, int] = {}  # candidate id -> row
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if n > MAX_ROWS:
            problems.append(_problem(n, "-", _("enintään %(n)d riviä tiedostossa."), n=MAX_ROWS))
            break
        if len(cells) < len(COLUMNS):
            problems.append(_problem(n, "-", _("rivillä pitää olla kolme saraketta.")))
            continue
        municipality, number, email = (c.strip() for c in cells[:3])
        email = email.lower()
        code = municipality.zfill(3) if municipality.isdigit() else None
        if code not in counties:
            problems.append(
                _problem(
                    n, "municipality", _("tuntematon kunta %(value)s."), value=repr(municipality)
                )
            )
            continue
        place = code if election["kind"] == "kunta" else counties[code]
        if not number.isdigit():
            problems.append(
                _problem(n, "number", _("%(value)s ei ole ehdokasnumero."), value=repr(number))
            )
            continue
        candidate = candidates.get((f"{election_id}:{place}", int(number)))
        if candidate is None:
            problems.append(
                _problem(
                    n,
                    "number",
                    _("kunnassa %(municipality)s ei ole ehdokasta numero %(number)d."),
                    municipality=code,
                    number=int(number),
                )
            )
            continue
        if party_id and candidate["party_id"] != party_id:
            problems.append(
                _problem(
                    n,
                    "number",
                    _("ehdokas numero %(number)d ei ole puolueen %(party)s ehdokas."),
                    number=int(number),
                    party=party_id,
                )
            )
            continue
        if candidate["id"] in listed:
            problems.append(
                _problem(
                    n,
                    "number",
                    _("sama ehdokas on myös rivillä %(other)d."),
                    other=listed[candidate["id"]],
                )
            )
        elif not is_email(email):
            problems.append(
                _problem(n, "email", _("%(value)s ei ole sähköpostiosoite."), value=repr(email))
            )
        elif email in seen:
            problems.append(
                _problem(
                    n,
                    "email",
                    _("%(email)s on myös rivillä %(other)d."),
                    email=email,
                    other=seen[email],
                )
            )
        elif owners.get(email, candidate["id"]) != candidate["id"]:
            problems.append(
                _problem(n, "email", _("osoitteella %(email)s on jo toinen tunnus."), email=email)
            )
        elif candidate["active"] and candidate["login"].lower() != email:
            # The candidate signs in with the address they have: only they may change it.
            problems.append(
                _problem(
                    n,
                    "email",
                    _("ehdokas on jo ottanut käyttöön tunnuksen osoitteella %(email)s."),
                    email=candidate["login"],
                )
            )
        else:
            seen[email] = listed[candidate["id"]] = n
            parsed.rows.append((candidate["id"], email))
    if not parsed.rows and not problems:
        problems.append(_problem(2, "-", _("tiedostossa ei ole yhtään osoitetta.")))
    return parsed
