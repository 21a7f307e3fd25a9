"""The voter's pages: start, quiz, results, candidate pages, comparison, method and privacy.

A voter's answers travel only in POST bodies, from page to page as hidden fields: they never reach the
database, the session, a log line or a URL that a server sees.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from vaalikone import voting
from vaalikone.db import get_db
from vaalikone.pages import shows_election

bp = Blueprint("voter", __name__, cli_group=None)


def scale_label(value: int | None) -> str:
    labels = {
        1: _("Täysin eri mieltä"),
        2: _("Jokseenkin eri mieltä"),
        3: _("Ei samaa eikä eri mieltä"),
        4: _("Jokseenkin samaa mieltä"),
        5: _("Täysin samaa mieltä"),
    }
    return labels.get(value, _("Ei vastausta"))


def importance_labels() -> dict[str, str]:
    return {"less": _("Vähemmän tärkeä"), "normal": _("Tavallinen"), "more": _("Tärkeämpi")}


# Globals, not a context processor, so that imported macros see them too.
bp.add_app_template_global(scale_label)
bp.add_app_template_global(importance_labels)


def _context() -> voting.Context:
    """Where the voter votes, from `kunta` (municipality code) or `piiri` (constituency id)."""
    db = get_db()
    values = request.values
    context = None
    if values.get("kunta"):
        context = voting.context_for_municipality(db, values["kunta"])
    elif values.get("piiri"):
        context = voting.context_for_constituency(db, values["piiri"])
    if context is None:
        abort(400, description=_("Valitse kotikuntasi tai vaalipiiri etusivulta."))
    for ballot in context.ballots:
        shows_election(ballot.election)
    return context


def _answers(questions: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, float]]:
    try:
        return voting.read_answers(request.form, questions)
    except voting.AnswerError:
        abort(400, description=_("Vastaus ei kelpaa. Vastaa asteikon vaihtoehdoilla."))


@bp.route("/")
def index():
    db = get_db()
    elections = list(
        db.query(
            "SELECT * FROM election WHERE published_at IS NOT NULL ORDER BY date DESC, kind DESC"
        )
    )
    for election in elections:
        shows_election(election)
    return render_template(
        "voter/index.html",
        elections=elections,
        municipalities=voting.municipalities(db),
        district_elections=voting.district_elections(db),
    )


@bp.route("/vaalit")
def elections():
    context = _context()
    return render_template(
        "voter/elections.html", context=context, questions=voting.questions_for(get_db(), context)
    )


def _quiz_state() -> tuple[voting.Context, list[dict[str, Any]], dict[str, int], dict[str, str]]:
    """Where the voter votes, the statements to ask, and the answers carried so far."""
    context = _context()
    questions = voting.questions_for(get_db(), context)
    if not questions:
        abort(
            400,
            description=_(
                "Kotikunnassasi ei ole tällä hetkellä vaaleja, joihin vaalikone liittyy."
            ),
        )
    answers, _weights = _answers(questions) if request.method == "POST" else ({}, {})
    return context, questions, answers, voting.importance_levels(request.form, questions)


@bp.route("/kysely", methods=["GET", "POST"])
def quiz():
    """One statement per page; every earlier answer rides along in hidden fields."""
    context, questions, answers, levels = _quiz_state()
    try:
        step = int(request.values.get("step", 0))
    except ValueError:
        step = 0
    move = request.form.get("move")
    if move == "next":
        step += 1
    elif move == "prev":
        step -= 1
    step = max(0, min(step, len(questions) - 1))
    return render_template(
        "voter/quiz.html",
        context=context,
        questions=questions,
        step=step,
        question=questions[step],
        answers=answers,
        levels=levels,
    )


@bp.route("/kysely/kaikki", methods=["GET", "POST"])
def quiz_all():
    """All statements in one form: quicker with a keyboard, and for long quizzes."""
    context, questions, answers, levels = _quiz_state()
    return render_template(
        "voter/quiz_all.html", context=context, questions=questions, answers=answers, levels=levels
    )


def _int_arg(name: str, default: int = 0) -> int:
    try:
        return max(0, int(request.form.get(name, default)))
    except ValueError:
        return default


@bp.route("/tulokset", methods=["POST"])
def results():
    db = get_db()
    context = _context()
    questions = voting.questions_for(db, context)
    answers, weights = _answers(questions)
    levels = voting.importance_levels(request.form, questions)
    page_size = int(current_app.config["RESULTS_PAGE_SIZE"])
    sections = []
    for ballot in context.ballots:
        result = voting.results(db, ballot, answers, weights)
        eid = ballot.election["id"]
        party = request.form.get(f"party-{eid}") or ""
        language = request.form.get(f"lang-{eid}") or ""
        shown = [
            c
            for c in result.candidates
            if (not party or (c["party_id"] or "-") == party)
            and (not language or language in c["languages"])
        ]
        pages = max(1, -(-len(shown) // page_size))
        page = min(_int_arg(f"page-{eid}"), pages - 1)
        sections.append(
            {
                "result": result,
                "party": party,
                "language": language,
                "page": page,
                "pages": pages,
                "candidates": shown[page * page_size : (page + 1) * page_size],
                "offset": page * page_size,
                "total": len(shown),
                "parties": sorted({(c["party_id"] or "-") for c in result.candidates}),
                "party_names": {c["party_id"]: c["party"] for c in result.candidates if c["party"]},
            }
        )
    return render_template(
        "voter/results.html",
        context=context,
        questions=questions,
        answers=answers,
        levels=levels,
        sections=sections,
        answered=len(answers),
    )


@bp.route("/tulokset/jaettu")
def shared():
    """Opens a shared result: the answers are in the #fragment, which only the browser sees."""
    return render_template("voter/shared.html")


@bp.route("/ehdokkaat/<int:candidate_id>", methods=["GET", "POST"])
def candidate(candidate_id: int):
    db = get_db()
    detail = voting.candidate_detail(db, candidate_id)
    if detail is None:
        abort(404)
    person, election, rows = detail
    shows_election(election)
    comparison = None
    context = None
    answers: dict[str, int] = {}
    levels: dict[str, str] = {}
    questions: list[dict[str, Any]] = []
    if request.method == "POST":
        context = _context()
        questions = voting.questions_for(db, context)
        answers, weights = _answers(questions)
        levels = voting.importance_levels(request.form, questions)
        comparison = voting.explain_candidate(db, election["id"], candidate_id, answers, weights)
    themes = {r["theme_id"]: r for r in rows}
    return render_template(
        "voter/candidate.html",
        person=person,
        election=election,
        rows=rows,
        themes=themes,
        comparison=comparison,
        context=context,
        answers=answers,
        levels=levels,
        questions=questions,
    )


@bp.route("/vertailu", methods=["POST"])
def compare():
    db = get_db()
    context = _context()
    questions = voting.questions_for(db, context)
    answers, weights = _answers(questions)
    levels = voting.importance_levels(request.form, questions)
    ids = []
    for raw in request.form.getlist("c"):
        try:
            ids.append(int(raw))
        except ValueError:
            abort(400, description=_("Valitse vertailuun 2–3 ehdokasta."))
    if not 2 <= len(set(ids)) <= 3:
        abort(400, description=_("Valitse vertailuun 2–3 ehdokasta."))
    people = []
    for cid in dict.fromkeys(ids):
        detail = voting.candidate_detail(db, cid)
        if detail is None:
            abort(404)
        person, election, rows = detail
        person["answers"] = {r["id"]: r for r in rows}
        person["score"] = voting.explain_candidate(db, election["id"], cid, answers, weights)
        people.append(person)
    return render_template(
        "voter/compare.html",
        context=context,
        questions=questions,
        answers=answers,
        levels=levels,
        people=people,
    )


@bp.route("/menetelma")
def method():
    return render_template("voter/method.html")


@bp.route("/tietosuoja")
def privacy():
    return render_template("voter/privacy.html")


@bp.app_template_global()
def quiz_url(endpoint: str, context: voting.Context, **extra: Any) -> str:
    return url_for(endpoint, **context.params, **extra)
