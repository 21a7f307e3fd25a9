"""Where each statement comes from, for voters: the goal sentences it was derived from, quoted with their
document's publisher, title and year, and which organisations' goal profiles include it.

Deliberately never which answer an organisation prefers: the quiz stays neutral, and organisations'
positions live in their own published reports. Imported statements (Yle) name their election's source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from vaalikone.domain.statements import Document, QuestionBank


@dataclass
class Quote:
    """One goal sentence a statement was derived from, and the document it is quoted from."""

    text: str
    document: Document


@dataclass
class Provenance:
    """A statement's origin: quotes and organisations for bank statements, the source for imported ones."""

    question: dict[str, Any]
    quotes: list[Quote]
    organisations: list[dict[str, Any]]  # whose goal profile includes the statement
    imported_from: list[dict[str, Any]]  # published elections asking an imported statement


def _documents(bank: QuestionBank) -> dict[str, Document]:
    return {d.file: d for d in bank.documents}


def statement_provenance(
    db: sqlite_utils.Database, bank: QuestionBank, statement_id: str
) -> Provenance | None:
    """The origin of one statement, or None if no voter can see it (unknown, or imported and unpublished)."""
    question = next(
        db.query(
            """SELECT q.*, t.name_fi AS theme_fi, t.name_sv AS theme_sv, t.name_en AS theme_en
               FROM question q JOIN theme t ON t.id = q.theme_id WHERE q.id = ?""",
            [statement_id],
        ),
        None,
    )
    if question is None:
        return None
    question["scale"] = json.loads(question["scale"])
    try:
        statement = bank.statement(statement_id)
    except KeyError:
        statement = None
    if statement is None:
        elections = list(
            db.query(
                """SELECT e.* FROM election_question eq JOIN election e ON e.id = eq.election_id
                   WHERE eq.question_id = ? AND e.published_at IS NOT NULL ORDER BY e.date DESC""",
                [statement_id],
            )
        )
        if not elections:
            return None
        return Provenance(question, [], [], elections)
    documents = _documents(bank)
    quotes = [Quote(s.quote, documents[s.file]) for s in statement.sources]
    organisations = list(
        db.query(
            """SELECT o.* FROM organisation_goal g JOIN organisation o ON o.id = g.organisation_id
               WHERE g.question_id = ? ORDER BY o.name_fi""",
            [statement_id],
        )
    )
    return Provenance(question, quotes, organisations, [])


def sources_overview(
    db: sqlite_utils.Database, bank: QuestionBank
) -> list[tuple[Document, list[dict[str, Any]]]]:
    """Every seed document with the statements drawn from it, in question-bank order."""
    questions = {q["id"]: q for q in db.query("SELECT * FROM question WHERE kinds IS NOT NULL")}
    drawn: dict[str, list[dict[str, Any]]] = {d.file: [] for d in bank.documents}
    for statement in bank.statements:
        row = questions.get(statement.id)
        if row is None:
            continue
        for file in dict.fromkeys(s.file for s in statement.sources):
            drawn[file].append(row)
    return [(d, drawn[d.file]) for d in bank.documents]
