"""What a worker keeps between requests is the app's own, bounded, and keyed only by checked values:
a hostile client sending unique parameters cannot make it grow."""

from __future__ import annotations

import secrets

from vaalikone.extensions import matching_store
from vaalikone.matching.store import BoundedCache


def kept(app) -> int:
    """Entries in the app's memos and snapshots, and its template links."""
    store = matching_store(app)
    memos = sum(len(held[1]) for held in store._structures._items.values())
    return memos + len(store.snapshots) + len(app.extensions["vaalikone.links"])


def test_unique_election_days_and_unknown_municipalities_are_answered_without_being_remembered(
    demo_app, demo_client
):
    def hostile_round() -> None:
        day = secrets.token_hex(1800)  # 3.6 KB, different every time
        assert demo_client.get(f"/vaalit?kunta=091&paiva={day}").status_code == 200
        assert demo_client.post("/kysely", data={"kunta": "179", "paiva": day}).status_code == 200
        unknown = secrets.token_hex(8)
        assert demo_client.get(f"/vaalit?kunta={unknown}").status_code in (200, 302, 400, 404)
        assert demo_client.post("/kysely", data={"kunta": unknown}).status_code in (200, 302, 400)

    hostile_round()  # the pages' own first visit fills what they legitimately keep
    settled = kept(demo_app)
    for _ in range(50):
        hostile_round()
    assert kept(demo_app) == settled


def test_each_app_keeps_its_own_snapshots(demo_app, make_app, demo_client):
    assert demo_client.post("/tulokset", data={"kunta": "179"}).status_code == 200
    assert len(matching_store(demo_app).snapshots) > 0
    other = make_app()
    assert len(matching_store(other).snapshots) == 0


def test_a_bounded_cache_forgets_the_least_recently_used_first():
    cache: BoundedCache[int] = BoundedCache(3)
    for key in "abc":
        cache.put(key, ord(key))
    assert cache.get("a") == ord("a")  # now the most recent
    cache.put("d", 4)
    assert len(cache) == 3 and cache.get("b") is None and cache.get("a") == ord("a")
