"""Public reference data in vaalikone/data/: counties, districts, municipalities, parties, names.

Plain csv reads, no Flask: these files are facts the rest of the app builds on, so they are
checked on their own. Where a test names a place or a number, SOURCES.md says where it is from.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from vaalikone.domain.statements import COUNTIES

DATA = Path(__file__).resolve().parent.parent / "vaalikone" / "data"

# The county ids the question bank validates against: the data must use exactly these.
COUNTY_SLUGS = set(COUNTIES)
ALAND = {
    "035",
    "043",
    "060",
    "062",
    "065",
    "076",
    "170",
    "295",
    "318",
    "417",
    "438",
    "478",
    "736",
    "766",
    "771",
    "941",
}
# Statistics Finland's municipality classification for 2025 (Pertunmaa joined Mäntyharju).
MUNICIPALITIES_2025 = 308

# Copied from the Yle files (column `vaalipiiri`) so the tests never read /work/shared:
# yle-2023/answers.csv ...
YLE_2023_DISTRICTS = {
    "Ahvenanmaan vaalipiiri",
    "Helsingin vaalipiiri",
    "Hämeen vaalipiiri",
    "Kaakkois-Suomen vaalipiiri",
    "Keski-Suomen vaalipiiri",
    "Lapin vaalipiiri",
    "Oulun vaalipiiri",
    "Pirkanmaan vaalipiiri",
    "Satakunnan vaalipiiri",
    "Savo-Karjalan vaalipiiri",
    "Uudenmaan vaalipiiri",
    "Vaasan vaalipiiri",
    "Varsinais-Suomen vaalipiiri",
}
# ... and yle-2015/answers_national_likert.csv, which prefixes the official number.
YLE_2015_DISTRICTS = {
    "01 Helsingin vaalipiiri",
    "02 Uudenmaan vaalipiiri",
    "03 Varsinais-Suomen vaalipiiri",
    "04 Satakunnan vaalipiiri",
    "05 Ahvenanmaan maakunnan vaalipiiri",
    "06 Hämeen vaalipiiri",
    "07 Pirkanmaan vaalipiiri",
    "08 Kaakkois-Suomen vaalipiiri",
    "09 Savo-Karjalan vaalipiiri",
    "10 Vaasan vaalipiiri",
    "11 Keski-Suomen vaalipiiri",
    "12 Oulun vaalipiiri",
    "13 Lapin vaalipiiri",
}


def read(name: str) -> list[dict[str, str]]:
    """Rows of one reference file, as the app reads them."""
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def municipalities() -> dict[str, dict[str, str]]:
    return {m["code"]: m for m in read("municipalities.csv")}


@pytest.fixture(scope="module")
def counties() -> dict[str, dict[str, str]]:
    return {c["id"]: c for c in read("counties.csv")}


@pytest.fixture(scope="module")
def districts() -> dict[str, dict[str, str]]:
    return {d["id"]: d for d in read("districts.csv")}


@pytest.mark.parametrize(
    "name, header",
    [
        ("counties.csv", "id,official_code,name_fi,name_sv,name_en"),
        ("districts.csv", "id,number,name_fi,name_sv,name_en,yle_name"),
        ("municipalities.csv", "code,name_fi,name_sv,county,district,language,population"),
        ("parties.csv", "id,abbreviation,name_fi,name_sv,name_en,yle_names"),
        ("names.csv", "language,kind,name"),
    ],
)
def test_each_file_is_plain_utf8_csv_with_its_header(name: str, header: str) -> None:
    raw = (DATA / name).read_bytes()
    text = raw.decode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf"), "a BOM would end up in the first column name"
    assert "\r" not in text
    assert text.endswith("\n")
    assert text.splitlines()[0] == header


def test_finland_has_308_municipalities_each_with_its_own_three_digit_code(municipalities) -> None:
    codes = [m["code"] for m in read("municipalities.csv")]
    assert len(codes) == len(set(codes)) == MUNICIPALITIES_2025
    assert all(len(c) == 3 and c.isdigit() for c in codes)
    assert len({m["name_fi"] for m in municipalities.values()}) == MUNICIPALITIES_2025


def test_a_voter_from_former_pertunmaa_now_votes_in_mantyharju(municipalities) -> None:
    assert "588" not in municipalities
    mantyharju = municipalities["507"]
    assert (mantyharju["county"], mantyharju["district"]) == ("etela-savo", "kaakkois-suomi")


def test_the_21_wellbeing_services_counties_carry_statistics_finland_codes(counties) -> None:
    assert set(counties) == COUNTY_SLUGS
    codes = sorted(c["official_code"] for c in counties.values())
    assert codes == [f"{n:02d}" for n in range(1, 22)]
    assert counties["ita-uusimaa"]["official_code"] == "01"
    assert counties["pohjanmaa"]["official_code"] == "17"
    keski_suomi = counties["keski-suomi"]
    assert keski_suomi["name_fi"] == "Keski-Suomen hyvinvointialue"
    assert keski_suomi["name_sv"] == "Mellersta Finlands välfärdsområde"
    assert keski_suomi["name_en"] == "Central Finland wellbeing services county"
    for county in counties.values():
        assert county["name_fi"].endswith("hyvinvointialue")
        assert county["name_sv"].endswith("välfärdsområde")
        assert county["name_en"].endswith("wellbeing services county")


def test_every_municipality_outside_helsinki_and_aland_votes_in_a_county_election(
    municipalities,
) -> None:
    for code, m in municipalities.items():
        if code == "091" or code in ALAND:
            assert m["county"] == "", code
        else:
            assert m["county"] in COUNTY_SLUGS, code


def test_every_county_has_voters(municipalities) -> None:
    members = Counter(m["county"] for m in municipalities.values() if m["county"])
    assert set(members) == COUNTY_SLUGS
    # Vantaa and Kerava is the smallest county by membership, Pohjois-Pohjanmaa the largest.
    assert members["vantaa-kerava"] == 2
    assert members["pohjois-pohjanmaa"] == 30


def test_a_voter_in_helsinki_has_no_county_but_a_district_of_their_own(municipalities) -> None:
    helsinki = municipalities["091"]
    assert helsinki["county"] == ""
    assert helsinki["district"] == "helsinki"
    assert [c for c, m in municipalities.items() if m["district"] == "helsinki"] == ["091"]


def test_aland_is_swedish_speaking_outside_the_counties_and_its_own_district(
    municipalities,
) -> None:
    aland = {c for c, m in municipalities.items() if m["district"] == "ahvenanmaa"}
    assert aland == ALAND
    assert {municipalities[c]["language"] for c in ALAND} == {"sv"}


def test_there_are_13_districts_numbered_as_in_the_election_act(districts) -> None:
    assert sorted(d["number"] for d in districts.values()) == [f"{n:02d}" for n in range(1, 14)]
    assert districts["helsinki"]["number"] == "01"
    assert districts["ahvenanmaa"]["number"] == "05"
    assert districts["lappi"]["number"] == "13"


def test_every_municipality_lies_in_a_district_that_exists(municipalities, districts) -> None:
    assert {m["district"] for m in municipalities.values()} == set(districts)


@pytest.mark.parametrize(
    "code, district",
    [
        ("090", "savo-karjala"),  # Heinävesi moved with its region in 2021
        ("171", "savo-karjala"),  # Joroinen
        ("291", "pirkanmaa"),  # Kuhmoinen
        ("142", "hame"),  # Iitti
        ("272", "vaasa"),  # Kokkola: Central Ostrobothnia votes in Vaasa
        ("905", "vaasa"),
        ("564", "oulu"),
        ("205", "oulu"),  # Kajaani
        ("092", "uusimaa"),
    ],
)
def test_a_voter_is_placed_in_the_district_of_2023(
    municipalities, code: str, district: str
) -> None:
    assert municipalities[code]["district"] == district


def test_a_district_never_splits_a_county(municipalities) -> None:
    by_county: dict[str, set[str]] = {}
    for m in municipalities.values():
        if m["county"]:
            by_county.setdefault(m["county"], set()).add(m["district"])
    assert all(len(d) == 1 for d in by_county.values()), by_county


def test_yle_2023_district_names_map_to_a_district(districts) -> None:
    by_yle_name = {d["yle_name"]: d["id"] for d in districts.values()}
    assert set(by_yle_name) == YLE_2023_DISTRICTS


def test_yle_2015_district_names_map_to_a_district_by_number_and_official_name(districts) -> None:
    by_numbered_name = {f"{d['number']} {d['name_fi']}": d["id"] for d in districts.values()}
    assert set(by_numbered_name) == YLE_2015_DISTRICTS


@pytest.mark.parametrize(
    "code, name_sv",
    [
        ("091", "Helsingfors"),
        ("049", "Esbo"),
        ("092", "Vanda"),
        ("853", "Åbo"),
        ("905", "Vasa"),
        ("445", "Pargas"),
        ("599", "Pedersöre"),
        ("624", "Pyttis"),
    ],
)
def test_a_swedish_speaker_finds_their_bilingual_home_town_by_its_swedish_name(
    municipalities, code: str, name_sv: str
) -> None:
    assert municipalities[code]["name_sv"] == name_sv
    assert municipalities[code]["language"] in {"fi-sv", "sv-fi"}


def test_bilingual_municipalities_have_a_distinct_swedish_name_unless_they_share_one(
    municipalities,
) -> None:
    bilingual = {c: m for c, m in municipalities.items() if m["language"] in {"fi-sv", "sv-fi"}}
    same = {c for c, m in bilingual.items() if m["name_sv"] == m["name_fi"]}
    assert same == {"280"}  # Korsnäs is Korsnäs in both languages


def test_language_status_follows_the_2023_2032_decree(municipalities) -> None:
    statuses = Counter(m["language"] for m in municipalities.values())
    assert statuses == {"fi": 259, "fi-sv": 18, "sv-fi": 15, "sv": 16}
    assert municipalities["091"]["language"] == "fi-sv"
    assert municipalities["710"]["language"] == "sv-fi"  # Raasepori
    assert municipalities["202"]["language"] == "fi"  # Kaarina has a Swedish name but is Finnish


def test_every_municipality_has_a_plausible_population(municipalities) -> None:
    populations = {c: int(m["population"]) for c, m in municipalities.items()}
    assert all(p > 0 for p in populations.values())
    assert max(populations, key=populations.get) == "091"
    assert min(populations, key=populations.get) == "766"  # Sottunga
    assert 5_400_000 < sum(populations.values()) < 5_700_000


def test_parties_cover_the_parliamentary_nine_and_do_not_share_yle_names() -> None:
    parties = read("parties.csv")
    ids = [p["id"] for p in parties]
    assert len(ids) == len(set(ids))
    assert {"kok", "sdp", "ps", "kesk", "vihr", "vas", "rkp", "kd", "liik"} <= set(ids)
    assert all(p["id"] == p["id"].lower() and p["abbreviation"] for p in parties)
    yle_names = [n for p in parties for n in p["yle_names"].split("|")]
    assert "" not in yle_names
    assert len(yle_names) == len(set(yle_names))
    by_yle = {n: p["id"] for p in parties for n in p["yle_names"].split("|")}
    assert by_yle["Kokoomus"] == by_yle["Kansallinen Kokoomus"] == "kok"
    assert by_yle["Vihreät"] == by_yle["Vihreä liitto"] == "vihr"


def test_demo_candidates_can_be_named_in_both_languages() -> None:
    names = read("names.csv")
    kinds = Counter((n["language"], n["kind"]) for n in names)
    for kind in ("first_f", "first_m", "last"):
        assert kinds["fi", kind] >= 50
        assert kinds["sv", kind] >= 25
    expected = {(lang, k) for lang in ("fi", "sv") for k in ("first_f", "first_m", "last")}
    assert set(kinds) == expected
    triples = [(n["language"], n["kind"], n["name"]) for n in names]
    assert len(triples) == len(set(triples))
    assert all(n["name"].strip() == n["name"] and n["name"] for n in names)
