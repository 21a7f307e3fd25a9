"""Configuration: defaults < instance/config.py < VAALIKONE_* environment variables < create_app(config)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def _shipped(name: str) -> Path:
    """A top-level folder of the repository (templates/, questions/): beside the package in a checkout,
    inside it in an installed wheel (see setup.py)."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PROJECT_DIR / name


TEMPLATES_DIR = _shipped("templates")
QUESTIONS_DIR = _shipped("questions")

DEFAULTS: dict[str, Any] = {
    "QUESTIONS_DIR": str(QUESTIONS_DIR),
    "BABEL_DEFAULT_LOCALE": "fi",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
    "LANGUAGES": ["fi", "sv", "en"],
    # Voter answers travel in POST bodies; a generous cap still stops abuse.
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "API_RATE_LIMIT": "600 per minute",
    # Per worker (Flask-Limiter's memory): a second line behind nginx's zones, which hold across workers
    # and nodes (deploy/nginx/). The per-account log-in limit lives in the database (all workers share it).
    "VOTER_RATE_LIMIT": "600 per minute",
    "EXPORT_RATE_LIMIT": "30 per minute",
    "LOGIN_ATTEMPTS_PER_MINUTE": 5,
    "NODE_NAME": None,
    # A read-only node (README, "Scaling past one machine"): serves voters from DATABASE, never writes it.
    # With REPLICA (a Litestream replica URL or directory) DATABASE is its own copy, restored from the
    # replica and refreshed every REPLICA_POLL_SECONDS when the replica has advanced. PRIMARY_URL is
    # where log-in, candidates, organisations and administrators are sent from such a node.
    "READ_ONLY": False,
    "REPLICA": None,
    "REPLICA_POLL_SECONDS": 2.0,
    "PRIMARY_URL": None,
    "PROXY_COUNT": 0,
    "INVITATION_DAYS": 14,
    "RESULTS_PAGE_SIZE": 20,
    # Accessibility feedback is deleted this many days after it arrived.
    "FEEDBACK_RETENTION_DAYS": 365,
    # Seconds a worker may serve voters a snapshot older than the latest saved answers (see snapshot.py).
    "SNAPSHOT_MAX_STALENESS": 5.0,
    # What a worker keeps between requests (vaalikone.matching.store), least recently used first out:
    # published snapshots (elections x database files) and memoised election structure per database.
    "SNAPSHOT_CACHE_SIZE": 64,
    "MEMO_CACHE_SIZE": 4096,
    # The address people reach the service at, for links in e-mail (e.g. https://vaalikone.example.fi).
    # Pages fall back to the request's own address; commands that queue e-mail need it set.
    "BASE_URL": None,
    # E-mail through SMTP (Flask-Mailman reads the MAIL_* settings; VAALIKONE_MAIL_SERVER etc.).
    # Always SMTP, also under TESTING: tests talk to a real local SMTP server.
    "MAIL_BACKEND": "smtp",
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "vaalikone@localhost",
    # Seconds one SMTP reply may take; a message left 'sending' for twice this is
    # taken to belong to a sender that died (outbox.recover).
    "MAIL_TIMEOUT": 30,
    "MAIL_PER_MINUTE": 600,
    "MAIL_MAX_ATTEMPTS": 5,
    # A transient failure is tried again after this many seconds times the attempts so far.
    "MAIL_RETRY_SECONDS": 300,
}


def _from_env(value: str) -> Any:
    """Environment values are JSON when they parse as JSON (true, 5, [..]), plain strings otherwise."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def _secret_key(instance_path: Path) -> str:
    """A key generated once and kept in instance/, so every worker and restart signs alike."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def configure(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Apply the configuration layers in order of precedence."""
    instance_path = Path(app.instance_path)
    app.config.from_mapping(DEFAULTS)
    app.config["DATABASE"] = str(instance_path / "vaalikone.db")
    app.config.from_pyfile("config.py", silent=True)
    for name, value in os.environ.items():
        if name.startswith("VAALIKONE_") and name != "VAALIKONE_DATABASE":
            app.config[name.removeprefix("VAALIKONE_")] = _from_env(value)
    if os.environ.get("VAALIKONE_DATABASE"):
        app.config["DATABASE"] = os.environ["VAALIKONE_DATABASE"]
    if overrides:
        app.config.from_mapping(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance_path)
