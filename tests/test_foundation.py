"""The foundation: configuration layers, migrations, reference data, demo data, start-up checks."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import TEST_CONFIG
from vaalikone import create_app
from vaalikone.db import connect
from vaalikone.db.migrations import apply_migrations
from vaalikone.domain.statements import QuestionBankError

QUESTIONS = Path(__file__).resolve().parent.parent / "questions"


def dump(path: Path) -> list[str]:
    """Every row of every table, as text: two databases with equal dumps have equal contents."""
    conn = sqlite3.connect(path)
    skip = ("_sqlite_migrations",)
    try:
        return [line for line in conn.iterdump() if not any(f'"{name}"' in line for name in skip)]
    finally:
        conn.close()


def test_environment_overrides_instance_config_and_defaults(tmp_path, monkeypatch):
    """VAALIKONE_DATABASE points the app anywhere; other VAALIKONE_* values are parsed as JSON."""
    target = tmp_path / "elsewhere.db"
    monkeypatch.setenv("VAALIKONE_DATABASE", str(target))
    monkeypatch.setenv("VAALIKONE_RESULTS_PAGE_SIZE", "50")
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert app.config["DATABASE"] == str(target)
    assert app.config["RESULTS_PAGE_SIZE"] == 50
    assert target.exists()


def test_migrations_run_twice_change_nothing(app):
    path = Path(app.config["DATABASE"])
    before = dump(path)
    db = connect(path)
    apply_migrations(db)
    apply_migrations(db)
    db.conn.close()
    assert dump(path) == before
    create_app({**TEST_CONFIG, "DATABASE": str(path)})
    assert dump(path) == before


def test_reference_data_is_loaded(db):
    assert db["county"].count == 21
    helsinki = db["municipality"].get("091")
    assert helsinki["name_sv"] == "Helsingfors"
    assert helsinki["county_id"] is None, "Helsinki has no county election"
    assert db["municipality"].get("179")["county_id"] == "keski-suomi"  # Jyväskylä
    assert db["question"].count >= 24
    assert {row["id"] for row in db["organisation"].rows} >= {"soste", "jarjestokaista", "kyt"}


def test_numbers_are_stored_as_numbers_not_blobs(demo_db_file):
    """sqlite-utils stores numpy scalars as BLOBs; the demo converts at the boundary."""
    conn = sqlite3.connect(demo_db_file)
    kinds = {row[0] for row in conn.execute("SELECT DISTINCT typeof(value) FROM answer")}
    assert kinds <= {"integer", "null"}
    kinds = {
        row[0] for row in conn.execute("SELECT DISTINCT typeof(weight) FROM organisation_goal")
    }
    assert kinds == {"real"}
    kinds = {row[0] for row in conn.execute("SELECT DISTINCT typeof(number) FROM candidate")}
    assert kinds == {"integer"}
    conn.close()


def test_demo_twice_gives_the_same_database(make_app, tmp_path):
    app = make_app()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    once = dump(Path(app.config["DATABASE"]))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert dump(Path(app.config["DATABASE"])) == once


def test_demo_covers_both_elections_and_all_mainland_municipalities(demo_db_file):
    db = connect(demo_db_file)
    elections = {row["id"]: row for row in db["election"].rows}
    assert set(elections) == {"kunta-2025", "alue-2025"}
    assert all(e["demo"] == 1 and e["published_at"] for e in elections.values())
    mainland = db.execute("SELECT count(*) FROM municipality WHERE aland = 0").fetchone()[0]
    kunta = db.execute(
        "SELECT count(*) FROM constituency WHERE election_id = 'kunta-2025'"
    ).fetchone()[0]
    assert kunta == mainland
    assert (
        db.execute("SELECT count(*) FROM constituency WHERE election_id = 'alue-2025'").fetchone()[
            0
        ]
        == 21
    )
    candidates = db["candidate"].count
    assert 2000 <= candidates <= 10000, candidates
    missing = db.execute("SELECT avg(value IS NULL) FROM answer").fetchone()[0]
    assert 0.02 < missing < 0.2
    justified = db.execute(
        "SELECT count(*) FROM answer WHERE justification_fi IS NOT NULL OR justification_sv IS NOT NULL"
    ).fetchone()[0]
    assert justified > 1000
    db.conn.close()


def test_home_page_is_finnish_and_names_the_demo_election(demo_client):
    html = demo_client.get("/").get_data(as_text=True)
    assert '<html lang="fi">' in html
    assert "Kuntavaalit 2025" in html
    assert "Esittelyaineisto" in html


def test_missing_question_directory_stops_start_up(tmp_path):
    with pytest.raises(QuestionBankError) as info:
        create_app(
            {
                **TEST_CONFIG,
                "DATABASE": str(tmp_path / "x.db"),
                "QUESTIONS_DIR": str(tmp_path / "nope"),
            }
        )
    assert "nope" in str(info.value)


def test_malformed_question_file_stops_start_up_naming_file_and_field(tmp_path):
    bank = tmp_path / "questions"
    shutil.copytree(QUESTIONS, bank)
    victim = sorted(p for p in bank.glob("*.toml") if p.name != "organisations.toml")[0]
    text = victim.read_text(encoding="utf-8")
    # Drop the Swedish text of the first statement.
    start = text.index("[[statement]]")
    head, body = text[:start], text[start:]
    import re

    body = re.sub(r'sv = "[^"]*",\s*', "", body, count=1)
    victim.write_text(head + body, encoding="utf-8")
    with pytest.raises(QuestionBankError) as info:
        create_app({**TEST_CONFIG, "DATABASE": str(tmp_path / "x.db"), "QUESTIONS_DIR": str(bank)})
    message = str(info.value)
    assert victim.name in message and "sv" in message
