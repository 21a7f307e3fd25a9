"""What each worker keeps between requests to serve voters fast, and what it must never get wrong: a
renamed candidate, a new constituency, a publication, a transaction left open, a snapshot being rebuilt."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests.builders import make_candidate, make_election
from vaalikone import snapshot
from vaalikone.db import connect, get_db


def results_page(client, municipality: str = "179") -> str:
    response = client.post("/tulokset", data={"kunta": municipality, "a-free-premises": "5"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_renamed_candidate_appears_under_the_new_name(client, db):
    make_election(db, published=True)
    cid = make_candidate(db, first_name="Aino", last_name="Virtanen")
    db["answer"].insert({"candidate_id": cid, "question_id": "free-premises", "value": 5})
    assert "Aino Virtanen" in results_page(client)
    # The rendered row cells are kept per content: a new name (or party, or number) renders anew.
    db.execute("UPDATE candidate SET first_name = 'Aina', number = 7 WHERE id = ?", [cid])
    db.execute("UPDATE election SET data_version = data_version + 1")
    db.conn.commit()
    html = results_page(client)
    assert "Aina Virtanen" in html and "Aino Virtanen" not in html
    assert "nro 7" in html


def test_a_constituency_added_later_is_found_by_its_voters(client, db):
    make_election(db, published=True)
    make_candidate(db)
    assert client.get("/vaalit?kunta=179").status_code == 200
    results_page(client)  # seen once: this worker now keeps the elections' contexts
    make_candidate(
        db, municipality="091", number=9, first_name="Helena", last_name="Helsinkiläinen"
    )
    db.execute("UPDATE election SET data_version = data_version + 1")
    db.conn.commit()
    assert "Helena Helsinkiläinen" in results_page(client, "091")


def test_unpublishing_hides_an_election_from_voters_at_once(client, db):
    make_election(db, published=True)
    make_candidate(db, first_name="Aino", last_name="Virtanen")
    assert "Aino Virtanen" in results_page(client)
    db.execute("UPDATE election SET published_at = NULL")
    db.conn.commit()
    response = client.post("/tulokset", data={"kunta": "179", "a-free-premises": "5"})
    assert "Aino Virtanen" not in response.get_data(as_text=True)


def test_a_transaction_left_open_by_a_request_is_rolled_back(app):
    # Connections stay open between requests; whatever a request leaves uncommitted must not survive
    # it, nor hold the write lock against the next writer.
    with app.test_request_context("/"):
        get_db().execute("BEGIN IMMEDIATE")
        get_db().execute("INSERT INTO meta (key, value) VALUES ('left-open', 'x')")
        assert get_db().conn.in_transaction
    other = sqlite3.connect(app.config["DATABASE"], timeout=0.5)
    other.execute("BEGIN IMMEDIATE")  # would wait and fail with "database is locked" otherwise
    assert other.execute("SELECT count(*) FROM meta WHERE key = 'left-open'").fetchone()[0] == 0
    other.rollback()
    other.close()
    with app.test_request_context("/"):
        assert not get_db().conn.in_transaction


def test_voters_keep_the_previous_snapshot_while_the_next_is_built_in_the_background(app):
    db = connect(app.config["DATABASE"])
    make_election(db, published=True)
    changing = make_candidate(db)
    make_candidate(db, municipality="091", number=9)
    first = snapshot.get_snapshot(db, "kunta-2029")
    helsinki = first.constituency("kunta-2029:091")
    jyvaskyla = first.constituency("kunta-2029:179")
    db.execute(
        "INSERT INTO answer (candidate_id, question_id, value) VALUES (?, 'free-premises', 4)",
        [changing],
    )
    snapshot.bump_version(db, "kunta-2029")
    db.conn.commit()
    # Younger than max_staleness: served as it is.
    assert snapshot.get_snapshot(db, "kunta-2029", max_staleness=5) is first
    first.built_at = time.monotonic() - 60
    # Older: still served at once, while the next one is built in a thread of its own.
    assert snapshot.get_snapshot(db, "kunta-2029", max_staleness=5) is first
    snapshot.wait_for_rebuilds()
    rebuilt = snapshot.get_snapshot(db, "kunta-2029", max_staleness=5)
    assert rebuilt is not first and rebuilt.version == first.version + 1
    row, column = (
        list(rebuilt.candidate_ids).index(changing),
        rebuilt.question_ids.index("free-premises"),
    )
    assert rebuilt.answers[row, column] == 0.75
    # The constituency whose answers changed is prepared anew; the other keeps its matrices.
    assert rebuilt.constituency("kunta-2029:179").matrix is not jyvaskyla.matrix
    assert rebuilt.constituency("kunta-2029:091").matrix is helsinki.matrix
    # A change of publication is never served late.
    db.execute("UPDATE election SET published_at = NULL")
    db.conn.commit()
    with pytest.raises(LookupError):
        snapshot.get_snapshot(db, "kunta-2029", max_staleness=5)
    db.conn.close()
