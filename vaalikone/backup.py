"""`flask --app vaalikone backup PATH`: a consistent copy of the live database (SQLite online backup)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Copy the database while the service runs: readers and writers are not stopped."""
    if target.exists():
        raise click.ClickException(f"{target} exists: choose a new file, nothing was overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(current_app.config["DATABASE"], timeout=30)
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
