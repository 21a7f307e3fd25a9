"""Candidates' e-mail addresses from the parties, merged onto the official list: all or nothing."""

from __future__ import annotations

import pytest

from tests.builders import make_election
from tests.test_import_moj import MUNICIPAL, load, person
from vaalikone.domain import candidates
from vaalikone.importers import emails

pytestmark = pytest.mark.usefixtures("finnish")


@pytest.fixture
def election(db):
    make_election(db, "kunta-2029")
    load(db, MUNICIPAL)
    return "kunta-2029"


def merge(db, text: str, party: str | None = None) -> dict[str, int]:
    parsed = emails.parse(db, text.encode(), "kunta-2029", party)
    assert parsed.problems == []
    return candidates.merge_emails(db, parsed.rows, "2029-01-01T00:00:00+00:00")


def problems(db, text: str, party: str | None = None) -> list[str]:
    return emails.parse(db, text.encode(), "kunta-2029", party).problems


def account(db, first: str, last: str) -> tuple | None:
    return db.execute(
        "SELECT u.email, u.password_hash FROM user u JOIN candidate c ON c.id = u.candidate_id "
        "WHERE c.first_name = ? AND c.last_name = ?",
        [first, last],
    ).fetchone()


def test_each_partys_list_adds_its_candidates_addresses_and_never_clears_the_others(db, election):
    assert merge(
        db, "municipality,number,email\n091,2,asa@example.fi\n91,3,Paivi@Example.fi\n", "kok"
    ) == {
        "changed": 2,
        "accounts": 2,
    }
    assert merge(db, "municipality;number;email\n545;4;marta@example.fi\n", "sdp")["accounts"] == 1
    assert person(db, "Åsa", "Öhman")["email"] == "asa@example.fi"
    assert person(db, "Päivi", "Jääskeläinnen")["email"] == "paivi@example.fi"
    assert person(db, "Märta", "Strömbäck")["email"] == "marta@example.fi"
    # Password-less accounts, ready for invitations.
    assert account(db, "Åsa", "Öhman") == ("asa@example.fi", None)
    assert db.execute("SELECT count(*) FROM user WHERE role = 'candidate'").fetchone()[0] == 3
    # The same list again changes nothing; a corrected address follows into the unused account.
    assert merge(db, "municipality,number,email\n091,2,asa@example.fi\n", "kok") == {
        "changed": 0,
        "accounts": 0,
    }
    assert merge(db, "municipality,number,email\n091,2,asa.ohman@example.fi\n")["changed"] == 1
    assert account(db, "Åsa", "Öhman") == ("asa.ohman@example.fi", None)


@pytest.mark.parametrize(
    ("text", "party", "expected"),
    [
        (
            "municipality,number,email\n091,4,matti@example.fi\n",
            "kok",
            "rivi 2, sarake number: ehdokas numero 4 ei ole puolueen kok ehdokas.",
        ),
        (
            "municipality,number,email\n999,2,x@example.fi\n",
            None,
            "rivi 2, sarake municipality: tuntematon kunta '999'.",
        ),
        (
            "municipality,number,email\n091,99,x@example.fi\n",
            None,
            "rivi 2, sarake number: kunnassa 091 ei ole ehdokasta numero 99.",
        ),
        (
            "municipality,number,email\n091,kaksi,x@example.fi\n",
            None,
            "rivi 2, sarake number: 'kaksi' ei ole ehdokasnumero.",
        ),
        (
            "municipality,number,email\n091,2,ei-osoite\n",
            None,
            "rivi 2, sarake email: 'ei-osoite' ei ole sähköpostiosoite.",
        ),
        (
            "municipality,number,email\n091,2,a@example.fi\n091,3,a@example.fi\n",
            None,
            "rivi 3, sarake email: a@example.fi on myös rivillä 2.",
        ),
        (
            "municipality,number,email\n091,2,a@example.fi\n091,2,b@example.fi\n",
            None,
            "rivi 3, sarake number: sama ehdokas on myös rivillä 2.",
        ),
        (
            "kunta,numero,email\n091,2,a@example.fi\n",
            None,
            "rivi 1, sarake -: ensimmäisen rivin pitää olla municipality,number,email.",
        ),
        (
            "municipality,number\n",
            None,
            "rivi 1, sarake -: ensimmäisen rivin pitää olla municipality,number,email.",
        ),
    ],
)
def test_a_bad_row_imports_nothing(db, election, text, party, expected):
    found = problems(db, text + "091,5,ok@example.fi\n", party)
    assert expected in found, found
    assert db.execute("SELECT count(*) FROM user").fetchone()[0] == 0


def test_an_address_in_use_is_never_taken_over(db, election):
    merge(db, "municipality,number,email\n091,2,asa@example.fi\n")
    db.execute("UPDATE user SET password_hash = 'x' WHERE email = 'asa@example.fi'")
    # Another candidate cannot get Åsa's address, and Åsa's own login address is hers to change.
    assert problems(db, "municipality,number,email\n091,3,asa@example.fi\n") == [
        "rivi 2, sarake email: osoitteella asa@example.fi on jo toinen tunnus."
    ]
    assert problems(db, "municipality,number,email\n091,2,uusi@example.fi\n") == [
        "rivi 2, sarake email: ehdokas on jo ottanut käyttöön tunnuksen osoitteella asa@example.fi."
    ]


def test_a_county_list_names_constituencies_by_any_municipality_of_the_county(db):
    from tests.test_import_moj import COUNTY

    make_election(db, "alue-2029", "alue")
    load(db, COUNTY, "alue-2029")
    parsed = emails.parse(db, b"municipality,number,email\n545,3,gunnel@example.fi\n", "alue-2029")
    candidates.merge_emails(db, parsed.rows, "2029-01-01")
    assert person(db, "Gunnel", "Sjöholm")["email"] == "gunnel@example.fi"


def test_the_command_merges_a_partys_list(app, db, election, tmp_path):
    path = tmp_path / "kok.csv"
    path.write_text("municipality,number,email\n091,2,asa@example.fi\n")
    result = app.test_cli_runner().invoke(
        args=["import-emails", "kunta-2029", str(path), "--party", "kok"]
    )
    assert result.exit_code == 0, result.output
    assert account(db, "Åsa", "Öhman") == ("asa@example.fi", None)
    path.write_text("municipality,number,email\n091,4,matti@example.fi\n")
    result = app.test_cli_runner().invoke(
        args=["import-emails", "kunta-2029", str(path), "--party", "kok"]
    )
    assert result.exit_code != 0 and "row 2, column number" in result.output
