"""Elections: creating them, publishing them, and who was elected.

Voters see an election only once it is published. What voters see of it is kept fresh by the database
itself: triggers (migration m006) advance the election's data_version on every change of answers,
candidates, elected flags, statements or publication, so no writer here has to remember to.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from vaalikone.db import writing
from vaalikone.domain.places import link_bank_questions
from vaalikone.i18n import gettext as _


class ElectionError(ValueError):
    """An election change that cannot be carried out; the message says why, for people."""


# Deadlines are set and read in Finnish time, whatever the server's own time zone.
HELSINKI = ZoneInfo("Europe/Helsinki")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def deadline_from_helsinki(wall_time: datetime) -> str:
    """A wall-clock time in Helsinki (as an administrator types it) as an ISO instant in UTC.

    zoneinfo applies the offset in force on that date: +02:00 in winter, +03:00 in summer.
    """
    return wall_time.replace(tzinfo=HELSINKI).astimezone(UTC).isoformat(timespec="seconds")


def in_helsinki(instant: str | None) -> str:
    """A stored ISO instant as Helsinki wall-clock time, `YYYY-MM-DD HH:MM` ('' when unset)."""
    if not instant:
        return ""
    moment = datetime.fromisoformat(instant)
    if moment.tzinfo is None:  # written before deadlines carried an offset: it meant Helsinki
        moment = moment.replace(tzinfo=HELSINKI)
    return moment.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M")


def get(db: sqlite_utils.Database, election_id: str) -> dict[str, Any] | None:
    return next(db.query("SELECT * FROM election WHERE id = ?", [election_id]), None)


def create_election(
    db: sqlite_utils.Database,
    kind: str,
    date: str,
    answer_deadline: str,
    names: dict[str, str],
) -> str:
    """A new election of `kind` on `date` (ISO), with the question bank's statements of that kind.

    `answer_deadline` is an ISO instant with its offset. Returns the election's id, `<kind>-<year>`.
    """
    check_dates(date, answer_deadline)
    election_id = f"{kind}-{date[:4]}"
    with writing(db):
        if db.execute("SELECT 1 FROM election WHERE id = ?", [election_id]).fetchone():
            raise ElectionError(_("Nämä vaalit on jo luotu."))
        db["election"].insert(
            {
                "id": election_id,
                "kind": kind,
                "date": date,
                "answer_deadline": answer_deadline,
                "name_fi": names["fi"],
                "name_sv": names["sv"],
                "name_en": names["en"],
                "demo": 0,
            }
        )
        link_bank_questions(db, election_id, kind)
    return election_id


def check_dates(date: str, answer_deadline: str) -> None:
    """Candidates answer before the election day: the deadline must fall before it (both ISO)."""
    if answer_deadline[:10] >= date[:10]:
        raise ElectionError(_("Vastausten määräajan on oltava ennen vaalipäivää."))


def update_election(
    db: sqlite_utils.Database,
    election_id: str,
    date: str,
    answer_deadline: str,
    names: dict[str, str],
) -> None:
    """Change an election's day, answer deadline and names; its kind and id (`<kind>-<year>`) stay."""
    check_dates(date, answer_deadline)
    with writing(db):
        row = db.execute("SELECT date FROM election WHERE id = ?", [election_id]).fetchone()
        if row is None:
            raise ElectionError(_("Vaaleja ei löytynyt."))
        if date[:4] != row[0][:4]:
            # The id names the year; another year is another election.
            raise ElectionError(_("Vaalipäivän vuotta ei voi muuttaa. Luo uudet vaalit."))
        db.execute(
            "UPDATE election SET date = ?, answer_deadline = ?, name_fi = ?, name_sv = ?, name_en = ? "
            "WHERE id = ?",
            [date, answer_deadline, names["fi"], names["sv"], names["en"], election_id],
        )


def delete_election(db: sqlite_utils.Database, election_id: str) -> None:
    """Delete an election nobody stands in yet (a mistyped one); one with candidates stays."""
    with writing(db):
        if db.execute("SELECT 1 FROM candidate WHERE election_id = ?", [election_id]).fetchone():
            raise ElectionError(
                _("Vaaleja, joissa on ehdokkaita, ei voi poistaa. Poista ensin ehdokkaat.")
            )
        for table in ("election_question", "constituency", "report_publication"):
            db.execute(f"DELETE FROM {table} WHERE election_id = ?", [election_id])
        db.execute("DELETE FROM election WHERE id = ?", [election_id])


def published(db: sqlite_utils.Database, election_id: str) -> dict[str, Any] | None:
    """The election if it exists and is published (what voters, the API and reports may show), else None."""
    return next(
        db.query("SELECT * FROM election WHERE id = ? AND published_at IS NOT NULL", [election_id]),
        None,
    )


def publication_summary(db: sqlite_utils.Database, election_id: str) -> dict[str, int]:
    """What publishing would show: candidates, how many answered every statement, some, or none."""
    row = db.execute(
        """SELECT count(*),
                  coalesce(sum(given = asked), 0),
                  coalesce(sum(given > 0 AND given < asked), 0),
                  coalesce(sum(given = 0), 0)
           FROM (SELECT c.id,
                        (SELECT count(*) FROM answer a JOIN election_question eq
                           ON eq.question_id = a.question_id AND eq.election_id = c.election_id
                         WHERE a.candidate_id = c.id AND a.value IS NOT NULL) AS given,
                        (SELECT count(*) FROM election_question eq WHERE eq.election_id = c.election_id)
                          AS asked
                 FROM candidate c WHERE c.election_id = ?)""",
        [election_id],
    ).fetchone()
    return {"candidates": row[0], "all": row[1], "some": row[2], "none": row[3]}


def toggle_publication(db: sqlite_utils.Database, election_id: str) -> bool:
    """Publish the election, or withdraw its publication; returns whether it is now published."""
    with writing(db):
        row = db.execute("SELECT published_at FROM election WHERE id = ?", [election_id]).fetchone()
        if row is None:
            raise ElectionError(_("Vaaleja ei löytynyt."))
        published = row[0] is None
        db.execute(
            "UPDATE election SET published_at = ? WHERE id = ?",
            [now() if published else None, election_id],
        )
    return published


def kept_robustness(db: sqlite_utils.Database, election_id: str, data_version: int) -> str | None:
    """The election's robustness report (JSON) if one was kept for this data_version."""
    row = db.execute(
        "SELECT report FROM robustness_report WHERE election_id = ? AND data_version = ?",
        [election_id, data_version],
    ).fetchone()
    return None if row is None else row[0]


def keep_robustness(
    db: sqlite_utils.Database, election_id: str, data_version: int, report: str
) -> None:
    """Keep the election's robustness report (JSON) computed from data_version, replacing an older one;
    a report of an older version than the one kept is not written over it."""
    with writing(db):
        db.execute(
            """INSERT INTO robustness_report (election_id, data_version, report, computed_at)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (election_id) DO UPDATE SET
                   data_version = excluded.data_version, report = excluded.report,
                   computed_at = excluded.computed_at
               WHERE excluded.data_version >= robustness_report.data_version""",
            [election_id, data_version, report, now()],
        )


def progress(db: sqlite_utils.Database, election_id: str, by: str) -> list[dict[str, Any]]:
    """Share of answered statements per party or per constituency."""
    group = {"party": "coalesce(p.name_fi, '–')", "constituency": "k.name_fi"}[by]
    return list(
        db.query(
            f"""SELECT {group} AS name, count(DISTINCT c.id) AS candidates,
                   sum(CASE WHEN a.value IS NOT NULL THEN 1 ELSE 0 END) AS answered,
                   count(DISTINCT c.id) * (SELECT count(*) FROM election_question WHERE election_id = ?) AS possible
                FROM candidate c LEFT JOIN party p ON p.id = c.party_id
                JOIN constituency k ON k.id = c.constituency_id
                LEFT JOIN answer a ON a.candidate_id = c.id
                WHERE c.election_id = ? GROUP BY 1 ORDER BY 1""",
            [election_id, election_id],
        )
    )


def parse_elected(
    db: sqlite_utils.Database, election_id: str, text: str
) -> tuple[list[tuple[int, int]], list[str]]:
    """Rows of a CSV with columns candidate_id,elected (1 or 0): the updates, or every problem."""
    known = {
        r[0] for r in db.execute("SELECT id FROM candidate WHERE election_id = ?", [election_id])
    }
    problems, updates = [], []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        cid, flag = (row.get("candidate_id") or "").strip(), (row.get("elected") or "").strip()
        if not cid.isdigit() or int(cid) not in known:
            problems.append(
                _(
                    "rivi %(row)d, sarake %(column)s: tuntematon ehdokas %(value)s",
                    row=n,
                    column="candidate_id",
                    value=repr(cid),
                )
            )
        elif flag not in ("0", "1"):
            problems.append(
                _(
                    "rivi %(row)d, sarake %(column)s: %(value)s ei ole 0 tai 1",
                    row=n,
                    column="elected",
                    value=repr(flag),
                )
            )
        else:
            updates.append((int(flag), int(cid)))
    return updates, problems


def set_elected(db: sqlite_utils.Database, updates: list[tuple[int, int]]) -> None:
    """Store (elected, candidate_id) pairs in one transaction."""
    with writing(db):
        db.conn.executemany("UPDATE candidate SET elected = ? WHERE id = ?", updates)
