"""Candidate lists from CSV: all or nothing, every problem named by row and column.

Columns: election, municipality, party, number, first_name, last_name, email, languages. UTF-8 with or
without BOM; comma or semicolon (Excel in Finland writes semicolons). `party` is a party id, abbreviation or
Finnish name; empty for an independent. `languages` lists fi/sv/en separated by spaces, commas or '|'.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from vaalikone.db import writing
from vaalikone.i18n import gettext as _
from vaalikone.importers import decode_utf8, problem

COLUMNS = (
    "election",
    "municipality",
    "party",
    "number",
    "first_name",
    "last_name",
    "email",
    "languages",
)
MAX_ROWS = 50_000
MAX_EMAIL = 254
NOT_IN_ADDRESS = frozenset(" \t\r\n,;")


def is_email(text: str) -> bool:
    """name@domain.tld, without white space, commas or semicolons; linear in the text's length (a regular
    expression with nested repetition took 1.35 s on a 16,000-character cell)."""
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


@dataclass
class CandidateImport:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Known:
    """What the file is checked against: the database as it is, and what earlier rows claimed."""

    elections: dict[str, dict[str, Any]]
    municipalities: dict[str, dict[str, Any]]
    counties: dict[str, dict[str, Any]]
    parties: dict[str, str]
    taken_numbers: set[tuple[str, int]]
    taken_emails: set[str]
    seen_numbers: dict[tuple[str, int], int] = field(default_factory=dict)
    seen_emails: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, db: sqlite_utils.Database) -> _Known:
        parties: dict[str, str] = {}
        for p in db.query("SELECT * FROM party"):
            for key in (p["id"], p["abbreviation"], p["name_fi"]):
                if key:
                    parties[key.strip().lower()] = p["id"]
        return cls(
            elections={e["id"]: e for e in db.query("SELECT * FROM election")},
            municipalities={m["code"]: m for m in db.query("SELECT * FROM municipality")},
            counties={c["id"]: c for c in db.query("SELECT * FROM county")},
            parties=parties,
            taken_numbers={
                (c["constituency_id"], c["number"])
                for c in db.query(
                    "SELECT constituency_id, number FROM candidate WHERE number IS NOT NULL"
                )
            },
            taken_emails={row[0].lower() for row in db.execute("SELECT email FROM user")},
        )


def parse(db: sqlite_utils.Database, raw: bytes, election_id: str | None = None) -> CandidateImport:
    """Validate the whole file; rows are ready to insert only if `problems` is empty.

    Problems read "row N, column X: ..." in the active language (the administrator's page, or the
    terminal's for the command line).
    """
    result = CandidateImport()
    text = decode_utf8(raw, result.problems, hint=_("tallenna se muodossa CSV UTF-8"))
    if text is None:
        return result
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not _header_ok(header, result.problems):
        return result
    reader.fieldnames = header
    known = _Known.read(db)
    for n, row in enumerate(reader, start=2):
        if n > MAX_ROWS:
            result.problems.append(
                problem(n, "-", _("tiedostossa voi olla enintään %(n)d ehdokasta", n=MAX_ROWS))
            )
            break
        if None in row:
            result.problems.append(problem(n, "-", _("rivillä on enemmän soluja kuin sarakkeita")))
            continue
        cell = {k: (v or "").strip() for k, v in row.items()}
        found: list[str] = []
        candidate = _candidate(n, cell, known, election_id, found)
        result.problems.extend(found)
        if not found and candidate is not None:
            result.rows.append(candidate)
    if not result.rows and not result.problems:
        result.problems.append(problem(2, "-", _("tiedostossa ei ole ehdokkaita")))
    return result


def _header_ok(header: list[str], problems: list[str]) -> bool:
    missing = [c for c in COLUMNS if c not in header]
    for column in missing:
        problems.append(
            problem(
                1, column, _("sarake puuttuu (sarakkeet: %(columns)s)", columns=", ".join(COLUMNS))
            )
        )
    if missing and len(header) == 1 and header[0].count(",") + header[0].count(";") == 0:
        problems.append(problem(1, "-", _("erota sarakkeet pilkulla tai puolipisteellä")))
    return not missing


def _candidate(
    n: int, cell: dict[str, str], known: _Known, election_id: str | None, problems: list[str]
) -> dict[str, Any] | None:
    """One row as a candidate to insert, or None; every problem of the row goes to `problems`."""
    election = known.elections.get(cell["election"])
    if election is None:
        problems.append(
            problem(
                n, "election", _("tuntemattomat vaalit %(value)s", value=repr(cell["election"]))
            )
        )
    elif election_id and election["id"] != election_id:
        problems.append(
            problem(n, "election", _("tämä tuonti koskee vaaleja %(id)s", id=election_id))
        )
    constituency = _constituency(n, cell["municipality"], election, known, problems)
    party = None
    if cell["party"]:
        party = known.parties.get(cell["party"].lower())
        if party is None:
            problems.append(
                problem(n, "party", _("tuntematon puolue %(value)s", value=repr(cell["party"])))
            )
    number = None
    if not cell["number"].isdigit() or int(cell["number"]) < 1:
        problems.append(
            problem(n, "number", _("%(value)s ei ole ehdokasnumero", value=repr(cell["number"])))
        )
    else:
        number = int(cell["number"])
    for column in ("first_name", "last_name"):
        if not cell[column]:
            problems.append(problem(n, column, _("puuttuu")))
        elif len(cell[column]) > 100:
            problems.append(problem(n, column, _("pidempi kuin 100 merkkiä")))
    email = _email(n, cell["email"], known, problems)
    languages = [x for x in re.split(r"[\s,|/]+", cell["languages"].lower()) if x]
    if not languages or any(x not in ("fi", "sv", "en") for x in languages):
        problems.append(
            problem(
                n,
                "languages",
                _("käytä kieliä fi, sv ja/tai en, ei %(value)s", value=repr(cell["languages"])),
            )
        )
    if election is None or constituency is None:
        return None
    cid = f"{election['id']}:{constituency[1]}"
    if number is not None:
        _claim_number(n, (cid, number), constituency[2], known, problems)
    return {
        "election_id": election["id"],
        "constituency": (cid, constituency),
        "party_id": party,
        "number": number,
        "first_name": cell["first_name"],
        "last_name": cell["last_name"],
        "email": email,
        "languages": json.dumps(languages),
    }


def _constituency(
    n: int,
    code: str,
    election: dict[str, Any] | None,
    known: _Known,
    problems: list[str],
) -> tuple[str, str, str, str] | None:
    """The constituency the municipality votes in for this election: (column, value, name_fi, name_sv)."""
    municipality = known.municipalities.get(code.zfill(3) if code.isdigit() else code)
    if municipality is None:
        problems.append(
            problem(n, "municipality", _("tuntematon kuntanumero %(value)s", value=repr(code)))
        )
        return None
    if election is None:
        return None
    if municipality["aland"]:
        problems.append(problem(n, "municipality", _("Ahvenanmaalla ei ole näitä vaaleja (Åland)")))
    elif election["kind"] == "kunta":
        return (
            "municipality_code",
            municipality["code"],
            municipality["name_fi"],
            municipality["name_sv"],
        )
    elif election["kind"] == "alue":
        county = known.counties.get(municipality["county_id"] or "")
        if county is not None:
            return ("county_id", county["id"], county["name_fi"], county["name_sv"])
        problems.append(
            problem(
                n,
                "municipality",
                _("%(name)s ei kuulu aluevaaleihin (county)", name=municipality["name_fi"]),
            )
        )
    else:
        problems.append(
            problem(n, "election", _("näiden vaalien ehdokkaat tuodaan muulla tavalla"))
        )
    return None


def _email(n: int, raw: str, known: _Known, problems: list[str]) -> str:
    email = raw.lower()
    if not is_email(email):
        problems.append(
            problem(n, "email", _("%(value)s ei ole sähköpostiosoite", value=repr(raw)))
        )
    elif email in known.taken_emails:
        problems.append(
            problem(n, "email", _("osoitteella %(email)s on jo käyttäjätili", email=email))
        )
    elif email in known.seen_emails:
        problems.append(
            problem(
                n,
                "email",
                _("%(email)s on myös rivillä %(row)d", email=email, row=known.seen_emails[email]),
            )
        )
    else:
        known.seen_emails[email] = n
    return email


def _claim_number(
    n: int, key: tuple[str, int], place: str, known: _Known, problems: list[str]
) -> None:
    """A ballot number is unique in its constituency, in the database and in the file."""
    number = key[1]
    if key in known.taken_numbers:
        problems.append(
            problem(
                n,
                "number",
                _(
                    "ehdokasnumero %(number)d on jo käytössä: %(place)s",
                    number=number,
                    place=place,
                ),
            )
        )
    elif key in known.seen_numbers:
        problems.append(
            problem(
                n,
                "number",
                _(
                    "ehdokasnumero %(number)d on myös rivillä %(row)d",
                    number=number,
                    row=known.seen_numbers[key],
                ),
            )
        )
    else:
        known.seen_numbers[key] = n


def write(db: sqlite_utils.Database, parsed: CandidateImport, created_at: str) -> int:
    """Insert the candidates and their (password-less) accounts in one transaction."""
    if parsed.problems:
        raise ValueError("refusing to import a file with problems")
    with writing(db):
        for row in parsed.rows:
            cid, (column, value, name_fi, name_sv) = row["constituency"]
            db.execute(
                f"INSERT OR IGNORE INTO constituency (id, election_id, {column}, name_fi, name_sv) VALUES (?, ?, ?, ?, ?)",
                [cid, row["election_id"], value, name_fi, name_sv],
            )
            candidate_id = (
                db["candidate"]
                .insert(
                    {
                        k: row[k]
                        for k in (
                            "election_id",
                            "party_id",
                            "number",
                            "first_name",
                            "last_name",
                            "email",
                            "languages",
                        )
                    }
                    | {"constituency_id": cid}
                )
                .last_pk
            )
            db["user"].insert(
                {
                    "email": row["email"],
                    "role": "candidate",
                    "candidate_id": candidate_id,
                    "active": 1,
                    "created_at": created_at,
                }
            )
    return len(parsed.rows)
