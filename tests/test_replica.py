"""Nothing lost when a machine dies: the primary replicated by Litestream (deploy/litestream.yml), restored
with `flask restore`, and read-only nodes that serve voters from their own copy and never write it."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import TEST_CONFIG
from tests.helpers import run_script
from vaalikone import create_app
from vaalikone.db import opened, writing
from vaalikone.db.replica import latest_txid, litestream
from vaalikone.domain.organisations import toggle_report_publication

ROOT = Path(__file__).resolve().parent.parent


class Primary:
    """A primary database with Litestream replicating it to a local directory, as deploy/litestream.yml
    configures it."""

    def __init__(self, path: Path, replica: Path) -> None:
        self.path, self.replica = path, replica
        env = {
            **os.environ,
            "VAALIKONE_DATABASE": str(path),
            "LITESTREAM_REPLICA_URL": replica.as_uri(),
        }
        self.process = subprocess.Popen(
            [litestream(), "replicate", "-config", str(ROOT / "deploy" / "litestream.yml")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.txid = self.wait_for_replica(0)

    def wait_for_replica(self, beyond: int, timeout: float = 30) -> int:
        """The replica's newest transaction, once it is past `beyond`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            txid = latest_txid(str(self.replica))
            if txid is not None and txid > beyond:
                return txid
            time.sleep(0.2)
        raise AssertionError(f"the replica did not advance past {beyond}")

    def rename_candidate(self, candidate_id: int, first_name: str) -> None:
        """A change voters see, committed on the primary and then replicated."""
        with opened(self.path) as db, writing(db):
            db.execute(
                "UPDATE candidate SET first_name = ? WHERE id = ?", [first_name, candidate_id]
            )
        self.txid = self.wait_for_replica(self.txid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(15)


@pytest.fixture(autouse=True)
def english_commands(monkeypatch):
    """The commands' messages in English, whatever this terminal's language."""
    monkeypatch.setenv("VAALIKONE_LANGUAGE", "en")


@pytest.fixture
def primary(demo_db_file: Path, tmp_path: Path) -> Iterator[Primary]:
    path = tmp_path / "primary.db"
    shutil.copy(demo_db_file, path)
    with opened(path) as db:
        toggle_report_publication(db, "soste", "kunta-2025")  # a public report for voters to read
    running = Primary(path, tmp_path / "replica")
    yield running
    running.stop()


def read_only_app(primary: Primary, copy: Path, **config):
    return create_app(
        {
            **TEST_CONFIG,
            "DATABASE": str(copy),
            "READ_ONLY": True,
            "REPLICA": str(primary.replica),
            "REPLICA_POLL_SECONDS": 0,  # the tests refresh by hand
            **config,
        }
    )


def name_of(client, candidate_id: int) -> str:
    response = client.get(f"/api/v1/candidates/{candidate_id}")
    assert response.status_code == 200
    return response.get_json()["name"]


def test_restore_brings_back_the_latest_state_and_checks_it(primary, tmp_path):
    primary.rename_candidate(1, "Palautettu")
    app = create_app({**TEST_CONFIG, "DATABASE": str(tmp_path / "elsewhere.db")})
    target = tmp_path / "restored" / "vaalikone.db"

    result = app.test_cli_runner().invoke(
        args=["restore", "--from", str(primary.replica), str(target)]
    )

    assert result.exit_code == 0, result.output
    assert "integrity check: ok" in result.output
    with opened(target) as db:
        name = db.execute("SELECT first_name FROM candidate WHERE id = 1").fetchone()[0]
        assert name == "Palautettu"
        assert db.execute("SELECT count(*) FROM answer").fetchone()[0] > 1000


def test_restore_to_a_point_in_time(primary, tmp_path):
    primary.rename_candidate(1, "Ennen")
    time.sleep(1.2)  # the replica keeps times to the second
    moment = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    time.sleep(1.2)
    primary.rename_candidate(1, "Jälkeen")
    app = create_app({**TEST_CONFIG, "DATABASE": str(tmp_path / "elsewhere.db")})
    runner = app.test_cli_runner()
    earlier, latest = tmp_path / "earlier.db", tmp_path / "latest.db"

    at = runner.invoke(
        args=["restore", "--from", str(primary.replica), "--timestamp", moment, str(earlier)]
    )
    now = runner.invoke(args=["restore", "--from", str(primary.replica), str(latest)])

    assert at.exit_code == 0 and now.exit_code == 0, at.output + now.output
    with opened(earlier) as a, opened(latest) as b:
        assert a.execute("SELECT first_name FROM candidate WHERE id = 1").fetchone()[0] == "Ennen"
        assert b.execute("SELECT first_name FROM candidate WHERE id = 1").fetchone()[0] == "Jälkeen"


def test_restore_never_overwrites_a_database(primary, tmp_path):
    live = tmp_path / "live.db"
    create_app({**TEST_CONFIG, "DATABASE": str(live)})  # the service's first start created it
    runner = create_app({**TEST_CONFIG, "DATABASE": str(live)}).test_cli_runner()
    other = tmp_path / "other.db"
    other.write_bytes(b"someone's data")
    before = live.read_bytes()

    into_other = runner.invoke(args=["restore", "--from", str(primary.replica), str(other)])
    into_live = runner.invoke(args=["restore", "--from", str(primary.replica), str(live)])
    from_nowhere = runner.invoke(
        args=["restore", "--from", str(tmp_path / "no-replica"), str(tmp_path / "x.db")]
    )

    assert into_other.exit_code != 0 and "nothing was overwritten" in into_other.output
    assert other.read_bytes() == b"someone's data"
    assert into_live.exit_code != 0 and "live database" in into_live.output
    assert live.read_bytes() == before
    assert from_nowhere.exit_code != 0 and not (tmp_path / "x.db").exists()


def test_restore_fills_the_configured_database_its_own_start_created(primary, tmp_path):
    # A new machine: VAALIKONE_DATABASE names a file that does not exist yet.
    target = tmp_path / "new-primary.db"
    app = create_app({**TEST_CONFIG, "DATABASE": str(target)})

    result = app.test_cli_runner().invoke(
        args=["restore", "--from", str(primary.replica), str(target)]
    )

    assert result.exit_code == 0, result.output
    with opened(target) as db:
        assert db.execute("SELECT count(*) FROM candidate").fetchone()[0] > 100


def fingerprint(directory: Path) -> dict[str, str]:
    """Every file beside the copy, with a hash of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_a_read_only_node_never_writes_its_copy(primary, tmp_path):
    node = tmp_path / "node"
    app = read_only_app(primary, node / "copy.db", WTF_CSRF_ENABLED=False)
    before = fingerprint(node)
    client = app.test_client()

    # Voters: pages (the quick quiz and plain language too), results, the API, open data, a report.
    for path in [
        "/",
        "/vaalit?kunta=091",
        "/kysely?kunta=091",
        "/kysely/kaikki?kunta=091",
        "/kysely/pika?kunta=091",
        "/kysely?kunta=091&selko=1",
        "/menetelma",
        "/tietosuoja",
        "/ehdokkaat/1",
        "/api/v1/questions?election=kunta-2025",
        "/api/v1/municipalities",
        "/api/v1/candidates/1",
        "/api/v1/elections/kunta-2025/answers.json",
        "/api/v1/elections/kunta-2025/answers.csv",
        "/jarjesto/raportit/soste-kunta-2025",
        "/jarjesto/raportit/soste-kunta-2025.csv",
    ]:
        assert client.get(path).status_code == 200, path
    assert (
        client.post("/tulokset", data={"kunta": "091", "a-free-premises": "5"}).status_code == 200
    )
    assert client.post(
        "/api/v1/match", json={"municipality": "091", "answers": {}}
    ).status_code in (200, 400)
    # Everyone with an account is sent to the primary, reads and writes alike.
    for method, path in [
        ("GET", "/kirjaudu"),
        ("POST", "/kirjaudu"),
        ("POST", "/kirjaudu-ulos"),
        ("GET", "/kutsu/abc"),
        ("POST", "/kutsu/abc"),
        ("GET", "/ehdokas/"),
        ("POST", "/ehdokas/"),
        ("GET", "/jarjesto/"),
        ("POST", "/jarjesto/profiili/kunta-2025"),
        ("GET", "/yllapito/"),
        ("POST", "/yllapito/vaalit"),
    ]:
        response = client.open(path, method=method, data={"email": "a@example.fi", "password": "x"})
        assert response.status_code == 503, (method, path)
        assert "pääpalvelimella" in response.get_data(as_text=True)
    # A direct attempt fails in SQLite itself, whatever the code path.
    from vaalikone.db import connect

    db = connect(node / "copy.db")
    with pytest.raises(Exception, match="readonly"):
        db.execute("UPDATE election SET name_fi = 'x'")
    db.conn.close()
    # gunicorn's start (the master loads vaalikone.wsgi and the published snapshots) writes nothing either.
    env = {
        **os.environ,
        "VAALIKONE_DATABASE": str(node / "copy.db"),
        "VAALIKONE_READ_ONLY": "true",
        "VAALIKONE_REPLICA": str(primary.replica),
        "VAALIKONE_SECRET_KEY": "x",
    }
    subprocess.run(
        [sys.executable, "-c", "import vaalikone.wsgi"], cwd=ROOT, env=env, check=True, timeout=120
    )

    assert fingerprint(node) == before


def test_read_only_start_does_not_migrate(demo_db_file, tmp_path):
    # A copy with a migration missing: a writable start would apply it; a read-only one must not.
    copy = tmp_path / "old.db"
    shutil.copy(demo_db_file, copy)
    with opened(copy) as db:
        db.execute(
            "DELETE FROM _sqlite_migrations WHERE rowid = (SELECT max(rowid) FROM _sqlite_migrations)"
        )
        db.conn.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = copy.read_bytes()

    app = create_app({**TEST_CONFIG, "DATABASE": str(copy), "READ_ONLY": True})
    app.test_client().get("/")
    result = app.test_cli_runner().invoke(args=["init-db"])

    assert result.exit_code != 0 and "read-only" in result.output
    assert copy.read_bytes() == before


def test_a_read_node_follows_the_replica_and_voters_see_no_error_while_it_swaps(primary, tmp_path):
    app = read_only_app(primary, tmp_path / "node" / "copy.db", WTF_CSRF_ENABLED=False)
    follower = app.extensions["vaalikone.follower"]
    client = app.test_client()
    original = name_of(client, 1)
    assert follower.refresh() is False  # nothing new yet

    # Voters keep asking while the copy is swapped three times under them.
    statuses: list[int] = []
    done = threading.Event()

    def voter() -> None:
        own = app.test_client()
        while not done.is_set():
            statuses.append(own.get("/api/v1/candidates/1").status_code)
            statuses.append(
                own.post("/tulokset", data={"kunta": "091", "a-free-premises": "2"}).status_code
            )

    threads = [threading.Thread(target=voter) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        seen = []
        for n in range(3):
            primary.rename_candidate(1, f"Uusi{n}")
            assert follower.refresh() is True
            seen.append(name_of(client, 1).split()[0])
    finally:
        done.set()
        for thread in threads:
            thread.join(30)

    assert original.split()[0] != "Uusi0"
    assert seen == ["Uusi0", "Uusi1", "Uusi2"]
    assert statuses and set(statuses) == {200}, sorted(set(statuses))
    assert follower.current_txid() == primary.txid
    assert not list((tmp_path / "node").glob(".copy.db.*")), "no half-restored file is left behind"


def test_a_read_node_polls_by_itself(primary, tmp_path):
    app = read_only_app(primary, tmp_path / "node" / "copy.db", REPLICA_POLL_SECONDS=0.3)
    client = app.test_client()
    client.get("/")  # the first request starts this process's poller
    primary.rename_candidate(2, "Kyselty")
    deadline = time.monotonic() + 20
    while name_of(client, 2).split()[0] != "Kyselty":
        assert time.monotonic() < deadline, "the node never picked up the change"
        time.sleep(0.2)
    app.extensions["vaalikone.follower"].stop()


@pytest.mark.slow
def test_failover_drill_short():
    # A short run of scripts/failover-drill (the full run's output is in the README): it exits non-zero
    # when a target is missed, and prints what it measured.
    result = run_script(
        "failover-drill",
        "--seconds",
        "14",
        "--kill-after",
        "5",
        "--voters",
        "20",
        "--candidates",
        "8",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "targets met" in result.stdout
    assert "failed: 0" in result.stdout


def test_a_copy_that_went_back_in_time_is_served_as_it_is(demo_db_file, tmp_path):
    # A point-in-time restore on the primary reaches read nodes as a copy with lower data versions: what
    # was built from the later state must not be served, nor updated from.
    from vaalikone.matching.snapshot import get_snapshot
    from vaalikone.matching.store import MatchingStore

    store = MatchingStore()
    copy, earlier = tmp_path / "copy.db", tmp_path / "earlier.db"
    shutil.copy(demo_db_file, copy)
    shutil.copy(demo_db_file, earlier)
    with opened(copy) as db:
        with writing(db):
            db.execute("UPDATE candidate SET first_name = 'Myöhempi' WHERE id = 1")
        later = get_snapshot(db, "kunta-2025", store=store)
    os.replace(earlier, copy)

    with opened(copy) as db:
        served = get_snapshot(db, "kunta-2025", store=store)

    assert served.version < later.version
    row = list(served.candidate_ids).index(1)
    assert served.people[row]["first_name"] != "Myöhempi"


def test_read_only_without_a_replica_reads_the_primary_file_as_it_changes(demo_db_file, tmp_path):
    # One machine, two processes: a read-only app on the file that the primary writes.
    path = tmp_path / "shared.db"
    shutil.copy(demo_db_file, path)
    reader = create_app({**TEST_CONFIG, "DATABASE": str(path), "READ_ONLY": True}).test_client()
    assert name_of(reader, 3).split()[0] != "Jaettu"

    primary = sqlite3.connect(path)
    primary.execute("UPDATE candidate SET first_name = 'Jaettu' WHERE id = 3")
    primary.commit()
    primary.close()

    assert name_of(reader, 3).split()[0] == "Jaettu"


@pytest.mark.browser
def test_a_read_node_tells_candidates_where_to_go(demo_db_file, tmp_path, page):
    from tests.conftest import LiveServer
    from tests.helpers import assert_accessible

    path = tmp_path / "copy.db"
    shutil.copy(demo_db_file, path)
    app = create_app(
        {
            **TEST_CONFIG,
            "DATABASE": str(path),
            "READ_ONLY": True,
            "PRIMARY_URL": "https://vaalikone.example.fi",
        }
    )
    with LiveServer(app) as server:
        response = page.goto(server.url + "/ehdokas/")
        assert response.status == 503
        link = page.get_by_role("link", name="Siirry pääpalvelimelle")
        assert link.get_attribute("href") == "https://vaalikone.example.fi/ehdokas/"
        assert_accessible(page, "read-only-node")
