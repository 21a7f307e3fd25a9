"""Organisation reports, cross-checked against alignments computed by hand on a tiny election."""

from __future__ import annotations

import csv
import io

import pytest

from tests.builders import login, make_candidate, make_election, make_user

# Goals: free-premises (answer 5 serves it, weight 2) and market-rent (answer 1 serves it, weight 1).
# On the 0..1 scale the goal positions are 1.0 and 0.0; Dmax = 2 + 1 = 3.
#   A: 5, 1   -> D = 0                        -> 100 %
#   B: 4, 2   -> D = 2*.25 + 1*.25 = .75      -> 75 %
#   C: 1, -   -> D = 2*1 + 1*1 (missing) = 3  -> 0 %
#   D: 3, 3   -> D = 2*.5 + 1*.5 = 1.5        -> 50 %
CANDIDATES = {
    "A": ("179", "kok", {"free-premises": 5, "market-rent": 1}, 100.0),
    "B": ("179", "kok", {"free-premises": 4, "market-rent": 2}, 75.0),
    "C": ("179", "sdp", {"free-premises": 1}, 0.0),
    "D": ("091", "sdp", {"free-premises": 3, "market-rent": 3}, 50.0),
}


@pytest.fixture
def election(db):
    make_election(db, published=True)
    for org_id, scope, counties in (
        ("national", "national", "[]"),
        ("central", "regional", '["keski-suomi"]'),
    ):
        db["organisation"].insert(
            {
                "id": org_id,
                "name_fi": org_id,
                "name_sv": org_id,
                "name_en": org_id,
                "scope": scope,
                "counties": counties,
            }
        )
        db["organisation_goal"].insert_all(
            [
                {
                    "organisation_id": org_id,
                    "question_id": "free-premises",
                    "position": 5,
                    "weight": 2.0,
                },
                {
                    "organisation_id": org_id,
                    "question_id": "market-rent",
                    "position": 1,
                    "weight": 1.0,
                },
            ]
        )
        make_user(db, f"{org_id}@example.fi", "organisation", organisation_id=org_id)
    for n, (name, (municipality, party, answers, _)) in enumerate(CANDIDATES.items(), start=2):
        cid = make_candidate(
            db,
            municipality=municipality,
            number=n,
            email=f"{name}@example.fi",
            party_id=party,
            first_name=name,
            last_name="Testi",
        )
        for qid, value in answers.items():
            db["answer"].insert({"candidate_id": cid, "question_id": qid, "value": value})
    db.execute("UPDATE election SET data_version = data_version + 1")
    return "kunta-2029"


def report_json(client, org: str, **params) -> dict:
    login(client, f"{org}@example.fi")
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"/jarjesto/raportti/kunta-2029.json?{query}").get_json()


def test_candidate_alignments_match_the_hand_computation(client, election):
    data = report_json(client, "national", vaalipiiri="kunta-2029:179")
    got = {c["name"].split()[0]: c["alignment"] for c in data["candidates"]}
    assert got == {k: v[3] for k, v in CANDIDATES.items() if v[0] == "179"}
    assert [c["name"].split()[0] for c in data["candidates"]] == ["A", "B", "C"]


def test_party_distribution_matches_the_hand_computation(client, election):
    parties = {p["id"]: p for p in report_json(client, "national")["parties"]}
    # kok: [75, 100] -> median 87.5, quartiles 81.25 and 93.75 (linear interpolation); both >= 75
    assert (
        parties["kok"]["median"],
        parties["kok"]["q1"],
        parties["kok"]["q3"],
        parties["kok"]["strong"],
    ) == (87.5, 81.25, 93.75, 2)
    # sdp: [0, 50] -> median 25, quartiles 12.5 and 37.5; none strong
    assert (
        parties["sdp"]["median"],
        parties["sdp"]["q1"],
        parties["sdp"]["q3"],
        parties["sdp"]["strong"],
    ) == (25.0, 12.5, 37.5, 0)


def test_constituencies_and_region(client, election):
    national = {k["id"]: k for k in report_json(client, "national")["constituencies"]}
    assert (
        national["kunta-2029:179"]["median"] == 75.0 and national["kunta-2029:179"]["strong"] == 2
    )
    assert national["kunta-2029:091"]["median"] == 50.0 and national["kunta-2029:091"]["count"] == 1
    client.post("/kirjaudu-ulos")
    central = {k["id"] for k in report_json(client, "central")["constituencies"]}
    assert central == {"kunta-2029:179"}, "Helsinki is not in Central Finland"


def test_statement_support_matches_the_hand_computation(client, election):
    statements = {s["statement"]: s for s in report_json(client, "national")["statements"]}
    # free-premises (goal 5): A (5) and B (4) are on the goal's side: 2 of 4; kok 2/2, sdp 0/2 (D's 3 is the middle)
    assert statements["free-premises"]["overall"] == 0.5
    assert statements["free-premises"]["by_party"] == {"kok": 1.0, "sdp": 0.0}
    # market-rent (goal 1): A (1), B (2); C did not answer, D is in the middle: 2 of 4
    assert statements["market-rent"]["overall"] == 0.5


def test_elected_only(client, election, db):
    db.execute("UPDATE candidate SET elected = (first_name IN ('B', 'D'))")
    data = report_json(client, "national", valitut="1", vaalipiiri="kunta-2029:179")
    assert [c["name"].split()[0] for c in data["candidates"]] == ["B"]


def test_csv_download_has_the_same_numbers(client, election):
    login(client, "national@example.fi")
    text = client.get("/jarjesto/raportti/kunta-2029.csv?vaalipiiri=kunta-2029:179").get_data(
        as_text=True
    )
    header = text.lstrip("\ufeff").splitlines()[0].split(",")
    rows = [
        dict(zip(header, r, strict=True)) for r in csv.reader(io.StringIO(text.lstrip("\ufeff")))
    ][1:]
    candidates = [r for r in rows if r["table"] == "candidate"]
    assert {r["alignment_percent"] for r in candidates} >= {"100", "75"}
    assert all(r["name"] and (r["party"] or not r["party_id"]) for r in candidates), (
        "names beside ids"
    )
    assert any(r["party"] == "Kansallinen Kokoomus" for r in candidates)
    party = next(r for r in rows if r["table"] == "party")
    assert (party["id"], party["median_percent"], party["q1_percent"], party["q3_percent"]) == (
        "kok",
        "87.5",
        "81.25",
        "93.75",
    )
    assert (party["candidates"], party["strongly_supporting"]) == ("2", "2")


def test_the_finnish_excel_csv_uses_semicolons_and_decimal_commas(client, election):
    """Finnish Excel splits columns at semicolons and reads 87,5 as a number."""
    login(client, "national@example.fi")
    response = client.get(
        "/jarjesto/raportti/kunta-2029.csv?muoto=excel-fi&vaalipiiri=kunta-2029:179"
    )
    text = response.get_data(as_text=True).lstrip("\ufeff")
    assert "national-kunta-2029-excel.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["table", "id", "name"] and all(len(r) == len(rows[0]) for r in rows)
    party = next(r for r in rows if r[0] == "party")
    assert party[rows[0].index("median_percent")] == "87,5"
    assert party[rows[0].index("q1_percent")] == "81,25"


def test_unpublished_reports_are_private_and_published_ones_public(app, client, election):
    anonymous = app.test_client()
    assert anonymous.get("/jarjesto/raportti/kunta-2029").status_code == 302
    assert anonymous.get("/jarjesto/raportit/national-kunta-2029").status_code == 404
    other = app.test_client()
    login(other, "central@example.fi")
    assert other.get("/jarjesto/raportit/national-kunta-2029").status_code == 404
    login(client, "national@example.fi")
    assert (
        client.post("/jarjesto/raportti/kunta-2029/julkaisu", data={"confirm": "1"}).status_code
        == 302
    )
    page = anonymous.get("/jarjesto/raportit/national-kunta-2029")
    assert page.status_code == 200 and "national" in page.get_data(as_text=True)
    assert (
        anonymous.get("/jarjesto/raportit/national-kunta-2029.json").get_json()["organisation"]
        == "national"
    )
    client.post("/jarjesto/raportti/kunta-2029/julkaisu", data={"confirm": "1"})
    assert anonymous.get("/jarjesto/raportit/national-kunta-2029").status_code == 404


def test_an_organisation_edits_only_its_own_profile(app, client, election, db):
    other = app.test_client()
    login(other, "central@example.fi")
    other.post(
        "/jarjesto/profiili/kunta-2029",
        data={
            "goal-free-premises": "1",
            "position-free-premises": "1",
            "weight-free-premises": "0.5",
        },
    )
    goals = {
        (g["organisation_id"], g["question_id"]): (g["position"], g["weight"])
        for g in db["organisation_goal"].rows
    }
    assert goals[("central", "free-premises")] == (1, 0.5)
    assert goals[("national", "free-premises")] == (5, 2.0)
    assert ("central", "market-rent") not in goals, "unchecked goals are removed from the profile"
    assert (
        app.test_client().post("/jarjesto/profiili/kunta-2029", data={}).status_code == 302
    )  # anonymous: to login
    bad = other.post(
        "/jarjesto/profiili/kunta-2029",
        data={
            "goal-free-premises": "1",
            "position-free-premises": "9",
            "weight-free-premises": "1",
        },
    )
    assert bad.status_code == 400


def test_publishing_a_report_asks_first_with_how_many_candidates_answered(client, election, db):
    login(client, "national@example.fi")
    page = client.post("/jarjesto/raportti/kunta-2029/julkaisu").get_data(as_text=True)
    assert "Julkaistaanko raportti" in page and "Vastannut osaan väitteistä:" in page
    assert db.execute("SELECT count(*) FROM report_publication").fetchone()[0] == 0


def test_the_party_chart_draws_each_box_where_the_table_puts_the_quartiles(client, election):
    login(client, "national@example.fi")
    page = client.get("/jarjesto/raportti/kunta-2029").get_data(as_text=True)
    chart = page[
        page.index('aria-labelledby="parties-title') : page.index(
            "</svg>", page.index("parties-title")
        )
    ]
    # 160 units of labels, then 300 units for 0-100 %: kok's quartiles 81.25-93.75 %, median 87.5 %.
    assert '<rect x="403.75" y="12" width="37.5" height="14" class="box">' in chart
    assert '<rect x="421.0" y="10" width="3" height="18" class="median">' in chart
    # sdp, the second row: 12.5-37.5 %, median 25 %.
    assert '<rect x="197.5" y="36" width="75.0" height="14" class="box">' in chart
    assert chart.count('class="label tick"') == 5


def test_an_administrator_moves_around_an_organisations_report(client, election, db):
    """The report's own links (constituencies, elected only, downloads) keep the organisation an
    administrator chose with ?org=."""
    import re

    make_user(db, "admin@example.fi", "admin")
    login(client, "admin@example.fi")
    page = client.get("/jarjesto/raportti/kunta-2029?org=national").get_data(as_text=True)
    links = re.findall(r'href="(/jarjesto/raportti/kunta-2029[^"]*)"', page)
    helsinki = next(link for link in links if "vaalipiiri=kunta-2029:091" in link)
    assert {"org=national" in link for link in links} == {True}
    # Two other languages, elected only, three downloads, two constituencies.
    assert len(links) == 8
    chosen = client.get(helsinki.replace("&amp;", "&"))
    assert chosen.status_code == 200
    assert "D Testi" in chosen.get_data(as_text=True), "Helsinki's only candidate is listed"
    csv_link = next(link for link in links if ".csv" in link).replace("&amp;", "&")
    assert client.get(csv_link).status_code == 200
