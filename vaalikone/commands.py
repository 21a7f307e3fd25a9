"""Command-line tasks: `flask --app vaalikone init-db | demo | ...`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from vaalikone.db import connect


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

    db = connect(current_app.config["DATABASE"])
    try:
        if if_empty and demo.is_loaded(db):
            click.echo("Demo data already loaded.")
            return
        counts = demo.load_demo(db)
    finally:
        db.conn.close()
    for election_id, n in counts.items():
        click.echo(f"{election_id}: {n} candidates")
    click.echo(f"Demo accounts use the password '{demo.DEMO_PASSWORD}' (see README).")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(demo_command)
