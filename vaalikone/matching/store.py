"""What a worker keeps between requests: published snapshots and the elections' structure, owned by the app.

An app builds one `MatchingStore` (app.extensions["vaalikone.matching"]) and makes it current for each of its
requests; matching code finds it with `current()`. Everything it holds is bounded (least recently used goes
first) and keyed only by values read from the database or checked against it, never by raw request input:
one hostile client sending unique parameters cannot grow a worker's memory. Outside an app (a script, a
test) no store is current and nothing is kept: each call computes afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """A thread-safe mapping that forgets its least recently used entry beyond `maxsize` entries."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def replace(self, key: Hashable, expected: V, value: V) -> bool:
        """Put `value` in place of `expected`, unless someone put another value there meanwhile."""
        with self._lock:
            if self._items.get(key) is not expected:
                return False
            self._items[key] = value
            return True

    def remember(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value under key, made (outside the lock) and kept when missing."""
        found = self.get(key)
        return found if found is not None else self.put(key, make())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class MatchingStore:
    """One app's snapshots (per database file and election) and structure memo (per database file)."""

    def __init__(
        self, max_snapshots: int = 64, max_memo: int = 4096, max_staleness: float = 0.0
    ) -> None:
        # Seconds a snapshot may be served after answers changed, while the next one is built (snapshot.py).
        self.max_staleness = max_staleness
        self.snapshots: BoundedCache[Any] = BoundedCache(max_snapshots)
        self.max_memo = max_memo
        self._structures: BoundedCache[tuple[Any, BoundedCache[Any]]] = BoundedCache(8)
        # Reports computed from a snapshot (reports/robustness.py), per database, election and data_version.
        self.reports: BoundedCache[Any] = BoundedCache(8)
        self.build_lock = threading.Lock()  # one synchronous snapshot build at a time
        self.rebuilding: dict[Hashable, threading.Thread] = {}  # background rebuilds under way
        self.rebuilding_lock = threading.Lock()

    def memo(self, path: str, structure: Any) -> BoundedCache[Any]:
        """The memo of the database at `path` while its elections' structure is `structure`; a new
        structure (an import, a publication) starts an empty one."""
        held = self._structures.get(path)
        if held is None or held[0] != structure:
            held = self._structures.put(path, (structure, BoundedCache(self.max_memo)))
        return held[1]

    def wait_for_rebuilds(self, timeout: float = 10.0) -> None:
        """Wait until the background rebuilds under way have finished (for tests and scripts)."""
        with self.rebuilding_lock:
            threads = list(self.rebuilding.values())
        for thread in threads:
            thread.join(timeout)


_current: ContextVar[MatchingStore | None] = ContextVar("vaalikone_matching_store", default=None)


def activate(store: MatchingStore | None) -> None:
    """Make `store` the one matching code uses in this context (the web layer does so per request)."""
    _current.set(store)


def current() -> MatchingStore:
    """The active store, or a fresh one that keeps nothing beyond this call outside an app."""
    return _current.get() or MatchingStore()
