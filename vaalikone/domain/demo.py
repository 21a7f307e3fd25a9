"""Demo data: the 2025 municipal and county elections with invented candidates and answers.

Deterministic (fixed seeds, explicit ids), so running the command twice on a day gives the same database contents.
Only one thing follows the calendar: the demo candidate's election takes answers until 30 days after the day
the demo is loaded, so the README's candidate account can try the answer form (the other election stays closed).
Everything it creates is marked `demo = 1`, and every page showing it says so.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import numpy as np
import sqlite_utils

from vaalikone.db import writing
from vaalikone.domain.places import link_bank_questions, read_csv

SEED = 2025
ELECTIONS = [
    {
        "id": "kunta-2025",
        "kind": "kunta",
        "date": "2025-04-13",
        "answer_deadline": "2025-03-25T16:00:00+02:00",
        "name_fi": "Kuntavaalit 2025",
        "name_sv": "Kommunalvalet 2025",
        "name_en": "Municipal elections 2025",
    },
    {
        "id": "alue-2025",
        "kind": "alue",
        "date": "2025-04-13",
        "answer_deadline": "2025-03-25T16:00:00+02:00",
        "name_fi": "Aluevaalit 2025",
        "name_sv": "Välfärdsområdesvalet 2025",
        "name_en": "County elections 2025",
    },
]
PUBLISHED_AT = "2025-03-26T12:00:00+02:00"
OPEN_FOR_DAYS = 30  # how long after loading the demo candidate's election still takes answers


def answer_deadlines(today: date | None = None) -> dict[str, str]:
    """Each demo election's answer deadline: the demo candidate's (the first) stays open for a month."""
    deadlines = {e["id"]: e["answer_deadline"] for e in ELECTIONS}
    until = (today or date.today()) + timedelta(days=OPEN_FOR_DAYS)
    deadlines[ELECTIONS[0]["id"]] = f"{until.isoformat()}T16:00:00+02:00"
    return deadlines


# Rough national support (per cent) and how strongly each party's candidates lean towards the
# organisations' goals (0 = against, 1 = for): invented tendencies that only make the demo plausible.
PARTY_PROFILE = {
    "kok": (20.7, 0.42),
    "sdp": (23.2, 0.74),
    "ps": (7.6, 0.33),
    "kesk": (14.8, 0.60),
    "vihr": (9.1, 0.78),
    "vas": (9.2, 0.82),
    "rkp": (4.9, 0.64),
    "kd": (4.1, 0.66),
    "liik": (1.2, 0.36),
}
INDEPENDENT_SHARE = 3.0
# National scale: 2025 had about 30,000 municipal and 10,000 county candidates, Helsinki about 1,400.
# Each municipality's real count is not available offline, so counts follow population**0.667, scaled to
# the national total: that exponent puts Helsinki at ~1,400 and the smallest municipality at ~15, as in
# 2025 (plain proportionality would give Helsinki 3,600). Counties are proportional to population.
NATIONAL_MUNICIPAL = 30_000
NATIONAL_COUNTY = 10_000
NATIONAL_EXPONENT = 0.667
# Council sizes by population (Kuntalaki 16 §, Laki hyvinvointialueesta 24 §), for the national demo's seats.
COUNCIL_SEATS = (
    (5_000, 13),
    (20_000, 27),
    (50_000, 43),
    (100_000, 51),
    (250_000, 59),
    (400_000, 67),
)
COUNTY_SEATS = ((250_000, 59), (400_000, 69), (600_000, 79))
DEMO_PASSWORD = "vaalikone-demo"
DEMO_USERS = [
    ("admin@demo.vaalikone.invalid", "admin", None),
    ("soste@demo.vaalikone.invalid", "organisation", "soste"),
    ("kyt@demo.vaalikone.invalid", "organisation", "kyt"),
    ("jarjestokaista@demo.vaalikone.invalid", "organisation", "jarjestokaista"),
]
JUSTIFICATIONS_FI = [
    "Järjestöt tavoittavat ihmisiä, joita julkiset palvelut eivät tavoita.",
    "Talouden tasapaino on pidettävä mielessä kaikissa päätöksissä.",
    "Asia pitää ratkaista yhdessä asukkaiden ja järjestöjen kanssa.",
    "Kannatan, jos rahoitus löytyy muista menoista.",
    "Tämä on ennaltaehkäisyä, joka maksaa itsensä takaisin.",
    "Päätös kuuluu ensisijaisesti valtuustolle, ei virkamiehille.",
]
JUSTIFICATIONS_SV = [
    "Föreningarna når människor som den offentliga servicen inte når.",
    "Ekonomin måste vara i balans i alla beslut.",
    "Frågan ska lösas tillsammans med invånarna och organisationerna.",
]


def is_loaded(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM election WHERE demo = 1 LIMIT 1").fetchone() is not None


def _national_sizes(places: list[tuple], total: int, exponent: float) -> list[int]:
    """Candidates per constituency: population**exponent, scaled so that they add up to about `total`."""
    weights = [max(p[4], 1) ** exponent for p in places]
    scale = total / sum(weights)
    return [max(8, round(w * scale)) for w in weights]


def _seats(population: int, table: tuple[tuple[int, int], ...], largest: int) -> int:
    return next((seats for limit, seats in table if population <= limit), largest)


def load_demo(
    db: sqlite_utils.Database, scale: str = "small", today: date | None = None
) -> dict[str, int]:
    """Replace any earlier demo data with a fresh, identical copy; returns counts.

    `scale` "small" (the default) has about a tenth of the real candidates; "national" the 2025 elections'
    real size (see NATIONAL_MUNICIPAL). Both are deterministic and share the answer tendencies; the demo
    candidate's election is open for OPEN_FOR_DAYS from `today`.
    """
    if scale not in ("small", "national"):
        raise ValueError(f"unknown demo scale {scale!r}")
    deadlines = answer_deadlines(today)
    from werkzeug.security import check_password_hash, generate_password_hash

    # Password hashes are salted: keep a still-valid one so reloading gives identical contents.
    password = next(
        (
            h
            for (h,) in db.execute(
                "SELECT password_hash FROM user WHERE email LIKE '%@demo.vaalikone.invalid'"
            )
            if h and check_password_hash(h, DEMO_PASSWORD)
        ),
        None,
    ) or generate_password_hash(DEMO_PASSWORD)
    rng = random.Random(SEED)
    nrng = np.random.default_rng(SEED)
    with writing(db):
        db.execute(
            "DELETE FROM user WHERE candidate_id IN "
            "(SELECT id FROM candidate WHERE election_id IN (SELECT id FROM election WHERE demo = 1))"
        )
        db.execute("DELETE FROM user WHERE email LIKE '%@demo.vaalikone.invalid'")
        for table in ("answer",):
            db.execute(
                f"DELETE FROM {table} WHERE candidate_id IN (SELECT id FROM candidate WHERE "
                "election_id IN (SELECT id FROM election WHERE demo = 1))"
            )
        for table in ("candidate", "constituency", "election_question", "report_publication"):
            db.execute(
                f"DELETE FROM {table} WHERE election_id IN (SELECT id FROM election WHERE demo = 1)"
            )
        db.execute("DELETE FROM election WHERE demo = 1")
        for election in ELECTIONS:
            db["election"].insert(
                {
                    **election,
                    "answer_deadline": deadlines[election["id"]],
                    "demo": 1,
                    "published_at": PUBLISHED_AT,
                    "data_version": 1,
                }
            )
            link_bank_questions(db, election["id"], election["kind"])
        names = _names()
        municipalities = [
            m for m in read_csv("municipalities.csv") if m["district"] != "ahvenanmaa"
        ]
        counties = read_csv("counties.csv")
        next_id = 1
        counts = {}
        for election in ELECTIONS:
            if election["kind"] == "kunta":
                places = [
                    (
                        f"kunta-2025:{m['code']}",
                        {"municipality_code": m["code"]},
                        m["name_fi"],
                        m["name_sv"] or m["name_fi"],
                        int(m["population"] or 0),
                        m["language"],
                    )
                    for m in municipalities
                ]
            else:
                population = defaultdict(int)
                swedish = defaultdict(int)
                for m in municipalities:
                    population[m["county"]] += int(m["population"] or 0)
                    if m["language"].startswith("sv"):
                        swedish[m["county"]] += int(m["population"] or 0)
                places = [
                    (
                        f"alue-2025:{c['id']}",
                        {"county_id": c["id"]},
                        c["name_fi"],
                        c["name_sv"],
                        population[c["id"]],
                        "sv-fi" if swedish[c["id"]] * 3 > population[c["id"]] else "fi",
                    )
                    for c in counties
                ]
            questions = [
                row[0]
                for row in db.execute(
                    "SELECT question_id FROM election_question WHERE election_id = ? ORDER BY position",
                    [election["id"]],
                )
            ]
            serves = dict(db.execute("SELECT id, serves FROM question").fetchall())
            before = next_id
            if scale == "national":
                kunta = election["kind"] == "kunta"
                sizes = _national_sizes(
                    places,
                    NATIONAL_MUNICIPAL if kunta else NATIONAL_COUNTY,
                    NATIONAL_EXPONENT if kunta else 1.0,
                )
            for k, (cid, ref, name_fi, name_sv, population, language) in enumerate(places):
                db["constituency"].insert(
                    {
                        "id": cid,
                        "election_id": election["id"],
                        "name_fi": name_fi,
                        "name_sv": name_sv,
                        **ref,
                    }
                )
                if scale == "national":
                    size = sizes[k]
                    seats = (
                        _seats(population, COUNCIL_SEATS, 79)
                        if election["kind"] == "kunta"
                        else _seats(population, COUNTY_SEATS, 89)
                    )
                elif election["kind"] == "kunta":
                    size = min(120, 6 + population // 6000)
                    seats = max(9, size // 3)
                else:
                    size = min(140, 40 + population // 12000)
                    seats = max(9, size // 3)
                next_id = _candidates(
                    db,
                    rng,
                    nrng,
                    names,
                    election["id"],
                    cid,
                    size,
                    language,
                    questions,
                    serves,
                    next_id,
                    seats,
                )
            counts[election["id"]] = next_id - before
        for email, role, org in DEMO_USERS:
            db["user"].insert(
                {
                    "email": email,
                    "password_hash": password,
                    "role": role,
                    "organisation_id": org,
                    "active": 1,
                    "created_at": PUBLISHED_AT,
                }
            )
        # One demo candidate account, so the candidate's pages can be explored too.
        db["user"].insert(
            {
                "email": "ehdokas@demo.vaalikone.invalid",
                "password_hash": password,
                "role": "candidate",
                "candidate_id": 1,
                "active": 1,
                "created_at": PUBLISHED_AT,
            }
        )
    return counts


def _names() -> dict[str, dict[str, list[str]]]:
    names: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in read_csv("names.csv"):
        names[row["language"]][row["kind"]].append(row["name"])
    return names


def _candidates(
    db: sqlite_utils.Database,
    rng: random.Random,
    nrng: np.random.Generator,
    names: dict[str, dict[str, list[str]]],
    election_id: str,
    constituency_id: str,
    size: int,
    language: str,
    questions: list[str],
    serves: dict[str, int],
    next_id: int,
    seats: int,
) -> int:
    """Party lists for one constituency: support-weighted parties, tendencies plus noise, d'Hondt seats."""
    parties = list(PARTY_PROFILE)
    support = np.array([PARTY_PROFILE[p][0] for p in parties] + [INDEPENDENT_SHARE], dtype=float)
    if language.startswith("sv"):
        support[parties.index("rkp")] *= 8
    elif language == "fi-sv":
        support[parties.index("rkp")] *= 2.5
    support /= support.sum()
    labels = parties + [None]
    picks = nrng.choice(len(labels), size=size, p=support)
    rows, answers, numbered = [], [], []
    by_party: dict[Any, list[int]] = defaultdict(list)
    for k in sorted(picks):
        by_party[labels[k]].append(0)
    number = 2
    for party in [p for p in labels if p in by_party]:
        lean = PARTY_PROFILE[party][1] if party else rng.uniform(0.3, 0.8)
        # Each party's line on each statement: its general lean plus a statement-specific twist.
        line = {q: lean + nrng.normal(0, 0.15) for q in questions}
        for _ in by_party[party]:
            swedish = (
                language.startswith("sv")
                and rng.random() < 0.8
                or (language == "fi-sv" and rng.random() < 0.25)
            )
            pool = names["sv" if swedish else "fi"]
            female = rng.random() < 0.5
            first = rng.choice(pool["first_f" if female else "first_m"])
            last = rng.choice(pool["last"])
            langs = ["sv", "fi"] if swedish else (["fi", "sv"] if rng.random() < 0.15 else ["fi"])
            silent = rng.random() < 0.03
            row = {
                "id": next_id,
                "election_id": election_id,
                "constituency_id": constituency_id,
                "party_id": party,
                "number": number,
                "first_name": first,
                "last_name": last,
                "languages": langs,
                "email": f"ehdokas{next_id}@demo.vaalikone.invalid",
                "age": int(rng.triangular(18, 80, 48)),
                "gender": "f" if female else "m",
            }
            rows.append(row)
            votes = nrng.gamma(2.0, 60.0) * (1.5 if party else 0.7)
            numbered.append((party, votes, next_id))
            for q in questions:
                if silent or rng.random() < 0.06:
                    value = None
                else:
                    pro = float(np.clip(line[q] + nrng.normal(0, 0.22), 0, 1))
                    score = 1 + 4 * pro if serves[q] >= 3 else 5 - 4 * pro
                    value = int(np.clip(round(score), 1, 5))
                justification = None
                if value is not None and rng.random() < 0.12:
                    justification = rng.choice(JUSTIFICATIONS_SV if swedish else JUSTIFICATIONS_FI)
                answers.append(
                    {
                        "candidate_id": next_id,
                        "question_id": q,
                        "value": value,
                        "justification_fi": None if swedish else justification,
                        "justification_sv": justification if swedish else None,
                        "updated_at": "2025-03-20T12:00:00+02:00",
                    }
                )
            next_id += 1
            number += 1
    elected, substitutes = _dhondt(numbered, seats=seats)
    for row in rows:
        row["elected"] = int(row["id"] in elected)
        row["substitute"] = int(row["id"] in substitutes)
    db["candidate"].insert_all(rows, pk="id")
    db["answer"].insert_all(answers, pk=("candidate_id", "question_id"), alter=False)
    return next_id


def _dhondt(candidates: list[tuple[Any, float, int]], seats: int) -> tuple[set[int], set[int]]:
    """Seats by the D'Hondt method over party lists; within a list the most-voted candidates win, and
    the next ones, as many as won (at least two), are the list's substitutes (Kuntalaki 17 §)."""
    lists: dict[Any, list[tuple[float, int]]] = defaultdict(list)
    for party, votes, cid in candidates:
        # Independents stand alone: each one is their own list.
        lists[party if party else f"ind-{cid}"].append((votes, cid))
    totals = {k: sum(v for v, _ in members) for k, members in lists.items()}
    quotients = sorted(
        ((totals[k] / d, k) for k in lists for d in range(1, len(lists[k]) + 1)), reverse=True
    )
    won: dict[Any, int] = defaultdict(int)
    for _, k in quotients[: min(seats, len(candidates))]:
        won[k] += 1
    ranked = {k: [cid for _, cid in sorted(lists[k], reverse=True)] for k in won}
    elected = {cid for k, n in won.items() for cid in ranked[k][:n]}
    substitutes = {cid for k, n in won.items() for cid in ranked[k][n : n + max(n, 2)]}
    return elected, substitutes
