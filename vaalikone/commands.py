"""Command-line tasks: `flask --app vaalikone init-db | demo | ...`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from vaalikone.db import opened


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema and load the reference data (idempotent)."""
    # create_app already migrated; saying so is all that is left.
    click.echo(f"Database ready: {current_app.config['DATABASE']}")


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only load if no demo election exists yet.")
def demo_command(if_empty: bool) -> None:
    """Load the demo 2025 municipal and county elections (deterministic; replaces earlier demo data)."""
    from vaalikone import demo

    with opened(current_app.config["DATABASE"]) as db:
        if if_empty and demo.is_loaded(db):
            click.echo("Demo data already loaded.")
            return
        counts = demo.load_demo(db)
    for election_id, n in counts.items():
        click.echo(f"{election_id}: {n} candidates")
    click.echo(f"Demo accounts use the password '{demo.DEMO_PASSWORD}' (see README).")


@click.command("import-yle")
@with_appcontext
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
        for problem in error.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{len(error.problems)} problem(s): nothing was imported."
        ) from None
    with opened(current_app.config["DATABASE"]) as db:
        written = yle.write(db, data)
    for key, value in data.summary().items():
        click.echo(f"{key}: {value}")
    click.echo(
        "Imported." if written else "Already imported from identical files: nothing changed."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(import_yle_command)
    from vaalikone.backup import backup_command

    app.cli.add_command(backup_command)
