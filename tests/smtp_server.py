"""A real SMTP server for tests (aiosmtpd on a loopback port) that keeps what arrived.

It can refuse chosen addresses with the server's own reply, drop the connection instead of accepting
a message, or stall after taking a message in (as a real server might before its 250 reaches us).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Arrival:
    rcpt_tos: list[str]
    message: EmailMessage
    at: float

    @property
    def body(self) -> str:
        return self.message.get_content()

    @property
    def subject(self) -> str:
        """The subject as a mail client shows it: Flask-Mailman folds a non-ASCII subject onto the next
        line ("Subject:" CRLF SP "=?utf-8?q?...?="), which Python's parser keeps as a leading space."""
        return str(self.message["Subject"]).strip()


@dataclass
class Recorder:
    """The handler: what arrived, and what the test wants the server to do next."""

    arrivals: list[Arrival] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> reply such as "550 5.1.1 ..."
    drop: int = 0  # drop the connection instead of taking in the next N messages
    stall_on: int = 0  # after taking in this many messages in total, hold the reply
    stall_seconds: float = 60.0
    stalled: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.drop:
            self.drop -= 1
            server.transport.close()
            return "421 4.3.0 connection dropped by the test"
        self.arrivals.append(
            Arrival(
                list(envelope.rcpt_tos),
                message_from_bytes(envelope.content, policy=policy.default),
                time.monotonic(),
            )
        )
        if self.stall_on and len(self.arrivals) == self.stall_on:
            self.stalled.set()
            await asyncio.sleep(self.stall_seconds)
        return "250 OK queued"

    def to(self, address: str) -> list[Arrival]:
        return [a for a in self.arrivals if address in a.rcpt_tos]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    """aiosmtpd's threaded controller on a free loopback port."""

    def __init__(self, port: int | None = None) -> None:
        self.recorder = Recorder()
        self.port = port or free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def config(self) -> dict[str, object]:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_TIMEOUT": 30}
