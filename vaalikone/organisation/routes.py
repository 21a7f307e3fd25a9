"""The organisation's pages: goal profile and alignment reports."""

from __future__ import annotations

from flask import Blueprint, render_template

from vaalikone.auth import role_required

bp = Blueprint("organisation", __name__, cli_group=None)


@bp.route("/")
@role_required("organisation")
def index():
    return render_template("organisation/index.html")
