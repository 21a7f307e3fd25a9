"""What a first-time visitor trips over, without a browser: results and comparison opened by GET explain
instead of 405, candidates who answered nothing say so and come last, every candidate's answer count, the
party score explained with an example the scorer agrees with, the favicon, translated brand, Swedish
municipality labels, labelled justifications and the demo candidate's open answering period."""

from __future__ import annotations

import re
from datetime import date

import numpy as np

from tests.builders import login, make_candidate, make_election, make_user
from tests.test_voter import ranked_ids, text_of
from vaalikone.db import connect
from vaalikone.domain import demo
from vaalikone.matching import scoring


def test_results_and_comparison_opened_directly_explain_instead_of_405(demo_client):
    for path in ("/tulokset", "/vertailu"):
        response = demo_client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert 'id="restore-form"' in html and "ilman JavaScriptiä" in html


def test_a_candidate_who_answered_nothing_says_so_and_comes_last(demo_client, demo_app):
    db = connect(demo_app.config["DATABASE"])
    silent = db.execute(
        "SELECT c.id FROM candidate c JOIN constituency k ON k.id = c.constituency_id "
        "WHERE k.id = 'kunta-2025:179' ORDER BY c.number LIMIT 1"
    ).fetchone()[0]
    db.execute("UPDATE answer SET value = NULL WHERE candidate_id = ?", [silent])
    db.conn.commit()
    total = db.execute(
        "SELECT count(*) FROM election_question WHERE election_id = 'kunta-2025'"
    ).fetchone()[0]
    db.conn.close()
    data = {"kunta": "179", "a-council-hearing": "1", "a-free-premises": "1"}
    html = demo_client.post("/tulokset", data={**data, "at-kunta-2025": "999"}).get_data(
        as_text=True
    )
    section = html.split('id="s-kunta-2025"', 1)[1].split("</tbody>", 1)[0]
    rows = section.split("<tr>")[2:]  # after the heading row
    assert any(f'href="/ehdokkaat/{silent}"' in r for r in rows), "on the last page"
    said = ["ei vastannut" in r for r in rows]
    assert said[-1] and said == sorted(said), "listed after every candidate who answered"
    row = next(r for r in rows if f'href="/ehdokkaat/{silent}"' in r)
    assert "ei vastannut" in row and f"0/{total} vastattu" in row and "%" not in row
    first = demo_client.post("/tulokset", data=data).get_data(as_text=True)
    assert re.search(rf"\d+/{total} vastattu", first)
    page = text_of(demo_client.get(f"/ehdokkaat/{silent}").get_data(as_text=True))
    assert "Ehdokas ei vastannut yhteenkään väitteeseen." in page


def test_a_party_can_match_better_than_each_of_its_candidates_as_the_method_page_says(
    demo_client,
):
    """Three candidates each answer two of three statements as the voter and one the opposite way."""
    voter = np.ones(3)
    weights = np.ones(3)
    candidates = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    assert np.allclose(scoring.match(voter, weights, candidates), 100 * 2 / 3)
    party = scoring.party_match(voter, weights, candidates, np.zeros(3, dtype=int), 1)
    assert party.match[0] == 100
    method = text_of(demo_client.get("/menetelma").get_data(as_text=True))
    assert "noin 67\xa0%" in method or "noin 67 %" in method
    assert "puolueen vastaavuus on 100" in method
    results = text_of(
        demo_client.post("/tulokset", data={"kunta": "179", "a-council-hearing": "5"}).get_data(
            as_text=True
        )
    )
    assert "suurempi kuin yhdenkään sen ehdokkaan" in results


def test_the_first_screen_of_the_results_names_the_best_matches(demo_client):
    html = demo_client.post(
        "/tulokset", data={"kunta": "179", "a-council-hearing": "5", "a-free-premises": "2"}
    ).get_data(as_text=True)
    top = html.split('class="top-matches"', 1)[1].split("</section>", 1)[0]
    assert html.index('class="top-matches"') < html.index('id="answers-form"')
    for election in ("kunta-2025", "alue-2025"):
        best = ranked_ids(html, election)[:3]
        for cid in best:
            assert f'href="/ehdokkaat/{cid}"' in top


def test_small_things(demo_client):
    with demo_client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"
    sv = demo_client.get("/?lang=sv").get_data(as_text=True)
    assert '<a class="brand" href="/">Valkompass</a>' in sv
    assert ">Mariehamn – Maarianhamina<" in sv and ">Lahtis – Lahti<" in sv
    quiz = demo_client.get("/kysely?kunta=179&lang=sv").get_data(as_text=True)
    hint = re.search(r'class="skip-hint"[^>]*>([^<]+)<', quiz).group(1)
    assert "”Hoppa över”" in hint and "”Varken av samma eller annan åsikt”" in hint
    assert "<span>Hoppa över</span>" in quiz
    en = demo_client.get("/?lang=en").get_data(as_text=True)
    assert '<a class="brand" href="/">Voting advice application</a>' in en


def test_justifications_say_whose_they_are_and_in_which_language(demo_client, demo_app):
    db = connect(demo_app.config["DATABASE"])
    cid = db.execute(
        "SELECT candidate_id FROM answer WHERE justification_fi IS NOT NULL "
        "AND justification_sv IS NULL LIMIT 1"
    ).fetchone()[0]
    db.conn.close()
    fi = demo_client.get(f"/ehdokkaat/{cid}?lang=fi").get_data(as_text=True)
    assert '<p class="justification-label">Ehdokkaan perustelu</p>' in fi
    sv = demo_client.get(f"/ehdokkaat/{cid}?lang=sv").get_data(as_text=True)
    assert '<p class="justification-label">Kandidatens motivering på finska</p>' in sv


def test_the_demo_candidate_can_try_the_answer_form(demo_app):
    """The README's candidate account stands in an election still taking answers, a month from loading."""
    db = connect(demo_app.config["DATABASE"])
    deadline = db.execute(
        "SELECT e.answer_deadline FROM election e JOIN candidate c ON c.election_id = e.id "
        "JOIN user u ON u.candidate_id = c.id WHERE u.email = 'ehdokas@demo.vaalikone.invalid'"
    ).fetchone()[0]
    db.conn.close()
    assert deadline[:10] > date.today().isoformat()
    assert demo.answer_deadlines(date(2030, 1, 1))["kunta-2025"].startswith("2030-01-31")
    assert demo.answer_deadlines(date(2030, 1, 1))["alue-2025"] == "2025-03-25T16:00:00+02:00"


# Administrators


def admin_client(app, db):
    make_user(db, "admin@example.fi", "admin")
    db.conn.commit()
    client = app.test_client()
    login(client, "admin@example.fi")
    return client


def election_form(**overrides: str) -> dict[str, str]:
    return {
        "kind": "kunta",
        "date": "2029-04-08",
        "answer_deadline": "2029-03-20T16:00",
        "name_fi": "Kuntavaalit 2029",
        "name_sv": "Kommunalvalet 2029",
        "name_en": "Municipal elections 2029",
        **overrides,
    }


def test_an_answer_deadline_after_the_election_day_is_refused(app, db):
    admin = admin_client(app, db)
    response = admin.post(
        "/yllapito/vaalit", data=election_form(answer_deadline="2029-04-20T16:00")
    )
    assert response.status_code == 400
    assert "Vastausten määräajan on oltava ennen vaalipäivää." in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM election").fetchone()[0] == 0
    assert admin.post("/yllapito/vaalit", data=election_form()).status_code == 302


def test_an_election_can_be_edited_and_deleted_while_nobody_stands_in_it(app, db):
    admin = admin_client(app, db)
    admin.post("/yllapito/vaalit", data=election_form())
    assert "Muokkaa vaaleja" in admin.get("/yllapito/vaalit/kunta-2029").get_data(as_text=True)
    page = admin.get("/yllapito/vaalit/kunta-2029/muokkaa").get_data(as_text=True)
    assert 'value="Kuntavaalit 2029"' in page and 'value="2029-03-20T16:00"' in page
    late = election_form(date="2029-04-15", answer_deadline="2029-04-16T12:00")
    response = admin.post("/yllapito/vaalit/kunta-2029/muokkaa", data=late)
    assert response.status_code == 400 and "ennen vaalipäivää" in response.get_data(as_text=True)
    changed = election_form(
        date="2029-04-15", answer_deadline="2029-04-01T12:00", name_en="Renamed"
    )
    assert admin.post("/yllapito/vaalit/kunta-2029/muokkaa", data=changed).status_code == 302
    row = db.execute("SELECT date, answer_deadline, name_en FROM election").fetchone()
    # 12:00 in Helsinki summer time (UTC+3), stored as the instant in UTC.
    assert row[0] == "2029-04-15" and row[1] == "2029-04-01T09:00:00+00:00" and row[2] == "Renamed"
    other_year = election_form(date="2030-04-15", answer_deadline="2030-04-01T12:00")
    assert admin.post("/yllapito/vaalit/kunta-2029/muokkaa", data=other_year).status_code == 400
    assert admin.post("/yllapito/vaalit/kunta-2029/poista").status_code == 302
    assert db.execute("SELECT count(*) FROM election").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM election_question").fetchone()[0] == 0


def test_an_election_with_candidates_is_not_deleted(app, db):
    make_election(db)
    make_candidate(db)
    admin = admin_client(app, db)
    admin.post("/yllapito/vaalit/kunta-2029/poista")
    assert db.execute("SELECT count(*) FROM election").fetchone()[0] == 1
    page = admin.get("/yllapito/vaalit/kunta-2029/muokkaa").get_data(as_text=True)
    assert "Poista vaalit pysyvästi" not in page


def test_publishing_asks_first_with_how_many_candidates_answered(app, db):
    make_election(db)
    answered = make_candidate(db, number=1)
    db["answer"].insert({"candidate_id": answered, "question_id": "council-hearing", "value": 5})
    make_candidate(db, number=2)
    admin = admin_client(app, db)
    page = admin.post("/yllapito/vaalit/kunta-2029/julkaisu").get_data(as_text=True)
    assert "Julkaistaanko Testivaalit kunta-2029?" in page
    assert "Vastannut osaan väitteistä: 1" in page
    assert "Ei vastannut yhteenkään väitteeseen: 1" in page
    assert db.execute("SELECT published_at FROM election").fetchone()[0] is None
    admin.post("/yllapito/vaalit/kunta-2029/julkaisu", data={"confirm": "1"})
    assert db.execute("SELECT published_at FROM election").fetchone()[0] is not None


def test_the_import_page_documents_the_csv_format(app, db):
    make_election(db)
    admin = admin_client(app, db)
    page = text_of(admin.get("/yllapito/vaalit/kunta-2029").get_data(as_text=True))
    assert "091 (Helsinki)" in page and "Tyhjä sitoutumattomalle ehdokkaalle." in page
    assert "kunta-2029;091;;13;Matti;Sitoutumaton" in page
