"""Fresh by construction: whatever changes what voters see, through whichever page or command, the next
results page shows it. No writer bumps the data version by hand: the database's triggers do."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.builders import login, make_candidate, make_election, make_user
from tests.test_voter import ranked_ids, text_of
from vaalikone.extensions import matching_store
from vaalikone.matching.snapshot import get_snapshot

ROOT = Path(__file__).resolve().parent.parent
VOTER = {"kunta": "179", "a-free-premises": "5"}


def results(app) -> str:
    response = app.test_client().post("/tulokset", data=VOTER)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def row_of(html: str, candidate_id: int) -> str:
    """The words of the candidate's row in the results table."""
    rows = re.findall(r"<tr\b.*?</tr>", html, re.S)
    return text_of(next(r for r in rows if f"/ehdokkaat/{candidate_id}" in r))


def test_a_candidates_save_shows_on_the_next_results_page(app, db):
    make_election(db, published=True)
    candidate = make_candidate(db)
    db.conn.commit()
    # Silent: the lowest match, with the range the blank leaves open beside it.
    assert row_of(results(app), candidate).startswith(" 1. 0\xa0% (0\xa0%–100\xa0%)")
    client = app.test_client()
    login(client, "ehdokas2@example.fi")
    assert client.post("/ehdokas/", data={"a-free-premises": "5"}).status_code == 302
    assert row_of(results(app), candidate).startswith(" 1. 100\xa0% Testi")


def test_imported_candidates_show_on_the_next_results_page(app, db, runner, tmp_path):
    make_election(db, published=True)
    first = make_candidate(db)
    db.conn.commit()
    assert ranked_ids(results(app), "kunta-2029") == [first]
    csv = tmp_path / "candidates.csv"
    csv.write_text(
        "election,municipality,party,number,first_name,last_name,email,languages\n"
        "kunta-2029,179,kesk,3,Uusi,Tulokas,uusi@example.fi,fi\n"
    )
    result = runner.invoke(args=["import-candidates", "kunta-2029", str(csv)])
    assert result.exit_code == 0, result.output
    page = results(app)
    assert len(ranked_ids(page, "kunta-2029")) == 2 and "Uusi Tulokas" in text_of(page)


def test_who_was_elected_reaches_the_snapshot_voters_are_served(app, db, runner, tmp_path):
    make_election(db, published=True)
    candidate = make_candidate(db)
    db.conn.commit()
    results(app)  # the app builds and keeps the snapshot
    store = matching_store(app)
    flags = tmp_path / "elected.csv"
    flags.write_text(f"candidate_id,elected\n{candidate},1\n")
    assert runner.invoke(args=["set-elected", "kunta-2029", str(flags)]).exit_code == 0
    results(app)
    snapshot = get_snapshot(db, "kunta-2029", store=store)
    assert snapshot.people[0]["elected"] == 1


def test_a_changed_statement_text_shows_on_the_next_page(app, db, make_app, tmp_path):
    make_election(db, published=True)
    candidate = make_candidate(db)
    db.conn.commit()
    old = "Kunnan on tarjottava paikallisille yhdistyksille maksuttomia toimitiloja."
    quiz = app.test_client().get("/kysely/kaikki?kunta=179").get_data(as_text=True)
    assert old in quiz
    bank = tmp_path / "questions"
    shutil.copytree(ROOT / "questions", bank)
    theme = bank / "03_tilat.toml"
    theme.write_text(theme.read_text().replace(old, "Järjestöt saavat tilat ilmaiseksi."))
    make_app(
        QUESTIONS_DIR=str(bank)
    )  # a new version starts on the same database and syncs the bank
    quiz = app.test_client().get("/kysely/kaikki?kunta=179").get_data(as_text=True)
    assert "Järjestöt saavat tilat ilmaiseksi." in quiz
    page = app.test_client().get(f"/ehdokkaat/{candidate}").get_data(as_text=True)
    assert "Järjestöt saavat tilat ilmaiseksi." in page


def test_withdrawing_publication_takes_the_election_off_the_next_results_page(app, db):
    make_election(db, published=True)
    make_candidate(db)
    make_user(db, "admin@example.fi", "admin")
    db.conn.commit()
    assert 'id="s-kunta-2029"' in results(app)
    admin = app.test_client()
    login(admin, "admin@example.fi")
    assert admin.post("/yllapito/vaalit/kunta-2029/julkaisu").status_code == 302
    page = app.test_client().post("/tulokset", data=VOTER).get_data(as_text=True)
    assert 'id="s-kunta-2029"' not in page
