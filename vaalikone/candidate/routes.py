"""The candidate's pages: answers, profile, preview."""

from __future__ import annotations

from flask import Blueprint, render_template

from vaalikone.auth import role_required

bp = Blueprint("candidate", __name__, cli_group=None)


@bp.route("/")
@role_required("candidate")
def index():
    return render_template("candidate/index.html")
