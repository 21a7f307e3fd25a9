"""The administrator's pages: elections, candidate import, invitations, progress, publishing."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import click
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from werkzeug.security import generate_password_hash

from vaalikone.admin.forms import ButtonForm, ElectionForm, ImportForm
from vaalikone.auth import role_required
from vaalikone.db import get_db, opened, writing
from vaalikone.importers import candidates as candidate_import
from vaalikone.reference import link_bank_questions
from vaalikone.snapshot import bump_version

bp = Blueprint("admin", __name__, cli_group=None)
HELSINKI = "Europe/Helsinki"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _election(election_id: str) -> dict:
    rows = list(get_db().query("SELECT * FROM election WHERE id = ?", [election_id]))
    if not rows:
        abort(404)
    return rows[0]


@bp.route("/")
@role_required("admin")
def index():
    db = get_db()
    elections = list(
        db.query(
            """SELECT e.*, (SELECT count(*) FROM candidate c WHERE c.election_id = e.id) AS candidates
               FROM election e ORDER BY date DESC, kind"""
        )
    )
    return render_template("admin/index.html", elections=elections, form=ElectionForm())


@bp.route("/vaalit", methods=["POST"])
@role_required("admin")
def create_election():
    form = ElectionForm()
    db = get_db()
    if not form.validate_on_submit():
        return render_template("admin/index.html", elections=[], form=form), 400
    election_id = f"{form.kind.data}-{form.date.data.year}"
    if db.execute("SELECT 1 FROM election WHERE id = ?", [election_id]).fetchone():
        form.date.errors.append(_("Nämä vaalit on jo luotu."))
        return render_template("admin/index.html", elections=[], form=form), 400
    deadline = form.answer_deadline.data.replace(tzinfo=datetime.now().astimezone().tzinfo)
    with writing(db):
        db["election"].insert(
            {
                "id": election_id,
                "kind": form.kind.data,
                "date": form.date.data.isoformat(),
                "answer_deadline": deadline.isoformat(),
                "name_fi": form.name_fi.data,
                "name_sv": form.name_sv.data,
                "name_en": form.name_en.data,
                "demo": 0,
            }
        )
        link_bank_questions(db, election_id, form.kind.data)
    flash(_("Vaalit luotu."))
    return redirect(url_for("admin.election", election_id=election_id))


def progress(election_id: str, by: str) -> list[dict]:
    """Share of answered statements per party or per constituency."""
    group = {"party": "coalesce(p.name_fi, '–')", "constituency": "k.name_fi"}[by]
    return list(
        get_db().query(
            f"""SELECT {group} AS name, count(DISTINCT c.id) AS candidates,
                   sum(CASE WHEN a.value IS NOT NULL THEN 1 ELSE 0 END) AS answered,
                   count(DISTINCT c.id) * (SELECT count(*) FROM election_question WHERE election_id = ?) AS possible
                FROM candidate c LEFT JOIN party p ON p.id = c.party_id
                JOIN constituency k ON k.id = c.constituency_id
                LEFT JOIN answer a ON a.candidate_id = c.id
                WHERE c.election_id = ? GROUP BY 1 ORDER BY 1""",
            [election_id, election_id],
        )
    )


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
        by_party=progress(election_id, "party"),
        by_constituency=progress(election_id, "constituency"),
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
    count = candidate_import.write(db, parsed, now())
    flash(_("Tuotiin %(n)d ehdokasta.", n=count))
    return redirect(url_for("admin.election", election_id=election_id))


def create_invitation(db, user_id: int, days: int) -> str:
    """A single-use, expiring token; only its SHA-256 is stored."""
    token = secrets.token_urlsafe(32)
    created = datetime.now(UTC)
    db["invitation"].insert(
        {
            "token_hash": hashlib.sha256(token.encode()).hexdigest(),
            "user_id": user_id,
            "created_at": created.isoformat(timespec="seconds"),
            "expires_at": (created + timedelta(days=days)).isoformat(timespec="seconds"),
        }
    )
    return token


@bp.route("/vaalit/<election_id>/kutsut", methods=["POST"])
@role_required("admin")
def invite(election_id: str):
    """Invitation links for every candidate of the election who has not set a password yet."""
    election = _election(election_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    db = get_db()
    users = list(
        db.query(
            """SELECT u.id, u.email, c.first_name, c.last_name FROM user u JOIN candidate c ON c.id = u.candidate_id
               WHERE c.election_id = ? AND u.password_hash IS NULL ORDER BY c.last_name""",
            [election_id],
        )
    )
    days = int(current_app.config["INVITATION_DAYS"])
    links = []
    with writing(db):
        for user in users:
            token = create_invitation(db, user["id"], days)
            links.append(
                {**user, "url": url_for("auth.accept_invitation", token=token, _external=True)}
            )
    return render_template("admin/invitations.html", election=election, links=links, days=days)


@bp.route("/vaalit/<election_id>/julkaisu", methods=["POST"])
@role_required("admin")
def publish(election_id: str):
    election = _election(election_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    db = get_db()
    with writing(db):
        db.execute(
            "UPDATE election SET published_at = ? WHERE id = ?",
            [None if election["published_at"] else now(), election_id],
        )
        bump_version(db, election_id)
    flash(_("Vaalit julkaistu.") if not election["published_at"] else _("Julkaisu peruttu."))
    return redirect(url_for("admin.election", election_id=election_id))


@bp.cli.command("create-admin")
@with_appcontext
@click.argument("email")
@click.password_option(help="Prompted for when not given.")
def create_admin(email: str, password: str) -> None:
    """Create an administrator account (or reset its password)."""
    if len(password) < 10:
        raise click.ClickException("The password must be at least 10 characters long.")
    with opened(current_app.config["DATABASE"]) as db:
        with writing(db):
            db.execute(
                """INSERT INTO user (email, password_hash, role, active, created_at) VALUES (?, ?, 'admin', 1, ?)
                   ON CONFLICT(email) DO UPDATE SET password_hash = excluded.password_hash, role = 'admin'""",
                [email.strip().lower(), generate_password_hash(password), now()],
            )
    click.echo(f"Administrator {email} ready.")


@bp.cli.command("import-candidates")
@with_appcontext
@click.argument("election_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_candidates_command(election_id: str, path: str) -> None:
    """Import candidates from a CSV file: all or nothing."""
    with opened(current_app.config["DATABASE"]) as db:
        if not db.execute("SELECT 1 FROM election WHERE id = ?", [election_id]).fetchone():
            raise click.ClickException(f"Unknown election {election_id}.")
        with open(path, "rb") as f:
            parsed = candidate_import.parse(db, f.read(), election_id)
        if parsed.problems:
            for problem in parsed.problems:
                click.echo(problem, err=True)
            raise click.ClickException(f"{len(parsed.problems)} problem(s): nothing was imported.")
        click.echo(f"Imported {candidate_import.write(db, parsed, now())} candidates.")
