"""JSON API for embedding and research (documented in the README). Stateless: nothing is stored."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from vaalikone import voting
from vaalikone.db import get_db
from vaalikone.i18n import LANGUAGES, localized
from vaalikone.security import api_limit, csrf, limiter

bp = Blueprint("api", __name__, cli_group=None)
# The API keeps no session and changes nothing: CSRF protects cookies, and the API uses none.
csrf.exempt(bp)
limiter.limit(api_limit)(bp)
MAX_LIMIT = 10000


def _lang() -> str:
    lang = request.args.get("lang", "fi")
    if lang not in LANGUAGES:
        abort(400, description=_("Tuntematon kieli %(lang)s: käytä fi, sv tai en.", lang=lang))
    return lang


def _fail(message: str):
    abort(400, description=message)


@bp.route("/questions")
def questions():
    lang = _lang()
    rows = get_db().query(
        "SELECT q.* FROM question q WHERE q.kinds IS NOT NULL ORDER BY q.position"
    )
    return jsonify(
        {
            "questions": [
                {
                    "id": q["id"],
                    "theme": q["theme_id"],
                    "text": localized(q, "text", lang),
                    "elections": json.loads(q["kinds"]),
                }
                for q in rows
            ]
        }
    )


@bp.route("/municipalities")
def municipalities():
    lang = _lang()
    db = get_db()
    out = []
    for m in voting.municipalities(db):
        context = voting.context_for_municipality(db, m["code"])
        out.append(
            {
                "code": m["code"],
                "name": m["name_sv"] if lang == "sv" else m["name_fi"],
                "elections": [b.election["id"] for b in context.ballots],
            }
        )
    return jsonify({"municipalities": out})


def _party_name(party: dict[str, Any] | None, lang: str) -> str | None:
    return localized(party, "name", lang) if party else None


@bp.route("/match", methods=["POST"])
def match():
    """Rank the candidates of a municipality's elections for the posted answers."""
    try:
        body = request.get_json(force=True, silent=False)
    except BadRequest:
        _fail(_("Pyynnön runko ei ole kelvollista JSONia."))
    if not isinstance(body, dict):
        _fail(_("Pyynnön rungon pitää olla JSON-olio."))
    lang = body.get("lang", request.args.get("lang", "fi"))
    if lang not in LANGUAGES:
        _fail(_("Tuntematon kieli %(lang)s: käytä fi, sv tai en.", lang=str(lang)[:20]))
    db = get_db()
    code = body.get("municipality")
    if not isinstance(code, str):
        _fail(_("Kenttä municipality puuttuu tai ei ole merkkijono."))
    context = voting.context_for_municipality(db, code)
    if context is None:
        _fail(_("Tuntematon kunta: %(code)s.", code=code[:20]))
    answers_in = body.get("answers", {})
    weights_in = body.get("weights", {})
    if not isinstance(answers_in, dict) or not isinstance(weights_in, dict):
        _fail(_("Kenttien answers ja weights pitää olla JSON-olioita."))
    limit = body.get("limit", 20)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        _fail(_("Kentän limit pitää olla kokonaisluku väliltä 1–%(max)d.", max=MAX_LIMIT))
    questions = {q["id"]: q for q in voting.questions_for(db, context)}
    answers: dict[str, int] = {}
    for qid, value in answers_in.items():
        if qid not in questions:
            _fail(_("Tuntematon väite: %(id)s.", id=str(qid)[:60]))
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value not in questions[qid]["scale"]
        ):
            _fail(_("Väitteen %(id)s vastaus ei ole asteikolla 1–5.", id=qid))
        answers[qid] = value
    weights: dict[str, float] = {}
    for qid, value in weights_in.items():
        if qid not in questions:
            _fail(_("Tuntematon väite: %(id)s.", id=str(qid)[:60]))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
            _fail(_("Väitteen %(id)s painon pitää olla luku väliltä 0–10.", id=qid))
        weights[qid] = float(value)
    out = []
    for ballot in context.ballots:
        result = voting.results(db, ballot, answers, weights)
        out.append(
            {
                "id": ballot.election["id"],
                "kind": ballot.election["kind"],
                "constituency": ballot.constituency["id"],
                "candidates": [
                    {
                        "id": c["id"],
                        "number": c["number"],
                        "name": f"{c['first_name']} {c['last_name']}",
                        "party": _party_name(c["party"], lang),
                        "match": _number(c["match"]),
                    }
                    for c in result.candidates[:limit]
                ],
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


def _number(value: float) -> float | None:
    return None if value != value else round(value, 6)


@bp.route("/candidates/<int:candidate_id>")
def candidate(candidate_id: int):
    lang = _lang()
    detail = voting.candidate_detail(get_db(), candidate_id)
    if detail is None:
        abort(404)
    person, election, rows = detail
    justifications = {}
    for r in rows:
        text = (
            r["justification_sv"]
            if lang == "sv" and r["justification_sv"]
            else (r["justification_fi"] or r["justification_sv"])
        )
        if text:
            justifications[r["id"]] = text
    return jsonify(
        {
            "id": person["id"],
            "number": person["number"],
            "name": f"{person['first_name']} {person['last_name']}",
            "party": _party_name(person["party"], lang),
            "election": election["id"],
            "constituency": person["constituency_id"],
            "answers": {r["id"]: r["value"] for r in rows},
            "justifications": justifications,
        }
    )


def _open_data(election_id: str) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
    """A published election's public answers: no e-mails, accounts or other private fields."""
    db = get_db()
    rows = list(
        db.query("SELECT * FROM election WHERE id = ? AND published_at IS NOT NULL", [election_id])
    )
    if not rows:
        abort(404)
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
               WHERE c.election_id = ? ORDER BY c.constituency_id, c.number, c.id""",
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
    return rows[0], questions, candidates


@bp.route("/elections/<election_id>/answers.json")
def open_data_json(election_id: str):
    election, questions, candidates = _open_data(election_id)
    return jsonify(
        {
            "election": {
                k: election[k]
                for k in ("id", "kind", "date", "name_fi", "name_sv", "name_en", "source")
            },
            "questions": questions,
            "candidates": candidates,
        }
    )


@bp.route("/elections/<election_id>/answers.csv")
def open_data_csv(election_id: str):
    import csv
    import io

    from flask import Response

    election, questions, candidates = _open_data(election_id)
    out = io.StringIO()
    writer = csv.writer(out)
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
    writer.writerow(
        fixed
        + questions
        + [f"{q}_justification_fi" for q in questions]
        + [f"{q}_justification_sv" for q in questions]
    )
    for c in candidates:
        writer.writerow(
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
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={election_id}-answers.csv"},
    )
