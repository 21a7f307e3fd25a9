"""The administrator's pages: elections, candidate import, invitations, progress, publishing."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from vaalikone.domain import accounts, elections, feedback
from vaalikone.i18n import gettext as _
from vaalikone.importers import candidates as candidate_import
from vaalikone.web.accounts import role_required
from vaalikone.web.admin.forms import ButtonForm, ElectionForm, ImportForm
from vaalikone.web.database import get_db

bp = Blueprint("admin", __name__, cli_group=None)


def _election(election_id: str) -> dict:
    rows = list(get_db().query("SELECT * FROM election WHERE id = ?", [election_id]))
    if not rows:
        abort(404)
    return rows[0]


@bp.route("/")
@role_required("admin")
def index():
    listed = list(
        get_db().query(
            """SELECT e.*, (SELECT count(*) FROM candidate c WHERE c.election_id = e.id) AS candidates
               FROM election e ORDER BY date DESC, kind"""
        )
    )
    return render_template("admin/index.html", elections=listed, form=ElectionForm())


@bp.route("/vaalit", methods=["POST"])
@role_required("admin")
def create_election():
    form = ElectionForm()
    db = get_db()
    if not form.validate_on_submit():
        return render_template("admin/index.html", elections=[], form=form), 400
    deadline = form.answer_deadline.data.replace(tzinfo=datetime.now().astimezone().tzinfo)
    try:
        election_id = elections.create_election(
            db,
            form.kind.data,
            form.date.data.isoformat(),
            deadline.isoformat(),
            {"fi": form.name_fi.data, "sv": form.name_sv.data, "en": form.name_en.data},
        )
    except elections.ElectionError as error:
        form.date.errors.append(str(error))
        return render_template("admin/index.html", elections=[], form=form), 400
    flash(_("Vaalit luotu."))
    return redirect(url_for("admin.election", election_id=election_id))


@bp.route("/vaalit/<election_id>")
@role_required("admin")
def election(election_id: str):
    return _election_page(election_id, ImportForm(), [])


def _election_page(election_id: str, form: ImportForm, problems: list[str], status: int = 200):
    election = _election(election_id)
    db = get_db()
    candidates = list(
        db.query(
            """SELECT c.*, u.password_hash IS NOT NULL AS has_password, p.name_fi AS party_name
               FROM candidate c LEFT JOIN user u ON u.candidate_id = c.id
               LEFT JOIN party p ON p.id = c.party_id
               WHERE c.election_id = ? ORDER BY c.constituency_id, c.number LIMIT 500""",
            [election_id],
        )
    )
    return render_template(
        "admin/election.html",
        election=election,
        form=form,
        problems=problems,
        button=ButtonForm(),
        by_party=elections.progress(db, election_id, "party"),
        by_constituency=elections.progress(db, election_id, "constituency"),
        candidates=candidates,
    ), status


@bp.route("/vaalit/<election_id>/tuonti", methods=["POST"])
@role_required("admin")
def import_candidates(election_id: str):
    _election(election_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _election_page(election_id, form, [], 400)
    db = get_db()
    parsed = candidate_import.parse(db, form.file.data.read(), election_id)
    if parsed.problems:
        return _election_page(election_id, form, parsed.problems, 400)
    count = candidate_import.write(db, parsed, elections.now())
    flash(_("Tuotiin %(n)d ehdokasta.", n=count))
    return redirect(url_for("admin.election", election_id=election_id))


@bp.route("/vaalit/<election_id>/kutsut", methods=["POST"])
@role_required("admin")
def invite(election_id: str):
    """Invitation links for every candidate of the election who has not set a password yet."""
    election = _election(election_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    days = int(current_app.config["INVITATION_DAYS"])
    links = [
        {**user, "url": url_for("auth.accept_invitation", token=token, _external=True)}
        for user, token in accounts.invite_candidates(get_db(), election_id, days)
    ]
    return render_template("admin/invitations.html", election=election, links=links, days=days)


@bp.route("/vaalit/<election_id>/julkaisu", methods=["POST"])
@role_required("admin")
def publish(election_id: str):
    election = _election(election_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    elections.toggle_publication(get_db(), election_id)
    flash(_("Vaalit julkaistu.") if not election["published_at"] else _("Julkaisu peruttu."))
    return redirect(url_for("admin.election", election_id=election_id))


@bp.route("/palaute")
@role_required("admin")
def accessibility_feedback():
    """Feedback sent through the accessibility statement, newest first; expired messages are purged first."""
    db = get_db()
    feedback.purge(db, int(current_app.config["FEEDBACK_RETENTION_DAYS"]))
    return render_template(
        "admin/feedback.html",
        messages=feedback.messages(db),
        retention_days=int(current_app.config["FEEDBACK_RETENTION_DAYS"]),
    )
