"""The administrator's pages: elections, candidate import, invitations, progress, publishing, e-mail and
organisations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms.fields.choices import SelectChoice

from vaalikone.domain import accounts, candidates, elections, feedback, mail, outbox
from vaalikone.i18n import gettext as _
from vaalikone.importers import candidates as candidate_import
from vaalikone.importers import emails as email_import
from vaalikone.importers import moj
from vaalikone.reports import robustness
from vaalikone.web.accounts import role_required
from vaalikone.web.admin.forms import (
    ButtonForm,
    CandidateForm,
    ElectionForm,
    EmailListForm,
    ImportForm,
    OfficialFileForm,
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
    try:
        election_id = elections.create_election(
            db, form.kind.data, form.date.data.isoformat(), _deadline(form), _names(form)
        )
    except elections.ElectionError as error:
        form.date.errors.append(str(error))
        return render_template("admin/index.html", elections=[], form=form), 400
    flash(_("Vaalit luotu."))
    return redirect(url_for("admin.election", election_id=election_id))


def _deadline(form: ElectionForm) -> str:
    """The deadline as typed, which means Finnish time whatever the server's time zone, as a UTC instant."""
    return elections.deadline_from_helsinki(form.answer_deadline.data)


def _names(form: ElectionForm) -> dict[str, str]:
    return {"fi": form.name_fi.data, "sv": form.name_sv.data, "en": form.name_en.data}


@bp.route("/vaalit/<election_id>/muokkaa", methods=["GET", "POST"])
@role_required("admin")
def edit_election(election_id: str):
    """Change an election's day, deadline and names after creation; delete it while nobody stands in it."""
    election = _election(election_id)
    form = ElectionForm()
    form.kind.render_kw = {
        "disabled": True
    }  # the id names the kind: another kind is another election
    db = get_db()
    status = 200
    if request.method == "GET":
        form.kind.data = election["kind"]
        form.date.data = date.fromisoformat(election["date"])
        if election["answer_deadline"]:
            # Stored as a UTC instant; the form shows and means Finnish time.
            form.answer_deadline.data = datetime.fromisoformat(
                elections.in_helsinki(election["answer_deadline"])
            )
        for lang in ("fi", "sv", "en"):
            form[f"name_{lang}"].data = election[f"name_{lang}"]
    else:
        form.kind.data = election["kind"]
        if form.validate_on_submit():
            try:
                elections.update_election(
                    db, election_id, form.date.data.isoformat(), _deadline(form), _names(form)
                )
            except elections.ElectionError as error:
                form.answer_deadline.errors.append(str(error))
            else:
                flash(_("Vaalien tiedot tallennettu."))
                return redirect(url_for("admin.election", election_id=election_id))
        status = 400
    has_candidates = bool(
        db.execute("SELECT 1 FROM candidate WHERE election_id = ?", [election_id]).fetchone()
    )
    return render_template(
        "admin/edit_election.html",
        election=election,
        form=form,
        button=ButtonForm(),
        has_candidates=has_candidates,
    ), status


@bp.route("/vaalit/<election_id>/poista", methods=["POST"])
@role_required("admin")
def delete_election(election_id: str):
    _election(election_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        elections.delete_election(get_db(), election_id)
    except elections.ElectionError as error:
        flash(str(error))
        return redirect(url_for("admin.edit_election", election_id=election_id))
    flash(_("Vaalit poistettu."))
    return redirect(url_for("admin.index"))


@bp.route("/vaalit/<election_id>")
@role_required("admin")
def election(election_id: str):
    return _election_page(election_id)


def _party_choices() -> list[tuple[str, str]]:
    return [
        (p["id"], f"{p['abbreviation'] or p['id']}: {p['name_fi']}")
        for p in get_db().query("SELECT id, abbreviation, name_fi FROM party ORDER BY name_fi")
    ]


def _email_form() -> EmailListForm:
    form = EmailListForm(prefix="emails")
    form.party.choices = [("", _("Kaikki puolueet"))] + _party_choices()
    return form


def _election_page(
    election_id: str,
    failed: str | None = None,
    problems: Sequence[str] = (),
    status: int = 200,
    **forms,
):
    """The election's page; `failed` names the upload whose `problems` are shown beside it."""
    election = _election(election_id)
    db = get_db()
    listed = list(
        db.query(
            """SELECT c.*, u.password_hash IS NOT NULL AS has_password, p.name_fi AS party_name
               FROM candidate c LEFT JOIN user u ON u.candidate_id = c.id
               LEFT JOIN party p ON p.id = c.party_id
               WHERE c.election_id = ? ORDER BY c.constituency_id, c.number LIMIT 500""",
            [election_id],
        )
    )
    forms = {
        "form": ImportForm(),
        "official": OfficialFileForm(prefix="official"),
        "results": OfficialFileForm(prefix="results"),
        "emails": _email_form(),
    } | forms
    return render_template(
        "admin/election.html",
        election=election,
        failed=failed,
        problems=list(problems),
        button=ButtonForm(),
        by_party=elections.progress(db, election_id, "party"),
        by_constituency=elections.progress(db, election_id, "constituency"),
        candidates=listed,
        **forms,
    ), status


@bp.route("/vaalit/<election_id>/tuonti", methods=["POST"])
@role_required("admin")
def import_candidates(election_id: str):
    _election(election_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _election_page(election_id, status=400, form=form)
    db = get_db()
    parsed = candidate_import.parse(db, form.file.data.read(), election_id)
    if parsed.problems:
        return _election_page(election_id, "csv", parsed.problems, 400, form=form)
    count = candidate_import.write(db, parsed, elections.now())
    flash(_("Tuotiin %(n)d ehdokasta.", n=count))
    return redirect(url_for("admin.election", election_id=election_id))


@bp.route("/vaalit/<election_id>/ehdokaslista", methods=["POST"])
@role_required("admin")
def import_official_list(election_id: str):
    """The Ministry of Justice's candidate list, as `flask import-moj` reads it."""
    _election(election_id)
    form = OfficialFileForm(prefix="official")
    if not form.validate_on_submit():
        return _election_page(election_id, status=400, official=form)
    db = get_db()
    parsed = moj.parse(db, form.file.data.stream, election_id)
    if parsed.problems:
        return _election_page(election_id, "official", parsed.problems, 400, official=form)
    changes = candidates.apply_official_list(db, parsed.election_id, parsed.candidates)
    flash(str(changes))
    return redirect(url_for("admin.election", election_id=election_id))


@bp.route("/vaalit/<election_id>/tulokset", methods=["POST"])
@role_required("admin")
def import_results(election_id: str):
    """The Ministry of Justice's results, as `flask import-results` reads them."""
    _election(election_id)
    form = OfficialFileForm(prefix="results")
    if not form.validate_on_submit():
        return _election_page(election_id, status=400, results=form)
    db = get_db()
    parsed = moj.parse(db, form.file.data.stream, election_id, results=True)
    try:
        if parsed.problems:
            raise candidates.CandidateError(parsed.problems)
        counts = candidates.apply_results(db, parsed.election_id, parsed.candidates)
    except candidates.CandidateError as error:
        return _election_page(election_id, "results", error.problems, 400, results=form)
    flash(candidates.results_summary(counts))
    return redirect(url_for("admin.election", election_id=election_id))


@bp.route("/vaalit/<election_id>/sahkopostit", methods=["POST"])
@role_required("admin")
def import_emails(election_id: str):
    """A party's (or everyone's) e-mail addresses, as `flask import-emails` reads them."""
    _election(election_id)
    form = _email_form()
    if not form.validate_on_submit():
        return _election_page(election_id, status=400, emails=form)
    db = get_db()
    parsed = email_import.parse(db, form.file.data.read(), election_id, form.party.data or None)
    if parsed.problems:
        return _election_page(election_id, "emails", parsed.problems, 400, emails=form)
    counts = candidates.merge_emails(db, parsed.rows, elections.now())
    flash(candidates.emails_summary(len(parsed.rows), counts))
    return redirect(url_for("admin.election", election_id=election_id))


def _candidate(election_id: str, candidate_id: int) -> dict:
    row = next(
        get_db().query(
            "SELECT * FROM candidate WHERE id = ? AND election_id = ?", [candidate_id, election_id]
        ),
        None,
    )
    if row is None:
        abort(404)
    return row


@bp.route("/vaalit/<election_id>/ehdokkaat/<int:candidate_id>", methods=["GET", "POST"])
@role_required("admin")
def candidate(election_id: str, candidate_id: int):
    """Correct one candidate's details; withdraw or restore them."""
    election = _election(election_id)
    person = _candidate(election_id, candidate_id)
    form = CandidateForm(data={**person, "party": person["party_id"] or ""})
    form.party.choices = [("", _("Ei puoluetta"))] + _party_choices()
    status = 200
    if form.validate_on_submit():
        try:
            changed = candidates.update_candidate(
                get_db(),
                candidate_id,
                {
                    "first_name": form.first_name.data.strip(),
                    "last_name": form.last_name.data.strip(),
                    "number": form.number.data,
                    "party_id": form.party.data or None,
                    "profession": (form.profession.data or "").strip() or None,
                },
            )
        except candidates.CandidateError as error:
            form.number.errors.extend(error.problems)
            status = 400
        else:
            flash(_("Ehdokkaan tiedot tallennettu.") if changed else _("Ei muutoksia."))
            return redirect(
                url_for("admin.candidate", election_id=election_id, candidate_id=candidate_id)
            )
    elif form.is_submitted():
        status = 400
    return render_template(
        "admin/candidate.html", election=election, person=person, form=form, button=ButtonForm()
    ), status


@bp.route("/vaalit/<election_id>/ehdokkaat/<int:candidate_id>/vetaytyminen", methods=["POST"])
@role_required("admin")
def withdraw(election_id: str, candidate_id: int):
    """Withdraw the candidate from voters' view, or restore them (their answers stay either way)."""
    person = _candidate(election_id, candidate_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    candidates.set_withdrawn(get_db(), candidate_id, not person["withdrawn"])
    flash(_("Ehdokas palautettu.") if person["withdrawn"] else _("Ehdokas poistettu näkyvistä."))
    return redirect(url_for("admin.candidate", election_id=election_id, candidate_id=candidate_id))


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
    """Publishing or withdrawing asks first, with how many candidates have answered."""
    election = _election(election_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "1":
        return render_template(
            "admin/publish.html",
            election=election,
            button=ButtonForm(),
            summary=elections.publication_summary(get_db(), election_id),
        )
    if elections.toggle_publication(get_db(), election_id):
        # Computed now, once (about 10 s at national scale), rather than by the first voter who opens the
        # robustness page on each worker.
        robustness.report(get_db(), election_id, keep=True)
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
