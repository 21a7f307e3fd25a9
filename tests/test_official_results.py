"""The official results: who was elected and who is a substitute, from the ministry's by-area file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import login, make_election, make_user
from tests.test_import_moj import load, parse, person, version, zipped
from vaalikone import reports
from vaalikone.domain import candidates

pytestmark = pytest.mark.usefixtures("finnish")

DATA = Path(__file__).parent / "data" / "moj"
RESULTS = (DATA / "kv_teat_maa.csv").read_bytes()
MUNICIPAL = (DATA / "kv_ehd_maa.csv").read_bytes()


@pytest.fixture
def election(db):
    make_election(db, "kunta-2029", published=True)
    load(db, MUNICIPAL)
    return "kunta-2029"


def apply(db, raw: bytes) -> dict[str, int]:
    parsed = parse(db, raw, results=True)
    assert parsed.problems == []
    return candidates.apply_results(db, parsed.election_id, parsed.candidates)


def result_lines() -> list[str]:
    return RESULTS.decode("iso-8859-1").split("\r\n")


def test_results_mark_elected_and_substitutes_from_the_municipality_totals(db, election):
    counts = apply(db, RESULTS)
    assert counts == {"elected": 4, "substitute": 1, "not_elected": 5}
    assert (person(db, "Åsa", "Öhman")["elected"], person(db, "Åsa", "Öhman")["substitute"]) == (
        1,
        0,
    )
    paivi = person(db, "Päivi", "Jääskeläinnen")
    assert (paivi["elected"], paivi["substitute"]) == (0, 1)
    assert person(db, "Kaisu", "Kärkkäinen")["elected"] == 0
    assert person(db, "Björn", "Åström")["elected"] == 1
    # The same results again (zipped, as downloaded) change nothing voters see.
    before = version(db)
    apply(db, zipped(RESULTS))
    assert version(db) == before


def test_a_results_line_without_the_result_or_for_an_unknown_candidate_changes_nothing(
    db, election
):
    rows = result_lines()
    rows[0] = ";".join(rows[0].split(";")[:30]) + ";"  # a candidate list line, not a results line
    parsed = parse(db, "\r\n".join(rows).encode("iso-8859-1"), results=True)
    assert parsed.problems == ["rivi 1, sarake -: rivillä on 30 kenttää, vähintään 39 tarvitaan."]
    rows = result_lines()
    cells = rows[4].split(
        ";"
    )  # the second candidate's municipality total (the first has four lines)
    cells[38] = "4"
    rows[4] = ";".join(cells)
    parsed = parse(db, "\r\n".join(rows).encode("iso-8859-1"), results=True)
    assert parsed.problems[0].startswith("rivi 5, sarake 39 (valintatieto): '4' ei ole 1 (valittu)")
    lines = result_lines()
    lines[0] = lines[0].replace(";KOK;SAML;NCP;002;", ";KOK;SAML;NCP;009;")
    assert parse(db, "\r\n".join(lines).encode("iso-8859-1"), results=True).problems == [
        "rivi 1, sarake 15 (ehdokasnumero): ehdokasta numero 9 ei ole tuotu alueelle Helsinki."
    ]
    assert db.execute("SELECT count(*) FROM candidate WHERE elected = 1").fetchone()[0] == 0


def test_the_set_elected_csv_still_works(app, db, election, tmp_path):
    asa = person(db, "Åsa", "Öhman")["id"]
    path = tmp_path / "elected.csv"
    path.write_text(f"candidate_id,elected\n{asa},1\n")
    result = app.test_cli_runner().invoke(args=["set-elected", "kunta-2029", str(path)])
    assert result.exit_code == 0, result.output
    assert person(db, "Åsa", "Öhman")["elected"] == 1


def test_voters_see_who_was_elected_and_reports_count_them(app, client, db, election, tmp_path):
    path = tmp_path / "kv-2029_teat_maa.csv.zip"
    path.write_bytes(zipped(RESULTS))
    result = app.test_cli_runner().invoke(args=["import-results", "kunta-2029", str(path)])
    assert result.exit_code == 0, result.output
    asa = person(db, "Åsa", "Öhman")["id"]
    paivi = person(db, "Päivi", "Jääskeläinnen")["id"]
    page = client.get(f"/ehdokkaat/{asa}").get_data(as_text=True)
    assert "Valittiin vaaleissa valtuustoon." in page and "lääkäri" in page
    assert "Vaalien jälkeen varavaltuutettu." in client.get(f"/ehdokkaat/{paivi}").get_data(
        as_text=True
    )
    results = client.post("/tulokset", data={"kunta": "091"}).get_data(as_text=True)
    assert (
        results.count('class="badge elected"') == 2
        and results.count('class="badge substitute"') == 1
    )

    report = reports.build(db, "soste", "kunta-2029")
    outcome = {r["id"]: (r["elected"], r["substitutes"]) for r in report.outcome}
    assert outcome == {"kok": (1, 1), "sdp": (2, 0), "rkp": (1, 0)}
    make_user(db, "soste@example.fi", "organisation", organisation_id="soste")
    login(client, "soste@example.fi")
    page = client.get("/jarjesto/raportti/kunta-2029").get_data(as_text=True)
    assert "Valitut valtuutetut ja varavaltuutetut" in page
