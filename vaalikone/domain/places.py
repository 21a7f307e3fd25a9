"""Reference data into the database: places and parties from vaalikone/data/, statements from questions/.

Data flows one way: these files are the source, the database a copy refreshed at start-up. A hash of the
sources is kept in `meta`, so an unchanged bank costs one read.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import sqlite_utils

from vaalikone.db import writing
from vaalikone.domain.statements import QuestionBank

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of one of the package's reference CSV files."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _fingerprint(bank: QuestionBank) -> str:
    digest = hashlib.sha256(repr(bank).encode())
    for path in sorted(DATA_DIR.glob("*.csv")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def sync(db: sqlite_utils.Database, bank: QuestionBank) -> bool:
    """Upsert places, parties, themes, statements and seed organisations; True if anything was written."""
    fingerprint = _fingerprint(bank)
    row = db.execute("SELECT value FROM meta WHERE key = 'reference'").fetchone()
    if row and row[0] == fingerprint:
        return False
    with writing(db):
        _sync_places(db)
        _sync_bank(db, bank)
        db["meta"].upsert({"key": "reference", "value": fingerprint}, pk="key")
    return True


def _sync_places(db: sqlite_utils.Database) -> None:
    db["county"].upsert_all(read_csv("counties.csv"), pk="id")
    db["district"].upsert_all(read_csv("districts.csv"), pk="id")
    db["municipality"].upsert_all(
        (
            {
                "code": m["code"],
                "name_fi": m["name_fi"],
                "name_sv": m["name_sv"] or m["name_fi"],
                "county_id": m["county"] or None,
                "district_id": m["district"] or None,
                "language": m["language"],
                "population": int(m["population"]) if m.get("population") else None,
                "aland": int(m["district"] == "ahvenanmaa"),
            }
            for m in read_csv("municipalities.csv")
        ),
        pk="code",
    )
    db["party"].upsert_all(
        (
            {k: p[k] for k in ("id", "abbreviation", "name_fi", "name_sv", "name_en")}
            for p in read_csv("parties.csv")
        ),
        pk="id",
    )


def _sync_bank(db: sqlite_utils.Database, bank: QuestionBank) -> None:
    position = 0
    for t_pos, theme in enumerate(bank.themes):
        db["theme"].upsert(
            {
                "id": theme.id,
                "position": t_pos,
                **{f"name_{k}": v for k, v in theme.name.items()},
                **{f"plain_{k}": theme.plain_name.get(k) for k in ("fi", "sv", "en")},
            },
            pk="id",
        )
        for statement in theme.statements:
            position += 1
            source = statement.sources[0]
            db["question"].upsert(
                {
                    "id": statement.id,
                    "theme_id": theme.id,
                    "kinds": json.dumps(list(statement.elections)),
                    "scale": json.dumps(list(statement.scale)),
                    "serves": statement.serves,
                    "source_file": source.file,
                    "source_quote": source.quote,
                    "position": position,
                    **{f"text_{k}": v for k, v in statement.text.items()},
                    **{f"explainer_{k}": statement.explainer.get(k) for k in ("fi", "sv", "en")},
                    **{f"plain_{k}": statement.plain.get(k) for k in ("fi", "sv", "en")},
                    **{
                        f"plain_explainer_{k}": statement.plain_explainer.get(k)
                        for k in ("fi", "sv", "en")
                    },
                },
                pk="id",
            )
    for org in bank.organisations:
        exists = db.execute("SELECT 1 FROM organisation WHERE id = ?", [org.id]).fetchone()
        db["organisation"].upsert(
            {
                "id": org.id,
                **{f"name_{k}": v for k, v in org.name.items()},
                "scope": org.scope,
                "counties": json.dumps(list(org.counties)),
                "municipalities": json.dumps(list(org.municipalities)),
                "seeds": json.dumps(list(org.seeds)),
            },
            pk="id",
        )
        # A seed profile is a starting point: once an organisation edits its goals, they are its own.
        if not exists:
            db["organisation_goal"].insert_all(
                (
                    {
                        "organisation_id": org.id,
                        "question_id": goal.statement,
                        "position": goal.position,
                        "weight": float(goal.weight),
                    }
                    for goal in org.goals
                ),
                pk=("organisation_id", "question_id"),
                replace=True,
            )


def link_bank_questions(db: sqlite_utils.Database, election_id: str, kind: str) -> int:
    """Attach every bank statement of this election kind to the election, in bank order."""
    rows = db.execute(
        "SELECT id, position, kinds FROM question WHERE kinds IS NOT NULL ORDER BY position"
    ).fetchall()
    links = [
        {"election_id": election_id, "question_id": qid, "position": pos}
        for qid, pos, kinds in rows
        if kind in json.loads(kinds)
    ]
    db["election_question"].insert_all(links, pk=("election_id", "question_id"), replace=True)
    return len(links)
