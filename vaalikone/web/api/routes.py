"""JSON API for embedding and research (documented in the README's "JSON API" section).

Stateless and read-only: no cookies, no session, and the answers posted to /match are neither stored nor
logged. Every bad request gets HTTP 400 with {"error": "..."} naming the problem, never a 500.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, NoReturn

from flask import Blueprint, Response, abort, current_app, jsonify, request

from vaalikone.db import database_file
from vaalikone.domain import elections
from vaalikone.extensions import csrf, limiter
from vaalikone.i18n import gettext as _
from vaalikone.matching import voting
from vaalikone.matching.store import BoundedCache
from vaalikone.reports import robustness
from vaalikone.web.database import get_db, writable
from vaalikone.web.i18n import LANGUAGES, localized
from vaalikone.web.security import api_limit, export_limit
from vaalikone.web.spreadsheet import csv_response, csv_text

bp = Blueprint("api", __name__, cli_group=None)
# CSRF protects cookie-authenticated forms; the API reads no cookie and changes nothing.
csrf.exempt(bp)
limiter.limit(api_limit)(bp)
MAX_LIMIT = 10_000
MAX_WEIGHT = 10
# A weight is 0 (ignore the statement) or at least this: a vanishing weight such as 5e-324 would divide
# the distance by almost nothing and make every candidate a 100 % match.
MIN_WEIGHT = 0.01
# Open-data files kept per worker (elections x formats at their current data version): each costs a few
# hundred milliseconds to build and is the same for every caller until the answers change.
EXPORT_CACHE_SIZE = 16


@bp.record_once
def _export_cache(state) -> None:
    state.app.extensions["vaalikone.exports"] = BoundedCache(EXPORT_CACHE_SIZE)


@bp.after_request
def cross_origin(response: Response) -> Response:
    """Any site may embed the API: it is public, read-only and never uses credentials."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = "86400"
    if request.method == "POST":
        response.headers["Cache-Control"] = "no-store"
    return response


def _fail(message: str) -> NoReturn:
    abort(400, description=message)


def _short(value: Any, length: int = 60) -> str:
    """A client's value quoted back in an error message, cut short."""
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= length else text[: length - 1] + "…"


def _lang(value: Any = None) -> str:
    lang = request.args.get("lang", "fi") if value is None else value
    if lang not in LANGUAGES:
        _fail(_("Tuntematon kieli %(lang)s: käytä fi, sv tai en.", lang=_short(lang, 20)))
    return lang


def _scale_text(scale: list[int]) -> str:
    if scale == list(range(scale[0], scale[-1] + 1)):
        return f"{scale[0]}–{scale[-1]}"
    return ", ".join(str(v) for v in scale)


@bp.route("/questions")
def questions():
    """The statements voters can answer: the question bank's, and those of published imported elections.

    `?election=<id>` lists one published election's statements in its order.
    """
    lang = _lang()
    db = get_db()
    election_id = request.args.get("election")
    if election_id is not None:
        election = elections.published(db, election_id)
        if election is None:
            _fail(_("Tuntematon vaali: %(id)s.", id=_short(election_id)))
        rows = voting.questions_for(db, [voting.Ballot(election, {})])
    else:
        rows = list(
            db.query(
                """SELECT q.* FROM question q
                   WHERE q.kinds IS NOT NULL OR q.id IN (
                       SELECT eq.question_id FROM election_question eq
                       JOIN election e ON e.id = eq.election_id WHERE e.published_at IS NOT NULL)
                   ORDER BY q.kinds IS NULL, q.position, q.id"""
            )
        )
    kinds_of = _published_kinds(db)
    return jsonify(
        {
            "questions": [
                {
                    "id": q["id"],
                    "theme": q["theme_id"],
                    "text": localized(q, "text", lang),
                    # Bank statements say which kinds of election they suit; imported ones, where used.
                    "elections": json.loads(q["kinds"])
                    if q["kinds"]
                    else kinds_of.get(q["id"], []),
                }
                for q in rows
            ]
        }
    )


def _published_kinds(db) -> dict[str, list[str]]:
    kinds: dict[str, set[str]] = {}
    for qid, kind in db.execute(
        """SELECT eq.question_id, e.kind FROM election_question eq
           JOIN election e ON e.id = eq.election_id WHERE e.published_at IS NOT NULL"""
    ):
        kinds.setdefault(qid, set()).add(kind)
    return {qid: sorted(k, key=lambda x: voting.KIND_ORDER.get(x, 9)) for qid, k in kinds.items()}


@bp.route("/municipalities")
def municipalities():
    """Every municipality with the published elections its voters vote in (newest first)."""
    lang = _lang()
    db = get_db()
    elections = voting.elections_by_municipality(db)
    return jsonify(
        {
            "municipalities": [
                {"code": m["code"], "name": m["name"], "elections": elections[m["code"]]}
                for m in voting.municipalities(db, lang)
            ]
        }
    )


def _party_name(party: dict[str, Any] | None, lang: str) -> str | None:
    return localized(party, "name", lang) if party else None


def _number(value: float) -> float | None:
    """A match for JSON: null when there is nothing to compare (no answered statement)."""
    return None if math.isnan(value) else round(value, 6)


def _stability(sure: dict[str, Any] | None) -> dict[str, Any] | None:
    """How sure the ranking is, with the answer change as statement id, value and candidate id."""
    if sure is None:
        return None
    change = sure["change"]
    return {
        "top": sure["top"],
        "euclidean": sure["euclidean"],
        "leave_one_out": sure["leave_one_out"],
        "change": change
        and {
            "statement": change["question_id"],
            "value": change["value"],
            "first": change["candidate"]["id"],
        },
    }


def _body() -> dict[str, Any]:
    """The request body as a JSON object; an oversized body stops at MAX_CONTENT_LENGTH (413 -> 400)."""
    raw = request.get_data(cache=False)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        _fail(_("Pyynnön runko ei ole kelvollista JSONia."))
    if not isinstance(body, dict):
        _fail(_("Pyynnön rungon pitää olla JSON-olio."))
    return body


def _answers(
    given: Any, questions: dict[str, dict[str, Any]], all_ids: frozenset[str], code: str
) -> dict[str, int]:
    if not isinstance(given, dict):
        _fail(_("Kentän answers pitää olla JSON-olio."))
    answers: dict[str, int] = {}
    for qid, value in given.items():
        _known(qid, questions, all_ids, code)
        if value is None:  # explicitly skipped
            continue
        scale = questions[qid]["scale"]
        if isinstance(value, bool) or not isinstance(value, int) or value not in scale:
            _fail(
                _(
                    "Väitteen %(id)s vastaus %(value)s ei ole asteikolla %(scale)s.",
                    id=qid,
                    value=_short(value, 20),
                    scale=_scale_text(scale),
                )
            )
        answers[qid] = value
    return answers


def _weights(
    given: Any, questions: dict[str, dict[str, Any]], all_ids: frozenset[str], code: str
) -> dict[str, float]:
    if not isinstance(given, dict):
        _fail(_("Kentän weights pitää olla JSON-olio."))
    weights: dict[str, float] = {}
    for qid, value in given.items():
        _known(qid, questions, all_ids, code)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not (value == 0 or MIN_WEIGHT <= value <= MAX_WEIGHT)
        ):
            _fail(
                _(
                    "Väitteen %(id)s painon pitää olla 0 tai luku väliltä 0,01–%(max)d.",
                    id=qid,
                    max=MAX_WEIGHT,
                )
            )
        weights[qid] = float(value)
    return weights


def _known(qid: str, questions: dict[str, Any], all_ids: frozenset[str], code: str) -> None:
    if qid in questions:
        return
    if qid in all_ids:
        _fail(_("Väite %(id)s ei kuulu kunnan %(code)s vaaleihin.", id=_short(qid), code=code))
    _fail(_("Tuntematon väite: %(id)s.", id=_short(qid)))


@bp.route("/match", methods=["POST"])
def match():
    """Rank the candidates and parties of a municipality's elections for the posted answers."""
    body = _body()
    lang = _lang(body.get("lang", request.args.get("lang", "fi")))
    db = get_db()
    code = body.get("municipality")
    if not isinstance(code, str):
        _fail(_('Kenttä municipality puuttuu tai ei ole merkkijono (kunnan koodi, esim. "091").'))
    if next(db.query("SELECT 1 FROM municipality WHERE code = ?", [code]), None) is None:
        _fail(_("Tuntematon kunta: %(code)s.", code=_short(code, 20)))
    ballots = [b for r in voting.municipality_rounds(db, code) for b in r.ballots]
    wanted = body.get("elections")
    if wanted is not None:
        if not isinstance(wanted, list) or not all(isinstance(e, str) for e in wanted):
            _fail(_("Kentän elections pitää olla lista vaalien tunnuksia."))
        for election_id in wanted:
            if election_id not in {b.id for b in ballots}:
                _fail(
                    _(
                        "Kunta %(code)s ei äänestä vaalissa %(id)s.",
                        code=code,
                        id=_short(election_id),
                    )
                )
        ballots = [b for b in ballots if b.id in wanted]
    limit = body.get("limit", 20)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        _fail(_("Kentän limit pitää olla kokonaisluku väliltä 1–%(max)d.", max=MAX_LIMIT))
    questions = {q["id"]: q for q in voting.questions_for(db, ballots)}
    all_ids = voting.statement_ids(db)
    answers = _answers(body.get("answers", {}), questions, all_ids, code)
    weights = _weights(body.get("weights", {}), questions, all_ids, code)
    out = []
    for ballot in ballots:
        result = voting.results(db, ballot, answers, weights)
        out.append(
            {
                "id": ballot.id,
                "kind": ballot.election["kind"],
                "name": localized(ballot.election, "name", lang),
                "constituency": ballot.constituency["id"],
                "answered": result.answered,
                "candidates": [
                    {
                        "id": c["id"],
                        "number": c["number"],
                        "name": f"{c['first_name']} {c['last_name']}",
                        "party": _party_name(c["party"], lang),
                        "match": _number(c["match"]),
                        "match_min": _number(c["match_min"]),
                        "match_max": _number(c["match_max"]),
                    }
                    for c in result.candidates[:limit]
                ],
                "stability": _stability(result.stability),
                "parties": [
                    {
                        "id": p["id"],
                        "name": _party_name(p["party"], lang),
                        "match": _number(p["match"]),
                    }
                    for p in result.parties
                ],
            }
        )
    return jsonify({"elections": out})


@bp.route("/candidates/<int:candidate_id>")
def candidate(candidate_id: int):
    """A published candidate's public answers and justifications."""
    lang = _lang()
    detail = voting.candidate_detail(get_db(), candidate_id, lang)
    if detail is None:
        abort(404)
    person, election, rows = detail
    return jsonify(
        {
            "id": person["id"],
            "number": person["number"],
            "name": f"{person['first_name']} {person['last_name']}",
            "party": _party_name(person["party"], lang),
            "election": election["id"],
            "constituency": person["constituency_id"],
            "answers": {r["id"]: r["value"] for r in rows},
            "justifications": {r["id"]: r["justification"] for r in rows if r["justification"]},
        }
    )


def _published(election_id: str) -> dict[str, Any]:
    return elections.published(get_db(), election_id) or abort(404)


def _exported(election_id: str, fmt: str, build: Callable[[dict[str, Any]], str]) -> str:
    """The open-data file, built once per data version of the election (the triggers advance it on every
    change) and kept in the app's bounded cache; keyed only by a published election's id."""
    election = _published(election_id)
    key = (database_file(get_db()), election_id, election["data_version"], fmt)
    cache: BoundedCache[str] = current_app.extensions["vaalikone.exports"]
    text = cache.get(key)
    if text is None:
        text = cache.put(key, build(election))
    return text


def _open_data(election: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """A published election's public answers: no e-mails, accounts or other private fields."""
    db = get_db()
    election_id = election["id"]
    questions = [
        r[0]
        for r in db.execute(
            "SELECT question_id FROM election_question WHERE election_id = ? ORDER BY position, question_id",
            [election_id],
        )
    ]
    candidates = list(
        db.query(
            """SELECT c.id, c.number, c.first_name, c.last_name, c.party_id, p.name_fi AS party,
                      c.constituency_id, k.name_fi AS constituency, c.languages, c.elected
               FROM candidate c LEFT JOIN party p ON p.id = c.party_id
               JOIN constituency k ON k.id = c.constituency_id
               WHERE c.election_id = ? AND NOT c.withdrawn ORDER BY c.constituency_id, c.number, c.id""",
            [election_id],
        )
    )
    answers: dict[int, dict[str, Any]] = {}
    for a in db.query(
        """SELECT a.* FROM answer a JOIN candidate c ON c.id = a.candidate_id WHERE c.election_id = ?""",
        [election_id],
    ):
        answers.setdefault(a["candidate_id"], {})[a["question_id"]] = a
    for c in candidates:
        c["languages"] = json.loads(c["languages"] or "[]")
        mine = answers.get(c["id"], {})
        c["answers"] = {q: (mine.get(q) or {}).get("value") for q in questions}
        c["justifications_fi"] = {
            q: mine[q]["justification_fi"]
            for q in questions
            if q in mine and mine[q]["justification_fi"]
        }
        c["justifications_sv"] = {
            q: mine[q]["justification_sv"]
            for q in questions
            if q in mine and mine[q]["justification_sv"]
        }
    return questions, candidates


def _answers_json(election: dict[str, Any]) -> str:
    questions, candidates = _open_data(election)
    data = {
        "election": {
            k: election[k]
            for k in ("id", "kind", "date", "name_fi", "name_sv", "name_en", "source")
        },
        "questions": questions,
        "candidates": candidates,
    }
    return current_app.json.dumps(data)


def _answers_csv(election: dict[str, Any]) -> str:
    questions, candidates = _open_data(election)
    fixed = [
        "candidate_id",
        "constituency_id",
        "constituency",
        "party_id",
        "party",
        "number",
        "first_name",
        "last_name",
        "languages",
        "elected",
    ]
    rows: list[list[Any]] = [
        fixed
        + questions
        + [f"{q}_justification_fi" for q in questions]
        + [f"{q}_justification_sv" for q in questions]
    ]
    for c in candidates:
        rows.append(
            [
                c["id"],
                c["constituency_id"],
                c["constituency"],
                c["party_id"] or "",
                c["party"] or "",
                "" if c["number"] is None else c["number"],
                c["first_name"],
                c["last_name"],
                " ".join(c["languages"]),
                "" if c["elected"] is None else c["elected"],
            ]
            + ["" if c["answers"][q] is None else c["answers"][q] for q in questions]
            + [c["justifications_fi"].get(q, "") for q in questions]
            + [c["justifications_sv"].get(q, "") for q in questions]
        )
    return csv_text(rows)


@bp.route("/elections/<election_id>/answers.json")
@limiter.limit(export_limit)
def open_data_json(election_id: str):
    return Response(_exported(election_id, "json", _answers_json), mimetype="application/json")


@bp.route("/elections/<election_id>/answers.csv")
@limiter.limit(export_limit)
def open_data_csv(election_id: str):
    text = _exported(election_id, "csv", _answers_csv)
    return csv_response(text, f"{election_id}-answers.csv")


@bp.route("/elections/<election_id>/robustness")
def election_robustness(election_id: str):
    """How robust a published election's rankings are (vaalikone/reports/robustness.py)."""
    _published(election_id)
    return jsonify(robustness.report(get_db(), election_id, keep=writable()))
