"""Log in and out; candidates, organisations and administrators share one form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash

from vaalikone.domain import accounts
from vaalikone.extensions import limiter
from vaalikone.i18n import gettext as _
from vaalikone.web.accounts import User
from vaalikone.web.auth.forms import LoginForm, SetPasswordForm
from vaalikone.web.database import get_db

bp = Blueprint("auth", __name__, cli_group=None)

HOME_BY_ROLE = {
    "admin": "admin.index",
    "candidate": "candidate.index",
    "organisation": "organisation.index",
}
# A fixed hash to compare against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = "scrypt:32768:8:1$00000000$" + "0" * 128


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would let a phishing link borrow our domain."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@bp.route("/kirjaudu", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(HOME_BY_ROLE[current_user.role]))
    form = LoginForm()
    if form.validate_on_submit():
        rows = list(get_db().query("SELECT * FROM user WHERE email = ?", [form.email.data.strip()]))
        row = rows[0] if rows else None
        password_hash = (row or {}).get("password_hash") or _DUMMY_HASH
        ok = check_password_hash(password_hash, form.password.data)
        if row and ok and row["active"]:
            user = User.from_row(row)
            login_user(user)
            return redirect(
                _safe_next(request.args.get("next")) or url_for(HOME_BY_ROLE[user.role])
            )
        form.password.errors.append(_("Sähköposti tai salasana on väärin."))
    return render_template("auth/login.html", form=form)


@bp.route("/kirjaudu-ulos", methods=["POST"])
def logout():
    from flask_wtf import FlaskForm

    if FlaskForm().validate_on_submit():
        logout_user()
        flash(_("Olet kirjautunut ulos."))
    return redirect(url_for("voter.index"))


@bp.route("/kutsu/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def accept_invitation(token: str):
    """A single-use, expiring invitation lets a candidate or organisation user set a password."""
    db = get_db()
    if accounts.live_invitation(db, token) is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        user_id = accounts.accept_invitation(db, token, form.password.data)
        if user_id is None:  # another request used it first
            return render_template("auth/invitation_invalid.html"), 404
        user = User.from_row(next(db.query("SELECT * FROM user WHERE id = ?", [user_id])))
        login_user(user)
        flash(_("Salasana on asetettu. Tervetuloa!"))
        return redirect(url_for(HOME_BY_ROLE[user.role]))
    return render_template("auth/set_password.html", form=form)
