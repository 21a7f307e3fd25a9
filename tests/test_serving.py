"""What each worker keeps between requests to serve voters fast, and what it must never get wrong: a
renamed candidate, a new constituency, a publication, a transaction left open, a snapshot being rebuilt."""

from __future__ import annotations

import random
import sqlite3
import time

import numpy as np
import pytest

from tests.builders import make_candidate, make_election
from vaalikone.db import connect
from vaalikone.matching import snapshot
from vaalikone.matching.store import MatchingStore
from vaalikone.web.database import get_db


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
    store = MatchingStore()
    db = connect(app.config["DATABASE"])
    make_election(db, published=True)
    changing = make_candidate(db)
    make_candidate(db, municipality="091", number=9)
    first = snapshot.get_snapshot(db, "kunta-2029", store=store)
    helsinki = first.constituency("kunta-2029:091")
    jyvaskyla = first.constituency("kunta-2029:179")
    db.execute(
        "INSERT INTO answer (candidate_id, question_id, value) VALUES (?, 'free-premises', 4)",
        [changing],
    )
    db.conn.commit()
    # Younger than max_staleness: served as it is.
    assert snapshot.get_snapshot(db, "kunta-2029", max_staleness=5, store=store) is first
    first.built_at = time.monotonic() - 60
    # Older: still served at once, while the next one is built in a thread of its own.
    assert snapshot.get_snapshot(db, "kunta-2029", max_staleness=5, store=store) is first
    store.wait_for_rebuilds()
    rebuilt = snapshot.get_snapshot(db, "kunta-2029", max_staleness=5, store=store)
    assert rebuilt is not first and rebuilt.version == first.version + 1
    row, column = (
        list(rebuilt.candidate_ids).index(changing),
        rebuilt.question_ids.index("free-premises"),
    )
    assert rebuilt.answers[row, column] == 0.75
    # The constituency whose answers changed is prepared anew; the other keeps its matrices.
    assert rebuilt.constituency("kunta-2029:179").matrix is not jyvaskyla.matrix
    kept = rebuilt.constituency("kunta-2029:091")
    assert kept.matrix is helsinki.matrix and kept.party_groups is helsinki.party_groups
    assert rebuilt.constituency("kunta-2029:179").party_groups is not jyvaskyla.party_groups
    # A change of publication is never served late.
    db.execute("UPDATE election SET published_at = NULL")
    db.conn.commit()
    with pytest.raises(LookupError):
        snapshot.get_snapshot(db, "kunta-2029", max_staleness=5, store=store)
    db.conn.close()


def same_snapshot(a: snapshot.ElectionSnapshot, b: snapshot.ElectionSnapshot) -> bool:
    """Two snapshots hold the same candidates, answers and prepared constituencies."""
    if not (
        a.version == b.version
        and a.people == b.people
        and a.parties == b.parties
        and np.array_equal(a.candidate_ids, b.candidate_ids)
        and np.array_equal(a.answers, b.answers, equal_nan=True)
    ):
        return False
    for cid in a.constituency_ids:
        x, y = a.constituency(cid), b.constituency(cid)
        if not (
            np.array_equal(x.candidate_ids, y.candidate_ids)
            and np.array_equal(x.matrix.answers, y.matrix.answers, equal_nan=True)
            and np.array_equal(x.party_profiles, y.party_profiles, equal_nan=True)
        ):
            return False
    return True


def test_a_rebuild_reads_again_only_the_candidates_who_changed_and_matches_a_full_build(db):
    # At the deadline thousands of candidates are listed and a few dozen save between two rebuilds.
    make_election(db, published=True)
    candidates = [
        make_candidate(db, municipality=place, number=n, party_id=party)
        for n, (place, party) in enumerate(
            [
                ("179", "kok"),
                ("179", "sdp"),
                ("179", None),
                ("091", "kok"),
                ("091", "vihr"),
                ("837", "sdp"),
                ("837", "sdp"),
                ("837", "kesk"),
            ],
            start=2,
        )
    ]
    db.conn.commit()
    current = snapshot.build_snapshot(db, "kunta-2029")
    questions = current.question_ids
    rng = random.Random(2029)
    for step in range(40):
        for _ in range(rng.randint(1, 3)):
            who, what = rng.choice(candidates), rng.choice(questions)
            change = rng.choice(["answer", "answer", "unanswer", "delete", "rename", "elected"])
            if change == "answer":
                db.execute(
                    """INSERT INTO answer (candidate_id, question_id, value) VALUES (?, ?, ?)
                       ON CONFLICT DO UPDATE SET value = excluded.value""",
                    [who, what, rng.randint(1, 5)],
                )
            elif change == "unanswer":
                db.execute(
                    "UPDATE answer SET value = NULL WHERE candidate_id = ? AND question_id = ?",
                    [who, what],
                )
            elif change == "delete":
                db.execute("DELETE FROM answer WHERE candidate_id = ?", [who])
            elif change == "rename":
                db.execute(
                    "UPDATE candidate SET first_name = ?, languages = ? WHERE id = ?",
                    [f"Nimi{step}", rng.choice(['["fi"]', '["sv", "fi"]']), who],
                )
            else:
                db.execute("UPDATE candidate SET elected = ? WHERE id = ?", [step % 2, who])
        db.conn.commit()
        for cid in current.constituency_ids:
            current.constituency(cid)  # prepared by voters before the change
        changed = changed_since(db, current)
        untouched = {
            cid: current.constituency(cid)
            for cid in current.constituency_ids
            if not any(p["constituency_id"] == cid and p["id"] in changed for p in current.people)
        }
        updated = snapshot.update_snapshot(db, current)
        assert updated is not None, f"step {step}: only answers and names changed"
        assert same_snapshot(updated, snapshot.build_snapshot(db, "kunta-2029")), f"step {step}"
        for cid, view in untouched.items():
            assert updated.constituency(cid) is view  # nobody there changed: nothing prepared anew
        current = updated


def changed_since(db, snap: snapshot.ElectionSnapshot) -> set[int]:
    return {
        row[0]
        for row in db.execute("SELECT id FROM candidate WHERE changed_version > ?", [snap.version])
    }


@pytest.mark.parametrize(
    "change",
    [
        "INSERT INTO candidate (election_id, constituency_id, party_id, number, first_name, last_name)"
        " VALUES ('kunta-2029', 'kunta-2029:179', 'sdp', 40, 'Uusi', 'Ehdokas')",
        "DELETE FROM candidate WHERE number = 3",
        "UPDATE candidate SET party_id = 'vihr' WHERE number = 3",
        "UPDATE candidate SET number = 30 WHERE number = 3",
        "UPDATE candidate SET constituency_id = 'kunta-2029:091' WHERE number = 3",
        "UPDATE question SET scale = '[1,2,4,5]' WHERE id = 'free-premises'",
        "UPDATE election SET published_at = NULL",
    ],
    ids=["added", "removed", "new party", "new number", "moved", "new scale", "unpublished"],
)
def test_a_rebuild_starts_from_scratch_when_the_candidate_list_or_statements_change(db, change):
    make_election(db, published=True)
    make_candidate(db, number=2)
    make_candidate(db, number=3)
    make_candidate(db, municipality="091", number=4)
    db.conn.commit()
    before = snapshot.build_snapshot(db, "kunta-2029")
    db.execute(change)
    db.conn.commit()
    assert snapshot.update_snapshot(db, before) is None
    # The full build that takes its place sees the change.
    after = snapshot.build_snapshot(db, "kunta-2029", previous=before)
    assert same_snapshot(after, snapshot.build_snapshot(db, "kunta-2029"))


def test_a_ranking_makes_each_row_once_and_only_when_asked_for():
    """Results pages show 20 rows of long lists: voting.Ranking builds a row when first read, and the
    same dict after that, so a page's own keys on a row stay there."""
    from vaalikone.matching.voting import Ranking

    people = [
        {"id": i, "party_id": "p" if i % 2 else None, "first_name": f"N{i}"} for i in range(5)
    ]
    ranking = Ranking(
        people, {"p": {"id": "p"}}, rows=[3, 0, 4, 1, 2], matches=[90.0, 80.0, 70.0, 60.0, 50.0]
    )
    assert len(ranking) == 5 and ranking._made == {}
    page = ranking[1:3]
    assert [(r["id"], r["rank"], r["match"]) for r in page] == [(0, 2, 80.0), (4, 3, 70.0)]
    assert sorted(ranking._made) == [1, 2]  # nothing else was built
    page[0]["shown"] = True
    assert ranking[1]["shown"] and ranking[-4] is page[0]
    assert ranking[0]["party"] == {"id": "p"} and ranking[1]["party"] is None
    assert [r["id"] for r in ranking] == [3, 0, 4, 1, 2]
    with pytest.raises(IndexError):
        ranking[5]
