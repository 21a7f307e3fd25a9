"""The Ministry of Justice's candidate lists and results (vaalit.fi open data): all or nothing.

The layout (copied from the project's notes on the ministry's files, see tests/data/moj/README.md): one
candidate per line, fields separated by `;` at fixed positions, no header, ISO-8859-1 (Windows-1252 reads
it too), every line ending in `;`. Downloads are zipped; a zip holding one `.csv` (and its `.chk`) is
read as that file. Problems name the line and the column, counting columns from 1 as a spreadsheet shows
them (the layout's 0-based position plus one).

Which lines are candidates: in a municipal election the municipality-total lines (area type `K`, a
municipality number); in a county election the county-total lines (municipality `***`). Lines of voting
areas and wider totals repeat the same candidates and are skipped, so the by-area results file reads too.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import sqlite_utils

from vaalikone.domain.candidates import OfficialCandidate, candidate_numbers
from vaalikone.i18n import gettext as _
from vaalikone.i18n import lazy_gettext as _l
from vaalikone.importers import problem as located

# Positions (0-based) of the fields read here.
KIND, DISTRICT, MUNICIPALITY, AREA_TYPE = 0, 1, 2, 3
PARTY_ID, PARTY_FI, PARTY_SV, PARTY_EN = 7, 11, 12, 13
NUMBER, FIRST, LAST, SEX, AGE, PROFESSION = 14, 17, 18, 19, 20, 21
HOME_CODE, HOME_FI, HOME_SV, LANGUAGE = 22, 23, 24, 25
FLAGS = {26: "mep", 27: "mp", 28: "councillor", 29: "county_councillor"}
RESULT = 38
# A candidate line carries everything up to the incumbency flags; results lines go on to the result.
CANDIDATE_FIELDS = 30
RESULT_FIELDS = RESULT + 1
COLUMN_NAMES = {
    KIND: _l("vaalilaji"),
    DISTRICT: _l("vaalipiiri tai hyvinvointialue"),
    MUNICIPALITY: _l("kunta"),
    PARTY_ID: _l("puolueen tunnus"),
    PARTY_FI: _l("puolueen lyhenne"),
    NUMBER: _l("ehdokasnumero"),
    FIRST: _l("etunimi"),
    LAST: _l("sukunimi"),
    SEX: _l("sukupuoli"),
    AGE: _l("ikä"),
    HOME_CODE: _l("kotikunta"),
    LANGUAGE: _l("kieli"),
    26: _l("europarlamentaarikko"),
    27: _l("kansanedustaja"),
    28: _l("kunnanvaltuutettu"),
    29: _l("aluevaltuutettu"),
    RESULT: _l("valintatieto"),
}
ELECTION_CODES = {"kunta": "K", "alue": "AV"}
# Statistics Finland's convention (1 man, 2 woman); the layout notes could not confirm it for these files.
SEXES = {"1": "m", "2": "f"}
LANGUAGES = {
    "fi": "fi",
    "suomi": "fi",
    "finska": "fi",
    "sv": "sv",
    "se": "sv",
    "ruotsi": "sv",
    "svenska": "sv",
    "en": "en",
}
MAX_UNZIPPED = 2_000_000_000  # the national by-area results file is a few hundred megabytes
MAX_CANDIDATES = 100_000


@dataclass
class OfficialList:
    election_id: str
    candidates: list[OfficialCandidate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lines: int = 0


def problem(row: int, column: int | None, message: str, **values: Any) -> str:
    """A problem as "row N, column X (name): message" in the active language (column "-": the whole row)."""
    name = COLUMN_NAMES.get(column) if column is not None else None
    where = "-" if column is None else (f"{column + 1} ({name})" if name else str(column + 1))
    return located(row, where, message % values if values else message)


def open_source(source: IO[bytes], problems: list[str]) -> IO[bytes] | None:
    """The candidate file itself: `source`, or the one .csv inside it when it is a zip."""
    start = source.read(4)
    source.seek(0)
    if start != b"PK\x03\x04":
        return source
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        problems.append(problem(1, None, _("zip-tiedosto on rikki.")))
        return None
    members = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
    if len(members) != 1:
        problems.append(
            problem(
                1,
                None,
                _("zip-tiedostossa pitää olla täsmälleen yksi .csv-tiedosto, nyt %(n)d."),
                n=len(members),
            )
        )
        return None
    if members[0].file_size > MAX_UNZIPPED:
        problems.append(problem(1, None, _("zip-tiedoston sisältö on liian suuri.")))
        return None
    return archive.open(members[0])


def decoded_lines(stream: IO[bytes], problems: list[str]) -> Iterator[tuple[int, str]]:
    """(line number, text) of every non-empty line; stops at the first sign of a wrong encoding.

    The ministry writes ISO-8859-1. A UTF-8 file (an Excel round trip) would otherwise turn ä into Ã¤
    silently, so a line that reads as UTF-8 with letters outside ASCII stops the import.
    """
    for n, raw in enumerate(stream, start=1):
        raw = raw.rstrip(b"\r\n")
        if not raw:
            continue
        if b"\0" in raw:
            problems.append(
                problem(
                    n, None, _("tiedosto ei ole ISO-8859-1-merkistössä (siinä on nollatavuja).")
                )
            )
            return
        if not raw.isascii():
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                problems.append(
                    problem(
                        n,
                        None,
                        _(
                            "tiedosto on UTF-8-merkistössä; oikeusministeriön tiedostot ovat ISO-8859-1-merkistössä."
                        ),
                    )
                )
                return
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
        else:
            text = raw.decode("ascii")
        yield n, text


@dataclass
class _Places:
    kind: str
    municipalities: dict[str, dict[str, Any]]
    counties: dict[str, dict[str, Any]]  # by official code
    districts: dict[str, str]  # id -> number


def _places(db: sqlite_utils.Database, kind: str) -> _Places:
    return _Places(
        kind,
        {m["code"]: m for m in db.query("SELECT * FROM municipality")},
        {c["official_code"]: c for c in db.query("SELECT * FROM county")},
        {d["id"]: d["number"] for d in db.query("SELECT id, number FROM district")},
    )


def _code(value: str, width: int) -> str | None:
    value = value.strip()
    return value.zfill(width) if value.isdigit() else None


def _constituency(
    election_id: str, places: _Places, cells: list[str], n: int, problems: list[str]
) -> tuple[str, dict[str, str]] | None:
    """The constituency of a candidate line, or None with the problem added."""
    if places.kind == "kunta":
        code = _code(cells[MUNICIPALITY], 3)
        municipality = places.municipalities.get(code or "")
        if municipality is None:
            problems.append(
                problem(
                    n,
                    MUNICIPALITY,
                    _("tuntematon kunta %(value)s."),
                    value=repr(cells[MUNICIPALITY]),
                )
            )
            return None
        if municipality["aland"]:
            problems.append(
                problem(
                    n, MUNICIPALITY, _("Ahvenanmaalla ei ole kuntavaaleja Manner-Suomen kanssa.")
                )
            )
            return None
        district = _code(cells[DISTRICT], 2)
        expected = places.districts.get(municipality["district_id"])
        if district != expected:
            problems.append(
                problem(
                    n,
                    DISTRICT,
                    _("%(municipality)s kuuluu vaalipiiriin %(expected)s, ei %(value)s."),
                    municipality=municipality["name_fi"],
                    expected=expected,
                    value=repr(cells[DISTRICT]),
                )
            )
            return None
        return f"{election_id}:{municipality['code']}", {
            "municipality_code": municipality["code"],
            "name_fi": municipality["name_fi"],
            "name_sv": municipality["name_sv"],
        }
    county = places.counties.get(_code(cells[DISTRICT], 2) or "")
    if county is None:
        problems.append(
            problem(
                n, DISTRICT, _("tuntematon hyvinvointialue %(value)s."), value=repr(cells[DISTRICT])
            )
        )
        return None
    return f"{election_id}:{county['id']}", {
        "county_id": county["id"],
        "name_fi": county["name_fi"],
        "name_sv": county["name_sv"],
    }


def _is_candidate_line(kind: str, cells: list[str]) -> bool:
    """Municipal elections: municipality totals; county elections: county totals (see module docstring)."""
    municipality, area_type = cells[MUNICIPALITY].strip(), cells[AREA_TYPE].strip().upper()
    if kind == "kunta":
        return municipality != "***" and area_type in ("K", "")
    return municipality == "***" and area_type != "A"


def _flag(cells: list[str], column: int, n: int, problems: list[str]) -> int | None:
    value = cells[column].strip()
    if value in ("", "0"):
        return 0 if value else None
    if value == "1":
        return 1
    problems.append(problem(n, column, _("%(value)s ei ole 1 tai tyhjä."), value=repr(value)))
    return None


def parse(
    db: sqlite_utils.Database, source: IO[bytes], election_id: str, *, results: bool = False
) -> OfficialList:
    """Read and check the whole file (plain or zipped); candidates are usable only if `problems` is empty.

    With `results`, every candidate line must carry the result column (1 elected, 2 substitute, 3 not).
    """
    parsed = OfficialList(election_id)
    problems = parsed.problems
    election = next(db.query("SELECT kind FROM election WHERE id = ?", [election_id]), None)
    if election is None or election["kind"] not in ELECTION_CODES:
        problems.append(
            problem(
                1,
                None,
                _("vaalit %(election)s eivät ole kunta- tai aluevaalit."),
                election=election_id,
            )
        )
        return parsed
    kind = election["kind"]
    stream = open_source(source, problems)
    if stream is None:
        return parsed
    places = _places(db, kind)
    needed = RESULT_FIELDS if results else CANDIDATE_FIELDS
    seen: dict[tuple[str, int], int] = {}
    for n, text in decoded_lines(stream, problems):
        parsed.lines = n
        cells = text.split(";")
        if text.endswith(";"):
            cells.pop()  # the empty field after the separator every line ends with
        if len(cells) < needed:
            problems.append(
                problem(
                    n,
                    None,
                    _("rivillä on %(found)d kenttää, vähintään %(needed)d tarvitaan."),
                    found=len(cells),
                    needed=needed,
                )
            )
            continue
        if cells[KIND].strip().upper() != ELECTION_CODES[kind]:
            problems.append(
                problem(
                    n,
                    KIND,
                    _("vaalilaji on %(value)s, näissä vaaleissa %(expected)s."),
                    value=repr(cells[KIND]),
                    expected=ELECTION_CODES[kind],
                )
            )
            continue
        if not _is_candidate_line(kind, cells):
            continue
        before = len(problems)
        place = _constituency(election_id, places, cells, n, problems)
        number_text = cells[NUMBER].strip()
        number = int(number_text) if number_text.isdigit() and int(number_text) > 0 else None
        if number is None:
            problems.append(
                problem(n, NUMBER, _("%(value)s ei ole ehdokasnumero."), value=repr(number_text))
            )
        elif place is not None:
            key = (place[0], number)
            if key in seen:
                problems.append(
                    problem(
                        n,
                        NUMBER,
                        _("ehdokasnumero %(number)d on jo rivillä %(other)d (%(place)s)."),
                        number=number,
                        other=seen[key],
                        place=place[1]["name_fi"],
                    )
                )
            else:
                seen[key] = n
        names = {}
        for column in (FIRST, LAST):
            value = " ".join(cells[column].split())
            if not value:
                problems.append(problem(n, column, _("puuttuu.")))
            elif len(value) > 100:
                problems.append(problem(n, column, _("pidempi kuin 100 merkkiä.")))
            names[column] = value
        age_text = cells[AGE].strip()
        age = None
        if age_text:
            if age_text.isdigit() and 18 <= int(age_text) <= 120:
                age = int(age_text)
            else:
                problems.append(problem(n, AGE, _("%(value)s ei ole ikä."), value=repr(age_text)))
        sex = cells[SEX].strip()
        if sex and sex not in SEXES:
            problems.append(problem(n, SEX, _("%(value)s ei ole 1 tai 2."), value=repr(sex)))
        language_text = cells[LANGUAGE].strip().lower()
        if language_text and language_text not in LANGUAGES:
            problems.append(
                problem(n, LANGUAGE, _("tuntematon kieli %(value)s."), value=repr(cells[LANGUAGE]))
            )
        home_text = cells[HOME_CODE].strip()
        home = _code(home_text, 3)
        if home_text and home is None:
            problems.append(
                problem(n, HOME_CODE, _("%(value)s ei ole kuntanumero."), value=repr(home_text))
            )
        flags = {name: _flag(cells, column, n, problems) for column, name in FLAGS.items()}
        result = None
        if results:
            result_text = cells[RESULT].strip()
            if result_text not in ("1", "2", "3"):
                problems.append(
                    problem(
                        n,
                        RESULT,
                        _("%(value)s ei ole 1 (valittu), 2 (varalla) tai 3 (ei valittu)."),
                        value=repr(result_text),
                    )
                )
            else:
                result = int(result_text)
        party_id, abbreviation = cells[PARTY_ID].strip(), cells[PARTY_FI].strip()
        party = None
        if party_id or abbreviation:
            party = {
                "official_id": party_id,
                "fi": abbreviation,
                "sv": cells[PARTY_SV].strip() or abbreviation,
                "en": cells[PARTY_EN].strip() or abbreviation,
            }
        if len(problems) > before or place is None or number is None:
            continue
        if len(parsed.candidates) >= MAX_CANDIDATES:
            problems.append(
                problem(n, None, _("tiedostossa on yli %(n)d ehdokasta."), n=MAX_CANDIDATES)
            )
            break
        parsed.candidates.append(
            OfficialCandidate(
                row=n,
                constituency_id=place[0],
                place=place[1],
                number=number,
                first_name=names[FIRST],
                last_name=names[LAST],
                party=party,
                age=age,
                gender=SEXES.get(sex),
                profession=" ".join(cells[PROFESSION].split()) or None,
                home_municipality_code=home,
                home_municipality_fi=cells[HOME_FI].strip() or None,
                home_municipality_sv=cells[HOME_SV].strip() or None,
                official_language=LANGUAGES.get(language_text),
                flags=flags,
                result=result,
            )
        )
    if results and not problems:
        _check_known(db, parsed)
    if not parsed.candidates and not problems:
        problems.append(
            problem(
                max(parsed.lines, 1),
                None,
                _("tiedostossa ei ole yhtään ehdokasta näissä vaaleissa."),
            )
        )
    return parsed


def _check_known(db: sqlite_utils.Database, parsed: OfficialList) -> None:
    """Results may only name candidates of the election: every other line is a problem."""
    known = candidate_numbers(db, parsed.election_id)
    for c in parsed.candidates:
        if (c.constituency_id, c.number) not in known:
            parsed.problems.append(
                problem(
                    c.row,
                    NUMBER,
                    _("ehdokasta numero %(number)d ei ole tuotu alueelle %(place)s."),
                    number=c.number,
                    place=c.place["name_fi"],
                )
            )
