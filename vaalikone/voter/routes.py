"""The voter's pages: start, quiz, results, candidate pages. Voters' answers are never stored."""

from __future__ import annotations

from flask import Blueprint, render_template

from vaalikone.db import get_db
from vaalikone.pages import shows_election

bp = Blueprint("voter", __name__, cli_group=None)


@bp.route("/")
def index():
    db = get_db()
    elections = list(db.query("SELECT * FROM election WHERE published_at IS NOT NULL ORDER BY date DESC, kind"))
    for election in elections:
        shows_election(election)
    return render_template("voter/index.html", elections=elections)
