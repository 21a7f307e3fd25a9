"""Every command: `flask --app vaalikone <command>`.

Commands are thin: they read their arguments, call the domain layer, the importers or the catalogs, and
report. Names are flat and hyphenated (`import-candidates`, `set-elected`), because users' scripts call them.
Output and problems are in the terminal's language (fi or sv where LANG says so, English otherwise).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from vaalikone import catalogs
from vaalikone.db import opened
from vaalikone.i18n import language, terminal_language


def command(name: str) -> Callable[[Callable[..., Any]], click.Command]:
    """A command that runs in the app's context and speaks the terminal's language."""

    def decorator(function: Callable[..., Any]) -> click.Command:
        @wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with language(terminal_language()):
                return function(*args, **kwargs)

        return click.command(name)(with_appcontext(run))

    return decorator


def fail_with_problems(problems: list[str], what: str = "nothing was imported") -> None:
    """Print every problem ("row N, column X: ...") and stop with a non-zero exit: nothing was written."""
    for problem in problems:
        click.echo(problem, err=True)
    raise click.ClickException(f"{len(problems)} problem(s): {what}.")


def database() -> str:
    return current_app.config["DATABASE"]


@command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database schema and load the reference data (idempotent)."""
    from vaalikone.web.database import init_db

    init_db(current_app)
    click.echo(f"Database ready: {database()}")


@command("demo")
@click.option("--if-empty", is_flag=True, help="Only load if no demo election exists yet.")
def demo_command(if_empty: bool) -> None:
    """Load the demo 2025 municipal and county elections (deterministic; replaces earlier demo data)."""
    from vaalikone.domain import demo

    with opened(database()) as db:
        if if_empty and demo.is_loaded(db):
            click.echo("Demo data already loaded.")
            return
        counts = demo.load_demo(db)
    for election_id, n in counts.items():
        click.echo(f"{election_id}: {n} candidates")
    click.echo(f"Demo accounts use the password '{demo.DEMO_PASSWORD}' (see README).")


@command("import-yle")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--year", type=click.Choice(["2015", "2023"]), help="Which data set (detected if omitted)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["full", "likert"]),
    default="full",
    show_default=True,
    help="2015 only: full (names, numbers, justifications) or the anonymous likert file.",
)
def import_yle_command(path: Path, year: str | None, fmt: str) -> None:
    """Import Yle's published election-machine answers as a published parliamentary election."""
    from vaalikone.importers import yle

    try:
        data = yle.read(path, year, fmt)
    except yle.YleImportError as error:
        fail_with_problems(error.problems)
    with opened(database()) as db:
        written = yle.write(db, data)
    for key, value in data.summary().items():
        click.echo(f"{key}: {value}")
    click.echo(
        "Imported." if written else "Already imported from identical files: nothing changed."
    )


@command("import-candidates")
@click.argument("election_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_candidates_command(election_id: str, path: str) -> None:
    """Import candidates from a CSV file: all or nothing."""
    from vaalikone.domain.elections import now
    from vaalikone.importers import candidates as candidate_import

    with opened(database()) as db:
        if not db.execute("SELECT 1 FROM election WHERE id = ?", [election_id]).fetchone():
            raise click.ClickException(f"Unknown election {election_id}.")
        with open(path, "rb") as f:
            parsed = candidate_import.parse(db, f.read(), election_id)
        if parsed.problems:
            fail_with_problems(parsed.problems)
        click.echo(f"Imported {candidate_import.write(db, parsed, now())} candidates.")


@command("create-admin")
@click.argument("email")
@click.password_option(help="Prompted for when not given.")
def create_admin_command(email: str, password: str) -> None:
    """Create an administrator account (or reset its password)."""
    from vaalikone.domain import accounts

    with opened(database()) as db:
        try:
            accounts.create_admin(db, email, password)
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Administrator {email} ready.")


@command("create-organisation-user")
@click.argument("organisation_id")
@click.argument("email")
@click.option("--name", help="Name of a new organisation (all three languages alike).")
@click.option("--based-on", help="Copy the goal profile of this organisation (e.g. soste).")
@click.option(
    "--county", "counties", multiple=True, help="Region: a county id (repeatable); none = national."
)
@click.option(
    "--mail",
    "mail_language",
    type=click.Choice(["fi", "sv", "en"]),
    help="Send the invitation by e-mail in this language (queued; send-mail delivers it) "
    "instead of printing the link.",
)
def create_organisation_user_command(
    organisation_id: str,
    email: str,
    name: str | None,
    based_on: str | None,
    counties: tuple[str, ...],
    mail_language: str | None,
) -> None:
    """Create an organisation (if new) and a user for it, with a single-use invitation link."""
    from vaalikone.domain import accounts, mail

    days = int(current_app.config["INVITATION_DAYS"])
    with opened(database()) as db:
        try:
            if mail_language:
                mail.invite_organisation_user(
                    db,
                    organisation_id,
                    email,
                    _base_url(),
                    days,
                    mail_language,
                    name=name,
                    based_on=based_on,
                    counties=counties,
                )
                click.echo(f"Invitation for {email} queued; send-mail delivers it.")
                return
            token = accounts.create_organisation_user(
                db,
                organisation_id,
                email,
                days=days,
                name=name,
                based_on=based_on,
                counties=counties,
            )
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Invitation for {email}: /kutsu/{token}")


def _base_url() -> str:
    """The service's address for links in e-mail; commands cannot guess it from a request."""
    base_url = current_app.config.get("BASE_URL")
    if not base_url:
        raise click.ClickException(
            "Set BASE_URL (e.g. VAALIKONE_BASE_URL=https://vaalikone.example.fi): "
            "e-mail links need the service's address."
        )
    return str(base_url)


@command("invite")
@click.argument("election_id")
@click.option(
    "--renew",
    is_flag=True,
    help="Also candidates whose earlier invitation still works (they get a new link; the old ends).",
)
def invite_command(election_id: str, renew: bool) -> None:
    """Queue an e-mail invitation for every candidate with an address and no password (send-mail sends)."""
    from vaalikone.domain import mail

    base_url = _base_url()
    with opened(database()) as db:
        try:
            result = mail.queue_candidate_invitations(
                db,
                election_id,
                base_url,
                int(current_app.config["INVITATION_DAYS"]),
                renew=renew,
            )
        except mail.MailError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Queued {result['queued']} invitations.")
    if result["already"]:
        click.echo(
            f"{result['already']} candidates hold a working invitation (--renew sends anew)."
        )
    for email in result["taken"]:
        click.echo(f"Skipped {email}: the address belongs to another account.", err=True)


@command("set-reminders")
@click.argument("election_id")
@click.argument("days", nargs=-1)
def set_reminders_command(election_id: str, days: tuple[str, ...]) -> None:
    """Set the days before the answer deadline when reminders go (e.g. 7 1; none: no reminders)."""
    from vaalikone.domain import mail

    with opened(database()) as db:
        try:
            schedule = mail.set_reminder_days(db, election_id, " ".join(days))
        except mail.MailError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Reminders for {election_id}: {schedule or 'none'} days before the deadline.")


@command("queue-reminders")
def queue_reminders_command() -> None:
    """Queue the reminders due now (send-mail does this too before it sends)."""
    from vaalikone.domain import mail

    with opened(database()) as db:
        n = mail.queue_reminders(db, _base_url(), int(current_app.config["INVITATION_DAYS"]))
    click.echo(f"Queued {n} reminders.")


@command("send-mail")
@click.option("--limit", type=int, help="Stop after this many messages.")
@click.option("--no-reminders", is_flag=True, help="Do not queue due reminders first.")
def send_mail_command(limit: int | None, no_reminders: bool) -> None:
    """Queue the reminders due now, then deliver the outbox through SMTP at MAIL_PER_MINUTE at most."""
    import time

    from vaalikone import mailer
    from vaalikone.domain import mail

    started = time.perf_counter()
    with opened(database()) as db:
        if no_reminders:
            pass
        elif not current_app.config.get("BASE_URL"):
            click.echo("BASE_URL is not set: no reminders were queued.", err=True)
        else:
            n = mail.queue_reminders(db, _base_url(), int(current_app.config["INVITATION_DAYS"]))
            if n:
                click.echo(f"Queued {n} reminders.")
        try:
            done = mailer.deliver(current_app._get_current_object(), db, limit)  # type: ignore[attr-defined]
        except mailer.Unreachable as error:
            raise click.ClickException(
                f"The SMTP server cannot be reached ({error}): nothing more was sent; "
                "the next run goes on from here."
            ) from None
    elapsed = time.perf_counter() - started
    click.echo(
        f"Sent {done['sent']}, failed {done['failed']}, to retry {done['retry']}"
        f" in {elapsed:.2f} s."
    )
    if done["uncertain"]:
        click.echo(
            f"{done['uncertain']} message(s) were left mid-send by an earlier run and are marked "
            "uncertain: see the administrator's e-mail page.",
            err=True,
        )


@command("mail-status")
def mail_status_command() -> None:
    """Messages per election: pending, sending, sent, failed, uncertain."""
    from vaalikone.domain import outbox

    with opened(database()) as db:
        for row in outbox.counts(db):
            counts = ", ".join(f"{status} {row[status]}" for status in outbox.STATUSES)
            click.echo(f"{row['election_id'] or '(organisations)'}: {counts}")


@command("set-elected")
@click.argument("election_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def set_elected_command(election_id: str, path: str) -> None:
    """Mark the elected candidates from a CSV with columns candidate_id,elected (1 or 0): all or nothing."""
    from vaalikone.domain import elections

    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    with opened(database()) as db:
        updates, problems = elections.parse_elected(db, election_id, text)
        if problems:
            fail_with_problems(problems, "nothing was changed")
        elections.set_elected(db, updates)
    click.echo(f"Updated {len(updates)} candidates.")


@command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Copy the database while the service runs: readers and writers are not stopped."""
    if target.exists():
        raise click.ClickException(f"{target} exists: choose a new file, nothing was overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database(), timeout=30)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination, pages=1024)
    finally:
        destination.close()
        source.close()
    check = sqlite3.connect(target)
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        raise click.ClickException(f"The copy failed its integrity check: {result}")
    click.echo(f"Backed up to {target}")


@click.group("translate")
def translate_group() -> None:
    """Translation catalogs: update, compile, check."""


@translate_group.command("update")
def translate_update() -> None:
    """Extract messages of every domain, update the fi/sv/en catalogs, and fill Finnish from the source."""
    catalogs.update()


@translate_group.command("compile")
def translate_compile() -> None:
    """Compile every catalog to .mo files."""
    catalogs.compile()


@translate_group.command("check")
def translate_check() -> None:
    """Fail if any catalog has an untranslated or fuzzy message."""
    problems = catalogs.untranslated()
    for line in problems:
        click.echo(line, err=True)
    if problems:
        sys.exit(1)
    click.echo("All catalogs complete.")


COMMANDS = (
    init_db_command,
    demo_command,
    import_yle_command,
    import_candidates_command,
    create_admin_command,
    create_organisation_user_command,
    invite_command,
    set_reminders_command,
    queue_reminders_command,
    send_mail_command,
    mail_status_command,
    set_elected_command,
    backup_command,
    translate_group,
)


def init_app(app: Flask) -> None:
    for cmd in COMMANDS:
        app.cli.add_command(cmd)
