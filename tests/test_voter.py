"""The voter's pages through the test client: elections by municipality, quiz, results, privacy."""

from __future__ import annotations

import re


def test_a_jyvaskyla_voter_gets_both_elections(demo_client):
    html = demo_client.get("/vaalit?kunta=179").get_data(as_text=True)
    assert "Kuntavaalit 2025" in html and "Aluevaalit 2025" in html


def test_a_helsinki_voter_gets_only_the_municipal_election_and_why(demo_client):
    html = demo_client.get("/vaalit?kunta=091").get_data(as_text=True)
    assert "Kuntavaalit 2025" in html and "Aluevaalit 2025" not in html
    assert "järjestää itse sosiaali- ja terveyspalvelunsa" in html


def test_an_aland_voter_is_told_there_is_no_election(demo_client):
    html = demo_client.get("/vaalit?kunta=478").get_data(as_text=True)
    assert "Ahvenanmaalla" in html
    assert "Aloita" not in html


def test_helsinki_voters_are_not_asked_county_only_statements(demo_client, demo_app):
    html = demo_client.get("/kysely/kaikki?kunta=091").get_data(as_text=True)
    asked = set(re.findall(r'name="a-([a-z0-9-]+)"', html))
    bank = demo_app.extensions["vaalikone.bank"]
    county_only = {s.id for s in bank.statements if s.elections == ("alue",)}
    municipal = {s.id for s in bank.statements if "kunta" in s.elections}
    assert asked == municipal
    assert not asked & county_only


def test_quiz_keeps_answers_going_back_and_forth(demo_client):
    first = demo_client.post(
        "/kysely", data={"kunta": "179", "step": "0", "a-council-hearing": "4", "move": "next"}
    )
    html = first.get_data(as_text=True)
    assert "Väite 2 / " in html
    assert 'name="a-council-hearing" value="4"' in html  # carried as a hidden field
    back = demo_client.post(
        "/kysely",
        data={
            "kunta": "179",
            "step": "1",
            "a-council-hearing": "4",
            "a-organisations-in-planning": "2",
            "move": "prev",
        },
    ).get_data(as_text=True)
    assert "Väite 1 / " in back
    assert re.search(r'name="a-council-hearing" value="4" checked', back)
    assert 'name="a-organisations-in-planning" value="2"' in back


def test_middle_answer_and_skip_are_different_choices(demo_client):
    html = demo_client.get("/kysely?kunta=179").get_data(as_text=True)
    assert "Ei samaa eikä eri mieltä" in html
    assert "Ohita – en vastaa tähän" in html
    assert re.search(r'name="a-council-hearing" value="3"', html)
    assert re.search(r'name="a-council-hearing" value=""', html)


def test_results_rank_a_perfect_match_first(demo_client, demo_app):
    api = demo_client.get("/api/v1/candidates/1").get_json()
    answers = {f"a-{qid}": str(v) for qid, v in api["answers"].items() if v is not None}
    html = demo_client.post("/tulokset", data={"kunta": "005", **answers}).get_data(as_text=True)
    first_row = html.split("<tbody>", 2)[2].split("</tr>", 1)[0]
    assert api["name"].split()[0] in first_row
    assert "100\xa0%" in first_row


def test_results_paging_and_party_filter(demo_client):
    data = {"kunta": "091", "a-free-premises": "5"}
    page1 = demo_client.post("/tulokset", data=data).get_data(as_text=True)
    assert "Sivu 1 / " in page1
    page2 = demo_client.post("/tulokset", data={**data, "page-kunta-2025": "1"}).get_data(
        as_text=True
    )
    assert "Sivu 2 / " in page2
    filtered = demo_client.post("/tulokset", data={**data, "party-kunta-2025": "vihr"}).get_data(
        as_text=True
    )
    table = filtered.split('class="candidates"', 1)[1].split("</table>", 1)[0]
    assert "Vihreä liitto" in table and "Kansallinen Kokoomus" not in table


def test_numbers_are_formatted_for_the_locale(demo_client):
    data = {"kunta": "091", "a-free-premises": "5"}
    fi = demo_client.post("/tulokset", data=data).get_data(as_text=True)
    en = demo_client.post("/tulokset?lang=en", data=data).get_data(as_text=True)
    assert re.search(r"\d+\xa0%", fi)
    assert re.search(r"\d+%", en) and not re.search(r"\d+\xa0%", en)


def test_an_answer_off_the_scale_is_a_clear_400(demo_client):
    response = demo_client.post("/tulokset", data={"kunta": "179", "a-free-premises": "9"})
    assert response.status_code == 400
    assert "asteikon" in response.get_data(as_text=True)


def test_comparison_needs_two_or_three_candidates(demo_client):
    response = demo_client.post("/vertailu", data={"kunta": "179", "c": ["1"]})
    assert response.status_code == 400


def test_method_page_documents_the_formula_in_three_languages(demo_client):
    for lang, word in (("fi", "vastaavuus"), ("sv", "överensstämmelse"), ("en", "match")):
        html = demo_client.get(f"/menetelma?lang={lang}").get_data(as_text=True)
        assert "Σ w·|v − e| / Σ w" in html
        assert word in html.lower()
