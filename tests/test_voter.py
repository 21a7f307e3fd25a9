"""The voter's pages through the test client on the demo elections: which elections a municipality votes
in, the quiz, the results, candidate pages, the comparison, and answers that travel only in POST bodies."""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

from vaalikone.db import connect
from vaalikone.matching import scoring
from vaalikone.matching.snapshot import get_snapshot
from vaalikone.matching.voting import collation_key


def text_of(html: str) -> str:
    """The page's visible words, tags removed, whitespace squeezed."""
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def asked(html: str) -> list[str]:
    """Statement ids asked on a quiz page, in order (one per radio group)."""
    return list(dict.fromkeys(re.findall(r'type="radio" name="a-([^"]+)"', html)))


def carried(html: str, form_id: str | None = None) -> dict[str, str]:
    """Hidden answer fields (a-<id>) of the page, or of one form on it."""
    if form_id:
        html = html.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'type="hidden" name="a-([^"]+)" value="([^"]*)"', html))


def ranked_names(html: str, election_id: str) -> list[str]:
    """Candidate names in the order one election's results section lists them."""
    section = html.split(f'id="s-{election_id}"', 1)[1].split("</section>", 1)[0]
    return [
        unescape(n).strip() for n in re.findall(r'class="link-button name"[^>]*>([^<]+)<', section)
    ]


def first_row(html: str, election_id: str) -> str:
    """The first candidate row of one election's results table."""
    section = html.split(f'id="s-{election_id}"', 1)[1]
    return (
        section.split('<table class="candidates"', 1)[1].split("<tbody>", 1)[1].split("</tr>", 1)[0]
    )


def ranked_ids(html: str, election_id: str) -> list[int]:
    """Candidate ids in the order one election's results section lists them (names can repeat)."""
    section = html.split(f'id="s-{election_id}"', 1)[1].split("</section>", 1)[0]
    return [
        int(i)
        for i in re.findall(r'class="link-button name" formaction="/ehdokkaat/(\d+)"', section)
    ]


def scorer_order(
    app, election_id: str, constituency_id: str, answers: dict[str, int], weights=None
):
    """Candidate ids best first and their matches, straight from the scorer: what every page must agree with."""
    db = connect(app.config["DATABASE"])
    try:
        snapshot = get_snapshot(db, election_id)
        view = snapshot.constituency(constituency_id)
        voter, w = snapshot.voter_vectors(answers, weights or {})
        matches = scoring.match(voter, w, view.matrix)
        order = scoring.rank(matches, snapshot.numbers[view.rows])
        return [int(snapshot.candidate_ids[view.rows[i]]) for i in order], matches[order]
    finally:
        db.conn.close()


# Start: municipality -> elections


def test_a_jyvaskyla_voter_votes_in_both_the_municipal_and_the_county_election(demo_client):
    html = demo_client.get("/vaalit?kunta=179").get_data(as_text=True)
    assert "Kuntavaalit 2025" in html and "Aluevaalit 2025" in html
    assert "Keski-Suomen hyvinvointialue" in html
    assert "Helsingissä ei järjestetä" not in html


def test_a_helsinki_voter_gets_only_the_municipal_election_and_is_told_why(demo_client):
    html = demo_client.get("/vaalit?kunta=091").get_data(as_text=True)
    assert "Kuntavaalit 2025" in html and "Aluevaalit 2025" not in html
    assert "järjestää itse sosiaali- ja terveyspalvelunsa" in html
    sv = demo_client.get("/vaalit?kunta=091&lang=sv").get_data(as_text=True)
    assert "Helsingfors" in sv and "välfärdsområdesval" in sv


def test_an_aland_voter_is_told_aland_has_its_own_elections(demo_client):
    html = demo_client.get("/vaalit?kunta=478").get_data(as_text=True)
    assert "Ahvenanmaalla" in html and "omat vaalinsa" in html
    assert "Aloita" not in html and "/kysely" not in html


def test_choosing_no_municipality_returns_to_the_start_with_a_message(demo_client):
    response = demo_client.get("/vaalit")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    html = demo_client.get("/").get_data(as_text=True)
    assert "Valitse ensin kotikuntasi" in html
    assert demo_client.get("/vaalit?kunta=999").status_code == 302


def test_bilingual_municipalities_are_findable_by_either_name_in_alphabetical_order(demo_client):
    fi = demo_client.get("/").get_data(as_text=True)
    assert re.search(r'value="049" data-names="Espoo Esbo">Espoo – Esbo<', fi)
    names = re.findall(r'<option value="\d{3}" data-names="[^"]*">([^<]+)<', fi)
    assert len(names) == 308
    assert names[-2:] == ["Ähtäri – Etseri", "Äänekoski"], "Finnish order puts Ä after Z"
    sv = demo_client.get("/?lang=sv").get_data(as_text=True)
    sv_names = [
        n.split(" – ")[0]
        for n in re.findall(r'<option value="\d{3}" data-names="[^"]*">([^<]+)<', sv)
    ]
    assert "Esbo" in sv_names and "Helsingfors" in sv_names
    assert sv_names.index("Vörå") < sv_names.index("Åbo") < sv_names.index("Östermark")


# Quiz


def test_helsinki_voters_are_not_asked_county_only_statements(demo_client, demo_app):
    ids = asked(demo_client.get("/kysely/kaikki?kunta=091").get_data(as_text=True))
    bank = demo_app.extensions["vaalikone.bank"]
    assert ids == [s.id for s in bank.statements if "kunta" in s.elections]
    assert not set(ids) & {s.id for s in bank.statements if s.elections == ("alue",)}


def test_a_jyvaskyla_voter_is_asked_the_union_of_both_elections_in_bank_order(
    demo_client, demo_app
):
    ids = asked(demo_client.get("/kysely/kaikki?kunta=179").get_data(as_text=True))
    bank = demo_app.extensions["vaalikone.bank"]
    assert ids == [s.id for s in bank.statements]
    html = demo_client.get("/kysely/kaikki?kunta=179").get_data(as_text=True)
    block = html.split('name="a-no-gap-in-grants"', 1)[0].rsplit('class="statement-block"', 1)[1]
    assert "Koskee vain vaalia: Aluevaalit 2025" in text_of(block)


def test_one_statement_per_page_with_theme_progress_and_explainer(demo_client):
    html = demo_client.get("/kysely?kunta=091").get_data(as_text=True)
    total = len(asked(demo_client.get("/kysely/kaikki?kunta=091").get_data(as_text=True)))
    assert len(asked(html)) == 1
    assert f"Väite 1 / {total}" in html
    assert f'<progress max="{total}" value="1"' in html
    assert "Osallisuus ja kuuleminen" in html
    assert 'class="explainer"' in html and "Taustaa:" in html


def test_skip_is_set_apart_from_the_middle_answer_and_explained(demo_client):
    for lang, skip in (("fi", "Ohita"), ("sv", "Hoppa över"), ("en", "Skip")):
        html = demo_client.get(f"/kysely?kunta=179&lang={lang}").get_data(as_text=True)
        scale = html.split('class="likert scale-5"', 1)[1].split("</div>", 1)[0]
        assert [int(v) for v in re.findall(r'value="(\d)"', scale)] == [1, 2, 3, 4, 5]
        skip_row = html.split('class="skip-row"', 1)[1].split("</div>", 1)[0]
        assert 'value=""' in skip_row and f"<span>{skip}</span>" in skip_row
        assert 'aria-describedby="skip-hint-' in skip_row and 'class="skip-hint"' in skip_row


def test_quiz_keeps_answers_and_importance_going_back_and_forth(demo_client):
    first = demo_client.post(
        "/kysely",
        data={
            "kunta": "179",
            "step": "0",
            "a-council-hearing": "4",
            "w-council-hearing": "more",
            "move": "next",
        },
    ).get_data(as_text=True)
    assert "Väite 2 / " in first
    assert carried(first, "quiz-form") == {"council-hearing": "4"}
    assert 'name="w-council-hearing" value="more"' in first
    back = demo_client.post(
        "/kysely",
        data={
            "kunta": "179",
            "step": "1",
            "a-council-hearing": "4",
            "w-council-hearing": "more",
            "a-organisations-in-planning": "2",
            "move": "prev",
        },
    ).get_data(as_text=True)
    assert "Väite 1 / " in back
    assert re.search(r'name="a-council-hearing" value="4" checked', back)
    assert re.search(r'name="w-council-hearing" value="more" checked', back)
    assert carried(back, "quiz-form") == {"organisations-in-planning": "2"}


def test_the_quiz_can_switch_to_one_page_mode_keeping_answers(demo_client):
    html = demo_client.post(
        "/kysely/kaikki", data={"kunta": "091", "a-council-hearing": "2", "a-free-premises": "5"}
    ).get_data(as_text=True)
    assert re.search(r'name="a-council-hearing" value="2" checked', html)
    assert re.search(r'name="a-free-premises" value="5" checked', html)


def test_an_answer_off_the_scale_is_a_clear_400(demo_client):
    response = demo_client.post("/tulokset", data={"kunta": "179", "a-free-premises": "9"})
    assert response.status_code == 400
    assert "Vastaus ei kelpaa" in response.get_data(as_text=True)
    assert (
        demo_client.post("/tulokset", data={"kunta": "179", "w-free-premises": "huge"}).status_code
        == 400
    )


# Results


def test_results_rank_candidates_as_the_scorer_does_in_each_election(demo_client, demo_app):
    answers = {
        "council-hearing": 5,
        "keep-grant-level": 1,
        "free-premises": 4,
        "no-gap-in-grants": 2,
    }
    data = {
        "kunta": "179",
        **{f"a-{k}": str(v) for k, v in answers.items()},
        "w-free-premises": "more",
    }
    html = demo_client.post("/tulokset", data=data).get_data(as_text=True)
    for election, constituency in (
        ("kunta-2025", "kunta-2025:179"),
        ("alue-2025", "alue-2025:keski-suomi"),
    ):
        ids, _ = scorer_order(demo_app, election, constituency, answers, {"free-premises": 2.0})
        assert ranked_ids(html, election) == ids[:20]


def test_each_election_is_scored_on_its_own_statements_only(demo_client, demo_app):
    """A county-only answer changes the county ranking and leaves the municipal list in ballot order."""
    html = demo_client.post("/tulokset", data={"kunta": "179", "a-no-gap-in-grants": "5"}).get_data(
        as_text=True
    )
    kunta = html.split('id="s-kunta-2025"', 1)[1].split("</section>", 1)[0]
    assert "Siksi vastaavuutta ei voi laskea" in kunta
    ids, matches = scorer_order(demo_app, "kunta-2025", "kunta-2025:179", {"no-gap-in-grants": 5})
    assert np.isnan(matches).all() and ranked_ids(html, "kunta-2025") == ids[:20]
    alue_ids, _ = scorer_order(
        demo_app, "alue-2025", "alue-2025:keski-suomi", {"no-gap-in-grants": 5}
    )
    assert ranked_ids(html, "alue-2025") == alue_ids[:20]


def test_a_candidates_own_answers_give_a_perfect_match_at_the_top(demo_client):
    api = demo_client.get("/api/v1/candidates/1").get_json()
    answers = {f"a-{qid}": str(v) for qid, v in api["answers"].items() if v is not None}
    code = api["constituency"].split(":")[1]
    html = demo_client.post("/tulokset", data={"kunta": code, **answers}).get_data(as_text=True)
    first = first_row(html, api["election"])
    assert api["name"] in first and '<td class="match">100\xa0%' in first


def test_results_show_party_ranking_with_spread(demo_client, demo_app):
    html = demo_client.post(
        "/tulokset", data={"kunta": "091", "a-free-premises": "5", "a-market-rent": "1"}
    ).get_data(as_text=True)
    table = html.split('class="parties"', 1)[1].split("<tbody>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    assert len(rows) >= 5
    matches = [
        float(m.replace(",", ".")) for m in re.findall(r'class="match">(\d+(?:,\d+)?)\xa0%', table)
    ]
    assert matches == sorted(matches, reverse=True)
    assert all(
        re.search(r'class="spread-box"', r) and re.search(r"\d+\xa0%–\d+\xa0%", r) for r in rows
    )
    # The drawn box spans the quartiles written beside it.
    for row in rows:
        x, width = (
            float(v) for v in re.search(r'x="([\d.]+)" y="2" width="([\d.]+)"', row).groups()
        )
        low, high = (int(v) for v in re.search(r"(\d+)\xa0%–(\d+)\xa0%", row).groups())
        assert abs(x - low) <= 0.5 and (width == 1 or abs(x + width - high) <= 0.6), row


def test_results_paging_and_filters_by_party_language_and_name(demo_client, demo_app):
    data = {"kunta": "091", "a-free-premises": "5"}
    page1 = demo_client.post("/tulokset", data=data).get_data(as_text=True)
    assert "Sivu 1 / 6" in page1 and len(ranked_ids(page1, "kunta-2025")) == 20
    page2 = demo_client.post("/tulokset", data={**data, "page-kunta-2025": "1"}).get_data(
        as_text=True
    )
    assert "Sivu 2 / 6" in page2
    assert (
        ranked_ids(page1, "kunta-2025") + ranked_ids(page2, "kunta-2025")
        == scorer_order(demo_app, "kunta-2025", "kunta-2025:091", {"free-premises": 5})[0][:40]
    )
    assert '<td class="num rank">21.</td>' in page2

    greens = demo_client.post("/tulokset", data={**data, "party-kunta-2025": "vihr"}).get_data(
        as_text=True
    )
    section = greens.split('id="s-kunta-2025"', 1)[1].split('class="parties"', 1)[0]
    rows = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    assert rows and all("Vihreä liitto" in r for r in rows)

    swedish = demo_client.post("/tulokset", data={**data, "lang-kunta-2025": "sv"}).get_data(
        as_text=True
    )
    shown = set(ranked_ids(swedish, "kunta-2025"))
    db = connect(demo_app.config["DATABASE"])
    speakers = {
        cid
        for cid, langs in db.execute(
            "SELECT id, languages FROM candidate WHERE constituency_id = 'kunta-2025:091'"
        )
        if "sv" in langs
    }
    db.conn.close()
    assert shown and shown <= speakers and "Rajaukseen sopii 43 ehdokasta" in swedish

    someone = ranked_names(page2, "kunta-2025")[3]
    found = demo_client.post(
        "/tulokset", data={**data, "q-kunta-2025": someone.split()[1].lower()}
    ).get_data(as_text=True)
    assert someone in ranked_names(found, "kunta-2025")


def test_the_party_filter_offers_the_parties_standing_there_and_independents_last(
    demo_client, demo_app
):
    db = connect(demo_app.config["DATABASE"])
    # A municipality whose own list has independents, and whose county's list has them too.
    code, county = db.execute(
        """SELECT m.code, m.county_id FROM municipality m
           JOIN constituency c ON c.election_id = 'kunta-2025' AND c.municipality_code = m.code
           WHERE EXISTS (SELECT 1 FROM candidate WHERE constituency_id = c.id AND party_id IS NULL)
             AND EXISTS (SELECT 1 FROM candidate x JOIN constituency y ON y.id = x.constituency_id
                         WHERE y.county_id = m.county_id AND x.party_id IS NULL)
           ORDER BY m.code LIMIT 1"""
    ).fetchone()
    expected = {}
    for election, where, value in (
        ("kunta-2025", "c.municipality_code = ?", code),
        ("alue-2025", "c.county_id = ?", county),
    ):
        names = db.execute(
            f"""SELECT DISTINCT p.id, p.name_fi FROM candidate x
                JOIN constituency c ON c.id = x.constituency_id JOIN party p ON p.id = x.party_id
                WHERE c.election_id = ? AND {where}""",
            [election, value],
        ).fetchall()
        ordered = sorted(names, key=lambda row: collation_key(row[1]))  # å ä ö after z
        expected[election] = [("", "Kaikki puolueet"), *ordered, ("-", "Sitoutumaton")]
    db.conn.close()

    html = demo_client.post("/tulokset", data={"kunta": code, "a-free-premises": "5"}).get_data(
        as_text=True
    )
    for election, options in expected.items():
        select = html.split(f'<select id="party-{election}"', 1)[1].split("</select>", 1)[0]
        shown = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
        assert [(value, unescape(name)) for value, name in shown] == options


def test_filtering_starts_from_the_first_page_and_keeps_other_choices(demo_client):
    data = {"kunta": "179", "a-free-premises": "5", "at-kunta-2025": "1", "at-alue-2025": "2"}
    html = demo_client.post(
        "/tulokset", data={**data, "filter": "kunta-2025", "party-kunta-2025": "kok"}
    ).get_data(as_text=True)
    assert 'name="at-kunta-2025" value="0"' in html
    assert 'name="at-alue-2025" value="2"' in html, "the other election's page is kept"
    assert "Sivu 3 / " in html.split('id="s-alue-2025"', 1)[1]


def test_numbers_are_formatted_for_the_locale(demo_client):
    data = {"kunta": "091", "a-free-premises": "5"}
    fi = demo_client.post("/tulokset", data=data).get_data(as_text=True)
    en = demo_client.post("/tulokset?lang=en", data=data).get_data(as_text=True)
    sv = demo_client.post("/tulokset?lang=sv", data=data).get_data(as_text=True)
    assert re.search(r'class="match">\d+\xa0%', fi) and re.search(r'class="match">\d+\xa0%', sv)
    assert re.search(r'class="match">\d+%', en)


def test_no_answers_means_no_match_but_still_a_list(demo_client):
    html = demo_client.post("/tulokset", data={"kunta": "091"}).get_data(as_text=True)
    assert "Et vastannut yhteenkään väitteeseen" in html
    assert '<td class="match">–' in first_row(html, "kunta-2025")


def test_change_my_answers_returns_to_the_quiz_with_answers_kept(demo_client):
    results = demo_client.post(
        "/tulokset", data={"kunta": "091", "a-council-hearing": "2", "w-council-hearing": "less"}
    ).get_data(as_text=True)
    form = results.split('id="answers-form"', 1)[1].split("</form>", 1)[0]
    assert "Muuta vastauksia" in form and 'action="/kysely"' in results
    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))
    quiz = demo_client.post("/kysely", data={**fields, "step": "0"}).get_data(as_text=True)
    assert re.search(r'name="a-council-hearing" value="2" checked', quiz)
    assert re.search(r'name="w-council-hearing" value="less" checked', quiz)


# Candidate page and comparison


def test_a_candidate_page_shows_public_answers_and_justifications(demo_client, demo_app):
    db = connect(demo_app.config["DATABASE"])
    cid, text = db.execute(
        "SELECT candidate_id, justification_fi FROM answer WHERE justification_fi IS NOT NULL LIMIT 1"
    ).fetchone()
    db.conn.close()
    html = demo_client.get(f"/ehdokkaat/{cid}").get_data(as_text=True)
    assert text in html and "Ehdokkaan vastaukset" in html
    assert "Vastaavuus kanssasi" not in html
    assert demo_client.get("/ehdokkaat/999999").status_code == 404


def test_a_candidate_page_with_my_answers_explains_the_match(demo_client, demo_app):
    answers = {"council-hearing": 5, "keep-grant-level": 1, "free-premises": 4}
    data = {
        "kunta": "091",
        **{f"a-{k}": str(v) for k, v in answers.items()},
        "party-kunta-2025": "sdp",
        "at-kunta-2025": "1",
    }
    results = demo_client.post("/tulokset", data=data).get_data(as_text=True)
    cid = re.search(r'formaction="/ehdokkaat/(\d+)"', results).group(1)
    html = demo_client.post(f"/ehdokkaat/{cid}", data=data).get_data(as_text=True)
    page = text_of(html)
    assert "Vastaukset rinnakkain" in page and "Vastaavuus teemoittain" in page
    assert page.count("Sinä ") >= len(answers)
    shares = [int(s) for s in re.findall(r"Osuus erosta: (\d+)\xa0%", page)]
    assert len(shares) == len(answers) and sum(shares) in (0, 99, 100, 101)
    snapshot_match = demo_client.post(
        "/api/v1/match", json={"municipality": "091", "answers": answers, "limit": 1000}
    ).get_json()["elections"][0]["candidates"]
    expected = next(c["match"] for c in snapshot_match if c["id"] == int(cid))
    assert f"Vastaavuus kanssasi: {round(expected)}\xa0%" in page
    back = html.split('class="back-form"', 1)[1].split("</form>", 1)[0]
    assert (
        'name="party-kunta-2025" value="sdp"' in back and 'name="at-kunta-2025" value="1"' in back
    )


def test_comparing_two_candidates_side_by_side(demo_client):
    data = {"kunta": "091", "a-council-hearing": "5", "a-free-premises": "1"}
    api = demo_client.post(
        "/api/v1/match",
        json={
            "municipality": "091",
            "answers": {"council-hearing": 5, "free-premises": 1},
            "limit": 2,
        },
    ).get_json()
    top = api["elections"][0]["candidates"]
    html = demo_client.post(
        "/vertailu",
        data={**data, "c": [str(top[0]["id"]), str(top[1]["id"])], "compare": "kunta-2025"},
    ).get_data(as_text=True)
    page = text_of(html)
    assert "Ehdokkaiden vertailu" in page
    assert top[0]["name"] in page and top[1]["name"] in page
    for c in top:
        assert f"{round(c['match'])}\xa0%" in page
    assert "Ei tässä vaalissa" not in page, (
        "only the statements of the compared candidates' election"
    )


@pytest.mark.parametrize("chosen", [[], ["1"], ["1", "2", "3", "4"]])
def test_comparison_needs_two_or_three_and_keeps_answers_when_not(demo_client, chosen):
    data = {"kunta": "005", "a-council-hearing": "5", "c": chosen, "compare": "kunta-2025"}
    response = demo_client.post("/vertailu", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Valitse vertailuun kaksi tai kolme ehdokasta" in html and 'role="alert"' in html
    assert carried(html, "answers-form") == {"council-hearing": "5"}


def test_chosen_candidates_stay_chosen_across_pages(demo_client):
    data = {"kunta": "091", "a-free-premises": "5", "c": ["230"]}
    html = demo_client.post("/tulokset", data={**data, "page-kunta-2025": "3"}).get_data(
        as_text=True
    )
    section = html.split('id="s-kunta-2025"', 1)[1]
    assert 'name="c" value="230"' in section


# Privacy


def test_answers_are_never_in_a_url_and_pages_with_them_are_not_cached(demo_client):
    data = {"kunta": "091", "a-council-hearing": "5", "a-free-premises": "1"}
    for path in ("/tulokset", "/kysely", "/kysely/kaikki", "/ehdokkaat/230"):
        response = demo_client.post(path, data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store"
        for url in re.findall(r'(?:href|action|formaction|src)="([^"]*)"', html):
            assert not re.search(r"(?:^|[?&#])[aw]-[^=&]*=", url.split("?", 1)[-1]), (path, url)
            # Where a statement comes from is linked for every statement asked, answered or not.
            if not url.startswith("/vaitteet/"):
                assert "council-hearing" not in url, (path, url)
        assert (
            "Set-Cookie" not in response.headers or "council" not in response.headers["Set-Cookie"]
        )


def test_switching_language_on_results_posts_the_same_answers(demo_client):
    data = {"kunta": "091", "a-council-hearing": "5", "party-kunta-2025": "kok"}
    html = demo_client.post("/tulokset", data=data).get_data(as_text=True)
    switcher = html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    forms = re.findall(r'<form method="post" action="([^"]+)"(.*?)</form>', switcher, re.S)
    assert [a for a, _ in forms] == ["/tulokset?lang=sv", "/tulokset?lang=en"]
    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', forms[0][1]))
    assert fields["a-council-hearing"] == "5" and fields["party-kunta-2025"] == "kok"
    sv = demo_client.post("/tulokset?lang=sv", data=fields).get_data(as_text=True)
    assert '<html lang="sv">' in sv and "Resultat" in sv
    assert carried(sv, "answers-form") == {"council-hearing": "5"}


def test_method_page_documents_the_formula_in_three_languages(demo_client):
    for lang, word in (("fi", "vastaavuus"), ("sv", "överensstämmelse"), ("en", "match")):
        html = demo_client.get(f"/menetelma?lang={lang}").get_data(as_text=True)
        assert "Σ w·|v − e| / Σ w" in html
        assert word in html.lower() and "92" in html
        assert "%%" not in html


def test_privacy_page_says_what_is_not_stored(demo_client):
    for lang, word in (("fi", "tallenna"), ("sv", "spara"), ("en", "store")):
        assert word in demo_client.get(f"/tietosuoja?lang={lang}").get_data(as_text=True).lower()


@pytest.mark.parametrize("chosen", [["²", "1"], ["1", "99999999999999999999999"], ["-1", "2"]])
def test_odd_candidate_choices_are_refused_politely(demo_client, chosen):
    response = demo_client.post(
        "/vertailu", data={"kunta": "005", "c": chosen, "compare": "kunta-2025"}
    )
    assert response.status_code in (200, 404)
    assert demo_client.get("/ehdokkaat/99999999999999999999999").status_code == 404
