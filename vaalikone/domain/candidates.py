"""Candidates of an election: the official list, its results, e-mail addresses, one candidate's edits.

Nothing a candidate typed is ever deleted here. A candidate who leaves the official list is marked
withdrawn: voters no longer see them (snapshots and candidate pages leave them out), their answers and
account stay, and a corrected list or the administrator can bring them back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from vaalikone.db import writing
from vaalikone.i18n import gettext as _


class CandidateError(ValueError):
    """A change to candidates that cannot be carried out; `problems` name each reason, for people."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class OfficialCandidate:
    """One candidate as the official list has them."""

    row: int
    constituency_id: str
    place: dict[str, str]  # the constituency's columns: municipality_code or county_id, names
    number: int
    first_name: str
    last_name: str
    party: dict[str, str] | None  # official_id, abbreviation fi/sv/en; None: not on a party's list
    age: int | None = None
    gender: str | None = None
    profession: str | None = None
    home_municipality_code: str | None = None
    home_municipality_fi: str | None = None
    home_municipality_sv: str | None = None
    official_language: str | None = None
    flags: dict[str, int | None] = field(default_factory=dict)
    result: int | None = None  # 1 elected, 2 substitute, 3 not elected

    def record(self) -> dict[str, Any]:
        """The candidate table's columns the official list sets."""
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "age": self.age,
            "gender": self.gender,
            "profession": self.profession,
            "home_municipality_code": self.home_municipality_code,
            "home_municipality_fi": self.home_municipality_fi,
            "home_municipality_sv": self.home_municipality_sv,
            "official_language": self.official_language,
            **self.flags,
        }


@dataclass
class ListChanges:
    """What an official list changed: counts of candidates."""

    added: int = 0
    updated: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    parties_created: int = 0

    def __str__(self) -> str:
        return _(
            "Ehdokaslista tuotu: %(added)d uutta, %(updated)d muuttunutta, %(withdrawn)d poistunutta, "
            "%(unchanged)d ennallaan.",
            added=self.added,
            updated=self.updated,
            withdrawn=self.withdrawn,
            unchanged=self.unchanged,
        )


def results_summary(counts: dict[str, int]) -> str:
    """What apply_results stored, for people."""
    return _(
        "Tulokset tuotu: %(elected)d valittua, %(substitute)d varalla, %(not_elected)d ei valittu.",
        **counts,
    )


def emails_summary(rows: int, counts: dict[str, int]) -> str:
    """What merge_emails stored, for people."""
    return _(
        "Osoitteita tuotu %(rows)d: %(changed)d muuttui, %(accounts)d uutta tunnusta.",
        rows=rows,
        **counts,
    )


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _party_ids(
    db: sqlite_utils.Database, entries: list[OfficialCandidate]
) -> tuple[dict[str, str], int]:
    """Our party id for each of the list's parties (by the ministry's id, else the Finnish abbreviation),
    creating the parties we do not know. Call inside the write transaction."""
    by_official: dict[str, str] = {}
    by_abbreviation: dict[str, str] = {}
    taken = set()
    for p in db.query("SELECT id, abbreviation, official_id FROM party"):
        taken.add(p["id"])
        if p["official_id"]:
            by_official[p["official_id"]] = p["id"]
        if p["abbreviation"]:
            by_abbreviation.setdefault(p["abbreviation"].lower(), p["id"])
    mapping: dict[str, str] = {}
    created = 0
    for candidate in entries:
        party = candidate.party
        if party is None or _party_key(party) in mapping:
            continue
        found = by_official.get(party["official_id"]) if party["official_id"] else None
        if found is None and party["fi"]:
            found = by_abbreviation.get(party["fi"].lower())
            if found is not None and party["official_id"]:
                # Remember the ministry's id: later lists then map even if abbreviations change.
                db.execute(
                    "UPDATE party SET official_id = ? WHERE id = ? AND official_id IS NULL",
                    [party["official_id"], found],
                )
                by_official[party["official_id"]] = found
        if found is None:
            base = _slug(party["fi"]) or "puolue"
            found = (
                base if base not in taken else f"{base}-{_slug(party['official_id']) or created}"
            )
            db["party"].insert(
                {
                    "id": found,
                    "abbreviation": party["fi"] or None,
                    "name_fi": party["fi"] or party["official_id"],
                    "name_sv": party["sv"] or party["fi"] or party["official_id"],
                    "name_en": party["en"] or party["fi"] or party["official_id"],
                    "official_id": party["official_id"] or None,
                }
            )
            taken.add(found)
            created += 1
            if party["official_id"]:
                by_official[party["official_id"]] = found
            if party["fi"]:
                by_abbreviation[party["fi"].lower()] = found
        mapping[_party_key(party)] = found
    return mapping, created


def _party_key(party: dict[str, str]) -> str:
    return f"{party['official_id']}|{party['fi']}"


def _same_person(old: dict[str, Any], new: OfficialCandidate) -> bool:
    """A corrected list may fix one of the names; a different first and last name is another person."""
    return old["first_name"] == new.first_name or old["last_name"] == new.last_name


def apply_official_list(
    db: sqlite_utils.Database, election_id: str, entries: list[OfficialCandidate]
) -> ListChanges:
    """Make the election's candidates what the official list says, in one transaction.

    Candidates are matched by constituency and ballot number (or, when a correction renumbered them, by
    name and party); a matched candidate's changed fields are updated, new ones added, and the ones the list
    no longer has are withdrawn. Re-applying the same list writes nothing.
    """
    changes = ListChanges()
    with writing(db):
        parties, changes.parties_created = _party_ids(db, entries)
        for constituency_id, place in {c.constituency_id: c.place for c in entries}.items():
            db["constituency"].insert(
                {"id": constituency_id, "election_id": election_id, **place}, ignore=True
            )
        existing = list(db.query("SELECT * FROM candidate WHERE election_id = ?", [election_id]))
        by_number = {
            (c["constituency_id"], c["number"]): c for c in existing if c["number"] is not None
        }
        matched: dict[int, OfficialCandidate] = {}  # candidate id -> list entry
        unmatched: list[OfficialCandidate] = []
        for new in entries:
            old = by_number.get((new.constituency_id, new.number))
            if old is not None and _same_person(old, new):
                matched[old["id"]] = new
            else:
                unmatched.append(new)
        # Renumbered by a correction: the same names and party in the same constituency.
        free = {
            (c["constituency_id"], c["first_name"], c["last_name"], c["party_id"]): c
            for c in existing
            if c["id"] not in matched
        }
        added: list[OfficialCandidate] = []
        for new in unmatched:
            party_id = parties[_party_key(new.party)] if new.party else None
            old = free.pop((new.constituency_id, new.first_name, new.last_name, party_id), None)
            if old is not None:
                matched[old["id"]] = new
            else:
                added.append(new)
        wanted = {(n.constituency_id, n.number) for n in entries}
        updates: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for old in existing:
            new = matched.get(old["id"])
            if new is None:
                change: dict[str, Any] = {} if old["withdrawn"] else {"withdrawn": 1}
                if (old["constituency_id"], old["number"]) in wanted:
                    change["number"] = None  # the list gave the number to someone else
                if change:
                    changes.withdrawn += "withdrawn" in change
                    updates.append((old, change))
                continue
            record = new.record() | {
                "party_id": parties[_party_key(new.party)] if new.party else None,
                "number": new.number,
                "withdrawn": 0,
            }
            change = {k: v for k, v in record.items() if old[k] != v}
            if change:
                changes.updated += 1
                updates.append((old, change))
            else:
                changes.unchanged += 1
        # Numbers move in two steps, so that two candidates swapping numbers never meet on one.
        moving = [old["id"] for old, change in updates if "number" in change]
        db.conn.executemany(
            "UPDATE candidate SET number = NULL WHERE id = ?", [(i,) for i in moving]
        )
        for old, change in updates:
            db["candidate"].update(old["id"], change)
        for new in added:
            db["candidate"].insert(
                {
                    "election_id": election_id,
                    "constituency_id": new.constituency_id,
                    "party_id": parties[_party_key(new.party)] if new.party else None,
                    "number": new.number,
                    "languages": f'["{new.official_language or "fi"}"]',
                    **new.record(),
                }
            )
        changes.added = len(added)
    return changes


def apply_results(
    db: sqlite_utils.Database, election_id: str, entries: list[OfficialCandidate]
) -> dict[str, int]:
    """Store who was elected and who is a substitute, by constituency and ballot number; all or nothing.

    Every entry must name a candidate of the election (the importer names the lines that do not).
    Returns counts per result.
    """
    counts = {"elected": 0, "substitute": 0, "not_elected": 0}
    with writing(db):
        ids = candidate_numbers(db, election_id)
        rows = []
        for c in entries:
            candidate_id = ids.get((c.constituency_id, c.number))
            if candidate_id is None:
                raise CandidateError(
                    [
                        _(
                            "ehdokasta numero %(number)d ei ole tuotu alueelle %(place)s.",
                            number=c.number,
                            place=c.place["name_fi"],
                        )
                    ]
                )
            rows.append((int(c.result == 1), int(c.result == 2), candidate_id))
            counts[{1: "elected", 2: "substitute", 3: "not_elected"}[c.result or 3]] += 1
        # Unchanged rows are not written: importing the same results again changes nothing.
        db.conn.executemany(
            """UPDATE candidate SET elected = ?1, substitute = ?2
               WHERE id = ?3 AND (elected IS NOT ?1 OR substitute IS NOT ?2)""",
            rows,
        )
    return counts


def candidate_numbers(db: sqlite_utils.Database, election_id: str) -> dict[tuple[str, int], int]:
    """The election's candidates by (constituency, ballot number)."""
    return {
        (r[1], r[2]): r[0]
        for r in db.execute(
            "SELECT id, constituency_id, number FROM candidate WHERE election_id = ? AND number IS NOT NULL",
            [election_id],
        )
    }


def merge_emails(
    db: sqlite_utils.Database, rows: list[tuple[int, str]], created_at: str
) -> dict[str, int]:
    """Set the listed candidates' addresses, creating the password-less accounts invitations need.

    Only the listed candidates change: a party's list never clears what another list set. An account the
    candidate has not taken into use follows the new address. Returns counts of changed and new accounts.
    """
    counts = {"changed": 0, "accounts": 0}
    with writing(db):
        for candidate_id, email in rows:
            user = db.execute(
                "SELECT id, email, password_hash FROM user WHERE candidate_id = ?", [candidate_id]
            ).fetchone()
            changed = db.execute(
                "UPDATE candidate SET email = ? WHERE id = ? AND email IS NOT ?",
                [email, candidate_id, email],
            ).rowcount
            if user is None:
                db["user"].insert(
                    {
                        "email": email,
                        "role": "candidate",
                        "candidate_id": candidate_id,
                        "active": 1,
                        "created_at": created_at,
                    }
                )
                counts["accounts"] += 1
            elif user[1].lower() != email and user[2] is None:
                db.execute("UPDATE user SET email = ? WHERE id = ?", [email, user[0]])
                changed = 1
            counts["changed"] += changed
    return counts


EDITABLE = ("first_name", "last_name", "number", "party_id", "profession")


def update_candidate(db: sqlite_utils.Database, candidate_id: int, changes: dict[str, Any]) -> bool:
    """Correct one candidate's official details (the administrator's edit); True if anything changed.

    A ballot number must stay unique in the constituency.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with writing(db):
        old = next(db.query("SELECT * FROM candidate WHERE id = ?", [candidate_id]), None)
        if old is None:
            raise CandidateError([_("Ehdokasta ei löytynyt.")])
        change = {k: v for k, v in changes.items() if old[k] != v}
        if change.get("number") is not None:
            other = db.execute(
                "SELECT first_name || ' ' || last_name FROM candidate "
                "WHERE constituency_id = ? AND number = ? AND id != ?",
                [old["constituency_id"], change["number"], candidate_id],
            ).fetchone()
            if other:
                raise CandidateError(
                    [
                        _(
                            "Numero %(number)d on jo ehdokkaalla %(name)s.",
                            number=change["number"],
                            name=other[0],
                        )
                    ]
                )
        if change:
            db["candidate"].update(candidate_id, change)
    return bool(change)


def set_withdrawn(db: sqlite_utils.Database, candidate_id: int, withdrawn: bool) -> None:
    """Withdraw a candidate from voters' view, or restore them; their answers and account stay."""
    with writing(db):
        db.execute(
            "UPDATE candidate SET withdrawn = ? WHERE id = ? AND withdrawn != ?",
            [int(withdrawn), candidate_id, int(withdrawn)],
        )
