"""Write the invented Ministry of Justice files used by the tests: `python tests/data/moj/make_files.py`.

The layout is in README.md (positional `;`, no header, ISO-8859-1, a trailing `;`). The candidates are
invented; the municipalities, districts and counties are real.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
WIDTH = 45  # positions 0..44

# (municipality, district, name fi, name sv, county number)
PLACES = {
    "091": ("01", "Helsinki", "Helsingfors", None),
    "545": ("10", "Närpiö", "Närpes", "17"),
    "853": ("03", "Turku", "Åbo", "05"),
}
PARTIES = {
    "kok": ("01", "KOK", "SAML", "NCP"),
    "sdp": ("02", "SDP", "SDP", "SDP"),
    "rkp": ("07", "RKP", "SFP", "SFP"),
    # Not among our parties: the import creates it from the file.
    "lpp": ("83", "LPP", "LPP", "LPP"),
    "": ("", "", "", ""),  # a joint list of an electors' association: no party
}
# (municipality, party, number, first, last, sex, age, profession, home, language, flags MEP/MP/council/county)
CANDIDATES = [
    ("091", "kok", "002", "Åsa", "Öhman", "2", "44", "lääkäri", "091", "sv", "0001"),
    (
        "091",
        "kok",
        "003",
        "Päivi",
        "Jääskeläinnen",
        "2",
        "51",
        "sairaanhoitaja",
        "091",
        "fi",
        "0010",
    ),
    ("091", "sdp", "004", "Matti", "Mäkelä", "1", "63", "eläkeläinen", "091", "fi", "0110"),
    ("091", "lpp", "005", "Ööpa", "Ärrä", "1", "19", "opiskelija", "049", "fi", "0000"),
    ("091", "", "006", "Kaisu", "Kärkkäinen", "2", "38", "yrittäjä", "091", "fi", "0000"),
    ("545", "rkp", "2", "Björn", "Åström", "1", "57", "lantbrukare", "545", "sv", "0011"),
    ("545", "rkp", "3", "Gunnel", "Sjöholm", "2", "45", "lärare", "545", "sv", "0000"),
    ("545", "sdp", "4", "Märta", "Strömbäck", "2", "70", "pensionär", "545", "sv", "0010"),
    ("853", "kok", "02", "Tuomas", "Kyösti", "1", "29", "insinööri", "853", "fi", "0000"),
    ("853", "sdp", "03", "Sanna", "Hännikäinen", "2", "35", "sosionomi", "853", "fi", "1000"),
]
RESULTS = {
    ("091", "002"): "1",
    ("091", "003"): "2",
    ("091", "004"): "1",
    ("545", "2"): "1",
    ("853", "03"): "1",
}
NAMES = {
    "091": ("Helsinki", "Helsingfors"),
    "545": ("Närpiö", "Närpes"),
    "853": ("Turku", "Åbo"),
    "049": ("Espoo", "Esbo"),
}


def line(
    kind: str,
    district: str,
    municipality: str,
    area_type: str,
    area: str,
    c: tuple,
    result: str = "",
) -> str:
    place, party, number, first, last, sex, age, profession, home, language, flags = c
    cells = [""] * WIDTH
    cells[0:5] = [kind, district, municipality, area_type, area]
    official, fi, sv, en = PARTIES[party]
    cells[7], cells[8], cells[9], cells[10] = official, official.lstrip("0"), "1", ""
    cells[11:14] = [fi, sv, en]
    cells[14] = number
    if municipality != "***":
        cells[15], cells[16] = NAMES[municipality]
    cells[17:22] = [first, last, sex, age, profession]
    cells[22], (cells[23], cells[24]) = home, NAMES[home]
    cells[25] = language
    cells[26:30] = list(flags)
    cells[38] = result
    return ";".join(cells) + ";"


def municipal(candidates: list[tuple], results: bool = False) -> str:
    """Municipal election: per candidate a municipality-total row, voting-area rows (results only) and a
    district total with `***` (rows the import skips)."""
    rows = []
    for c in candidates:
        district = PLACES[c[0]][0]
        result = RESULTS.get((c[0], c[2]), "3") if results else ""
        rows.append(line("K", district, c[0], "K", "****", c, result))
        if results:
            for area in ("001A", "002B"):
                rows.append(line("K", district, c[0], "A", area, c, ""))
        rows.append(line("K", district, "***", "V", "****", c, ""))
    return "\r\n".join(rows) + "\r\n"


def county(candidates: list[tuple]) -> str:
    """County election: a county-total row (`***`) and a municipality row (skipped) per candidate."""
    rows = []
    for c in candidates:
        number = PLACES[c[0]][3]
        if number is None:
            continue  # Helsinki is not in a wellbeing services county
        rows.append(line("AV", number, "***", "V", "****", c))
        rows.append(line("AV", number, c[0], "K", "****", c))
    return "\r\n".join(rows) + "\r\n"


def corrected() -> list[tuple]:
    """The list after a correction: a name fixed, a profession changed, one gone, one added."""
    fixed = []
    for c in CANDIDATES:
        c = list(c)
        if (c[0], c[2]) == ("091", "003"):
            c[4] = "Jääskeläinen"  # a typo in the last name fixed
        if (c[0], c[2]) == ("545", "3"):
            c[7] = "rektor"
        if (c[0], c[2]) == ("853", "02"):
            continue  # withdrew from the election
        fixed.append(tuple(c))
    fixed.append(
        ("853", "kok", "04", "Eevi", "Åkerlund", "2", "22", "opiskelija", "853", "fi", "0000")
    )
    return fixed


def main() -> None:
    files = {
        "kv_ehd_maa.csv": municipal(CANDIDATES),
        "kv_ehd_maa_korjattu.csv": municipal(corrected()),
        "kv_teat_maa.csv": municipal(CANDIDATES, results=True),
        "av_ehd_maa.csv": county(CANDIDATES),
    }
    for name, text in files.items():
        (HERE / name).write_bytes(text.encode("iso-8859-1"))


if __name__ == "__main__":
    main()
