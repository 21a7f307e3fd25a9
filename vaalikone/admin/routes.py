"""The administrator's pages: elections, candidate import, invitations, progress, publishing."""

from __future__ import annotations

from flask import Blueprint, render_template

from vaalikone.auth import role_required

bp = Blueprint("admin", __name__, cli_group=None)


@bp.route("/")
@role_required("admin")
def index():
    return render_template("admin/index.html")
