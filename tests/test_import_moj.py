"""The Ministry of Justice's official candidate list: all or nothing, every problem named by row and column.

The files in tests/data/moj/ are invented in the ministry's layout (make_files.py writes them).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.builders import make_election
from vaalikone.domain import answers, candidates
from vaalikone.i18n import language
from vaalikone.importers import moj
from vaalikone.matching.snapshot import build_snapshot

pytestmark = pytest.mark.usefixtures("finnish")

DATA = Path(__file__).parent / "data" / "moj"
MUNICIPAL = (DATA / "kv_ehd_maa.csv").read_bytes()
CORRECTED = (DATA / "kv_ehd_maa_korjattu.csv").read_bytes()
COUNTY = (DATA / "av_ehd_maa.csv").read_bytes()


@pytest.fixture
def election(db):
    return make_election(db, "kunta-2029", published=True)


def parse(db, raw: bytes, election_id: str = "kunta-2029", **kwargs) -> moj.OfficialList:
    return moj.parse(db, io.BytesIO(raw), election_id, **kwargs)


def load(db, raw: bytes, election_id: str = "kunta-2029") -> candidates.ListChanges:
    parsed = parse(db, raw, election_id)
    assert parsed.problems == []
    return candidates.apply_official_list(db, parsed.election_id, parsed.candidates)


def person(db, first: str, last: str) -> dict:
    return next(
        db.query("SELECT * FROM candidate WHERE first_name = ? AND last_name = ?", [first, last])
    )


def version(db, election_id: str = "kunta-2029") -> int:
    return db.execute("SELECT data_version FROM election WHERE id = ?", [election_id]).fetchone()[0]


def zipped(raw: bytes, name: str = "kv-2029_teat_maa.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, raw)
        archive.writestr(name.replace(".csv", ".chk"), b"0123456789abcdef")
    return buffer.getvalue()


def test_the_official_municipal_list_lands_in_the_candidates_records(db, election):
    changes = load(db, MUNICIPAL)
    assert (changes.added, changes.updated, changes.withdrawn, changes.parties_created) == (
        10,
        0,
        0,
        1,
    )
    asa = person(db, "Åsa", "Öhman")
    assert asa["constituency_id"] == "kunta-2029:091"
    assert asa["number"] == 2  # "002" on the list
    assert asa["party_id"] == "kok"
    assert (asa["age"], asa["gender"], asa["profession"]) == (44, "f", "lääkäri")
    assert (asa["home_municipality_code"], asa["home_municipality_sv"]) == ("091", "Helsingfors")
    assert asa["official_language"] == "sv" and asa["languages"] == '["sv"]'
    assert (asa["mep"], asa["mp"], asa["councillor"], asa["county_councillor"]) == (0, 0, 0, 1)
    bjorn = person(db, "Björn", "Åström")
    assert bjorn["party_id"] == "rkp" and bjorn["profession"] == "lantbrukare"
    narpes = next(db.query("SELECT * FROM constituency WHERE id = 'kunta-2029:545'"))
    assert (narpes["name_fi"], narpes["name_sv"]) == ("Närpiö", "Närpes")
    # A party we did not know is created from the list's abbreviations, with the ministry's id.
    created = next(db.query("SELECT * FROM party WHERE official_id = '83'"))
    assert created["abbreviation"] == "LPP"
    assert person(db, "Ööpa", "Ärrä")["party_id"] == created["id"]
    # The electors' association's candidate stands without a party; the district totals were skipped.
    assert person(db, "Kaisu", "Kärkkäinen")["party_id"] is None
    assert db.execute("SELECT count(*) FROM candidate").fetchone()[0] == 10
    # The ministry's list has no e-mail addresses, so nobody has an account yet.
    assert db.execute("SELECT count(*) FROM user").fetchone()[0] == 0


def test_the_zipped_download_reads_like_the_plain_file(db, election):
    load(db, zipped(MUNICIPAL))
    assert db.execute("SELECT count(*) FROM candidate").fetchone()[0] == 10
    assert person(db, "Märta", "Strömbäck")["home_municipality_fi"] == "Närpiö"


def test_a_county_list_is_read_from_the_county_totals(db):
    make_election(db, "alue-2029", "alue")
    load(db, COUNTY, "alue-2029")
    rows = db.execute(
        "SELECT constituency_id, count(*) FROM candidate GROUP BY 1 ORDER BY 1"
    ).fetchall()
    # Helsinki has no county election; Närpes is in Ostrobothnia (17), Turku in Southwest Finland (05).
    assert rows == [("alue-2029:pohjanmaa", 3), ("alue-2029:varsinais-suomi", 2)]


def test_a_municipal_list_is_refused_for_a_county_election(db):
    make_election(db, "alue-2029", "alue")
    parsed = parse(db, MUNICIPAL, "alue-2029")
    assert parsed.problems[0].startswith("rivi 1, sarake 1 (vaalilaji):")


def lines() -> list[str]:
    return MUNICIPAL.decode("iso-8859-1").split("\r\n")


def with_line(number: int, change) -> bytes:
    """The good file with its line `number` (from 1) changed by `change(cells)`."""
    rows = lines()
    cells = rows[number - 1].split(";")
    change(cells)
    rows[number - 1] = ";".join(cells)
    return "\r\n".join(rows).encode("iso-8859-1")


def set_cell(position: int, value: str):
    def change(cells: list[str]) -> None:
        cells[position] = value

    return change


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            MUNICIPAL.decode("iso-8859-1").encode("utf-8"),
            "rivi 1, sarake -: tiedosto on UTF-8-merkistössä",
        ),
        (with_line(3, set_cell(2, "999")), "rivi 3, sarake 3 (kunta): tuntematon kunta '999'"),
        (
            with_line(3, set_cell(14, "002")),
            "rivi 3, sarake 15 (ehdokasnumero): ehdokasnumero 2 on jo rivillä 1",
        ),
        (
            with_line(5, lambda cells: cells.__delitem__(slice(20, None))),
            "rivi 5, sarake -: rivillä on 20 kenttää",
        ),
        (
            with_line(7, set_cell(14, "7a")),
            "rivi 7, sarake 15 (ehdokasnumero): '7a' ei ole ehdokasnumero",
        ),
        (
            with_line(7, set_cell(1, "05")),
            "rivi 7, sarake 2 (vaalipiiri tai hyvinvointialue): Helsinki kuuluu",
        ),
        (with_line(9, set_cell(20, "vanha")), "rivi 9, sarake 21 (ikä): 'vanha' ei ole ikä"),
        (with_line(9, set_cell(18, " ")), "rivi 9, sarake 19 (sukunimi): puuttuu"),
        (with_line(11, set_cell(19, "3")), "rivi 11, sarake 20 (sukupuoli): '3' ei ole 1 tai 2"),
        (with_line(11, set_cell(28, "x")), "rivi 11, sarake 29 (kunnanvaltuutettu): 'x' ei ole 1"),
        (b"K;01;091\0;K", "rivi 1, sarake -: tiedosto ei ole ISO-8859-1-merkistössä"),
        (b"PK\x03\x04 not really a zip", "rivi 1, sarake -: zip-tiedosto on rikki"),
        (b"", "rivi 1, sarake -: tiedostossa ei ole yhtään ehdokasta"),
    ],
)
def test_a_bad_file_imports_nothing_and_names_row_and_column(db, election, raw, expected):
    parsed = parse(db, raw)
    assert any(p.startswith(expected) for p in parsed.problems), parsed.problems
    assert db.execute("SELECT count(*) FROM candidate").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM party WHERE official_id IS NOT NULL").fetchone()[0] == 0


def test_every_problem_is_reported_not_only_the_first(db, election):
    raw = with_line(1, set_cell(14, "x"))
    raw = "\r\n".join(
        line if i != 4 else line.replace(";091;", ";998;")
        for i, line in enumerate(raw.decode("latin-1").split("\r\n"))
    ).encode("latin-1")
    problems = parse(db, raw).problems
    assert [p.split(":")[0] for p in problems] == [
        "rivi 1, sarake 15 (ehdokasnumero)",
        "rivi 5, sarake 3 (kunta)",
    ]


def test_problems_speak_the_readers_language(db, election):
    with language("sv"):
        problems = parse(db, with_line(7, set_cell(14, "7a"))).problems
    assert problems == ["rad 7, kolumn 15 (kandidatnummer): '7a' är inte ett kandidatnummer."]
    with language("en"):
        problems = parse(db, with_line(7, set_cell(14, "7a"))).problems
    assert problems == ["row 7, column 15 (candidate number): '7a' is not a ballot number."]


def test_a_zip_must_hold_one_candidate_file(db, election):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", MUNICIPAL)
        archive.writestr("b.csv", MUNICIPAL)
    assert parse(db, buffer.getvalue()).problems[0].startswith("rivi 1, sarake -: zip-tiedostossa")


def test_importing_the_same_list_again_changes_nothing(db, election):
    load(db, MUNICIPAL)
    before = version(db)
    rows = list(db.query("SELECT * FROM candidate ORDER BY id"))
    changes = load(db, zipped(MUNICIPAL))
    assert (changes.added, changes.updated, changes.withdrawn, changes.unchanged) == (0, 0, 0, 10)
    assert list(db.query("SELECT * FROM candidate ORDER BY id")) == rows
    assert version(db) == before  # voters' snapshots stay valid


def test_a_corrected_list_updates_withdraws_and_keeps_every_answer(db, election):
    load(db, MUNICIPAL)
    typo = person(db, "Päivi", "Jääskeläinnen")["id"]
    leaving = person(db, "Tuomas", "Kyösti")["id"]
    question = db.execute(
        "SELECT question_id FROM election_question WHERE election_id = 'kunta-2029' LIMIT 1"
    ).fetchone()[0]
    for candidate_id in (typo, leaving):
        answers.save_answers(
            db, candidate_id, {question: {"value": 4, "justification_fi": "Perustelen."}}, {}
        )
    before = build_snapshot(db, "kunta-2029")
    assert leaving in before.candidate_ids.tolist()

    changes = load(db, CORRECTED)
    assert (changes.added, changes.updated, changes.withdrawn, changes.unchanged) == (1, 2, 1, 7)
    fixed = db["candidate"].get(typo)
    assert (fixed["last_name"], fixed["withdrawn"]) == ("Jääskeläinen", 0)
    assert person(db, "Gunnel", "Sjöholm")["profession"] == "rektor"
    gone = db["candidate"].get(leaving)
    assert gone["withdrawn"] == 1 and gone["number"] == 2  # nobody else took number 2 in Turku
    assert person(db, "Eevi", "Åkerlund")["number"] == 4
    # Nothing a candidate typed is lost, the withdrawn candidate's included.
    kept = db.execute(
        "SELECT candidate_id, value, justification_fi FROM answer ORDER BY candidate_id"
    ).fetchall()
    assert kept == [(typo, 4, "Perustelen."), (leaving, 4, "Perustelen.")]
    # Voters no longer see the withdrawn candidate; the snapshot is rebuilt on the new version.
    after = build_snapshot(db, "kunta-2029", previous=before)
    assert leaving not in after.candidate_ids.tolist()
    assert typo in after.candidate_ids.tolist()
    assert after.version > before.version

    # The first list again: the withdrawn candidate is back, with their answers.
    changes = load(db, MUNICIPAL)
    assert db["candidate"].get(leaving)["withdrawn"] == 0
    assert person(db, "Eevi", "Åkerlund")["withdrawn"] == 1
    assert leaving in build_snapshot(db, "kunta-2029").candidate_ids.tolist()


def test_a_number_given_to_someone_else_frees_it_from_the_withdrawn_candidate(db, election):
    load(db, MUNICIPAL)
    leaving = person(db, "Tuomas", "Kyösti")["id"]
    replaced = with_line(17, lambda cells: cells.__setitem__(slice(17, 19), ["Uusi", "Ehdokas"]))
    changes = load(db, replaced)
    assert (changes.added, changes.withdrawn) == (1, 1)
    assert db["candidate"].get(leaving)["number"] is None
    assert person(db, "Uusi", "Ehdokas")["number"] == 2


def test_the_command_imports_and_reports_in_the_terminals_language(
    app, db, election, tmp_path, monkeypatch
):
    monkeypatch.setenv("VAALIKONE_LANGUAGE", "en")
    path = tmp_path / "kv-2029_ehd_maa.csv.zip"
    path.write_bytes(zipped(MUNICIPAL))
    result = app.test_cli_runner().invoke(args=["import-moj", "kunta-2029", str(path)])
    assert result.exit_code == 0, result.output
    assert "10 new, 0 changed, 0 withdrawn, 0 unchanged" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(with_line(3, set_cell(2, "999")))
    result = app.test_cli_runner().invoke(args=["import-moj", "kunta-2029", str(bad)])
    assert result.exit_code != 0
    assert "row 3, column 3 (municipality): unknown municipality '999'." in result.output
