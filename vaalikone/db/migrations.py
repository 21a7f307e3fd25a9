"""Schema migrations: named, applied once each, in order, inside a transaction (sqlite-utils Migrations).

A migration that has run is recorded in `_sqlite_migrations`, so applying twice changes nothing.
Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("vaalikone")


def _run(db: sqlite_utils.Database, script: str) -> None:
    """Run statements one by one: executescript() would COMMIT and break the migration's transaction."""
    # Comments may contain semicolons; drop them before splitting into statements.
    code = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
    for statement in code.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_places(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE county (
            id TEXT PRIMARY KEY, official_code TEXT,
            name_fi TEXT NOT NULL, name_sv TEXT NOT NULL, name_en TEXT NOT NULL
        );
        CREATE TABLE district (
            id TEXT PRIMARY KEY, number TEXT,
            name_fi TEXT NOT NULL, name_sv TEXT NOT NULL, name_en TEXT NOT NULL, yle_name TEXT
        );
        -- county_id is NULL for Helsinki (it runs health and social services itself) and Åland.
        CREATE TABLE municipality (
            code TEXT PRIMARY KEY, name_fi TEXT NOT NULL, name_sv TEXT NOT NULL,
            county_id TEXT REFERENCES county(id), district_id TEXT REFERENCES district(id),
            language TEXT, population INTEGER, aland INTEGER NOT NULL DEFAULT 0
        );
        """,
    )


@migrations()
def m002_elections(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        CREATE TABLE election (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('kunta', 'alue', 'eduskunta')),
            date TEXT NOT NULL, answer_deadline TEXT,
            name_fi TEXT NOT NULL, name_sv TEXT NOT NULL, name_en TEXT NOT NULL,
            demo INTEGER NOT NULL DEFAULT 0,
            source TEXT,              -- attribution shown on every page with imported data
            published_at TEXT,        -- voters and reports see only published elections
            data_version INTEGER NOT NULL DEFAULT 0  -- bumped on every answer change: snapshot cache key
        );
        CREATE TABLE constituency (
            id TEXT PRIMARY KEY, election_id TEXT NOT NULL REFERENCES election(id) ON DELETE CASCADE,
            municipality_code TEXT REFERENCES municipality(code), county_id TEXT REFERENCES county(id),
            district_id TEXT REFERENCES district(id),
            name_fi TEXT NOT NULL, name_sv TEXT NOT NULL
        );
        CREATE INDEX constituency_election ON constituency(election_id);
        CREATE TABLE party (
            id TEXT PRIMARY KEY, abbreviation TEXT,
            name_fi TEXT NOT NULL, name_sv TEXT NOT NULL, name_en TEXT NOT NULL
        );
        CREATE TABLE candidate (
            id INTEGER PRIMARY KEY,
            election_id TEXT NOT NULL REFERENCES election(id) ON DELETE CASCADE,
            constituency_id TEXT NOT NULL REFERENCES constituency(id) ON DELETE CASCADE,
            party_id TEXT REFERENCES party(id),          -- NULL: independent
            number INTEGER,                              -- ballot number, unique in a constituency
            first_name TEXT NOT NULL, last_name TEXT NOT NULL,
            languages TEXT NOT NULL DEFAULT '["fi"]',   -- JSON list of fi/sv/en
            email TEXT, intro_fi TEXT, intro_sv TEXT, web_url TEXT,
            age INTEGER, gender TEXT, elected INTEGER, external_id TEXT,
            UNIQUE (constituency_id, number)
        );
        CREATE INDEX candidate_election ON candidate(election_id, constituency_id);
        """,
    )


@migrations()
def m003_questions(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        CREATE TABLE theme (
            id TEXT PRIMARY KEY, name_fi TEXT NOT NULL, name_sv TEXT NOT NULL, name_en TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0
        );
        -- kinds: JSON list of election kinds for question-bank statements; NULL for imported ones.
        -- scale: JSON list of the allowed answer values, e.g. [1,2,3,4,5] or Yle 2023's [1,2,4,5].
        CREATE TABLE question (
            id TEXT PRIMARY KEY, theme_id TEXT NOT NULL REFERENCES theme(id),
            kinds TEXT, scale TEXT NOT NULL DEFAULT '[1,2,3,4,5]', serves INTEGER,
            text_fi TEXT NOT NULL, text_sv TEXT, text_en TEXT,
            explainer_fi TEXT, explainer_sv TEXT, explainer_en TEXT,
            source_file TEXT, source_quote TEXT, position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE election_question (
            election_id TEXT NOT NULL REFERENCES election(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL REFERENCES question(id),
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (election_id, question_id)
        );
        CREATE TABLE answer (
            candidate_id INTEGER NOT NULL REFERENCES candidate(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL REFERENCES question(id),
            value INTEGER,            -- on the question's scale; NULL: not answered
            justification_fi TEXT, justification_sv TEXT,
            updated_at TEXT,
            PRIMARY KEY (candidate_id, question_id)
        );
        """,
    )


@migrations()
def m004_organisations_and_users(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        CREATE TABLE organisation (
            id TEXT PRIMARY KEY, name_fi TEXT NOT NULL, name_sv TEXT NOT NULL, name_en TEXT NOT NULL,
            scope TEXT NOT NULL DEFAULT 'national' CHECK (scope IN ('national', 'regional')),
            counties TEXT NOT NULL DEFAULT '[]', municipalities TEXT NOT NULL DEFAULT '[]',
            seeds TEXT NOT NULL DEFAULT '[]', based_on TEXT
        );
        CREATE TABLE organisation_goal (
            organisation_id TEXT NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL REFERENCES question(id),
            position INTEGER NOT NULL,    -- the answer that serves the organisation's goal
            weight REAL NOT NULL DEFAULT 1.0,
            PRIMARY KEY (organisation_id, question_id)
        );
        CREATE TABLE user (
            id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT,
            role TEXT NOT NULL CHECK (role IN ('admin', 'candidate', 'organisation')),
            candidate_id INTEGER REFERENCES candidate(id) ON DELETE CASCADE,
            organisation_id TEXT REFERENCES organisation(id) ON DELETE CASCADE,
            active INTEGER NOT NULL DEFAULT 1, created_at TEXT
        );
        -- Only a hash of an invitation token is stored: a leaked database cannot be used to log in.
        CREATE TABLE invitation (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT
        );
        CREATE TABLE report_publication (
            organisation_id TEXT NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
            election_id TEXT NOT NULL REFERENCES election(id) ON DELETE CASCADE,
            slug TEXT NOT NULL UNIQUE, published_at TEXT NOT NULL,
            PRIMARY KEY (organisation_id, election_id)
        );
        """,
    )


@migrations()
def m005_candidate_changes(db: sqlite_utils.Database) -> None:
    """Mark each candidate with the election data_version its answers or listing last changed at.

    Snapshots then patch in only the candidates changed since they were built (snapshot.update_snapshot)
    instead of reading every answer again. Triggers keep the mark for every writer, present and future:
    the value is the version the writing transaction's bump will produce (or later), so it is always
    above the version of any snapshot built before the write.
    """
    mark = """UPDATE candidate SET changed_version =
                  (SELECT e.data_version + 1 FROM election e WHERE e.id = candidate.election_id)
              WHERE id = {row}.{column}"""
    db.execute("ALTER TABLE candidate ADD COLUMN changed_version INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX candidate_changed ON candidate(election_id, changed_version)")
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        db.execute(
            f"""CREATE TRIGGER answer_{event.lower()}_marks_candidate AFTER {event} ON answer
                BEGIN {mark.format(row=row, column="candidate_id")}; END"""
        )
    db.execute(
        f"""CREATE TRIGGER candidate_insert_marks_candidate AFTER INSERT ON candidate
            BEGIN {mark.format(row="NEW", column="id")}; END"""
    )
    # Only what a snapshot holds (snapshot.LISTED_COLUMNS); the mark's own update does not match this list.
    db.execute(
        f"""CREATE TRIGGER candidate_update_marks_candidate AFTER UPDATE OF
                election_id, constituency_id, party_id, number, first_name, last_name, languages, elected
                ON candidate
            BEGIN {mark.format(row="NEW", column="id")}; END"""
    )


@migrations()
def m006_fresh_by_construction(db: sqlite_utils.Database) -> None:
    """Every change voters can see advances its election's data_version, whoever writes it.

    Snapshots and per-worker caches are keyed on data_version. Writers used to bump it by hand, and two
    forgot (elected flags, the reference sync): voters then got a stale snapshot, and pages that read the
    statements afresh met a snapshot with the old ones. Now the database does it: answers, candidates
    (their listing and elected flags), an election's statements and the statements' texts, publication.
    SQLite's triggers are per row, so a save of 30 answers advances the version 30 times; only its
    growth matters, never its size.
    """
    bump = "UPDATE election SET data_version = data_version + 1 WHERE id = {election}"
    by_candidate = "(SELECT election_id FROM candidate WHERE id = {row}.candidate_id)"
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        db.execute(
            f"""CREATE TRIGGER answer_{event.lower()}_bumps_election AFTER {event} ON answer
                BEGIN {bump.format(election=by_candidate.format(row=row))}; END"""
        )
        db.execute(
            f"""CREATE TRIGGER election_question_{event.lower()}_bumps_election
                AFTER {event} ON election_question
                BEGIN {bump.format(election=f"{row}.election_id")}; END"""
        )
    db.execute(
        f"""CREATE TRIGGER candidate_insert_bumps_election AFTER INSERT ON candidate
            BEGIN {bump.format(election="NEW.election_id")}; END"""
    )
    db.execute(
        f"""CREATE TRIGGER candidate_delete_bumps_election AFTER DELETE ON candidate
            BEGIN {bump.format(election="OLD.election_id")}; END"""
    )
    # What a snapshot or a candidate page shows of a candidate; a moved candidate changes both elections.
    db.execute(
        f"""CREATE TRIGGER candidate_update_bumps_election AFTER UPDATE OF
                election_id, constituency_id, party_id, number, first_name, last_name, languages, elected,
                intro_fi, intro_sv, web_url
                ON candidate
            BEGIN
                {bump.format(election="NEW.election_id")};
                UPDATE election SET data_version = data_version + 1
                    WHERE id = OLD.election_id AND OLD.election_id IS NOT NEW.election_id;
            END"""
    )
    db.execute(
        """CREATE TRIGGER question_update_bumps_election AFTER UPDATE ON question
           BEGIN UPDATE election SET data_version = data_version + 1 WHERE id IN
               (SELECT election_id FROM election_question WHERE question_id = NEW.id); END"""
    )
    db.execute(
        """CREATE TRIGGER election_publication_bumps_election AFTER UPDATE OF published_at ON election
           BEGIN UPDATE election SET data_version = data_version + 1 WHERE id = NEW.id; END"""
    )
    # Log-out, a password change and deactivation end every older session of the user: sessions carry
    # the version they were opened at.
    db.execute("ALTER TABLE user ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0")


@migrations()
def m190_plain_language(db: sqlite_utils.Database) -> None:
    """Plain-language texts (selkokieli, lättläst, plain English) beside the standard ones.

    NULL where there is none (imported elections): pages then say so and show the standard text. A changed
    plain text is an update of `question`, which m006's trigger already turns into a new data_version.
    """
    for lang in ("fi", "sv", "en"):
        db.execute(f"ALTER TABLE question ADD COLUMN plain_{lang} TEXT")
        db.execute(f"ALTER TABLE question ADD COLUMN plain_explainer_{lang} TEXT")
        db.execute(f"ALTER TABLE theme ADD COLUMN plain_{lang} TEXT")


@migrations()
def m180_accessibility_feedback(db: sqlite_utils.Database) -> None:
    """Feedback sent through the accessibility statement's form (law 306/2019), kept for a retention period.

    Only what the sender typed: a message, an optional contact address, the page's language. Never a
    voter's answers, nor which page they came from.
    """
    _run(
        db,
        """
        CREATE TABLE accessibility_feedback (
            id INTEGER PRIMARY KEY,
            received_at TEXT NOT NULL,  -- UTC, ISO 8601: purged after FEEDBACK_RETENTION_DAYS
            message TEXT NOT NULL,
            contact TEXT,
            lang TEXT NOT NULL
        );
        CREATE INDEX accessibility_feedback_received ON accessibility_feedback (received_at);
        """,
    )


@migrations()
def m181_filter_fields_are_fresh(db: sqlite_utils.Database) -> None:
    """Result filters read age, gender, incumbency and the official language from snapshots
    (snapshot.FILTER_COLUMNS): a change to one marks the candidate for patching and advances the election's
    data_version, like the listed columns (m005, m006). Columns the official list adds later (m170) are
    named already: SQLite matches UPDATE OF by name when the update runs.
    """
    db.execute(
        """CREATE TRIGGER candidate_filter_fields_mark_candidate AFTER UPDATE OF
               age, gender, councillor, county_councillor, mp, official_language ON candidate
           BEGIN
               UPDATE candidate SET changed_version =
                   (SELECT e.data_version + 1 FROM election e WHERE e.id = candidate.election_id)
               WHERE id = NEW.id;
               UPDATE election SET data_version = data_version + 1 WHERE id = NEW.election_id;
           END"""
    )


@migrations()
def m160_login_attempts(db: sqlite_utils.Database) -> None:
    # Log-in attempts per account, in the database so that the limit holds across workers and nodes. The
    # account is a SHA-256 of the typed e-mail (unknown addresses are counted alike, so a refusal reveals
    # nothing); rows older than a minute are deleted as new ones arrive.
    db.execute("CREATE TABLE login_attempt (account TEXT NOT NULL, at REAL NOT NULL)")
    db.execute("CREATE INDEX login_attempt_account ON login_attempt (account, at)")


# What a snapshot holds of a candidate (snapshot.LISTED_COLUMNS) and what candidate pages show: changes to
# these advance the election's data_version (m006) and mark the candidate for snapshot patching (m005).
_LISTED_170 = (
    "election_id, constituency_id, party_id, number, first_name, last_name, languages, elected, "
    "substitute, withdrawn"
)
_SHOWN_170 = (
    _LISTED_170 + ", intro_fi, intro_sv, web_url, age, profession, home_municipality_fi, "
    "home_municipality_sv, mep, mp, councillor, county_councillor"
)


@migrations()
def m170_official_candidate_fields(db: sqlite_utils.Database) -> None:
    """The Ministry of Justice's candidate list and results: what they say of each candidate.

    `withdrawn` marks a candidate who is no longer on the official list: voters no longer see them, and
    nothing they answered is deleted (a corrected list or the administrator may restore them).
    `official_language` is the list's language column; `languages` stays the candidate's own choice.
    `party.official_id` is the ministry's permanent party id, so lists map onto parties without names.
    """
    for column, kind in (
        ("profession", "TEXT"),
        ("home_municipality_code", "TEXT"),
        ("home_municipality_fi", "TEXT"),
        ("home_municipality_sv", "TEXT"),
        ("official_language", "TEXT"),
        ("mep", "INTEGER"),
        ("mp", "INTEGER"),
        ("councillor", "INTEGER"),
        ("county_councillor", "INTEGER"),
        ("substitute", "INTEGER"),
        ("withdrawn", "INTEGER NOT NULL DEFAULT 0"),
    ):
        db.execute(f"ALTER TABLE candidate ADD COLUMN {column} {kind}")
    db.execute("ALTER TABLE party ADD COLUMN official_id TEXT")
    mark = """UPDATE candidate SET changed_version =
                  (SELECT e.data_version + 1 FROM election e WHERE e.id = candidate.election_id)
              WHERE id = NEW.id"""
    db.execute("DROP TRIGGER candidate_update_marks_candidate")
    db.execute(
        f"""CREATE TRIGGER candidate_update_marks_candidate AFTER UPDATE OF {_LISTED_170} ON candidate
            BEGIN {mark}; END"""
    )
    db.execute("DROP TRIGGER candidate_update_bumps_election")
    db.execute(
        f"""CREATE TRIGGER candidate_update_bumps_election AFTER UPDATE OF {_SHOWN_170} ON candidate
            BEGIN
                UPDATE election SET data_version = data_version + 1 WHERE id = NEW.election_id;
                UPDATE election SET data_version = data_version + 1
                    WHERE id = OLD.election_id AND OLD.election_id IS NOT NEW.election_id;
            END"""
    )


@migrations()
def m175_outbox(db: sqlite_utils.Database) -> None:
    """The durable outbox of e-mail (see vaalikone/domain/outbox.py) and each election's reminder schedule.

    A message is a row before it is a delivery: it is written in the same transaction as the change it
    reports (an invitation, a first save), so a crash can lose neither. `dedupe_key` makes a message
    that must go once (a first-save confirmation, one reminder per schedule day) impossible to queue
    twice. `message_id` is fixed at queue time, so a message sent again carries the same Message-ID.
    """
    _run(
        db,
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            election_id TEXT REFERENCES election(id) ON DELETE CASCADE,   -- NULL: not about an election
            user_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
            kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'confirmation')),
            dedupe_key TEXT UNIQUE,
            recipient TEXT NOT NULL, language TEXT NOT NULL,
            subject TEXT NOT NULL, body TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain')),
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            due_at TEXT NOT NULL,      -- not before: a transient failure is retried later
            claimed_at TEXT,           -- the last hand-over to SMTP began (also the rate limit's clock)
            sent_at TEXT,
            error TEXT                 -- the SMTP server's reason, for the administrator
        );
        CREATE INDEX outbox_due ON outbox(status, due_at);
        CREATE INDEX outbox_claimed ON outbox(claimed_at);
        CREATE INDEX outbox_election ON outbox(election_id, status);
        -- JSON list of whole days before the answer deadline when reminders go, e.g. [7, 1].
        ALTER TABLE election ADD COLUMN reminder_days TEXT NOT NULL DEFAULT '[]';
        """,
    )


@migrations()
def m200_robustness_reports(db: sqlite_utils.Database) -> None:
    """Each election's robustness report (vaalikone/reports/robustness.py), kept for the data_version it
    was computed from. At national scale it takes about 10 s to compute; kept here, it is computed once
    (when the election is published) instead of once per worker and node, and read-only nodes get it
    through replication. Derived from public data only; no trigger: it is not something voters' pages
    are rebuilt from."""
    _run(
        db,
        """
        CREATE TABLE robustness_report (
            election_id TEXT PRIMARY KEY REFERENCES election(id) ON DELETE CASCADE,
            data_version INTEGER NOT NULL,
            report TEXT NOT NULL,          -- JSON, as `flask robustness` prints it
            computed_at TEXT NOT NULL
        )
        """,
    )


# Later migration sets (one per area) are applied after the core set, in this order.
EXTRA_SETS: list[Migrations] = []


def apply_migrations(db: sqlite_utils.Database) -> None:
    """Apply every pending migration; already-applied ones are skipped, so this is idempotent."""
    migrations.apply(db)
    for extra in EXTRA_SETS:
        extra.apply(db)
