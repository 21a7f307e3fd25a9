"""The voter's side of matching, shared by the voter's pages and the JSON API.

Which elections a municipality votes in, which statements to ask, and a voter's results: candidates and
parties ranked by `vaalikone.matching.scoring` over the published snapshot. Nothing here stores anything: a voter's
answers arrive with a request and leave with its response.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from typing import Any

import numpy as np
import sqlite_utils

from vaalikone.db import database_file
from vaalikone.matching import adaptive, scoring, stability
from vaalikone.matching.snapshot import get_snapshot
from vaalikone.matching.store import current as current_store
from vaalikone.requestmemo import per_request

IMPORTANCE = scoring.IMPORTANCE
KIND_ORDER = {"kunta": 0, "alue": 1, "eduskunta": 2}
# Finnish and Swedish alphabets both end ... x y z å ä ö; plain code-point order puts Ä before Å.
_COLLATION = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y", "é": "e"})

# One query decides every municipality's elections, so pages and the API cannot disagree:
# the municipal election by municipality, the county election by the municipality's county and the
# parliamentary one by its electoral district. Åland elects neither councils nor counties like mainland
# Finland (it has its own elections) but is an electoral district of its own in parliamentary elections.
_BALLOTS_SQL = """
    SELECT m.code AS municipality_code, e.id AS election_id, c.id AS constituency_id
    FROM election e
    JOIN constituency c ON c.election_id = e.id
    JOIN municipality m ON (
        (e.kind = 'kunta' AND c.municipality_code = m.code)
        OR (e.kind = 'alue' AND c.county_id = m.county_id)
        OR (e.kind = 'eduskunta' AND c.district_id = m.district_id)
    )
    WHERE e.published_at IS NOT NULL AND NOT (m.aland AND e.kind IN ('kunta', 'alue'))
"""


# Constituencies are named in Finnish and Swedish; districts and counties also have an English name.
_CONSTITUENCY_SQL = """
    SELECT c.*, coalesce(d.name_en, co.name_en) AS name_en FROM constituency c
    LEFT JOIN district d ON d.id = c.district_id LEFT JOIN county co ON co.id = c.county_id
"""


# Which elections exist, their names and publication, the constituencies and the reference data (places,
# statements; its fingerprint): what every voter's context is built from. Each worker keeps contexts and
# statement lists until one of these changes (an import adds constituencies, a publication changes an
# election); candidates' answers changing does not touch them.
_STRUCTURE_SQL = """
    SELECT id, kind, date, answer_deadline, name_fi, name_sv, name_en, demo, source, published_at,
           (SELECT count(*) || ':' || ifnull(max(rowid), 0) FROM constituency),
           (SELECT value FROM meta WHERE key = 'reference')
    FROM election ORDER BY id
"""


def _memoised(db: sqlite_utils.Database, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """make(), kept in the app's memo for the database's current elections and constituencies (one small
    query per request decides whether they changed); shared between requests: read only. Callers pass
    keys made of values read from the database or checked against it, never raw request input."""
    path = database_file(db)
    # Asked a few times per page: the query runs once per request (every time outside one).
    structure = per_request(
        f"vaalikone_structure:{path}", lambda: tuple(db.execute(_STRUCTURE_SQL).fetchall())
    )
    return current_store().memo(path, structure).remember(key, make)


def statement_ids(db: sqlite_utils.Database) -> frozenset[str]:
    """Every public statement: the question bank's and those of published elections (kept per worker like
    the elections' statement lists). An unpublished election's statements are nobody's business yet."""
    return _memoised(
        db,
        ("statement-ids",),
        lambda: frozenset(
            q
            for (q,) in db.execute(
                """SELECT id FROM question WHERE kinds IS NOT NULL OR id IN (
                       SELECT eq.question_id FROM election_question eq
                       JOIN election e ON e.id = eq.election_id WHERE e.published_at IS NOT NULL)"""
            )
        ),
    )


@lru_cache(maxsize=20_000)
def collation_key(name: str) -> str:
    """Sort key for Finnish and Swedish names: case-insensitive, å ä ö after z."""
    return name.casefold().translate(_COLLATION)


def municipality_name(municipality: Mapping[str, Any], lang: str) -> str:
    """The municipality's name in Swedish for Swedish readers, otherwise its Finnish name."""
    return (
        municipality["name_sv"]
        if lang == "sv" and municipality["name_sv"]
        else municipality["name_fi"]
    )


def municipalities(db: sqlite_utils.Database, lang: str = "fi") -> list[dict[str, Any]]:
    """Every municipality, named and sorted for the reader's language."""
    rows = list(db.query("SELECT * FROM municipality"))
    for row in rows:
        row["name"] = municipality_name(row, lang)
        other = row["name_fi"] if lang == "sv" else row["name_sv"]
        # Bilingual municipalities show their other name too ("Espoo – Esbo", "Lahtis – Lahti"), without
        # repeating a name the label already has: Mariehamn's Finnish name is "Maarianhamina - Mariehamn".
        own = row["name"].split(" - ")
        others = [part for part in (other or "").split(" - ") if part and part not in own]
        row["other_name"] = " - ".join(others) or None
    return sorted(rows, key=lambda r: collation_key(r["name"]))


@dataclass
class Ballot:
    """One election the voter votes in, and the constituency that applies to them."""

    election: dict[str, Any]
    constituency: dict[str, Any]

    @property
    def id(self) -> str:
        return self.election["id"]


@dataclass
class Round:
    """Elections held on the same day: one quiz asks the union of their statements."""

    date: str
    ballots: list[Ballot]

    @property
    def kinds(self) -> list[str]:
        return [b.election["kind"] for b in self.ballots]


@dataclass
class Context:
    """Where and in what the voter votes: by home municipality, or an electoral district chosen directly."""

    ballots: list[Ballot]
    municipality: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)  # how to ask for this context again
    no_county_reason: str | None = None  # "helsinki" or "aland"
    other_rounds: list[Round] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return [b.election["kind"] for b in self.ballots]


def _ballots(
    db: sqlite_utils.Database, where: str = "", params: list[Any] | None = None
) -> list[Any]:
    return list(db.execute(_BALLOTS_SQL + where, params or []).fetchall())


def elections_by_municipality(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """Every municipality's published elections (ids), newest first: the API's municipality list."""
    elections = {
        e["id"]: e for e in db.query("SELECT * FROM election WHERE published_at IS NOT NULL")
    }
    out: dict[str, list[str]] = {
        code: [] for (code,) in db.execute("SELECT code FROM municipality")
    }
    for code, election_id, _constituency in _ballots(db):
        out[code].append(election_id)
    return {code: _newest_first(ids, lambda i: elections[i]) for code, ids in out.items()}


def _newest_first(items: list[Any], election_of: Any) -> list[Any]:
    """Newest election day first; on the same day municipal, then county, then parliamentary."""
    items = sorted(
        items, key=lambda x: (KIND_ORDER.get(election_of(x)["kind"], 9), election_of(x)["id"])
    )
    return sorted(
        items, key=lambda x: election_of(x)["date"], reverse=True
    )  # stable: keeps kind order


def _one(db: sqlite_utils.Database, sql: str, params: list[Any]) -> dict[str, Any] | None:
    return next(db.query(sql, params), None)


def municipality_rounds(db: sqlite_utils.Database, code: str) -> list[Round]:
    """The municipality's published elections grouped by election day, newest first (shared: read only)."""
    if code not in _municipality_codes(db):
        return []
    return _memoised(db, ("rounds", code), lambda: _municipality_rounds(db, code))


def _municipality_rounds(db: sqlite_utils.Database, code: str) -> list[Round]:
    ballots = []
    for _code, election_id, constituency_id in _ballots(db, " AND m.code = ?", [code]):
        election = _one(db, "SELECT * FROM election WHERE id = ?", [election_id])
        constituency = _one(db, _CONSTITUENCY_SQL + " WHERE c.id = ?", [constituency_id])
        ballots.append(Ballot(election, constituency))
    ballots = _newest_first(ballots, lambda b: b.election)
    return [
        Round(date, list(group))
        for date, group in groupby(ballots, key=lambda b: b.election["date"])
    ]


def context_for_municipality(
    db: sqlite_utils.Database, code: str, date: str | None = None
) -> Context | None:
    """The elections of one election day in the municipality (the newest unless `date` picks another).

    Both the municipal and the county election on the mainland, only the municipal one in Helsinki
    (it organises health and social services itself), neither on Åland (it has its own elections).
    Shared between requests: callers must not change it.
    """
    if code not in _municipality_codes(db):
        return None  # answered without being remembered
    if date is not None and date not in {r.date for r in municipality_rounds(db, code)}:
        date = None  # an unknown day means the newest, as the page shows it
    return _memoised(db, ("context", code, date), lambda: _context_for_municipality(db, code, date))


def _municipality_codes(db: sqlite_utils.Database) -> frozenset[str]:
    return _memoised(
        db,
        ("municipality-codes",),
        lambda: frozenset(c for (c,) in db.execute("SELECT code FROM municipality")),
    )


def _context_for_municipality(
    db: sqlite_utils.Database, code: str, date: str | None
) -> Context | None:
    municipality = _one(db, "SELECT * FROM municipality WHERE code = ?", [code])
    if municipality is None:
        return None
    rounds = municipality_rounds(db, code)
    chosen = next((r for r in rounds if r.date == date), rounds[0] if rounds else None)
    reason = None
    if municipality["aland"]:
        reason = "aland"
    elif municipality["county_id"] is None:
        reason = "helsinki"
    params = {"kunta": code}
    if chosen is not None and chosen.kinds == ["eduskunta"]:
        # A parliamentary election is the district's: its quiz is the same for every municipality in it.
        params = {"piiri": chosen.ballots[0].constituency["id"]}
    elif chosen is not None and len(rounds) > 1:
        params["paiva"] = chosen.date
    return Context(
        ballots=chosen.ballots if chosen else [],
        municipality=municipality,
        params=params,
        no_county_reason=reason,
        other_rounds=[r for r in rounds if r is not chosen],
    )


def context_for_constituency(db: sqlite_utils.Database, constituency_id: str) -> Context | None:
    """One published election in one constituency, chosen directly (an electoral district)."""
    constituency = _one(db, _CONSTITUENCY_SQL + " WHERE c.id = ?", [constituency_id])
    if constituency is None:
        return None
    election = _one(
        db,
        "SELECT * FROM election WHERE id = ? AND published_at IS NOT NULL",
        [constituency["election_id"]],
    )
    if election is None:
        return None
    return Context([Ballot(election, constituency)], None, {"piiri": constituency_id})


def district_elections(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Published parliamentary elections with their electoral districts, for choosing one directly."""
    out = []
    for election in db.query(
        "SELECT * FROM election WHERE published_at IS NOT NULL AND kind = 'eduskunta' ORDER BY date DESC"
    ):
        constituencies = list(
            db.query(
                _CONSTITUENCY_SQL + " WHERE c.election_id = ? ORDER BY d.number, c.name_fi",
                [election["id"]],
            )
        )
        out.append({"election": election, "constituencies": constituencies})
    return out


def questions_for(db: sqlite_utils.Database, ballots: list[Ballot]) -> list[dict[str, Any]]:
    """The statements of all the given elections, each once, in question-bank order.

    Each row carries `election_ids`, the elections among these that ask it, and `scale`, its allowed values.
    Shared between requests: callers must not change the rows.
    """
    ids = [b.election["id"] for b in ballots]
    if not ids:
        return []
    return _memoised(db, ("questions", *ids), lambda: _questions_for(db, ids))


def _questions_for(db: sqlite_utils.Database, ids: list[str]) -> list[dict[str, Any]]:
    marks = ",".join("?" for _ in ids)
    rows = list(
        db.query(
            f"""SELECT q.*, t.name_fi AS theme_fi, t.name_sv AS theme_sv, t.name_en AS theme_en,
                   t.plain_fi AS plain_theme_fi, t.plain_sv AS plain_theme_sv,
                   t.plain_en AS plain_theme_en, t.position AS theme_position,
                   min(eq.position) AS pos, json_group_array(eq.election_id) AS election_ids
                FROM election_question eq JOIN question q ON q.id = eq.question_id
                JOIN theme t ON t.id = q.theme_id
                WHERE eq.election_id IN ({marks})
                GROUP BY q.id ORDER BY pos, q.position, q.id""",
            ids,
        )
    )
    for row in rows:
        row["scale"] = json.loads(row["scale"])
        row["election_ids"] = [i for i in ids if i in json.loads(row["election_ids"])]
    return rows


class AnswerError(ValueError):
    """A submitted answer or importance is not one the statement offers; carries the statement id."""


def read_answers(
    form: Mapping[str, Any], questions: list[dict[str, Any]]
) -> tuple[dict[str, int], dict[str, str]]:
    """The voter's answers (`a-<id>`: a value on the statement's scale; empty or "skip" = skipped) and
    importance levels (`w-<id>`: less, normal or more; missing = normal) from a submitted form."""
    answers: dict[str, int] = {}
    levels: dict[str, str] = {}
    for q in questions:
        raw = (form.get(f"a-{q['id']}") or "").strip()
        if raw and raw != "skip":
            try:
                value = int(raw)
            except ValueError:
                raise AnswerError(q["id"]) from None
            if value not in q["scale"]:
                raise AnswerError(q["id"])
            answers[q["id"]] = value
        level = form.get(f"w-{q['id']}") or "normal"
        if level not in IMPORTANCE:
            raise AnswerError(q["id"])
        levels[q["id"]] = level
    return answers, levels


def weights_for(levels: Mapping[str, str]) -> dict[str, float]:
    """Importance levels as the scorer's weights."""
    return {qid: IMPORTANCE[level] for qid, level in levels.items()}


class Ranking(Sequence):
    """A constituency's candidates best first. Each row, the candidate's listed fields with its party, match
    and rank, is made when first asked for: a results page shows 20 of a list of hundreds.

    A row is this request's own dict, made once: pages add their own keys to the rows they show."""

    def __init__(
        self,
        people: list[dict[str, Any]],
        parties: dict[str, dict[str, Any]],
        rows: list[int],
        matches: list[float],
        highs: list[float] | None = None,
        answered: list[int] | None = None,
    ) -> None:
        self._people, self._parties, self._rows, self._matches = people, parties, rows, matches
        self._highs = matches if highs is None else highs
        self._answered = answered
        self._made: dict[int, dict[str, Any]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._row(j) for j in range(*i.indices(len(self._rows)))]
        if i < 0:
            i += len(self._rows)
        if not 0 <= i < len(self._rows):
            raise IndexError(i)
        return self._row(i)

    def _row(self, i: int) -> dict[str, Any]:
        made = self._made.get(i)
        if made is None:
            person = self._people[self._rows[i]]
            made = self._made[i] = {
                **person,
                "party": self._parties.get(person["party_id"]),
                "match": self._matches[i],
                # The range over every way of answering the candidate's blanks; match is its bottom.
                "match_min": self._matches[i],
                "match_max": self._highs[i],
                "rank": i + 1,
                # How many of the election's statements the candidate answered (None: not counted).
                "answered": self._answered[i] if self._answered is not None else None,
            }
        return made


# Age groups of the results filter: (form value, youngest, oldest).
AGE_GROUPS = (("18-29", 18, 29), ("30-44", 30, 44), ("45-64", 45, 64), ("65-", 65, 150))
# Who counts as incumbent in each kind of election: a sitting member of the body being elected.
INCUMBENCY = {"kunta": "councillor", "alue": "county_councillor", "eduskunta": "mp"}
GENDERS = ("f", "m")


def age_group(age: int | None) -> str | None:
    """The filter's age group of an age, None when unknown."""
    if age is None:
        return None
    return next((key for key, low, high in AGE_GROUPS if low <= age <= high), None)


def ballot_languages(candidate: Mapping[str, Any]) -> list[str]:
    """The language of the candidate on the official list when known, else the languages they gave."""
    official = candidate.get("official_language")
    return [official] if official else list(candidate.get("languages") or [])


@dataclass(frozen=True)
class FilterOptions:
    """Which filters the data of one constituency allows: only those some candidate has a value for."""

    ages: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    incumbency: bool = False
    elected: bool = False
    languages: tuple[str, ...] = ()


def filter_options(
    snapshot: Any, constituency_id: str, rows: np.ndarray, kind: str
) -> FilterOptions:
    """The filters this constituency's candidates have data for (kept with the snapshot)."""
    held = snapshot.filter_options.get(constituency_id)
    if held is None:
        people = [snapshot.people[i] for i in rows.tolist()]
        ages = {age_group(p.get("age")) for p in people}
        genders = {p.get("gender") for p in people}
        incumbent = INCUMBENCY.get(kind)
        languages = {lang for p in people for lang in ballot_languages(p)}
        held = FilterOptions(
            ages=tuple(key for key, _low, _high in AGE_GROUPS if key in ages),
            genders=tuple(g for g in GENDERS if g in genders),
            incumbency=any(p.get(incumbent) is not None for p in people) if incumbent else False,
            elected=any(p.get("elected") is not None for p in people),
            languages=tuple(lang for lang in ("fi", "sv", "en") if lang in languages),
        )
        snapshot.filter_options[constituency_id] = held
    return held


@dataclass
class Result:
    """One election's results for the voter: every candidate of the constituency and every party, ranked."""

    ballot: Ballot
    candidates: Sequence[
        dict[str, Any]
    ]  # best first, each with "match" (NaN if nothing to compare)
    parties: list[dict[str, Any]]  # best first, with "match", "q1", "median", "q3", "count"
    answered: int  # statements of this election the voter answered (with a weight above 0)
    statements: int = (
        0  # statements in this election (a candidate's "answered" counts out of these)
    )
    # Who stands here, for filters and chosen candidates without going through every row:
    candidate_ids: frozenset[str] = frozenset()  # as strings, as forms send them
    independents: bool = False  # whether independents stand here (parties are in `parties`)
    # How sure the ranking is (matching/stability.py), None with nothing to rank:
    # {"top", "euclidean", "leave_one_out", "change": None or {"question_id", "value", "candidate"}}.
    stability: dict[str, Any] | None = None
    filters: FilterOptions = FilterOptions()  # which filters this constituency's data allows


def _parties(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in db.query("SELECT * FROM party")}


def _staleness() -> float:
    """How old a snapshot voters may be served while candidates are saving (see snapshot.py)."""
    return current_store().max_staleness


def _nan_last(value: float) -> float:
    return -math.inf if math.isnan(value) else value


def results(
    db: sqlite_utils.Database,
    ballot: Ballot,
    answers: Mapping[str, int],
    weights: Mapping[str, float],
) -> Result:
    """Rank the constituency's candidates and parties for these answers, on this election's statements."""
    snapshot = get_snapshot(db, ballot.election["id"], max_staleness=_staleness())
    voter, w = snapshot.voter_vectors(dict(answers), dict(weights))
    answered = int(np.count_nonzero(~np.isnan(voter) & (w > 0)))
    try:
        view = snapshot.constituency(ballot.constituency["id"])
    except LookupError:  # a constituency without candidates
        return Result(ballot, [], [], answered)
    # Candidates, then party profiles; the match is the bottom of each range.
    both, tops = scoring.match_range(voter, w, view.stacked)
    matches, profile_matches = both[: len(view.rows)], both[len(view.rows) :]
    numbers = snapshot.numbers[view.rows]
    order = scoring.rank(matches, numbers)
    # Candidates who answered none of the election's statements come last: pages say "did not answer"
    # instead of a match.
    given = view.answered
    order = np.concatenate([order[given[order] > 0], order[given[order] == 0]])
    ranked = Ranking(
        snapshot.people,
        snapshot.parties,
        view.rows[order].tolist(),
        matches[order].tolist(),
        tops[: len(view.rows)][order].tolist(),
        given[order].tolist(),
    )
    sure = stability.stability(
        voter, w, view.matrix, numbers, snapshot.alternatives, matches=matches
    )
    parties = snapshot.parties
    scores = scoring.party_match(
        voter,
        w,
        view.matrix,
        view.party_groups,
        len(snapshot.party_ids),
        matches=matches,
        profile_matches=profile_matches,
    )
    counts = view.party_groups.sizes.tolist()
    party_rows = [
        {
            "id": pid,
            "party": parties.get(pid),
            "match": match,
            "q1": q1,
            "median": median,
            "q3": q3,
            "count": count,
        }
        for pid, match, q1, median, q3, count in zip(
            snapshot.party_ids,
            scores.match.tolist(),
            scores.q1.tolist(),
            scores.median.tolist(),
            scores.q3.tolist(),
            counts,
            strict=True,
        )
        # Independents share no party line; parties without candidates here are not on the ballot.
        if pid is not None and count
    ]
    party_rows.sort(
        key=lambda r: (
            -_nan_last(r["match"]),
            collation_key(r["party"]["name_fi"] if r["party"] else r["id"]),
        )
    )
    # Independents are counted last (party_ids ends with None).
    independents = snapshot.party_ids[-1] is None and bool(counts[-1])
    return Result(
        ballot,
        ranked,
        party_rows,
        answered,
        len(snapshot.question_ids),
        view.candidate_keys,
        independents,
        _stability_view(snapshot, view, sure),
        filter_options(snapshot, ballot.constituency["id"], view.rows, ballot.election["kind"]),
    )


def _stability_view(
    snapshot: Any, view: Any, sure: stability.Stability | None
) -> dict[str, Any] | None:
    """Stability in the pages' and the API's terms: statements by id, answers on their own scale."""
    if sure is None:
        return None
    change = None
    if sure.change is not None:
        q, value, first = sure.change
        low, high = snapshot.scale_min[q], snapshot.scale_max[q]
        person = snapshot.people[int(view.rows[first])]
        change = {
            "question_id": snapshot.question_ids[q],
            "value": int(round(low + value * (high - low))),
            "candidate": {**person, "party": snapshot.parties.get(person["party_id"])},
        }
    return {
        "top": sure.top,
        "euclidean": sure.euclidean,
        "leave_one_out": sure.leave_one_out,
        "change": change,
    }


@dataclass(frozen=True)
class Filters:
    """What the voter chose to see: empty strings match everyone."""

    party: str = ""  # party id, "-" for independents
    language: str = ""
    text: str = ""  # part of a name, or a ballot number
    age: str = ""  # an AGE_GROUPS key
    gender: str = ""
    incumbent: str = ""  # "1" incumbents, "0" newcomers
    elected: str = ""  # "1" elected, "0" not elected

    def __bool__(self) -> bool:
        return any(
            (
                self.party,
                self.language,
                self.text.strip(),
                self.age,
                self.gender,
                self.incumbent,
                self.elected,
            )
        )


def quick_step(
    db: sqlite_utils.Database,
    ballots: list[Ballot],
    questions: list[dict[str, Any]],
    answers: Mapping[str, int],
    weights: Mapping[str, float],
    asked: set[str],
) -> tuple[str | None, bool]:
    """The quick quiz's next statement (None when every one is asked), and whether the top of each
    election's ranking is unlikely to change any more (adaptive.py), for the voter's own constituencies."""
    pools, voters = [], []
    for ballot in ballots:
        snapshot = get_snapshot(db, ballot.election["id"], max_staleness=_staleness())
        try:
            view = snapshot.constituency(ballot.constituency["id"])
        except LookupError:  # nobody stands here
            continue
        pools.append(
            adaptive.Pool(snapshot.question_ids, view.matrix.answers, snapshot.numbers[view.rows])
        )
        voters.append(snapshot.voter_vectors(dict(answers), dict(weights)))
    order = [q["id"] for q in questions]
    following = adaptive.next_statement(pools, voters, asked, order)
    settled = bool(answers) and adaptive.settled(pools, voters, asked)
    return following, settled


def filter_candidates(
    candidates: Sequence[dict[str, Any]],
    party: str = "",
    language: str = "",
    text: str = "",
    *,
    filters: Filters | None = None,
    kind: str = "kunta",
) -> Sequence[dict[str, Any]]:
    """Candidates of one party ("-" = independents), speaking one language, matching a name or number, of an
    age group or gender, incumbent or not, elected or not (`filters` when given, else the three above)."""
    f = filters or Filters(party, language, text)
    # Not collation_key: its cache is for names from the database, not for what visitors type.
    needle = f.text.strip().casefold().translate(_COLLATION)
    if not f:
        return candidates
    incumbent_field = INCUMBENCY.get(kind, "councillor")
    out = []
    for c in candidates:
        if f.party and (c["party_id"] or "-") != f.party:
            continue
        if f.language and f.language not in ballot_languages(c):
            continue
        if f.age and age_group(c.get("age")) != f.age:
            continue
        if f.gender and c.get("gender") != f.gender:
            continue
        if f.incumbent and str(int(bool(c.get(incumbent_field)))) != f.incumbent:
            continue
        if f.elected and str(int(bool(c.get("elected")))) != f.elected:
            continue
        if needle:
            name = collation_key(f"{c['first_name']} {c['last_name']}")
            if needle not in name and needle != str(c["number"]):
                continue
        out.append(c)
    return out


def candidate_detail(
    db: sqlite_utils.Database, candidate_id: int, lang: str = "fi", *, published_only: bool = True
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]] | None:
    """A candidate (of a published election, unless asked otherwise), their election, and their answers
    to that election's statements.

    Each answer row has `value` (None if unanswered) and `justification` in the reader's language where the
    candidate wrote one, else the one they wrote, with `justification_lang` naming its language.
    """
    if not 0 < candidate_id < 2**63:  # SQLite integers; anything else names nobody
        return None
    # Voters never see a withdrawn candidate; the candidate themself still sees their own page.
    published = " AND e.published_at IS NOT NULL AND NOT c.withdrawn" if published_only else ""
    candidate = _one(
        db,
        "SELECT c.* FROM candidate c JOIN election e ON e.id = c.election_id "
        f"WHERE c.id = ?{published}",
        [candidate_id],
    )
    if candidate is None:
        return None
    candidate["languages"] = json.loads(candidate["languages"] or "[]")
    candidate["party"] = _parties(db).get(candidate["party_id"])
    candidate["constituency"] = _one(
        db, _CONSTITUENCY_SQL + " WHERE c.id = ?", [candidate["constituency_id"]]
    )
    intro_lang = "sv" if lang == "sv" and candidate["intro_sv"] else "fi"
    candidate["intro"] = candidate[f"intro_{intro_lang}"] or candidate["intro_sv"]
    candidate["intro_lang"] = intro_lang if candidate[f"intro_{intro_lang}"] else "sv"
    election = _one(db, "SELECT * FROM election WHERE id = ?", [candidate["election_id"]])
    answers = list(
        db.query(
            """SELECT q.*, t.name_fi AS theme_fi, t.name_sv AS theme_sv, t.name_en AS theme_en,
                      t.plain_fi AS plain_theme_fi, t.plain_sv AS plain_theme_sv,
                      t.plain_en AS plain_theme_en, t.position AS theme_position,
                      a.value, a.justification_fi, a.justification_sv
               FROM election_question eq JOIN question q ON q.id = eq.question_id
               JOIN theme t ON t.id = q.theme_id
               LEFT JOIN answer a ON a.question_id = q.id AND a.candidate_id = ?
               WHERE eq.election_id = ? ORDER BY eq.position, q.position, q.id""",
            [candidate_id, election["id"]],
        )
    )
    for row in answers:
        row["scale"] = json.loads(row["scale"])
        preferred = "sv" if lang == "sv" else "fi"
        other = "fi" if preferred == "sv" else "sv"
        used = preferred if row[f"justification_{preferred}"] else other
        row["justification"] = row[f"justification_{used}"] or None
        row["justification_lang"] = used
    return candidate, election, answers


def explain_candidate(
    db: sqlite_utils.Database,
    election_id: str,
    candidate_id: int,
    answers: Mapping[str, int],
    weights: Mapping[str, float],
) -> dict[str, Any]:
    """One candidate's match with the voter, per theme (in theme order), and each statement's share of
    their distance (what lowered the match most), computed by the scorer on the election's statements."""
    snapshot = get_snapshot(db, election_id, max_staleness=_staleness())
    if (
        candidate_id not in snapshot.candidate_ids
    ):  # added since a slightly stale snapshot was built
        snapshot = get_snapshot(db, election_id)
    voter, w = snapshot.voter_vectors(dict(answers), dict(weights))
    row = int(np.flatnonzero(snapshot.candidate_ids == candidate_id)[0])
    candidate = snapshot.answers[row : row + 1]
    labels, themes = scoring.theme_match(voter, w, candidate, snapshot.themes)
    shares = scoring.explain(voter, w, snapshot.answers[row])
    positions = {t["id"]: t["position"] for t in db.query("SELECT id, position FROM theme")}
    theme_rows = sorted(
        ((str(t), float(themes[0, i])) for i, t in enumerate(labels)),
        key=lambda item: (positions.get(item[0], 0), item[0]),
    )
    share_by_id = {qid: float(shares[j]) for j, qid in enumerate(snapshot.question_ids)}
    low, high = scoring.match_range(voter, w, candidate)
    return {
        "match": float(low[0]),
        "match_min": float(low[0]),
        "match_max": float(high[0]),
        "themes": dict(theme_rows),
        "shares": share_by_id,
        # The statements that lowered the match most, for a plain-language explanation.
        "largest": [qid for qid, s in sorted(share_by_id.items(), key=lambda kv: -kv[1]) if s > 0][
            :3
        ],
        "answered": int(np.count_nonzero(~np.isnan(voter) & (w > 0))),
    }
