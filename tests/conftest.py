"""Shared fixtures: an app on a temporary database, the demo database built once, a live server and
real Chromium (Debian's /usr/bin/chromium driven by Playwright) with an axe-core check."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import settings
from werkzeug.serving import make_server

from vaalikone import create_app
from vaalikone.db import connect

# Property and fuzz tests draw the same examples on every run: a red CI then means a change broke something,
# never that this run happened to draw a new input. (Exploring new inputs is a deliberate local run:
# `pytest --hypothesis-profile=explore`.)
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")

# Commands speak the terminal's language; the tests read them in English whatever this machine's LANG is.
os.environ["VAALIKONE_LANGUAGE"] = "en"

CHROMIUM = "/usr/bin/chromium"
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "RATELIMIT_ENABLED": False,
    "SNAPSHOT_MAX_STALENESS": 0,
}


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Flask]:
    """Build apps on this test's own database file; keyword arguments override configuration."""

    def _make(**overrides: Any) -> Flask:
        config = {**TEST_CONFIG, "DATABASE": str(tmp_path / "vaalikone.db"), **overrides}
        return create_app(config)

    return _make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """An app on an empty (migrated, reference data loaded) database; CSRF off for plain form posts."""
    return make_app(WTF_CSRF_ENABLED=False)


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask):
    database = connect(app.config["DATABASE"])
    yield database
    database.conn.close()


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo elections loaded once per test session; tests get their own copy."""
    from vaalikone.domain import demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_app({**TEST_CONFIG, "DATABASE": str(path)})
    database = connect(path)
    demo.load_demo(database)
    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.conn.close()
    return path


@pytest.fixture
def demo_app(demo_db_file: Path, tmp_path: Path) -> Flask:
    """An app on a private copy of the demo database."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_db_file, path)
    return create_app({**TEST_CONFIG, "DATABASE": str(path), "WTF_CSRF_ENABLED": False})


@pytest.fixture
def demo_client(demo_app: Flask):
    return demo_app.test_client()


class LiveServer:
    """The app served by werkzeug in a thread on a free loopback port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server(demo_app: Flask) -> Iterator[LiveServer]:
    """The demo app (CSRF on, as in production) served on loopback."""
    demo_app.config["WTF_CSRF_ENABLED"] = True
    with LiveServer(demo_app) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """Real Chromium. Missing Chromium is a failure, never a skip: `make test` installs it."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make test`, which installs it"
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fi-FI")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def nojs_page(browser):
    context = browser.new_context(java_script_enabled=False, locale="fi-FI")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()
