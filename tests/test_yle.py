"""Yle's real election-machine data: imported whole or not at all, scored like any election."""

from __future__ import annotations

import csv
import re
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import TEST_CONFIG
from tests.test_foundation import dump
from vaalikone import create_app
from vaalikone.db import connect
from vaalikone.importers import yle
from vaalikone.matching import reference as ref
from vaalikone.matching import scoring
from vaalikone.matching.snapshot import get_snapshot

DATA = Path(__file__).resolve().parent.parent / "vaalikone" / "data" / "yle"


@pytest.fixture(scope="module")
def yle_db_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("yle") / "yle.db"
    app = create_app({**TEST_CONFIG, "DATABASE": str(path)})
    runner = app.test_cli_runner()
    for folder in ("2023", "2015"):
        result = runner.invoke(args=["import-yle", str(DATA / folder)])
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def yle_app(yle_db_file, tmp_path):
    path = tmp_path / "yle.db"
    shutil.copy(yle_db_file, path)
    return create_app({**TEST_CONFIG, "DATABASE": str(path), "WTF_CSRF_ENABLED": False})


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def count(path: Path, sql: str, *args) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchone()[0]
    finally:
        conn.close()


def test_2023_counts_match_the_data_readme(yle_db_file):
    assert (
        count(yle_db_file, "SELECT count(*) FROM candidate WHERE election_id = 'eduskunta-2023'")
        == 2116
    )
    assert (
        count(
            yle_db_file,
            "SELECT count(*) FROM election_question WHERE election_id = 'eduskunta-2023'",
        )
        == 47
    )
    missing = count(
        yle_db_file,
        "SELECT count(*) FROM answer a JOIN candidate c ON c.id = a.candidate_id "
        "WHERE c.election_id = 'eduskunta-2023' AND a.value IS NULL",
    )
    assert missing == 1, "one empty cell"
    assert (
        count(yle_db_file, "SELECT count(*) FROM constituency WHERE election_id = 'eduskunta-2023'")
        == 13
    )


def test_2015_counts_match_the_data_readme(yle_db_file):
    assert (
        count(yle_db_file, "SELECT count(*) FROM candidate WHERE election_id = 'eduskunta-2015'")
        == 2146
    )
    answered = count(
        yle_db_file,
        "SELECT count(DISTINCT a.candidate_id) FROM answer a JOIN candidate c ON c.id = a.candidate_id "
        "WHERE c.election_id = 'eduskunta-2015' AND a.value IS NOT NULL",
    )
    assert answered == 1879
    assert (
        count(
            yle_db_file,
            "SELECT count(*) FROM candidate WHERE election_id = 'eduskunta-2015' AND elected = 1",
        )
        == 200
    )


def test_2015_code_3_is_a_missing_answer_not_a_neutral_one(yle_db_file):
    rows = read_rows(DATA / "2015" / "answers_national_likert.csv")
    threes = [(r["id"], q) for r in rows for q in r if q.startswith("q") and r[q] == "3"]
    assert threes
    yle_id, qid = threes[0]
    conn = sqlite3.connect(yle_db_file)
    value = conn.execute(
        "SELECT value FROM answer WHERE candidate_id = ? AND question_id = ?",
        [yle.ID_BASE["2015"] + int(yle_id), f"yle2015-{qid}"],
    ).fetchone()[0]
    assert value is None
    assert (
        conn.execute(
            "SELECT count(*) FROM answer WHERE question_id LIKE 'yle%' AND value = 3"
        ).fetchone()[0]
        == 0
    )
    conn.close()


def test_four_point_scale_normalises_to_quarters(yle_app):
    db = connect(yle_app.config["DATABASE"])
    snapshot = get_snapshot(db, "eduskunta-2023")
    values = set(np.unique(snapshot.answers[~np.isnan(snapshot.answers)]).tolist())
    assert values == {0.0, 0.25, 0.75, 1.0}
    db.conn.close()


def test_2015_names_numbers_and_justifications_are_kept(yle_db_file):
    first = read_rows(DATA / "2015" / "answers_full.csv")[0]
    conn = sqlite3.connect(yle_db_file)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM candidate WHERE external_id = ?", [first["id"]]).fetchone()
    assert (row["first_name"], row["last_name"], row["number"]) == (
        first["etunimi"],
        first["sukunimi"],
        int(first["ehdokasnumero"]),
    )
    comment = conn.execute(
        "SELECT justification_fi FROM answer WHERE candidate_id = ? AND question_id = 'yle2015-q127'",
        [row["id"]],
    ).fetchone()[0]
    assert comment == first["127|kommentti"].strip()
    conn.close()


def test_anonymous_candidates_get_a_stable_placeholder(yle_db_file):
    conn = sqlite3.connect(yle_db_file)
    name = conn.execute(
        "SELECT first_name || ' ' || last_name FROM candidate WHERE id = ?",
        [yle.ID_BASE["2023"] + 17],
    ).fetchone()[0]
    assert name.startswith("Ehdokas 17, ")
    conn.close()


def test_reimporting_the_same_files_changes_nothing(yle_app):
    path = Path(yle_app.config["DATABASE"])
    before = dump(path)
    result = yle_app.test_cli_runner().invoke(args=["import-yle", str(DATA / "2023")])
    assert result.exit_code == 0 and "nothing changed" in result.output
    assert dump(path) == before


def test_summary_reports_duplicates_and_silent_candidates(yle_app):
    data = yle.read(DATA / "2023")
    assert data.summary()["duplicate answer rows"] == 19
    data = yle.read(DATA / "2015")
    assert data.summary()["candidates with no answers"] == 2146 - 1879


def broken_copy(tmp_path: Path, year: str) -> Path:
    target = tmp_path / year
    shutil.copytree(DATA / year, target)
    return target


@pytest.mark.parametrize("year", ["2023", "2015"])
def test_a_value_off_the_scale_imports_nothing_and_names_row_and_column(yle_app, tmp_path, year):
    folder = broken_copy(tmp_path, year)
    name = "answers.csv" if year == "2023" else "answers_full.csv"
    lines = (folder / name).read_text(encoding="utf-8").splitlines(keepends=True)
    cells = next(csv.reader([lines[5]]))
    column = 10 if year == "2023" else 39
    cells[column] = "7"
    out = []
    csv.writer(_Sink(out)).writerow(cells)
    lines[5] = out[0]
    (folder / name).write_text("".join(lines), encoding="utf-8")
    before = dump(Path(yle_app.config["DATABASE"]))
    result = yle_app.test_cli_runner().invoke(args=["import-yle", str(folder)])
    assert result.exit_code != 0
    assert "row 6" in result.output and "'7'" in result.output
    assert dump(Path(yle_app.config["DATABASE"])) == before


class _Sink:
    def __init__(self, out: list[str]) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)


def test_a_missing_column_imports_nothing(yle_app, tmp_path):
    folder = broken_copy(tmp_path, "2023")
    path = folder / "answers.csv"
    text = path.read_text(encoding="utf-8").replace("vaalipiiri,", "piiri,", 1)
    path.write_text(text, encoding="utf-8")
    result = yle_app.test_cli_runner().invoke(args=["import-yle", str(folder)])
    assert result.exit_code != 0
    assert "row 1, column vaalipiiri: missing column" in result.output


def test_wrong_encoding_imports_nothing(yle_app, tmp_path):
    folder = broken_copy(tmp_path, "2023")
    path = folder / "answers.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    before = dump(Path(yle_app.config["DATABASE"]))
    result = yle_app.test_cli_runner().invoke(args=["import-yle", str(folder)])
    assert result.exit_code != 0 and "not UTF-8" in result.output and "row 1" in result.output
    assert dump(Path(yle_app.config["DATABASE"])) == before


def test_pages_with_imported_data_name_the_source(yle_app):
    client = yle_app.test_client()
    for url in (
        "/",
        "/vaalit?piiri=eduskunta-2023:helsinki",
        "/kysely/kaikki?piiri=eduskunta-2023:helsinki",
        f"/ehdokkaat/{yle.ID_BASE['2023'] + 1}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "Lähde: Yle vaalikone, eduskuntavaalit 2023, avoin data" in html, url
    html = client.post("/tulokset", data={"piiri": "eduskunta-2015:helsinki"}).get_data(
        as_text=True
    )
    assert "Lähde: Yle vaalikone, eduskuntavaalit 2015, avoin data" in html


def test_a_municipality_leads_to_its_district(yle_app):
    html = yle_app.test_client().get("/vaalit?kunta=179").get_data(as_text=True)
    assert "piiri=eduskunta-2023:keski-suomi" in html


# The scorer's reference and property tests, on the real 2023 answers.
@pytest.fixture(scope="module")
def real_answers(yle_db_file) -> np.ndarray:
    db = connect(yle_db_file)
    try:
        return get_snapshot(db, "eduskunta-2023").answers.copy()
    finally:
        db.conn.close()


def test_reference_agrees_on_real_answers(real_answers):
    rng = np.random.default_rng(2023)
    for metric in ("cityblock", "euclidean"):
        for missing in ("max", "skip"):
            voter = rng.choice([0.0, 0.25, 0.75, 1.0, np.nan], size=real_answers.shape[1])
            weights = rng.choice([0.5, 1.0, 2.0], size=real_answers.shape[1])
            fast = scoring.match(voter, weights, real_answers, metric=metric, missing=missing)
            slow = ref.match(
                voter.tolist(),
                weights.tolist(),
                real_answers.tolist(),
                metric=metric,
                missing=missing,
            )
            np.testing.assert_allclose(fast, slow, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2115), st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=47, max_size=47))
def test_a_candidate_copied_scores_100_and_ranks_first(real_answers, row, weights):
    voter = real_answers[row]
    matches = scoring.match(voter, np.array(weights), real_answers)
    assert matches[row] == pytest.approx(100.0)
    assert np.all((matches >= 0) & (matches <= 100))
    assert matches[scoring.rank(matches, np.arange(len(matches)))[0]] == pytest.approx(100.0)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2115), st.permutations(range(47)))
def test_reordering_real_statements_changes_nothing(real_answers, row, order):
    voter = real_answers[(row + 1) % len(real_answers)]
    weights = np.ones(47)
    base = scoring.match(voter, weights, real_answers)
    order = list(order)
    permuted = scoring.match(voter[order], weights[order], real_answers[:, order])
    np.testing.assert_allclose(base, permuted, atol=1e-9)


@pytest.mark.browser
def test_the_2023_quiz_in_one_page_mode_finds_a_copied_candidate_at_100(yle_app, page):
    from tests.conftest import LiveServer
    from tests.helpers import assert_accessible, cell_text

    yle_app.config["WTF_CSRF_ENABLED"] = True
    copied = yle.ID_BASE["2023"] + 300
    target = yle_app.test_client().get(f"/api/v1/candidates/{copied}").get_json()
    with LiveServer(yle_app) as server:
        page.goto(server.url + "/")
        page.select_option("#piiri-eduskunta-2023", target["constituency"])
        page.locator("form", has=page.locator("#piiri-eduskunta-2023")).locator("button").click()
        page.click("text=Kaikki väitteet yhdellä sivulla")
        assert page.locator("fieldset.statement").count() == 47
        assert page.locator("fieldset.statement input[value='3']").count() == 0, (
            "no middle answer in 2023"
        )
        assert_accessible(page, "yle-2023-one-page")
        for qid, value in target["answers"].items():
            if value is not None:
                page.locator(f"fieldset.statement input[name='a-{qid}'][value='{value}']").check()
        page.click("form.quiz button[type=submit]")
        rows = page.locator("table.candidates tbody tr")
        names = rows.locator("th").all_inner_texts()
        assert target["name"] in names
        row = rows.nth(names.index(target["name"]))
        assert cell_text(row.locator("td.match")) == "100\xa0%"
        assert cell_text(rows.first.locator("td.match")) == "100\xa0%"
        assert "Lähde: Yle vaalikone, eduskuntavaalit 2023, avoin data" in page.content()


def test_imported_statements_name_their_own_source(yle_app):
    client = yle_app.test_client()
    html = client.get("/vaitteet/yle2015-q127").get_data(as_text=True)
    assert "Lähde" in html and "Yle" in html
    assert "Tavoitteet, joista väite on johdettu" not in html  # no organisation goals behind it


def test_yle_2015_offers_the_filters_its_data_has_and_2023_none_of_them(yle_app):
    client = yle_app.test_client()
    shown = client.post("/tulokset", data={"piiri": "eduskunta-2015:hame", "a-yle2015-q127": "1"})
    html = shown.get_data(as_text=True)
    for name in ("age", "gender", "elected", "lang"):
        assert f'id="{name}-eduskunta-2015"' in html, name
    assert (
        'id="inc-eduskunta-2015"' not in html
    )  # Yle's data says nothing of who sits in parliament
    elected = client.post(
        "/tulokset",
        data={"piiri": "eduskunta-2015:hame", "a-yle2015-q127": "1", "elected-eduskunta-2015": "1"},
    ).get_data(as_text=True)
    db = connect(yle_app.config["DATABASE"])
    try:
        (count,) = db.execute(
            "SELECT count(*) FROM candidate WHERE constituency_id = 'eduskunta-2015:hame' AND elected"
        ).fetchone()
    finally:
        db.conn.close()
    assert f"Rajaukseen sopii {count} ehdokasta." in re.sub(r"\s+", " ", elected)
    html = client.post(
        "/tulokset", data={"piiri": "eduskunta-2023:hame", "a-yle2023-q1": "1"}
    ).get_data(as_text=True)
    for name in ("age", "gender", "elected", "lang", "inc"):
        assert f'id="{name}-eduskunta-2023"' not in html, name
