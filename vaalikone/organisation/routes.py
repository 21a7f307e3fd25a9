"""The organisation's pages: goal profile and alignment reports, published at stable public URLs."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import click
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from vaalikone import reports
from vaalikone.auth import role_required
from vaalikone.db import get_db, opened, writing
from vaalikone.pages import shows_election
from vaalikone.snapshot import get_snapshot

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
            goals.append(
                {
                    "organisation_id": org_id,
                    "question_id": q["id"],
                    "position": position,
                    "weight": weight,
                }
            )
        if not errors:
            with writing(db):
                db.execute(
                    "DELETE FROM organisation_goal WHERE organisation_id = ? AND question_id IN "
                    "(SELECT question_id FROM election_question WHERE election_id = ?)",
                    [org_id, election_id],
                )
                if goals:
                    db["organisation_goal"].insert_all(goals, pk=("organisation_id", "question_id"))
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


def _render(report, public_slug: str | None = None):
    return render_template(
        "organisation/report.html",
        report=report,
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
@role_required("organisation", "admin")
def report_download(election_id: str, fmt: str):
    return _download(_report(_org_for_request(), election_id), fmt)


def _download(report, fmt: str):
    data = reports.as_json(report)
    if fmt == "json":
        return jsonify(data)
    if fmt != "csv":
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["table", "id", "name", "party", "median_or_alignment", "q1", "q3", "count", "strong"]
    )
    for c in data["candidates"]:
        writer.writerow(
            ["candidate", c["id"], c["name"], c["party"] or "", c["alignment"], "", "", "", ""]
        )
    for p in data["parties"]:
        writer.writerow(
            ["party", p["id"], "", p["id"], p["median"], p["q1"], p["q3"], p["count"], p["strong"]]
        )
    for k in data["constituencies"]:
        writer.writerow(
            [
                "constituency",
                k["id"],
                "",
                "",
                k["median"],
                k["q1"],
                k["q3"],
                k["count"],
                k["strong"],
            ]
        )
    for s in data["statements"]:
        writer.writerow(["statement", s["statement"], "", "", s["overall"], "", "", "", ""])
        for party, share in s["by_party"].items():
            writer.writerow(
                ["statement_by_party", s["statement"], "", party, share, "", "", "", ""]
            )
    name = f"{report.organisation['id']}-{report.election['id']}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.route("/raportti/<election_id>/julkaisu", methods=["POST"])
@role_required("organisation")
def publish(election_id: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    db = get_db()
    org_id = current_user.organisation_id
    existing = _publication(org_id, election_id)
    with writing(db):
        if existing:
            db.execute(
                "DELETE FROM report_publication WHERE organisation_id = ? AND election_id = ?",
                [org_id, election_id],
            )
        else:
            db["report_publication"].insert(
                {
                    "organisation_id": org_id,
                    "election_id": election_id,
                    "slug": f"{org_id}-{election_id}",
                    "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
    flash(_("Raportti on julkinen.") if not existing else _("Raportti ei ole enää julkinen."))
    return redirect(url_for("organisation.report", election_id=election_id))


@bp.route("/raportit/<slug>")
def public_report(slug: str):
    """The stable public URL of a published report; unpublished ones do not exist for others."""
    rows = list(get_db().query("SELECT * FROM report_publication WHERE slug = ?", [slug]))
    if not rows:
        abort(404)
    return _render(_report(rows[0]["organisation_id"], rows[0]["election_id"]), slug)


@bp.route("/raportit/<slug>.<fmt>")
def public_report_download(slug: str, fmt: str):
    rows = list(get_db().query("SELECT * FROM report_publication WHERE slug = ?", [slug]))
    if not rows:
        abort(404)
    return _download(_report(rows[0]["organisation_id"], rows[0]["election_id"]), fmt)


@bp.cli.command("create-organisation-user")
@with_appcontext
@click.argument("organisation_id")
@click.argument("email")
@click.option("--name", help="Name of a new organisation (all three languages alike).")
@click.option("--based-on", help="Copy the goal profile of this organisation (e.g. soste).")
@click.option(
    "--county", "counties", multiple=True, help="Region: a county id (repeatable); none = national."
)
def create_organisation_user(
    organisation_id: str,
    email: str,
    name: str | None,
    based_on: str | None,
    counties: tuple[str, ...],
) -> None:
    """Create an organisation (if new) and a user for it; prints a single-use invitation link."""
    from vaalikone.admin.routes import create_invitation

    if not re.fullmatch(r"[a-z0-9-]+", organisation_id):
        raise click.ClickException("The organisation id is lowercase letters, digits and hyphens.")
    with opened(current_app.config["DATABASE"]) as db:
        with writing(db):
            if not db.execute(
                "SELECT 1 FROM organisation WHERE id = ?", [organisation_id]
            ).fetchone():
                if not name:
                    raise click.ClickException("A new organisation needs --name.")
                db["organisation"].insert(
                    {
                        "id": organisation_id,
                        "name_fi": name,
                        "name_sv": name,
                        "name_en": name,
                        "scope": "regional" if counties else "national",
                        "counties": json.dumps(list(counties)),
                        "municipalities": "[]",
                        "based_on": based_on,
                    }
                )
                if based_on:
                    db.execute(
                        "INSERT INTO organisation_goal (organisation_id, question_id, position, weight) "
                        "SELECT ?, question_id, position, weight FROM organisation_goal WHERE organisation_id = ?",
                        [organisation_id, based_on],
                    )
            user_id = (
                db["user"]
                .insert(
                    {
                        "email": email.lower(),
                        "role": "organisation",
                        "organisation_id": organisation_id,
                        "active": 1,
                        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    }
                )
                .last_pk
            )
            token = create_invitation(db, user_id, int(current_app.config["INVITATION_DAYS"]))
    click.echo(f"Invitation for {email}: /kutsu/{token}")


@bp.cli.command("set-elected")
@with_appcontext
@click.argument("election_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def set_elected(election_id: str, path: str) -> None:
    """Mark the elected candidates from a CSV with columns candidate_id,elected (1 or 0): all or nothing."""
    with opened(current_app.config["DATABASE"]) as db:
        known = {
            r[0]
            for r in db.execute("SELECT id FROM candidate WHERE election_id = ?", [election_id])
        }
        problems, updates = [], []
        with open(path, encoding="utf-8-sig", newline="") as f:
            for n, row in enumerate(csv.DictReader(f), start=2):
                cid, flag = (
                    (row.get("candidate_id") or "").strip(),
                    (row.get("elected") or "").strip(),
                )
                if not cid.isdigit() or int(cid) not in known:
                    problems.append(f"row {n}, column candidate_id: unknown candidate {cid!r}")
                elif flag not in ("0", "1"):
                    problems.append(f"row {n}, column elected: {flag!r} is not 0 or 1")
                else:
                    updates.append((int(flag), int(cid)))
        if problems:
            for p in problems:
                click.echo(p, err=True)
            raise click.ClickException(f"{len(problems)} problem(s): nothing was changed.")
        with writing(db):
            db.conn.executemany("UPDATE candidate SET elected = ? WHERE id = ?", updates)
    click.echo(f"Updated {len(updates)} candidates.")
