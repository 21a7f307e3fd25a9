"""The organisation's pages: goal profile and alignment reports, published at stable public URLs."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm

from vaalikone import reports
from vaalikone.domain import elections, organisations
from vaalikone.extensions import limiter
from vaalikone.i18n import current_language
from vaalikone.i18n import gettext as _
from vaalikone.matching.snapshot import get_snapshot
from vaalikone.reports import charts
from vaalikone.web.accounts import role_required
from vaalikone.web.database import get_db
from vaalikone.web.security import export_limit
from vaalikone.web.spreadsheet import csv_response
from vaalikone.web.templating import shows_election

bp = Blueprint("organisation", __name__, cli_group=None)
WEIGHTS = (0.5, 1.0, 2.0)


def _published_elections() -> list[dict]:
    return list(
        get_db().query(
            "SELECT * FROM election WHERE published_at IS NOT NULL ORDER BY date DESC, kind DESC"
        )
    )


def _publication(org_id: str, election_id: str) -> dict | None:
    rows = list(
        get_db().query(
            "SELECT * FROM report_publication WHERE organisation_id = ? AND election_id = ?",
            [org_id, election_id],
        )
    )
    return rows[0] if rows else None


def _may_see_unpublished(org_id: str) -> bool:
    return current_user.is_authenticated and (
        current_user.role == "admin"
        or (current_user.role == "organisation" and current_user.organisation_id == org_id)
    )


@bp.route("/")
@role_required("organisation")
def index():
    org = reports.organisation(get_db(), current_user.organisation_id)
    elections = _published_elections()
    publications = {e["id"]: _publication(org["id"], e["id"]) for e in elections}
    return render_template(
        "organisation/index.html", org=org, elections=elections, publications=publications
    )


@bp.route("/profiili/<election_id>", methods=["GET", "POST"])
@role_required("organisation")
def profile(election_id: str):
    """For each statement: is it a goal, which answer serves it, and how much it weighs."""
    db = get_db()
    org_id = current_user.organisation_id
    try:
        snapshot = get_snapshot(db, election_id)
    except LookupError:
        abort(404)
    shows_election(snapshot.election)
    questions = list(
        db.query(
            """SELECT q.*, g.position AS goal_position, g.weight AS goal_weight FROM election_question eq
               JOIN question q ON q.id = eq.question_id
               LEFT JOIN organisation_goal g ON g.question_id = q.id AND g.organisation_id = ?
               WHERE eq.election_id = ? ORDER BY eq.position, q.id""",
            [org_id, election_id],
        )
    )
    for q in questions:
        q["scale"] = json.loads(q["scale"])
    form = FlaskForm()
    errors = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        goals = []
        for q in questions:
            if not request.form.get(f"goal-{q['id']}"):
                continue
            try:
                position = int(request.form.get(f"position-{q['id']}", ""))
                weight = float(request.form.get(f"weight-{q['id']}", ""))
            except ValueError:
                errors[q["id"]] = _("Valitse tavoitteen kanta ja paino.")
                continue
            if position not in q["scale"] or weight not in WEIGHTS:
                errors[q["id"]] = _("Valitse tavoitteen kanta ja paino.")
                continue
            goals.append({"question_id": q["id"], "position": position, "weight": weight})
        if not errors:
            organisations.save_goals(db, org_id, election_id, goals)
            flash(_("Tavoiteprofiili tallennettu."))
            return redirect(url_for("organisation.report", election_id=election_id))
    return render_template(
        "organisation/profile.html",
        election=snapshot.election,
        questions=questions,
        form=form,
        errors=errors,
        weights=WEIGHTS,
    ), 400 if errors else 200


def _report(org_id: str, election_id: str):
    db = get_db()
    try:
        report = reports.build(
            db,
            org_id,
            election_id,
            request.args.get("vaalipiiri"),
            request.args.get("valitut") == "1",
        )
    except LookupError:
        abort(404)
    shows_election(report.election)
    return report


def _report_links(report, public_slug: str | None):
    """Builders of the report's own links (its views and downloads) that keep what selects the report:
    the public slug, or the election and, for an administrator, the organisation (?org=)."""
    if public_slug:
        where = {"slug": public_slug}
        page, download = "organisation.public_report", "organisation.public_report_download"
    else:
        where = {"election_id": report.election["id"], "org": request.args.get("org")}
        page, download = "organisation.report", "organisation.report_download"

    def page_url(**params) -> str:
        return url_for(page, **where, **params)

    def download_url(fmt: str, **params) -> str:
        return url_for(download, **where, fmt=fmt, **params)

    return page_url, download_url


def _render(report, public_slug: str | None = None):
    page_url, download_url = _report_links(report, public_slug)
    return render_template(
        "organisation/report.html",
        report=report,
        page_url=page_url,
        download_url=download_url,
        # The charts draw the first 40 constituencies; the table beside lists them all.
        party_chart=charts.box_plot([(p, p["q1"], p["median"], p["q3"]) for p in report.parties]),
        constituency_chart=charts.bar_chart([(k, k["median"]) for k in report.constituencies[:40]]),
        public_slug=public_slug,
        form=FlaskForm(),
        publication=_publication(report.organisation["id"], report.election["id"]),
        can_manage=_may_see_unpublished(report.organisation["id"]),
    )


def _org_for_request() -> str:
    """Organisation users see their own; administrators name one with ?org=."""
    if current_user.role == "admin":
        return request.args.get("org") or abort(400, description=_("Valitse järjestö."))
    return current_user.organisation_id


@bp.route("/raportti/<election_id>")
@role_required("organisation", "admin")
def report(election_id: str):
    return _render(_report(_org_for_request(), election_id))


@bp.route("/raportti/<election_id>.<fmt>")
@limiter.limit(export_limit)
@role_required("organisation", "admin")
def report_download(election_id: str, fmt: str):
    return _download(_report(_org_for_request(), election_id), fmt)


def _download(report, fmt: str):
    data = reports.as_json(report)
    if fmt == "json":
        return jsonify(data)
    if fmt != "csv":
        abort(404)
    excel_fi = request.args.get("muoto") == "excel-fi"
    text = reports.as_csv(report, current_language(), excel_fi)
    suffix = "-excel" if excel_fi else ""
    name = f"{report.organisation['id']}-{report.election['id']}{suffix}.csv"
    return csv_response("\ufeff" + text, name)


@bp.route("/raportti/<election_id>/julkaisu", methods=["POST"])
@role_required("organisation")
def publish(election_id: str):
    """Publishing or withdrawing the report asks first, with how many of its candidates answered."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        organisations.ensure_publishable(get_db(), election_id)
    except organisations.NotPublishable as error:
        abort(404, description=str(error))
    if request.form.get("confirm") != "1":
        report = _report(current_user.organisation_id, election_id)
        return render_template(
            "organisation/publish.html",
            report=report,
            form=FlaskForm(),
            publication=_publication(current_user.organisation_id, election_id),
            candidates=sum(k["count"] for k in report.constituencies),
            summary=elections.publication_summary(get_db(), election_id),
        )
    try:
        public = organisations.toggle_report_publication(
            get_db(), current_user.organisation_id, election_id
        )
    except organisations.NotPublishable as error:
        abort(404, description=str(error))
    flash(_("Raportti on julkinen.") if public else _("Raportti ei ole enää julkinen."))
    return redirect(url_for("organisation.report", election_id=election_id))


@bp.route("/raportit/<slug>")
def public_report(slug: str):
    """The stable public URL of a published report; unpublished ones do not exist for others."""
    rows = list(get_db().query("SELECT * FROM report_publication WHERE slug = ?", [slug]))
    if not rows:
        abort(404)
    return _render(_report(rows[0]["organisation_id"], rows[0]["election_id"]), slug)


@bp.route("/raportit/<slug>.<fmt>")
@limiter.limit(export_limit)
def public_report_download(slug: str, fmt: str):
    rows = list(get_db().query("SELECT * FROM report_publication WHERE slug = ?", [slug]))
    if not rows:
        abort(404)
    return _download(_report(rows[0]["organisation_id"], rows[0]["election_id"]), fmt)
