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
from vaalikone.importers import decode_utf8

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
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
MAX_ROWS = 50_000


@dataclass
class CandidateImport:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse(db: sqlite_utils.Database, raw: bytes, election_id: str | None = None) -> CandidateImport:
    """Validate the whole file; rows are ready to insert only if `problems` is empty."""
    result = CandidateImport()
    problems = result.problems
    text = decode_utf8(raw, problems, hint="save it as 'CSV UTF-8'")
    if text is None:
        return result
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    for column in missing:
        problems.append(f"row 1, column {column}: missing column (columns: {', '.join(COLUMNS)})")
    if missing:
        if len(header) == 1 and header[0].count(",") + header[0].count(";") == 0:
            problems.append("row 1, column -: use a comma or a semicolon between columns")
        return result
    reader.fieldnames = header
    elections = {e["id"]: e for e in db.query("SELECT * FROM election")}
    municipalities = {m["code"]: m for m in db.query("SELECT * FROM municipality")}
    parties: dict[str, str] = {}
    for p in db.query("SELECT * FROM party"):
        for key in (p["id"], p["abbreviation"], p["name_fi"]):
            if key:
                parties[key.strip().lower()] = p["id"]
    taken_numbers = {
        (c["constituency_id"], c["number"])
        for c in db.query("SELECT constituency_id, number FROM candidate WHERE number IS NOT NULL")
    }
    taken_emails = {row[0].lower() for row in db.execute("SELECT email FROM user")}
    seen_numbers: dict[tuple[str, int], int] = {}
    seen_emails: dict[str, int] = {}
    for n, row in enumerate(reader, start=2):
        if n > MAX_ROWS:
            problems.append(f"row {n}, column -: at most {MAX_ROWS} candidates per file")
            break
        if None in row:
            problems.append(f"row {n}, column -: more cells than columns")
            continue
        cell = {k: (v or "").strip() for k, v in row.items()}
        before = len(problems)
        election = elections.get(cell["election"])
        if election is None:
            problems.append(f"row {n}, column election: unknown election {cell['election']!r}")
        elif election_id and election["id"] != election_id:
            problems.append(f"row {n}, column election: this import is for {election_id}")
        municipality = municipalities.get(
            cell["municipality"].zfill(3)
            if cell["municipality"].isdigit()
            else cell["municipality"]
        )
        constituency = None
        if municipality is None:
            problems.append(
                f"row {n}, column municipality: unknown municipality code {cell['municipality']!r}"
            )
        elif election is not None:
            if municipality["aland"]:
                problems.append(
                    f"row {n}, column municipality: Åland has no {election['kind']} election"
                )
            elif election["kind"] == "kunta":
                constituency = (
                    "municipality_code",
                    municipality["code"],
                    municipality["name_fi"],
                    municipality["name_sv"],
                )
            elif election["kind"] == "alue":
                if municipality["county_id"] is None:
                    problems.append(
                        f"row {n}, column municipality: {municipality['name_fi']} has no county election"
                    )
                else:
                    county = next(
                        db.query("SELECT * FROM county WHERE id = ?", [municipality["county_id"]])
                    )
                    constituency = ("county_id", county["id"], county["name_fi"], county["name_sv"])
            else:
                problems.append(
                    f"row {n}, column election: candidates of {election['kind']} elections are imported otherwise"
                )
        party = None
        if cell["party"]:
            party = parties.get(cell["party"].lower())
            if party is None:
                problems.append(f"row {n}, column party: unknown party {cell['party']!r}")
        number = None
        if not cell["number"].isdigit() or int(cell["number"]) < 1:
            problems.append(f"row {n}, column number: {cell['number']!r} is not a ballot number")
        else:
            number = int(cell["number"])
        for column in ("first_name", "last_name"):
            if not cell[column]:
                problems.append(f"row {n}, column {column}: missing")
            elif len(cell[column]) > 100:
                problems.append(f"row {n}, column {column}: longer than 100 characters")
        email = cell["email"].lower()
        if not EMAIL.match(email) or len(email) > 254:
            problems.append(f"row {n}, column email: {cell['email']!r} is not an e-mail address")
        elif email in taken_emails:
            problems.append(f"row {n}, column email: {email} already has an account")
        elif email in seen_emails:
            problems.append(f"row {n}, column email: {email} is also on row {seen_emails[email]}")
        else:
            seen_emails[email] = n
        languages = [x for x in re.split(r"[\s,|/]+", cell["languages"].lower()) if x]
        if not languages or any(x not in ("fi", "sv", "en") for x in languages):
            problems.append(
                f"row {n}, column languages: use fi, sv and/or en, not {cell['languages']!r}"
            )
        if election is not None and constituency is not None:
            cid = f"{election['id']}:{constituency[1]}"
            if number is not None:
                key = (cid, number)
                if key in taken_numbers:
                    problems.append(
                        f"row {n}, column number: ballot number {number} is already taken in {constituency[2]}"
                    )
                elif key in seen_numbers:
                    problems.append(
                        f"row {n}, column number: ballot number {number} is also on row {seen_numbers[key]}"
                    )
                else:
                    seen_numbers[key] = n
        if len(problems) == before:
            result.rows.append(
                {
                    "election_id": election["id"],
                    "constituency": (cid, constituency),
                    "party_id": party,
                    "number": number,
                    "first_name": cell["first_name"],
                    "last_name": cell["last_name"],
                    "email": email,
                    "languages": json.dumps(languages),
                }
            )
    if not result.rows and not problems:
        problems.append("row 2, column -: the file has no candidates")
    return result


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
