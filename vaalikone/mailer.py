"""Delivery of the outbox through SMTP with Flask-Mailman (used by `send-mail`).

One SMTP connection carries the whole run; each message is claimed, handed over and recorded on its own
(see vaalikone/domain/outbox.py for the exact guarantee). The server's answer decides what happens:
accepted -> sent; a permanent refusal (5xx, e.g. an unknown address) -> failed, with the server's reason;
anything transient (4xx, a dropped connection, no connection) -> tried again later, up to
MAIL_MAX_ATTEMPTS. A dropped connection means the server never gave its acceptance (RFC 5321 makes it
responsible for a message only once it has answered 250), so trying again is the right reading; the rare
server that accepted and then lost the connection before its 250 reached us gives one copy more, with
the same Message-ID.
"""

from __future__ import annotations

import smtplib
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import sqlite_utils
from flask import Flask
from flask_mailman import EmailMessage

from vaalikone.domain import outbox
from vaalikone.extensions import mail


def lease(app: Flask) -> timedelta:
    """How long a message may stay 'sending' before its sender is taken to have died."""
    return timedelta(seconds=2 * float(app.config["MAIL_TIMEOUT"]))


def _reason(error: Exception) -> str:
    """The server's own words when it gave some, else the error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        return f"{error.smtp_code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return f"{type(error).__name__}: {error}"


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


class Unreachable(Exception):
    """The SMTP server could not be reached or refused us as a client: the run stops, nothing is used up."""


def deliver(app: Flask, db: sqlite_utils.Database, limit: int | None = None) -> Counter[str]:
    """Send what is due in the outbox, keeping MAIL_PER_MINUTE; returns counts of what happened.

    Stops when nothing is due (or after `limit` messages), so it suits a timer (cron, systemd). Raises
    Unreachable when no connection can be opened: the rest would fail alike, so the run ends at once,
    the claimed message goes back untried, and the next run starts where this one stopped.
    """
    config = app.config
    done: Counter[str] = Counter()
    done["uncertain"] = outbox.recover(db, lease(app))
    connection = mail.get_connection(fail_silently=False)
    per_minute = int(config["MAIL_PER_MINUTE"])
    try:
        while limit is None or done["claimed"] < limit:
            row, wait = outbox.claim(db, per_minute)
            if row is None:
                if not wait:
                    break
                if wait > 10:  # an idle SMTP connection may be dropped by the server meanwhile
                    _close(connection)
                time.sleep(wait)
                continue
            done["claimed"] += 1
            try:
                connection.open()
            except (smtplib.SMTPException, OSError) as error:
                outbox.release(db, row["id"], _reason(error))
                raise Unreachable(_reason(error)) from error
            done[_send(app, db, connection, row)] += 1
    finally:
        _close(connection)
    return done


def _send(app: Flask, db: sqlite_utils.Database, connection: Any, row: dict[str, Any]) -> str:
    """Hand one claimed message to SMTP and record the outcome: 'sent', 'failed' or 'retry'."""
    config = app.config
    message = EmailMessage(
        subject=row["subject"],
        body=row["body"],
        from_email=config["MAIL_DEFAULT_SENDER"],
        to=[row["recipient"]],
        headers={"Message-ID": row["message_id"], "Content-Language": row["language"]},
        connection=connection,
    )
    try:
        connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        if not isinstance(error, smtplib.SMTPRecipientsRefused):
            # The conversation may be in any state: start the next message on a fresh connection.
            _close(connection)
        if _permanent(error):
            outbox.mark_failed(db, row["id"], _reason(error))
            return "failed"
        delay = timedelta(seconds=float(config["MAIL_RETRY_SECONDS"]) * row["attempts"])
        again = outbox.retry_later(
            db, row["id"], _reason(error), delay, int(config["MAIL_MAX_ATTEMPTS"])
        )
        return "retry" if again else "failed"
    outbox.mark_sent(db, row["id"])
    return "sent"


def _close(connection: Any) -> None:
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        connection.connection = None
