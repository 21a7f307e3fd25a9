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
from vaalikone.i18n import gettext as _
from vaalikone.i18n import language, ngettext, terminal_language


def command(name: str) -> Callable[[Callable[..., Any]], click.Command]:
    """A command that runs in the app's context and speaks the terminal's language."""

    def decorator(function: Callable[..., Any]) -> click.Command:
        @wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with language(terminal_language()):
                return function(*args, **kwargs)

        return click.command(name)(with_appcontext(run))

    return decorator


def fail_with_problems(problems: list[str], changed: bool = False) -> None:
    """Print every problem ("row N, column X: ...") and stop with a non-zero exit: nothing was written."""
    for problem in problems:
        click.echo(problem, err=True)
    if changed:
        raise click.ClickException(
            ngettext(
                "%(num)d ongelma: mitään ei muutettu.",
                "%(num)d ongelmaa: mitään ei muutettu.",
                len(problems),
            )
        )
    raise click.ClickException(
        ngettext(
            "%(num)d ongelma: mitään ei tuotu.", "%(num)d ongelmaa: mitään ei tuotu.", len(problems)
        )
    )


def database() -> str:
    return current_app.config["DATABASE"]


@command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database schema and load the reference data (idempotent)."""
    from vaalikone.web.database import init_db

    if current_app.config.get("READ_ONLY"):
        raise click.ClickException(
            _(
                "Tämä palvelin on vain luku -tilassa (VAALIKONE_READ_ONLY): aja init-db pääpalvelimella."
            )
        )
    init_db(current_app)
    click.echo(_("Tietokanta on valmis: %(path)s", path=database()))


@command("demo")
@click.option("--if-empty", is_flag=True, help="Only load if no demo election exists yet.")
@click.option(
    "--scale",
    type=click.Choice(["small", "national"]),
    default="small",
    show_default=True,
    help="small: a tenth of the real candidates; national: 2025's real size (~30,000 + 10,000).",
)
def demo_command(if_empty: bool, scale: str) -> None:
    """Load the demo 2025 municipal and county elections (deterministic; replaces earlier demo data)."""
    from vaalikone.domain import demo

    with opened(database()) as db:
        if if_empty and demo.is_loaded(db):
            click.echo(_("Esittelyaineisto on jo ladattu."))
            return
        counts = demo.load_demo(db, scale)
    for election_id, n in counts.items():
        click.echo(_("%(election)s: %(n)d ehdokasta", election=election_id, n=n))
    click.echo(
        _(
            "Esittelytilien salasana on %(password)s (katso README).",
            password=repr(demo.DEMO_PASSWORD),
        )
    )


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
    click.echo(_("Tuotu.") if written else _("Tuotu jo samoista tiedostoista: mitään ei muutettu."))


@command("import-candidates")
@click.argument("election_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_candidates_command(election_id: str, path: str) -> None:
    """Import candidates from a CSV file: all or nothing."""
    from vaalikone.domain.elections import now
    from vaalikone.importers import candidates as candidate_import

    with opened(database()) as db:
        _known_election(db, election_id)
        with open(path, "rb") as f:
            parsed = candidate_import.parse(db, f.read(), election_id)
        if parsed.problems:
            fail_with_problems(parsed.problems)
        count = candidate_import.write(db, parsed, now())
        click.echo(_("Tuotu %(n)d ehdokasta.", n=count))


def _known_election(db, election_id: str) -> None:
    if not db.execute("SELECT 1 FROM election WHERE id = ?", [election_id]).fetchone():
        raise click.ClickException(_("Tuntemattomat vaalit %(id)s.", id=election_id))


@command("import-moj")
@click.argument("election_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_moj_command(election_id: str, path: str) -> None:
    """Import the Ministry of Justice's candidate list (its .csv or .zip): all or nothing."""
    from vaalikone.domain import candidates
    from vaalikone.importers import moj

    with opened(database()) as db, open(path, "rb") as f:
        _known_election(db, election_id)
        parsed = moj.parse(db, f, election_id)
        if parsed.problems:
            fail_with_problems(parsed.problems)
        changes = candidates.apply_official_list(db, parsed.election_id, parsed.candidates)
    click.echo(str(changes))


@command("import-results")
@click.argument("election_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_results_command(election_id: str, path: str) -> None:
    """Import the Ministry of Justice's results (its .csv or .zip): who was elected; all or nothing."""
    from vaalikone.domain import candidates
    from vaalikone.importers import moj

    with opened(database()) as db, open(path, "rb") as f:
        _known_election(db, election_id)
        parsed = moj.parse(db, f, election_id, results=True)
        try:
            if parsed.problems:
                raise candidates.CandidateError(parsed.problems)
            counts = candidates.apply_results(db, parsed.election_id, parsed.candidates)
        except candidates.CandidateError as error:
            fail_with_problems(error.problems, changed=True)
    click.echo(candidates.results_summary(counts))


@command("import-emails")
@click.argument("election_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--party", help="A party's own list: every row must be one of its candidates.")
def import_emails_command(election_id: str, path: str, party: str | None) -> None:
    """Merge candidates' e-mail addresses (CSV: municipality,number,email) onto the imported candidates."""
    from vaalikone.domain import candidates
    from vaalikone.domain.elections import now
    from vaalikone.importers import emails

    with opened(database()) as db, open(path, "rb") as f:
        _known_election(db, election_id)
        if party and not db.execute("SELECT 1 FROM party WHERE id = ?", [party]).fetchone():
            raise click.ClickException(_("Tuntematon puolue %(party)s.", party=party))
        parsed = emails.parse(db, f.read(), election_id, party)
        if parsed.problems:
            fail_with_problems(parsed.problems)
        counts = candidates.merge_emails(db, parsed.rows, now())
    click.echo(candidates.emails_summary(len(parsed.rows), counts))


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
    click.echo(_("Ylläpitäjä %(email)s on valmis.", email=email))


@command("deactivate-user")
@click.argument("email")
@click.option("--activate", is_flag=True, help="Let a deactivated account log in again.")
def deactivate_user_command(email: str, activate: bool) -> None:
    """Stop an account from logging in; its open sessions end at once."""
    from vaalikone.domain import accounts

    with opened(database()) as db:
        try:
            accounts.set_active(db, email, activate)
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from None
    if activate:
        click.echo(_("Käyttäjä %(email)s voi taas kirjautua.", email=email))
    else:
        click.echo(
            _("Käyttäjä %(email)s ei voi enää kirjautua; sen istunnot päättyivät.", email=email)
        )


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
                click.echo(
                    _(
                        "Kutsu osoitteelle %(email)s on jonossa; send-mail lähettää sen.",
                        email=email,
                    )
                )
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
    link = "/kutsu/" + token
    click.echo(_("Kutsu osoitteelle %(email)s: %(link)s", email=email, link=link))


def _base_url() -> str:
    """The service's address for links in e-mail; commands cannot guess it from a request."""
    base_url = current_app.config.get("BASE_URL")
    if not base_url:
        raise click.ClickException(
            _(
                "Aseta BASE_URL (esimerkiksi VAALIKONE_BASE_URL=https://vaalikone.example.fi): "
                "sähköpostien linkit tarvitsevat palvelun osoitteen."
            )
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
    click.echo(_("Jonoon lisättiin %(n)d kutsua.", n=result["queued"]))
    if result["already"]:
        click.echo(
            _(
                "%(n)d ehdokkaalla on jo voimassa oleva kutsu (--renew lähettää uuden).",
                n=result["already"],
            )
        )
    for email in result["taken"]:
        click.echo(
            _("Osoitetta %(email)s ei käytetty: se kuuluu jo toiselle käyttäjälle.", email=email),
            err=True,
        )


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
    if schedule:
        click.echo(
            _(
                "Muistutukset vaaleissa %(election)s: %(days)s päivää ennen määräaikaa.",
                election=election_id,
                days=", ".join(str(n) for n in schedule),
            )
        )
    else:
        click.echo(_("Vaaleissa %(election)s ei ole muistutuksia.", election=election_id))


@command("queue-reminders")
def queue_reminders_command() -> None:
    """Queue the reminders due now (send-mail does this too before it sends)."""
    from vaalikone.domain import mail

    with opened(database()) as db:
        n = mail.queue_reminders(db, _base_url(), int(current_app.config["INVITATION_DAYS"]))
    click.echo(_("Jonoon lisättiin %(n)d muistutusta.", n=n))


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
            click.echo(_("BASE_URL puuttuu: muistutuksia ei lisätty jonoon."), err=True)
        else:
            n = mail.queue_reminders(db, _base_url(), int(current_app.config["INVITATION_DAYS"]))
            if n:
                click.echo(_("Jonoon lisättiin %(n)d muistutusta.", n=n))
        try:
            done = mailer.deliver(current_app._get_current_object(), db, limit)  # type: ignore[attr-defined]
        except mailer.Unreachable as error:
            raise click.ClickException(
                _(
                    "SMTP-palvelimeen ei saada yhteyttä (%(reason)s): enempää ei lähetetty; "
                    "seuraava ajo jatkaa tästä.",
                    reason=str(error),
                )
            ) from None
    seconds = f"{time.perf_counter() - started:.2f}"
    click.echo(
        _(
            "Lähetetty %(sent)d, epäonnistui %(failed)d, yritetään uudelleen %(retry)d; "
            "aikaa kului %(seconds)s s.",
            sent=done["sent"],
            failed=done["failed"],
            retry=done["retry"],
            seconds=seconds,
        )
    )
    if done["uncertain"]:
        click.echo(
            _(
                "%(n)d viestiä jäi kesken aiemmalta ajolta ja on merkitty epävarmaksi: "
                "katso ylläpidon sähköpostisivu.",
                n=done["uncertain"],
            ),
            err=True,
        )


@command("mail-status")
def mail_status_command() -> None:
    """Messages per election: pending, sending, sent, failed, uncertain."""
    from vaalikone.domain import outbox

    with opened(database()) as db:
        for row in outbox.counts(db):
            click.echo(
                _(
                    "%(election)s: jonossa %(pending)d, lähetys kesken %(sending)d, lähetetty "
                    "%(sent)d, epäonnistunut %(failed)d, epävarma %(uncertain)d",
                    election=row["election_id"] or _("(järjestöt)"),
                    **{status: row[status] for status in outbox.STATUSES},
                )
            )


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
            fail_with_problems(problems, changed=True)
        elections.set_elected(db, updates)
    click.echo(_("Päivitettiin %(n)d ehdokasta.", n=len(updates)))


@command("robustness")
@click.argument("election_id")
def robustness_command(election_id: str) -> None:
    """Print an election's robustness report (how rankings depend on the formula and each statement) as JSON,
    computing and keeping it if the database has none for the election's current data."""
    import json

    from vaalikone.reports import robustness

    with opened(database()) as db:
        _known_election(db, election_id)
        found = robustness.report(db, election_id, keep=not current_app.config.get("READ_ONLY"))
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))


@command("purge-feedback")
def purge_feedback_command() -> None:
    """Delete accessibility feedback older than FEEDBACK_RETENTION_DAYS."""
    from vaalikone.domain import feedback

    with opened(database()) as db:
        gone = feedback.purge(db, int(current_app.config["FEEDBACK_RETENTION_DAYS"]))
    click.echo(
        f"Deleted {gone} message(s) older than {current_app.config['FEEDBACK_RETENTION_DAYS']} days."
    )


@command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Copy the database while the service runs: readers and writers are not stopped."""
    if target.exists():
        raise click.ClickException(
            _(
                "%(path)s on jo olemassa: valitse uusi tiedosto. Mitään ei korvattu.",
                path=str(target),
            )
        )
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
        raise click.ClickException(
            _("Kopio ei läpäissyt eheystarkistusta: %(result)s", result=result)
        )
    click.echo(_("Varmuuskopio: %(path)s", path=str(target)))


@command("restore")
@click.option(
    "--from",
    "replica",
    required=True,
    help="The Litestream replica: a directory, or a URL (file://, s3://, sftp://...).",
)
@click.option(
    "--timestamp",
    help="Restore the state at this moment (RFC 3339, e.g. 2025-04-13T12:00:00Z) instead of the latest.",
)
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(replica: str, timestamp: str | None, target: Path) -> None:
    """Restore the primary's database from its Litestream replica into a new file, and check it."""
    from vaalikone.db import replica as replicas

    if target.resolve() == Path(database()).resolve():
        if not current_app.extensions.get("vaalikone.created_database"):
            raise click.ClickException(
                _(
                    "%(path)s on tämän sovelluksen käytössä oleva tietokanta: palauta uuteen "
                    "tiedostoon ja vaihda se paikalleen palvelun ollessa pysähdyksissä.",
                    path=str(target),
                )
            )
        # Created empty a moment ago by this command's own start-up (VAALIKONE_DATABASE names the
        # file to restore): nobody has saved anything in it.
        replicas.remove_database(target)
    try:
        txid = replicas.restore(replica, target, timestamp=timestamp)
    except replicas.ReplicaError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        _(
            "Palautettu: %(path)s (replikan transaktio %(txid)s); eheystarkistus: ok",
            path=str(target),
            txid=txid,
        )
    )


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
    with language(terminal_language()):
        click.echo(_("Kaikki käännösluettelot ovat valmiita."))


COMMANDS = (
    init_db_command,
    demo_command,
    import_yle_command,
    import_candidates_command,
    import_moj_command,
    import_results_command,
    import_emails_command,
    create_admin_command,
    deactivate_user_command,
    create_organisation_user_command,
    invite_command,
    set_reminders_command,
    queue_reminders_command,
    send_mail_command,
    mail_status_command,
    set_elected_command,
    robustness_command,
    purge_feedback_command,
    backup_command,
    restore_command,
    translate_group,
)


def init_app(app: Flask) -> None:
    for cmd in COMMANDS:
        app.cli.add_command(cmd)
