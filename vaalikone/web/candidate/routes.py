"""The candidate's pages: answers with justifications, profile, draft saving, preview.

A half-finished form is saved as it is; only values that cannot be right (off the scale, too long) are
refused, and then nothing is saved. After the answer deadline everything is read-only.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from vaalikone.domain import answers
from vaalikone.i18n import gettext as _
from vaalikone.matching import voting
from vaalikone.web.accounts import role_required
from vaalikone.web.database import get_db
from vaalikone.web.links import base_url

bp = Blueprint("candidate", __name__, cli_group=None)
MAX_JUSTIFICATION = 1000
MAX_INTRO = 600


def _mine() -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    detail = voting.candidate_detail(get_db(), current_user.candidate_id, published_only=False)
    if detail is None:
        abort(404)
    return detail


def _validate(rows: list[dict[str, Any]], form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Read the posted answers and profile; errors keyed by field name."""
    errors: dict[str, str] = {}
    answers = {}
    for row in rows:
        raw = (form.get(f"a-{row['id']}") or "").strip()
        value = None
        if raw:
            if not raw.isdigit() or int(raw) not in row["scale"]:
                errors[f"a-{row['id']}"] = _("Valitse jokin asteikon vaihtoehdoista.")
            else:
                value = int(raw)
        texts = {}
        for lang in ("fi", "sv"):
            text = (form.get(f"j{lang}-{row['id']}") or "").strip()
            if len(text) > MAX_JUSTIFICATION:
                errors[f"j{lang}-{row['id']}"] = _(
                    "Perustelu on liian pitkä: enintään %(n)d merkkiä.", n=MAX_JUSTIFICATION
                )
            texts[lang] = text or None
        answers[row["id"]] = {
            "value": value,
            "justification_fi": texts["fi"],
            "justification_sv": texts["sv"],
        }
    languages = [x for x in form.getlist("languages") if x in ("fi", "sv", "en")]
    profile = {"languages": json.dumps(languages)}
    for lang in ("fi", "sv"):
        text = (form.get(f"intro_{lang}") or "").strip()
        if len(text) > MAX_INTRO:
            errors[f"intro_{lang}"] = _(
                "Esittely on liian pitkä: enintään %(n)d merkkiä.", n=MAX_INTRO
            )
        profile[f"intro_{lang}"] = text or None
    web = (form.get("web_url") or "").strip()
    if web and (not web.startswith(("https://", "http://")) or len(web) > 300 or " " in web):
        errors["web_url"] = _("Anna verkkosivun osoite muodossa https://…")
    profile["web_url"] = web or None
    return {"answers": answers, "profile": profile}, errors


def _profile_fields(person: dict[str, Any]) -> dict[str, Any]:
    """The profile as stored (languages as JSON), for its version."""
    return {**person, "languages": json.dumps(person["languages"])}


def _mark_versions(person: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """The version of each statement and of the profile as this form shows them (sent back as b-<id>)."""
    for row in rows:
        row["opened"] = answers.version(row)
    person["opened"] = answers.version(_profile_fields(person), answers.PROFILE_FIELDS)


def _opened(rows: list[dict[str, Any]], form: Any) -> dict[str, str]:
    """The versions the posted form was opened with (only known statements, only digests)."""
    names = [row["id"] for row in rows] + [answers.PROFILE]
    found = {name: form.get(f"b-{name}", "") for name in names}
    return {name: value for name, value in found.items() if re.fullmatch(r"[0-9a-f]{16}", value)}


@bp.route("/", methods=["GET", "POST"])
@role_required("candidate")
def index():
    person, election, rows = _mine()
    locked = answers.deadline_passed(election)
    errors: dict[str, str] = {}
    form = FlaskForm()
    status = 200
    if request.method == "POST":
        if locked:
            return _too_late(person, election, rows, form)
        if not form.validate_on_submit():
            abort(400)
        data, errors = _validate(rows, request.form)
        if not errors:
            try:
                conflicts = answers.save_answers(
                    get_db(),
                    person["id"],
                    data["answers"],
                    data["profile"],
                    _opened(rows, request.form),
                    base_url=base_url(),
                )
            except answers.DeadlinePassed:
                return _too_late(person, election, rows, form)
            if not conflicts:
                flash(_("Tallennettu. Voit jatkaa myöhemmin."))
                return redirect(url_for("candidate.index"))
            return _conflicts(data, conflicts, form)
        # Show what was typed (with the versions it was opened with), so nothing is lost while the errors
        # are fixed.
        opened = _opened(rows, request.form)
        for row in rows:
            row.update(data["answers"][row["id"]], opened=opened.get(row["id"]))
        person.update(data["profile"], languages=json.loads(data["profile"]["languages"]))
        person["opened"] = opened.get(answers.PROFILE)
        status = 400
    else:
        _mark_versions(person, rows)
    return _form_page(person, election, rows, form, errors=errors, locked=locked), status


def _form_page(person, election, rows, form, **extra: Any) -> str:
    return render_template(
        "candidate/index.html",
        person=person,
        election=election,
        rows=rows,
        form=form,
        answered=_answered(rows),
        **{"errors": {}, "locked": False, "conflicts": {}, **extra},
    )


def _conflicts(data: dict[str, Any], conflicts: dict[str, dict[str, Any]], form: Any):
    """Another tab saved some of the same statements meanwhile: everything else is saved; these show what
    was typed here beside what the other tab saved, with the other save's version, so saving again keeps
    this tab's text and leaving it keeps the other's."""
    person, election, rows = _mine()
    _mark_versions(person, rows)
    for row in rows:
        if row["id"] in conflicts:
            theirs = conflicts[row["id"]]
            row.update(data["answers"][row["id"]], theirs=theirs, opened=answers.version(theirs))
    if answers.PROFILE in conflicts:
        theirs = conflicts[answers.PROFILE]
        person.update(data["profile"], languages=json.loads(data["profile"]["languages"]))
        person["theirs"] = theirs
        person["opened"] = answers.version(theirs, answers.PROFILE_FIELDS)
    return _form_page(person, election, rows, form, conflicts=conflicts), 409


def _answered(rows: list[dict[str, Any]]) -> int:
    return sum(1 for r in rows if r.get("value") is not None)


def _too_late(
    person: dict[str, Any], election: dict[str, Any], rows: list[dict[str, Any]], form: Any
):
    flash(_("Vastausaika on päättynyt. Vastauksia ei voi enää muuttaa."))
    return _form_page(person, election, rows, form, locked=True), 403


@bp.route("/esikatselu")
@role_required("candidate")
def preview():
    """Exactly the public candidate page voters will see."""
    from vaalikone.web.templating import shows_election

    person, election, rows = _mine()
    shows_election(election)
    return render_template(
        "candidate/preview.html",
        person=person,
        election=election,
        rows=rows,
        themes={r["theme_id"]: r for r in rows},
        comparison=None,
        context=None,
        answers={},
        levels={},
        questions=[],
        preview=True,
    )
