"""The question bank: statements derived from the organisations' election goals, read from TOML.

One file per theme in `questions/` (read in file-name order), `organisations.toml` for the goal
profiles, and the seed documents in `questions/seeds/` that every statement cites verbatim. A broken
file stops start-up with a message naming the file and the field: a voting advice application must
never run on a half-read bank.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANGUAGES = ("fi", "sv", "en")
ELECTION_KINDS = ("kunta", "alue")
SCOPES = ("national", "regional")
COUNTIES = (
    "ita-uusimaa",
    "keski-uusimaa",
    "lansi-uusimaa",
    "vantaa-kerava",
    "varsinais-suomi",
    "satakunta",
    "kanta-hame",
    "pirkanmaa",
    "paijat-hame",
    "kymenlaakso",
    "etela-karjala",
    "etela-savo",
    "pohjois-savo",
    "pohjois-karjala",
    "keski-suomi",
    "etela-pohjanmaa",
    "pohjanmaa",
    "keski-pohjanmaa",
    "pohjois-pohjanmaa",
    "kainuu",
    "lappi",
)
ORGANISATIONS_FILE = "organisations.toml"
DOCUMENTS_FILE = "documents.toml"  # in seeds/
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class QuestionBankError(ValueError):
    """A question bank file is missing or malformed; names the file and the field."""

    def __init__(self, file: Path | str, field: str, message: str) -> None:
        self.file = str(file)
        self.field = field
        super().__init__(f"{self.file}: {field}: {message}")


@dataclass(frozen=True)
class Source:
    file: str
    quote: str


@dataclass(frozen=True)
class Statement:
    id: str
    theme: str
    elections: tuple[str, ...]
    serves: int
    text: dict[str, str]
    explainer: dict[str, str]
    sources: tuple[Source, ...]
    scale: tuple[int, ...] = (1, 2, 3, 4, 5)
    # Plain language (selkokieli, lättläst, plain English): the same claim in easier words (COVERAGE.md).
    plain: dict[str, str] = field(default_factory=dict)
    plain_explainer: dict[str, str] = field(default_factory=dict)

    @property
    def reversed(self) -> bool:
        """Agreeing goes against the organisations' goals (counters acquiescence bias)."""
        return self.serves < (min(self.scale) + max(self.scale)) / 2


@dataclass(frozen=True)
class Theme:
    id: str
    name: dict[str, str]
    statements: tuple[Statement, ...]
    plain_name: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Goal:
    statement: str
    position: int
    weight: float


@dataclass(frozen=True)
class Organisation:
    id: str
    name: dict[str, str]
    scope: str
    counties: tuple[str, ...]
    municipalities: tuple[str, ...]
    seeds: tuple[str, ...]
    goals: tuple[Goal, ...]


@dataclass(frozen=True)
class Document:
    """A seed document: who published it, its title, and its year (estimated when not printed in it)."""

    file: str
    publisher: str
    title: str
    year: str
    year_stated: bool


@dataclass(frozen=True)
class QuestionBank:
    themes: tuple[Theme, ...]
    organisations: tuple[Organisation, ...]
    documents: tuple[Document, ...] = ()
    _by_id: dict[str, Statement] = field(default_factory=dict, compare=False, repr=False)

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for t in self.themes for s in t.statements)

    def statement(self, statement_id: str) -> Statement:
        if not self._by_id:
            self._by_id.update({s.id: s for s in self.statements})
        return self._by_id[statement_id]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise QuestionBankError(path, "syntax", str(e)) from None
    except UnicodeDecodeError as e:
        raise QuestionBankError(path, "encoding", f"not UTF-8 ({e.reason})") from None


def _text(path: Path, data: dict, key: str, where: str, required: bool = True) -> dict[str, str]:
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise QuestionBankError(path, f"{where}{key}", "missing: give fi, sv and en texts")
    for lang in LANGUAGES:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise QuestionBankError(path, f"{where}{key}.{lang}", "missing or empty")
    return {lang: value[lang].strip() for lang in LANGUAGES}


def _statement(path: Path, seeds: Path, theme: str, i: int, data: dict) -> Statement:
    where = f"statement[{i}]."
    sid = data.get("id")
    if not isinstance(sid, str) or not _ID.match(sid):
        raise QuestionBankError(path, f"{where}id", "missing, or not kebab-case")
    where = f"statement[{i}] ({sid})."
    elections = data.get("elections")
    if not isinstance(elections, list) or not elections:
        raise QuestionBankError(path, f"{where}elections", "missing: list kunta and/or alue")
    for kind in elections:
        if kind not in ELECTION_KINDS:
            raise QuestionBankError(path, f"{where}elections", f"unknown election kind {kind!r}")
    scale = tuple(data.get("scale", (1, 2, 3, 4, 5)))
    serves = data.get("serves")
    if serves not in scale:
        raise QuestionBankError(path, f"{where}serves", f"must be one of {list(scale)}")
    sources = data.get("source")
    if not isinstance(sources, list) or not sources:
        raise QuestionBankError(path, f"{where}source", "missing: cite the seed goal it comes from")
    cited = []
    for j, source in enumerate(sources):
        file, quote = source.get("file"), source.get("quote")
        seed = seeds / str(file)
        if not file or not seed.is_file():
            raise QuestionBankError(path, f"{where}source[{j}].file", f"no seed file {file!r}")
        if not quote or _squash(quote) not in _squash(seed.read_text(encoding="utf-8")):
            raise QuestionBankError(
                path, f"{where}source[{j}].quote", f"not found verbatim in {file}"
            )
        cited.append(Source(file, quote))
    explainer = _text(path, data, "explainer", where, False)
    plain_explainer = _text(path, data, "plain_explainer", where, False)
    if plain_explainer and not explainer:
        raise QuestionBankError(
            path, f"{where}plain_explainer", "a plain explainer needs an explainer"
        )
    return Statement(
        id=sid,
        theme=theme,
        elections=tuple(elections),
        serves=serves,
        text=_text(path, data, "text", where),
        explainer=explainer,
        sources=tuple(cited),
        scale=scale,
        plain=_text(path, data, "plain", where, False),
        plain_explainer=plain_explainer,
    )


def _organisations(
    path: Path, seeds: Path, statements: dict[str, Statement]
) -> tuple[Organisation, ...]:
    if not path.is_file():
        raise QuestionBankError(path, "file", "missing")
    orgs = []
    for i, data in enumerate(_read(path).get("organisation", [])):
        where = f"organisation[{i}]."
        oid = data.get("id")
        if not isinstance(oid, str) or not _ID.match(oid):
            raise QuestionBankError(path, f"{where}id", "missing, or not kebab-case")
        region = data.get("region") or {}
        scope = region.get("scope")
        if scope not in SCOPES:
            raise QuestionBankError(path, f"{where}region.scope", f"must be one of {list(SCOPES)}")
        for county in region.get("counties", []):
            if county not in COUNTIES:
                raise QuestionBankError(
                    path, f"{where}region.counties", f"unknown county {county!r}"
                )
        for seed in data.get("seeds", []):
            if not (seeds / seed).is_file():
                raise QuestionBankError(path, f"{where}seeds", f"no seed file {seed!r}")
        goals = []
        for j, goal in enumerate(data.get("goal", [])):
            gwhere = f"{where}goal[{j}]."
            statement = statements.get(goal.get("statement"))
            if statement is None:
                raise QuestionBankError(
                    path, f"{gwhere}statement", f"unknown statement {goal.get('statement')!r}"
                )
            position = goal.get("position", statement.serves)
            if position not in statement.scale:
                raise QuestionBankError(
                    path, f"{gwhere}position", f"must be one of {list(statement.scale)}"
                )
            weight = goal.get("weight", 1.0)
            if not isinstance(weight, int | float) or weight <= 0:
                raise QuestionBankError(path, f"{gwhere}weight", "must be a number above 0")
            goals.append(Goal(statement.id, position, float(weight)))
        orgs.append(
            Organisation(
                id=oid,
                name=_text(path, data, "name", where),
                scope=scope,
                counties=tuple(region.get("counties", [])),
                municipalities=tuple(region.get("municipalities", [])),
                seeds=tuple(data.get("seeds", [])),
                goals=tuple(goals),
            )
        )
    return tuple(orgs)


def load_bank(directory: Path) -> QuestionBank:
    """Read and validate every theme file and the organisations' goal profiles."""
    directory = Path(directory)
    if not directory.is_dir():
        raise QuestionBankError(
            directory, "directory", "the question bank directory does not exist"
        )
    seeds = directory / "seeds"
    files = sorted(p for p in directory.glob("*.toml") if p.name != ORGANISATIONS_FILE)
    if not files:
        raise QuestionBankError(directory, "files", "no theme files (*.toml)")
    themes, seen = [], {}
    for path in files:
        data = _read(path)
        tid = data.get("id")
        if not isinstance(tid, str) or not _ID.match(tid):
            raise QuestionBankError(path, "id", "missing, or not kebab-case")
        name = _text(path, data, "name", "")
        raw = data.get("statement")
        if not isinstance(raw, list) or not raw:
            raise QuestionBankError(path, "statement", "a theme needs at least one [[statement]]")
        statements = []
        for i, item in enumerate(raw):
            statement = _statement(path, seeds, tid, i, item)
            if statement.id in seen:
                raise QuestionBankError(
                    path,
                    f"statement[{i}].id",
                    f"duplicate id {statement.id!r} (also in {seen[statement.id].name})",
                )
            seen[statement.id] = path
            statements.append(statement)
        themes.append(
            Theme(tid, name, tuple(statements), _text(path, data, "plain_name", "", False))
        )
    by_id = {s.id: s for t in themes for s in t.statements}
    organisations = _organisations(directory / ORGANISATIONS_FILE, seeds, by_id)
    return QuestionBank(tuple(themes), organisations, _documents(seeds, themes))


def _documents(seeds: Path, themes: list[Theme]) -> tuple[Document, ...]:
    """Every cited seed document's publisher, title and year, from seeds/documents.toml."""
    path = seeds / DOCUMENTS_FILE
    if not path.is_file():
        raise QuestionBankError(path, "file", "missing: give each seed's publisher, title and year")
    documents = []
    for i, data in enumerate(_read(path).get("document", [])):
        where = f"document[{i}]."
        file = data.get("file")
        if not isinstance(file, str) or not (seeds / file).is_file():
            raise QuestionBankError(path, f"{where}file", f"no seed file {file!r}")
        for key in ("publisher", "title", "year"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise QuestionBankError(path, f"{where}{key}", "missing or empty")
        if not isinstance(data.get("year_stated"), bool):
            raise QuestionBankError(path, f"{where}year_stated", "must be true or false")
        documents.append(
            Document(file, data["publisher"], data["title"], data["year"], data["year_stated"])
        )
    described = {d.file for d in documents}
    for theme in themes:
        for statement in theme.statements:
            for source in statement.sources:
                if source.file not in described:
                    raise QuestionBankError(
                        path, "document", f"{source.file} is cited but not described"
                    )
    return tuple(documents)
