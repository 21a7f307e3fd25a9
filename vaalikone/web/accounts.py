"""Who is logged in: accounts of candidates, organisations and administrators (voters never have one),
through Flask-Login. Shared by the blueprints; the log-in pages themselves are the `auth` blueprint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, abort, session
from flask_login import LoginManager, UserMixin, current_user

from vaalikone.web.database import get_db


class _LoginManager(LoginManager):
    def _session_protection_failed(self) -> bool:
        # "Strong" protection guards logged-in sessions against theft. A voter's session holds only a CSRF
        # token; checking it would rewrite the session cookie (and clear a remember cookie) on every request.
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


login_manager = _LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


@dataclass
class User(UserMixin):
    """A logged-in person: role decides which blueprint they may use."""

    id: int
    email: str
    role: str
    candidate_id: int | None = None
    organisation_id: str | None = None
    active: int = 1

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> User:
        return cls(
            id=row["id"],
            email=row["email"],
            role=row["role"],
            candidate_id=row["candidate_id"],
            organisation_id=row["organisation_id"],
            active=row["active"],
        )


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, while the account is active and the session as new as its session version
    (log-out, a password change and deactivation advance it, ending every older session)."""
    rows = list(get_db().query("SELECT * FROM user WHERE id = ?", [user_id]))
    if not rows or not rows[0]["active"]:
        return None
    if session.get("session_version") != rows[0]["session_version"]:
        return None
    return User.from_row(rows[0])


def role_required(*roles: str) -> Callable:
    """Only logged-in users of these roles get through: others are sent to log in, or refused (403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


__all__ = ["User", "load_user", "login_manager", "role_required"]
