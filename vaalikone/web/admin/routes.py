"""The administrator's pages: elections, candidate import, invitations, progress, publishing, e-mail and
organisations."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from vaalikone.domain import accounts, elections, feedback, mail, outbox
from vaalikone.i18n import gettext as _
from vaalikone.importers import candidates as candidate_import
from vaalikone.web.accounts import role_required
from vaalikone.web.admin.forms import (
    ButtonForm,
    ElectionForm,
    ImportForm,
    OrganisationForm,
    ReminderForm,
)
from vaalikone.web.database import get_db
from vaalikone.web.i18n import localized
from vaalikone.web.links import base_url

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


def _days() -> int:
    return int(current_app.config["INVITATION_DAYS"])


@bp.route("/sahkoposti")
@role_required("admin")
def mail_overview():
    """Sent, pending and failed messages per election."""
    return render_template("admin/mail.html", rows=outbox.counts(get_db()))


@bp.route("/vaalit/<election_id>/sahkoposti")
@role_required("admin")
def election_mail(election_id: str):
    return _election_mail_page(election_id, ReminderForm())


def _election_mail_page(election_id: str, form: ReminderForm, status: int = 200):
    election = _election(election_id)
    db = get_db()
    if not form.is_submitted():
        form.days.data = ", ".join(str(n) for n in json.loads(election["reminder_days"]))
    return render_template(
        "admin/election_mail.html",
        election=election,
        counts=outbox.election_counts(db, election_id),
        problems=outbox.problems(db, election_id),
        form=form,
        button=ButtonForm(),
    ), status


@bp.route("/vaalit/<election_id>/sahkopostikutsut", methods=["POST"])
@role_required("admin")
def mail_invitations(election_id: str):
    """Queue an e-mail invitation for every candidate with an address and no password."""
    _election(election_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    result = mail.queue_candidate_invitations(get_db(), election_id, base_url(), _days())
    flash(_("Jonoon lisättiin %(n)d kutsua.", n=result["queued"]))
    if result["already"]:
        flash(_("%(n)d ehdokkaalla on jo voimassa oleva kutsu.", n=result["already"]))
    for email in result["taken"]:
        flash(_("Osoitetta %(email)s ei käytetty: se kuuluu jo toiselle käyttäjälle.", email=email))
    return redirect(url_for("admin.election_mail", election_id=election_id))


@bp.route("/vaalit/<election_id>/muistutukset", methods=["POST"])
@role_required("admin")
def reminders(election_id: str):
    """Set the days before the answer deadline when reminders go."""
    _election(election_id)
    form = ReminderForm()
    if not form.validate_on_submit():
        return _election_mail_page(election_id, form, 400)
    try:
        mail.set_reminder_days(get_db(), election_id, form.days.data or "")
    except mail.MailError as error:
        form.days.errors.append(str(error))
        return _election_mail_page(election_id, form, 400)
    flash(_("Muistutusaikataulu tallennettu."))
    return redirect(url_for("admin.election_mail", election_id=election_id))


@bp.route("/sahkoposti/<int:outbox_id>/uudelleen", methods=["POST"])
@role_required("admin")
def resend(outbox_id: int):
    """Send a failed or uncertain message again (with the same Message-ID)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    db = get_db()
    row = outbox.get(db, outbox_id)
    if row is None:
        abort(404)
    try:
        mail.resend(db, outbox_id, base_url(), _days())
    except mail.MailError as error:
        flash(str(error))
    else:
        flash(_("Viesti osoitteeseen %(email)s on jonossa uudelleen.", email=row["recipient"]))
    if row["election_id"]:
        return redirect(url_for("admin.election_mail", election_id=row["election_id"]))
    return redirect(url_for("admin.organisations"))


@bp.route("/vaalit/<election_id>/sahkoposti/uudelleen", methods=["POST"])
@role_required("admin")
def resend_failed(election_id: str):
    _election(election_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    n = mail.resend_failed(get_db(), election_id, base_url(), _days())
    flash(_("Jonoon lisättiin uudelleen %(n)d viestiä.", n=n))
    return redirect(url_for("admin.election_mail", election_id=election_id))


def _organisation_form() -> OrganisationForm:
    form = OrganisationForm()
    form.based_on.choices = [SelectChoice("", _("Ei pohjaa"))] + [
        SelectChoice(row["id"], localized(row, "name"))
        for row in get_db().query("SELECT * FROM organisation ORDER BY name_fi")
    ]
    return form


@bp.route("/jarjestot", methods=["GET", "POST"])
@role_required("admin")
def organisations():
    """Organisations and their users; a new organisation (or a user for one) is invited by e-mail."""
    db = get_db()
    form = _organisation_form()
    status = 200
    if form.validate_on_submit():
        try:
            mail.invite_organisation_user(
                db,
                form.organisation_id.data.strip(),
                form.email.data,
                base_url(),
                _days(),
                form.language.data,
                name=(form.name.data or "").strip() or None,
                based_on=form.based_on.data or None,
            )
        except accounts.AccountError as error:
            form.organisation_id.errors.append(str(error))
            status = 400
        else:
            flash(_("Kutsu osoitteeseen %(email)s on jonossa.", email=form.email.data))
            return redirect(url_for("admin.organisations"))
    elif form.is_submitted():
        status = 400
    users = list(
        db.query(
            """SELECT o.id, o.name_fi, o.name_sv, o.name_en, u.email, u.password_hash IS NOT NULL
                   AS has_password
               FROM organisation o LEFT JOIN user u ON u.organisation_id = o.id
               ORDER BY o.name_fi, u.email"""
        )
    )
    return render_template(
        "admin/organisations.html",
        users=users,
        form=form,
        counts=outbox.election_counts(db, None),
        problems=outbox.problems(db, None),
        button=ButtonForm(),
    ), status


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
