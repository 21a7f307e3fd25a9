"""The voter's pages and the API serve any election, not only the question bank's: a parliamentary
election chosen by electoral district, 47 statements on a four-point scale without a middle (as Yle's 2023
data), Finnish-only texts, candidates without ballot numbers. Built by hand here, as an importer would."""

from __future__ import annotations

import json
import random
import re

import pytest

from tests.helpers import assert_accessible, cell_text
from tests.test_voter import carried, first_row, ranked_ids, scorer_order, text_of
from vaalikone.db import connect

ELECTION = "eduskunta-test"
SCALE = [1, 2, 4, 5]
STATEMENTS = 47
DISTRICTS = ("keski-suomi", "helsinki", "ahvenanmaa")
SOURCE = "Lähde: testiaineisto (eduskuntavaalit)"


def add_parliamentary_election(db, seed: int = 7) -> dict[str, list[int]]:
    """A published parliamentary election in three districts; returns candidate ids per constituency."""
    rng = random.Random(seed)
    parties = [p for (p,) in db.execute("SELECT id FROM party ORDER BY id LIMIT 4")]
    with db.atomic():
        db["election"].insert(
            {
                "id": ELECTION,
                "kind": "eduskunta",
                "date": "2023-04-02",
                "name_fi": "Eduskuntavaalit 2023 (testi)",
                "name_sv": "Riksdagsvalet 2023 (test)",
                "name_en": "Parliamentary elections 2023 (test)",
                "demo": 0,
                "source": SOURCE,
                "published_at": "2023-03-20T12:00:00+02:00",
            }
        )
        db["theme"].insert(
            {
                "id": "edk-test",
                "name_fi": "Eduskuntavaalit",
                "name_sv": "Riksdagsvalet",
                "name_en": "Parliament",
                "position": 99,
            }
        )
        for i in range(1, STATEMENTS + 1):
            db["question"].insert(
                {
                    "id": f"edk-q{i}",
                    "theme_id": "edk-test",
                    "kinds": None,
                    "scale": json.dumps(SCALE),
                    # Imported statements often exist in Finnish only.
                    "text_fi": f"Testiväite numero {i} eduskuntavaaleista.",
                    "position": 1000 + i,
                }
            )
            db["election_question"].insert(
                {"election_id": ELECTION, "question_id": f"edk-q{i}", "position": i}
            )
        ids: dict[str, list[int]] = {}
        next_id = 900_000
        for district in DISTRICTS:
            constituency = f"{ELECTION}:{district}"
            name = db.execute(
                "SELECT name_fi, name_sv FROM district WHERE id = ?", [district]
            ).fetchone()
            db["constituency"].insert(
                {
                    "id": constituency,
                    "election_id": ELECTION,
                    "district_id": district,
                    "name_fi": name[0],
                    "name_sv": name[1],
                }
            )
            for n in range(12):
                next_id += 1
                party = parties[n % len(parties)] if n != 11 else None
                db["candidate"].insert(
                    {
                        "id": next_id,
                        "election_id": ELECTION,
                        "constituency_id": constituency,
                        "party_id": party,
                        # Anonymised data: no ballot numbers and placeholder names.
                        "number": None if n % 3 == 0 else n + 2,
                        "first_name": "Ehdokas",
                        "last_name": str(next_id - 900_000),
                        "languages": json.dumps(["fi", "sv"] if n % 4 == 0 else ["fi"]),
                    }
                )
                ids.setdefault(constituency, []).append(next_id)
                for i in range(1, STATEMENTS + 1):
                    value = None if rng.random() < 0.08 else rng.choice(SCALE)
                    db["answer"].insert(
                        {
                            "candidate_id": next_id,
                            "question_id": f"edk-q{i}",
                            "value": value,
                            "justification_fi": "Perustelu suomeksi." if i == 1 and value else None,
                        }
                    )
    return ids


@pytest.fixture
def parliament(demo_app):
    """The demo elections plus the parliamentary one."""
    db = connect(demo_app.config["DATABASE"])
    ids = add_parliamentary_election(db)
    db.conn.close()
    return ids


def quiz_data(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'type="radio" name="a-([^"]+)"', html)))


def test_the_start_page_offers_the_parliamentary_election_by_district(demo_client, parliament):
    html = demo_client.get("/").get_data(as_text=True)
    form = html.split('id="districts-h"', 1)[1]
    options = re.findall(r'<option value="([^"]+)">([^<]+)<', form)
    assert [o[0] for o in options] == [
        f"{ELECTION}:helsinki",
        f"{ELECTION}:ahvenanmaa",
        f"{ELECTION}:keski-suomi",
    ], "districts in their official order"
    assert "Eduskuntavaalit 2023 (testi): vaalipiiri" in text_of(form)


def test_a_municipality_lists_its_parliamentary_election_apart_from_this_years_elections(
    demo_client, parliament
):
    html = demo_client.get("/vaalit?kunta=179").get_data(as_text=True)
    assert "Kuntavaalit 2025" in html and "Aluevaalit 2025" in html
    other = html.split("Muut vaalit", 1)[1]
    assert "Eduskuntavaalit 2023 (testi)" in other
    assert f"/vaalit?piiri={ELECTION}:keski-suomi" in other, (
        "a lone election is linked by its district"
    )
    round_2023 = demo_client.get("/vaalit?kunta=179&paiva=2023-04-02").get_data(as_text=True)
    assert "Keski-Suomen vaalipiiri" in round_2023 and "Kyselyssä on 47 väitettä" in round_2023
    assert "Kuntavaalit 2025" in round_2023.split("Muut vaalit", 1)[1]


def test_aland_votes_in_the_parliamentary_election_but_not_in_municipal_or_county_ones(
    demo_client, parliament
):
    html = demo_client.get("/vaalit?kunta=478").get_data(as_text=True)
    assert "omat vaalinsa" in html
    assert "Ahvenanmaan maakunnan vaalipiiri" in html or "Ahvenanmaa" in html
    assert "Kuntavaalit 2025" not in html
    api = {
        m["code"]: m for m in demo_client.get("/api/v1/municipalities").get_json()["municipalities"]
    }
    assert api["478"]["elections"] == [ELECTION]
    assert api["179"]["elections"] == ["kunta-2025", "alue-2025", ELECTION]
    assert api["091"]["elections"] == ["kunta-2025", ELECTION]


def test_a_four_point_statement_offers_no_middle_answer_but_still_a_skip(demo_client, parliament):
    html = demo_client.get(f"/kysely?piiri={ELECTION}:helsinki&lang=sv").get_data(as_text=True)
    scale = html.split('class="likert scale-4"', 1)[1].split("</div>", 1)[0]
    assert [int(v) for v in re.findall(r'value="(\d)"', scale)] == SCALE
    assert "Varken av samma eller av annan åsikt" not in scale
    assert "Hoppa över" in html
    assert "Väite 1 / 47".replace("Väite", "Påstående") in html
    # A statement without a Swedish text is shown in Finnish, marked as Finnish for screen readers.
    assert '<span lang="fi">Testiväite numero 1 eduskuntavaaleista.</span>' in html


def test_an_answer_of_three_is_refused_on_a_four_point_scale(demo_client, parliament):
    response = demo_client.post(
        "/tulokset", data={"piiri": f"{ELECTION}:helsinki", "a-edk-q1": "3"}
    )
    assert response.status_code == 400


def test_one_page_quiz_and_results_of_the_parliamentary_election(demo_client, demo_app, parliament):
    constituency = f"{ELECTION}:keski-suomi"
    html = demo_client.get(f"/kysely/kaikki?piiri={constituency}").get_data(as_text=True)
    ids = quiz_data(html)
    assert ids == [f"edk-q{i}" for i in range(1, STATEMENTS + 1)]
    answers = {qid: SCALE[i % 4] for i, qid in enumerate(ids) if i % 5}
    results = demo_client.post(
        "/tulokset", data={"piiri": constituency, **{f"a-{k}": str(v) for k, v in answers.items()}}
    ).get_data(as_text=True)
    expected, _ = scorer_order(demo_app, ELECTION, constituency, answers)
    assert ranked_ids(results, ELECTION) == expected[:12]
    assert SOURCE in results, "imported data names its source"
    assert carried(results, "answers-form") == {k: str(v) for k, v in answers.items()}


def test_a_candidate_without_a_number_copied_answers_match_fully(demo_client, demo_app, parliament):
    constituency = f"{ELECTION}:helsinki"
    cid = parliament[constituency][0]  # n == 0: no ballot number
    db = connect(demo_app.config["DATABASE"])
    own = {
        q: v
        for q, v in db.execute(
            "SELECT question_id, value FROM answer WHERE candidate_id = ? AND value IS NOT NULL",
            [cid],
        )
    }
    db.conn.close()
    html = demo_client.post(
        "/tulokset", data={"piiri": constituency, **{f"a-{k}": str(v) for k, v in own.items()}}
    ).get_data(as_text=True)
    first = first_row(html, ELECTION)
    assert f"/ehdokkaat/{cid}" in first and "100\xa0%" in first and "nro" not in first
    page = demo_client.post(
        f"/ehdokkaat/{cid}",
        data={"piiri": constituency, **{f"a-{k}": str(v) for k, v in own.items()}},
    )
    text = text_of(page.get_data(as_text=True))
    assert "Vastaavuus kanssasi: 100\xa0%" in text and "ehdokasnumero" not in text
    assert "Vastasitte kaikkiin näihin väitteisiin samoin." in text


def test_the_api_serves_the_parliamentary_election(demo_client, demo_app, parliament):
    questions = demo_client.get(f"/api/v1/questions?election={ELECTION}").get_json()["questions"]
    assert len(questions) == STATEMENTS and questions[0]["elections"] == ["eduskunta"]
    everything = {q["id"] for q in demo_client.get("/api/v1/questions").get_json()["questions"]}
    assert "edk-q47" in everything
    answers = {"edk-q1": 5, "edk-q2": 1, "edk-q3": 4}
    body = demo_client.post(
        "/api/v1/match", json={"municipality": "179", "answers": answers, "limit": 100}
    ).get_json()
    section = next(e for e in body["elections"] if e["id"] == ELECTION)
    assert section["kind"] == "eduskunta" and section["constituency"] == f"{ELECTION}:keski-suomi"
    expected, _ = scorer_order(demo_app, ELECTION, f"{ELECTION}:keski-suomi", answers)
    assert [c["id"] for c in section["candidates"]] == expected
    assert any(c["number"] is None for c in section["candidates"])
    bad = demo_client.post("/api/v1/match", json={"municipality": "179", "answers": {"edk-q1": 3}})
    assert bad.status_code == 400 and "1, 2, 4, 5" in bad.get_json()["error"]


@pytest.mark.browser
def test_the_long_parliamentary_quiz_in_one_page_mode_in_chromium(live_server, page):
    db = connect(live_server.app.config["DATABASE"])
    ids = add_parliamentary_election(db)
    db.conn.close()
    page.goto(f"{live_server.url}/?lang=en")
    page.select_option(f"#piiri-{ELECTION}", f"{ELECTION}:keski-suomi")
    page.locator(".district-form button").click()
    page.click("text=All statements on one page")
    assert_accessible(page, "voter-eduskunta-one-page-en")
    blocks = page.locator("fieldset.statement")
    assert blocks.count() == STATEMENTS
    target = ids[f"{ELECTION}:keski-suomi"][5]
    own = live_server.app.test_client().get(f"/api/v1/candidates/{target}").get_json()["answers"]
    for i in range(STATEMENTS):
        value = own[f"edk-q{i + 1}"]
        if value is not None:
            blocks.nth(i).locator(f"input[value='{value}']").check()
    page.click("form.quiz > .actions button")
    first = page.locator(f"#s-{ELECTION} table.candidates tbody tr").first
    assert cell_text(first.locator("td.match")).split("\n")[0] == "100%"
    assert f"/ehdokkaat/{target}" in first.locator("a.name").get_attribute("href")
    assert_accessible(page, "voter-eduskunta-results-en")
