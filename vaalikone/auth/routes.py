"""Log in and out; candidates, organisations and administrators share one form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash

from vaalikone.auth.forms import LoginForm
from vaalikone.db import get_db, writing
from vaalikone.security import limiter

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
        from vaalikone.auth import User

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
    import hashlib
    import hmac
    from datetime import UTC, datetime

    from vaalikone.auth import User
    from vaalikone.auth.forms import SetPasswordForm

    db = get_db()
    digest = hashlib.sha256(token.encode()).hexdigest()
    rows = list(db.query("SELECT * FROM invitation WHERE token_hash = ?", [digest]))
    invitation = rows[0] if rows and hmac.compare_digest(rows[0]["token_hash"], digest) else None
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if invitation is None or invitation["used_at"] or invitation["expires_at"] < now:
        return render_template("auth/invitation_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        from werkzeug.security import generate_password_hash

        with writing(db):
            db.execute(
                "UPDATE user SET password_hash = ? WHERE id = ?",
                [generate_password_hash(form.password.data), invitation["user_id"]],
            )
            db.execute("UPDATE invitation SET used_at = ? WHERE token_hash = ?", [now, digest])
        user = User.from_row(
            next(db.query("SELECT * FROM user WHERE id = ?", [invitation["user_id"]]))
        )
        login_user(user)
        flash(_("Salasana on asetettu. Tervetuloa!"))
        return redirect(url_for(HOME_BY_ROLE[user.role]))
    return render_template("auth/set_password.html", form=form)
