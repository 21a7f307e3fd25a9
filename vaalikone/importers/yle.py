"""Import Yle's published election-machine answers (parliamentary elections 2015 and 2023).

All or nothing: the whole file is validated first, every problem is collected as "row N, column X:
message", and nothing is written unless there are none. Re-importing the same files changes nothing (a
fingerprint of the sources is kept). Yle codes answers 1, 2, 4, 5; in 2015 a 3 or an empty cell means the
candidate skipped the statement, so both become a missing answer, never a neutral one: the statements of both
elections use the four-point scale [1, 2, 4, 5], which the scorer normalises to 0, .25, .75, 1.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from vaalikone.db import writing
from vaalikone.domain.places import read_csv
from vaalikone.i18n import gettext as _
from vaalikone.importers import decode_utf8, problem

SCALE = [1, 2, 4, 5]
SKIPPED_2015 = {"", "3"}
PUBLISHED_AT = {"2015": "2015-04-19T00:00:00+03:00", "2023": "2023-04-02T00:00:00+03:00"}
ELECTIONS = {
    "2015": {
        "id": "eduskunta-2015",
        "kind": "eduskunta",
        "date": "2015-04-19",
        "name_fi": "Eduskuntavaalit 2015 (Ylen vaalikone)",
        "name_sv": "Riksdagsvalet 2015 (Yles valkompass)",
        "name_en": "Parliamentary elections 2015 (Yle's election machine)",
        "source": "Lähde: Yle vaalikone, eduskuntavaalit 2015, avoin data",
    },
    "2023": {
        "id": "eduskunta-2023",
        "kind": "eduskunta",
        "date": "2023-04-02",
        "name_fi": "Eduskuntavaalit 2023 (Ylen vaalikone)",
        "name_sv": "Riksdagsvalet 2023 (Yles valkompass)",
        "name_en": "Parliamentary elections 2023 (Yle's election machine)",
        "source": "Lähde: Yle vaalikone, eduskuntavaalit 2023, avoin data",
    },
}
# Candidate ids are fixed per source row, so a re-import recreates the same rows.
ID_BASE = {"2015": 150_000_000, "2023": 230_000_000}


class YleImportError(ValueError):
    """The file cannot be imported; `problems` lists every one as 'row N, column X: message'."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class YleData:
    year: str
    fingerprint: str
    questions: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    parties: dict[str, str] = field(default_factory=dict)  # party id -> Finnish name
    constituencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    duplicate_rows: int = 0
    silent_candidates: int = 0
    skipped_answers: int = 0

    @property
    def election(self) -> dict[str, Any]:
        return ELECTIONS[self.year]

    def summary(self) -> dict[str, int | str]:
        return {
            "election": self.election["id"],
            "candidates": len(self.candidates),
            "statements": len(self.questions),
            "answers": len(self.answers) - self.skipped_answers,
            "skipped answers": self.skipped_answers,
            "duplicate answer rows": self.duplicate_rows,
            "candidates with no answers": self.silent_candidates,
            "constituencies": len(self.constituencies),
            "parties": len(self.parties),
        }


def _rows(path: Path, problems: list[str]) -> tuple[list[str], list[list[str]]]:
    text = decode_utf8(path.read_bytes(), problems, file=path.name)
    if text is None:
        return [], []
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        problems.append(problem(1, "-", _("tiedosto on tyhjä"), path.name))
        return [], []
    return rows[0], rows[1:]


def _cells(found: int, expected: int) -> str:
    return _(
        "rivillä on %(found)d solua, otsikkorivillä %(expected)d", found=found, expected=expected
    )


def _slug(text: str) -> str:
    table = str.maketrans("äåöÄÅÖéü", "aaoAAOeu")
    return re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")


def _party_lookup() -> dict[str, str]:
    lookup = {}
    for party in read_csv("parties.csv"):
        for name in filter(None, (party.get("yle_names") or "").split("|")):
            lookup[name.strip()] = party["id"]
    return lookup


def _districts() -> dict[str, dict[str, str]]:
    return {d["id"]: d for d in read_csv("districts.csv")}


def _fingerprint(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _questions(path: Path, year: str, problems: list[str]) -> list[dict[str, Any]]:
    header, rows = _rows(path, problems)
    if header and header[:2] != ["qid", "text"]:
        problems.append(problem(1, "qid/text", _("odotettiin sarakkeita qid,text"), path.name))
        return []
    out = []
    for i, row in enumerate(rows, start=2):
        if len(row) != 2 or not row[0] or not row[1].strip():
            problems.append(
                problem(i, "text", _("väitteellä on oltava tunnus ja teksti"), path.name)
            )
            continue
        out.append(
            {
                "id": f"yle{year}-{row[0]}",
                "source_qid": row[0],
                "theme_id": f"yle-{year}",
                "kinds": None,
                "scale": json.dumps(SCALE),
                "serves": None,
                "text_fi": row[1].strip(),
                "text_sv": None,
                "text_en": None,
                "source_file": path.name,
                "position": i - 1,
            }
        )
    return out


def _party(data: YleData, name: str, lookup: dict[str, str]) -> str | None:
    name = name.strip()
    if not name or name.lower().startswith("sitoutumaton"):
        return None
    pid = lookup.get(name) or f"yle-{_slug(name)}"
    data.parties.setdefault(pid, name)
    return pid


def _constituency(data: YleData, district: dict[str, str]) -> str:
    cid = f"{data.election['id']}:{district['id']}"
    data.constituencies.setdefault(
        cid,
        {
            "id": cid,
            "election_id": data.election["id"],
            "district_id": district["id"],
            "name_fi": district["name_fi"],
            "name_sv": district["name_sv"],
        },
    )
    return cid


def _open(
    answers_path: Path, questions_path: Path, year: str, problems: list[str]
) -> tuple[YleData, list[str], list[list[str]]]:
    """Both files read: the data so far (fingerprint, statements), the answers' header and rows. A missing
    file, or problems in reading them, stop the import here."""
    for path in (answers_path, questions_path):
        if not path.is_file():
            raise YleImportError([problem("-", "-", _("tiedostoa ei löydy"), str(path))])
    data = YleData(year, _fingerprint(answers_path, questions_path))
    data.questions = _questions(questions_path, year, problems)
    header, rows = _rows(answers_path, problems)
    if problems:
        raise YleImportError(problems)
    return data, header, rows


def read_2023(directory: Path) -> YleData:
    """The anonymised 2023 export: answers.csv (district, party, 47 statements) and questions.csv."""
    problems: list[str] = []
    data, header, rows = _open(
        directory / "answers.csv", directory / "questions.csv", "2023", problems
    )
    for name in ("vaalipiiri", "puolue"):
        if name not in header:
            problems.append(problem(1, name, _("sarake puuttuu"), "answers.csv"))
    columns = {}
    stripped = [h.strip() for h in header]  # one header carries a trailing space
    for q in data.questions:
        if q["text_fi"] not in stripped:
            problems.append(
                problem(1, q["source_qid"], _("väitteen sarake puuttuu"), "answers.csv")
            )
        else:
            columns[q["id"]] = stripped.index(q["text_fi"])
    if problems:
        raise YleImportError(problems)
    by_name = {d["yle_name"]: d for d in _districts().values()}
    lookup = _party_lookup()
    seen: Counter[tuple[str, ...]] = Counter()
    for i, row in enumerate(rows, start=2):
        if len(row) != len(header):
            problems.append(problem(i, "-", _cells(len(row), len(header)), "answers.csv"))
            continue
        seen[tuple(row)] += 1
        district = by_name.get(row[header.index("vaalipiiri")])
        if district is None:
            problems.append(
                problem(
                    i,
                    "vaalipiiri",
                    _("tuntematon vaalipiiri %(value)s", value=repr(row[0])),
                    "answers.csv",
                )
            )
            continue
        party = _party(data, row[header.index("puolue")], lookup)
        cid = ID_BASE["2023"] + i - 1
        constituency = _constituency(data, district)
        label = row[header.index("puolue")].strip() or "Sitoutumaton"
        data.candidates.append(
            {
                "id": cid,
                "election_id": data.election["id"],
                "constituency_id": constituency,
                "party_id": party,
                "number": None,
                "first_name": "Ehdokas",
                "last_name": f"{i - 1}, {label}",
                "languages": "[]",
                "external_id": f"row-{i}",
            }
        )
        answered = 0
        for q in data.questions:
            raw = row[columns[q["id"]]].strip()
            value = None
            if raw:
                if raw not in ("1", "2", "4", "5"):
                    problems.append(
                        problem(
                            i,
                            q["source_qid"],
                            _("%(value)s ei ole 1, 2, 4 eikä 5", value=repr(raw)),
                            "answers.csv",
                        )
                    )
                    continue
                value = int(raw)
                answered += 1
            else:
                data.skipped_answers += 1
            data.answers.append({"candidate_id": cid, "question_id": q["id"], "value": value})
        if not answered:
            data.silent_candidates += 1
    data.duplicate_rows = sum(n - 1 for n in seen.values() if n > 1)
    if problems:
        raise YleImportError(problems)
    return data


FULL_REQUIRED = (
    "vaalipiiri",
    "id",
    "sukunimi",
    "etunimi",
    "puolue",
    "ikä",
    "sukupuoli",
    "valittu",
    "ehdokasnumero",
    "Äidinkieli",
)
LIKERT_REQUIRED = ("id", "vaalipiiri", "puolue", "ika", "sukupuoli", "valittu")


def read_2015(directory: Path, fmt: str = "full") -> YleData:
    """The 2015 data: names, numbers and justifications from answers_full.csv (fmt 'full'), or the
    lighter anonymous answers_national_likert.csv (fmt 'likert'); statements from questions_national.csv."""
    problems: list[str] = []
    name = "answers_full.csv" if fmt == "full" else "answers_national_likert.csv"
    data, header, rows = _open(
        directory / name, directory / "questions_national.csv", "2015", problems
    )
    required = FULL_REQUIRED if fmt == "full" else LIKERT_REQUIRED
    for column in required:
        if column not in header:
            problems.append(problem(1, column, _("sarake puuttuu"), name))
    columns, comments = {}, {}
    for q in data.questions:
        number = q["source_qid"].lstrip("q")
        if fmt == "full":
            match = [
                j
                for j, h in enumerate(header)
                if h.split("|")[0] == number and "kommentti" not in h
            ]
            comment = [j for j, h in enumerate(header) if h == f"{number}|kommentti"]
            if not match:
                problems.append(
                    problem(
                        1,
                        f"{number}|…",
                        _("väitteen %(id)s sarake puuttuu", id=q["source_qid"]),
                        name,
                    )
                )
            else:
                columns[q["id"]] = match[0]
                comments[q["id"]] = comment[0] if comment else None
        elif q["source_qid"] not in header:
            problems.append(problem(1, q["source_qid"], _("sarake puuttuu"), name))
        else:
            columns[q["id"]] = header.index(q["source_qid"])
    if problems:
        raise YleImportError(problems)
    col = {h: j for j, h in enumerate(header)}
    by_number = {d["number"].zfill(2): d for d in _districts().values()}
    lookup = _party_lookup()
    seen: Counter[tuple[str, ...]] = Counter()
    for i, row in enumerate(rows, start=2):
        if len(row) != len(header):
            problems.append(problem(i, "-", _cells(len(row), len(header)), name))
            continue
        seen[tuple(v for j, v in enumerate(row) if j != col["id"])] += 1
        yle_id = row[col["id"]].strip()
        if not yle_id.isdigit():
            problems.append(
                problem(i, "id", _("%(value)s ei ole numero", value=repr(yle_id)), name)
            )
            continue
        district = by_number.get(row[col["vaalipiiri"]][:2])
        if district is None:
            problems.append(problem(i, "vaalipiiri", _("tuntematon vaalipiiri"), name))
            continue
        party_name = row[col["puolue"]].strip()
        party = _party(data, party_name, lookup)
        cid = ID_BASE["2015"] + int(yle_id)
        elected = row[col["valittu"]].strip()
        if elected not in ("0", "1"):
            problems.append(
                problem(i, "valittu", _("%(value)s ei ole 0 tai 1", value=repr(elected)), name)
            )
            continue
        age_raw = row[col["ikä" if fmt == "full" else "ika"]].strip()
        candidate = {
            "id": cid,
            "election_id": data.election["id"],
            "constituency_id": _constituency(data, district),
            "party_id": party,
            "elected": int(elected),
            "external_id": yle_id,
            "age": int(age_raw) if age_raw.isdigit() else None,
            "gender": {"F": "f", "M": "m"}.get(row[col["sukupuoli"]].strip()),
        }
        if fmt == "full":
            number = row[col["ehdokasnumero"]].strip()
            if not number.isdigit():
                problems.append(
                    problem(
                        i, "ehdokasnumero", _("%(value)s ei ole numero", value=repr(number)), name
                    )
                )
                continue
            language = {"suomi": ["fi"], "ruotsi": ["sv"]}.get(
                row[col["Äidinkieli"]].strip().lower(), []
            )
            candidate.update(
                number=int(number),
                first_name=row[col["etunimi"]].strip() or "?",
                last_name=row[col["sukunimi"]].strip() or "?",
                languages=json.dumps(language),
            )
        else:
            candidate.update(
                number=None,
                first_name="Ehdokas",
                last_name=f"{yle_id}, {party_name or 'Sitoutumaton'}",
                languages="[]",
            )
        data.candidates.append(candidate)
        answered = 0
        for q in data.questions:
            raw = row[columns[q["id"]]].strip()
            if raw not in SKIPPED_2015 and raw not in ("1", "2", "4", "5"):
                problems.append(
                    problem(
                        i,
                        q["source_qid"],
                        _("%(value)s ei ole 1–5 eikä tyhjä", value=repr(raw)),
                        name,
                    )
                )
                continue
            value = None if raw in SKIPPED_2015 else int(raw)
            if value is None:
                data.skipped_answers += 1
            else:
                answered += 1
            comment = None
            if fmt == "full" and comments.get(q["id"]) is not None:
                comment = row[comments[q["id"]]].strip() or None
            data.answers.append(
                {
                    "candidate_id": cid,
                    "question_id": q["id"],
                    "value": value,
                    "justification_fi": comment,
                }
            )
        if not answered:
            data.silent_candidates += 1
    ids = Counter(c["external_id"] for c in data.candidates)
    for yle_id, n in ids.items():
        if n > 1:
            problems.append(
                problem(
                    "-",
                    "id",
                    _("ehdokastunnus %(id)s on tiedostossa %(n)d kertaa", id=yle_id, n=n),
                    name,
                )
            )
    data.duplicate_rows = sum(n - 1 for n in seen.values() if n > 1)
    if problems:
        raise YleImportError(problems)
    return data


def read(path: Path, year: str | None = None, fmt: str = "full") -> YleData:
    """Read a directory (or a file inside it) of either year's data; the year is detected if not given."""
    directory = path if path.is_dir() else path.parent
    if year is None:
        year = "2023" if (directory / "answers.csv").exists() else "2015"
    if year == "2023":
        return read_2023(directory)
    if path.is_file() and path.name == "answers_national_likert.csv":
        fmt = "likert"
    return read_2015(directory, fmt)


def write(db: sqlite_utils.Database, data: YleData) -> bool:
    """Replace the election with the file's contents in one transaction; False if already imported."""
    election = data.election
    key = f"import:{election['id']}"
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    exists = db.execute("SELECT 1 FROM election WHERE id = ?", [election["id"]]).fetchone()
    if row and row[0] == data.fingerprint and exists:
        return False
    with writing(db):
        db.execute(
            "DELETE FROM answer WHERE candidate_id IN (SELECT id FROM candidate WHERE election_id = ?)",
            [election["id"]],
        )
        for table in ("candidate", "constituency", "election_question", "report_publication"):
            db.execute(f"DELETE FROM {table} WHERE election_id = ?", [election["id"]])
        version = db.execute(
            "SELECT data_version FROM election WHERE id = ?", [election["id"]]
        ).fetchone()
        db.execute("DELETE FROM election WHERE id = ?", [election["id"]])
        db["election"].insert(
            {
                **election,
                "published_at": PUBLISHED_AT[data.year],
                "demo": 0,
                "data_version": (version[0] if version else 0),
            }
        )
        year = data.year
        db["theme"].upsert(
            {
                "id": f"yle-{year}",
                "name_fi": f"Ylen vaalikone {year}",
                "name_sv": f"Yles valkompass {year}",
                "name_en": f"Yle's election machine {year}",
                "position": 1000 + int(year),
            },
            pk="id",
        )
        db["question"].upsert_all(
            [{k: v for k, v in q.items() if k != "source_qid"} for q in data.questions], pk="id"
        )
        db["election_question"].insert_all(
            [
                {"election_id": election["id"], "question_id": q["id"], "position": q["position"]}
                for q in data.questions
            ],
            pk=("election_id", "question_id"),
        )
        for pid, name in sorted(data.parties.items()):
            db.execute(
                "INSERT OR IGNORE INTO party (id, abbreviation, name_fi, name_sv, name_en) VALUES (?, ?, ?, ?, ?)",
                [pid, None, name, name, name],
            )
        db["constituency"].insert_all(data.constituencies.values(), pk="id")
        db["candidate"].insert_all(data.candidates, pk="id")
        db["answer"].insert_all(data.answers, pk=("candidate_id", "question_id"), batch_size=2000)
        db["meta"].upsert({"key": key, "value": data.fingerprint}, pk="key")
    return True
