"""Log in and out; candidates, organisations and administrators share one form."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
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
    """Only same-site paths: an open redirect would let a phishing link borrow our domain.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so a slash, a tab and
    `/evil.example`, or a slash and a backslash, would lead off-site: any control character, space or
    backslash is refused (and a line break could not go into a header anyway).
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ch <= " " or ch in "\\\x7f" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _log_in(user: User, version: int) -> None:
    """A fresh session (a new CSRF token: nothing from before log-in carries over), tied to the account's
    session version, so log-out, a password change or deactivation ends it wherever it was copied."""
    session.clear()
    login_user(user)
    session["session_version"] = version


@bp.route("/kirjaudu", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(HOME_BY_ROLE[current_user.role]))
    form = LoginForm()
    if form.validate_on_submit():
        db = get_db()
        email = form.email.data.strip()
        if current_app.config["RATELIMIT_ENABLED"] and not accounts.login_attempt_allowed(
            db, email, int(current_app.config["LOGIN_ATTEMPTS_PER_MINUTE"])
        ):
            form.password.errors.append(
                _(
                    "Liian monta kirjautumisyritystä tälle tilille. Yritä uudelleen minuutin kuluttua."
                )
            )
            return render_template("auth/login.html", form=form), 429
        rows = list(db.query("SELECT * FROM user WHERE email = ?", [email]))
        row = rows[0] if rows else None
        password_hash = (row or {}).get("password_hash") or _DUMMY_HASH
        ok = check_password_hash(password_hash, form.password.data)
        if row and ok and row["active"]:
            user = User.from_row(row)
            _log_in(user, row["session_version"])
            return redirect(
                _safe_next(request.args.get("next")) or url_for(HOME_BY_ROLE[user.role])
            )
        form.password.errors.append(_("Sähköposti tai salasana on väärin."))
    return render_template("auth/login.html", form=form)


@bp.route("/kirjaudu-ulos", methods=["POST"])
def logout():
    from flask_wtf import FlaskForm

    if FlaskForm().validate_on_submit():
        if current_user.is_authenticated:
            # Ends this session and every copy of its cookie, wherever it went.
            accounts.end_sessions(get_db(), int(current_user.id))
        logout_user()
        session.clear()
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
        row = next(db.query("SELECT * FROM user WHERE id = ?", [user_id]))
        _log_in(User.from_row(row), row["session_version"])
        flash(_("Salasana on asetettu. Tervetuloa!"))
        return redirect(url_for(HOME_BY_ROLE[row["role"]]))
    return render_template("auth/set_password.html", form=form)
