"""One contract, every backend: what the rest of the bot relies on from storage."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storage.leases import LeaseStore
from storage.port import (
    Conflict,
    Create,
    DocumentStore,
    Increment,
    NotFound,
    PreconditionFailed,
    Upsert,
)
from tests.support.host import CONTRACT_BACKENDS


@pytest.fixture(params=CONTRACT_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_create_read_replace_delete(store: DocumentStore) -> None:
    created = await store.create("users", {"id": "profile", "pk": "u1", "name": "Kari"})
    assert created["_etag"]
    read = await store.read("users", "u1", "profile")
    assert read is not None and read["name"] == "Kari" and read["_etag"] == created["_etag"]
    replaced = await store.replace("users", {**read, "name": "Kari N."}, etag=read["_etag"])
    assert replaced["_etag"] != created["_etag"]
    assert (await store.read("users", "u1", "profile") or {})["name"] == "Kari N."
    await store.delete("users", "u1", "profile")
    assert await store.read("users", "u1", "profile") is None


async def test_missing_documents_are_not_found(store: DocumentStore) -> None:
    assert await store.read("users", "nobody", "profile") is None
    with pytest.raises(NotFound):
        await store.replace("users", {"id": "profile", "pk": "nobody"})
    with pytest.raises(NotFound):
        await store.delete("users", "nobody", "profile")


async def test_create_of_an_existing_id_conflicts(store: DocumentStore) -> None:
    await store.create("responses", {"id": "r1", "pk": "p1", "scores": {"stress": 2}})
    with pytest.raises(Conflict):
        await store.create("responses", {"id": "r1", "pk": "p1", "scores": {"stress": 5}})
    assert (await store.read("responses", "p1", "r1") or {})["scores"] == {"stress": 2}


async def test_same_id_in_other_partition_is_another_document(store: DocumentStore) -> None:
    await store.create("responses", {"id": "r1", "pk": "p1", "v": 1})
    await store.create("responses", {"id": "r1", "pk": "p2", "v": 2})
    assert (await store.read("responses", "p2", "r1") or {})["v"] == 2


async def test_stale_etag_is_refused(store: DocumentStore) -> None:
    first = await store.create("leases", {"id": "job", "pk": "job", "holder": "a"})
    await store.replace("leases", {**first, "holder": "b"}, etag=first["_etag"])
    with pytest.raises(PreconditionFailed):
        await store.replace("leases", {**first, "holder": "c"}, etag=first["_etag"])
    with pytest.raises(PreconditionFailed):
        await store.delete("leases", "job", "job", etag=first["_etag"])
    assert (await store.read("leases", "job", "job") or {})["holder"] == "b"


async def test_upsert_creates_then_overwrites(store: DocumentStore) -> None:
    await store.upsert("users", {"id": "profile", "pk": "u2", "language": "nb"})
    await store.upsert("users", {"id": "profile", "pk": "u2", "language": "en"})
    assert (await store.read("users", "u2", "profile") or {})["language"] == "en"


async def test_query_returns_only_the_partition_and_matching_fields(store: DocumentStore) -> None:
    for pk, n in [("a", 3), ("b", 2)]:
        for i in range(n):
            await store.create("rounds", {"id": f"{pk}{i}", "pk": pk, "open": i % 2 == 0})
    assert sorted(d["id"] for d in await store.query("rounds", "a")) == ["a0", "a1", "a2"]
    assert sorted(d["id"] for d in await store.query("rounds", "a", {"open": True})) == ["a0", "a2"]
    assert [d["id"] for d in await store.query("rounds", "b", {"id": "b1"})] == ["b1"]
    assert await store.query("rounds", "c") == []


async def test_fifty_concurrent_increments_end_at_exactly_fifty(store: DocumentStore) -> None:
    await asyncio.gather(
        *(
            store.increment("counters", "round1", "all", {"n": 1, "stress_sum": 3})
            for _ in range(50)
        )
    )
    doc = await store.read("counters", "round1", "all")
    assert doc is not None and doc["n"] == 50 and doc["stress_sum"] == 150


async def test_a_batch_writes_all_of_its_operations_in_one_partition(
    store: DocumentStore,
) -> None:
    await store.batch(
        "counters",
        "round1",
        [
            Create({"id": "entry", "pk": "round1", "v": 1}),
            Upsert({"id": "note", "pk": "round1", "v": 2}),
            Increment("cell", {"n": 1, "stress_4": 1}, ttl=3600),
        ],
    )
    await store.batch("counters", "round1", [Increment("cell", {"n": 1, "stress_2": 1})])
    docs = {d["id"]: d for d in await store.query("counters", "round1")}
    assert docs["entry"]["v"] == 1 and docs["note"]["v"] == 2
    cell = docs["cell"]
    assert (cell["n"], cell["stress_4"], cell["stress_2"], cell["ttl"]) == (2, 1, 1, 3600)


async def test_a_batch_that_fails_writes_nothing(store: DocumentStore) -> None:
    await store.create("counters", {"id": "entry", "pk": "round1", "v": 1})
    await store.increment("counters", "round1", "cell", {"n": 1})
    with pytest.raises(Conflict):
        await store.batch(
            "counters",
            "round1",
            [
                Increment("cell", {"n": 1}),
                Upsert({"id": "note", "pk": "round1"}),
                Create({"id": "entry", "pk": "round1", "v": 2}),
            ],
        )
    docs = {d["id"]: d for d in await store.query("counters", "round1")}
    assert set(docs) == {"entry", "cell"}
    assert docs["entry"]["v"] == 1 and docs["cell"]["n"] == 1


async def test_a_batch_refuses_an_increment_of_a_counter_closed_by_a_flag(
    store: DocumentStore,
) -> None:
    fenced = [Increment("count", {"answered": 1}, unless="closed")]
    await store.batch("counters", "round1", fenced)  # no document yet: created
    await store.batch("counters", "round1", fenced)
    await store.increment("counters", "round1", "count", {"closed": 1})
    with pytest.raises(PreconditionFailed):
        await store.batch("counters", "round1", [Create({"id": "entry", "pk": "round1"}), *fenced])
    assert (await store.read("counters", "round1", "count") or {})["answered"] == 2
    assert await store.read("counters", "round1", "entry") is None


async def test_concurrent_batches_count_every_increment_once(store: DocumentStore) -> None:
    await asyncio.gather(
        *(
            store.batch(
                "counters",
                "round1",
                [Create({"id": f"entry{i}", "pk": "round1"}), Increment("all", {"n": 1})],
            )
            for i in range(20)
        )
    )
    assert (await store.read("counters", "round1", "all") or {})["n"] == 20
    assert len(await store.query("counters", "round1")) == 21


async def test_documents_expire_after_their_ttl(store: DocumentStore) -> None:
    # Cosmos counts TTL from `_ts`, which is whole seconds (floored), so a
    # document lives between ttl-1 and ttl seconds; 3 leaves room to read it.
    await store.create("responses", {"id": "short", "pk": "p9", "ttl": 3})
    await store.create("responses", {"id": "long", "pk": "p9", "ttl": 3600})
    assert await store.read("responses", "p9", "short") is not None
    await asyncio.sleep(3.1)
    assert await store.read("responses", "p9", "short") is None
    assert [d["id"] for d in await store.query("responses", "p9")] == ["long"]
    # An expired id is free again.
    await store.create("responses", {"id": "short", "pk": "p9", "ttl": 60})


async def test_lease_contention_between_two_holders(store: DocumentStore) -> None:
    now = [datetime(2026, 11, 26, 9, 0, tzinfo=UTC)]
    leases = LeaseStore(store, clock=lambda: now[0])
    minute = timedelta(minutes=1)
    a, b = await asyncio.gather(
        leases.acquire("round-open", "host-a", minute),
        leases.acquire("round-open", "host-b", minute),
    )
    assert (a is None) != (b is None)  # exactly one wins the race
    winner = a or b
    assert winner is not None
    loser = "host-b" if winner.holder == "host-a" else "host-a"
    assert await leases.acquire("round-open", loser, minute) is None
    now[0] += timedelta(seconds=30)
    renewed = await leases.renew(winner, minute)
    assert renewed is not None and renewed.expires_at > winner.expires_at
    assert await leases.renew(winner, minute) is None  # the old ETag is spent
    now[0] += timedelta(minutes=2)  # the holder stopped renewing
    taken = await leases.acquire("round-open", loser, minute)
    assert taken is not None and taken.holder == loser
    await leases.release(renewed)  # the former holder's release must not free the new lease
    assert await leases.acquire("round-open", winner.holder, minute) is None
    await leases.release(taken)
    assert await leases.acquire("round-open", winner.holder, minute) is not None


async def test_lease_race_of_many_instances_has_one_winner(store: DocumentStore) -> None:
    leases = LeaseStore(store)
    results = await asyncio.gather(
        *(leases.acquire("reminders", f"host-{n}", timedelta(minutes=5)) for n in range(10))
    )
    assert sum(r is not None for r in results) == 1


async def test_writes_during_a_throttling_burst_are_neither_lost_nor_doubled(
    store: DocumentStore, throttle: Callable[[float], Coroutine[Any, Any, None]]
) -> None:
    await store.read("responses", "warm", "up")  # connect before the burst starts

    async def write(n: int) -> None:
        await store.create("responses", {"id": "r1", "pk": f"p{n}", "n": n})
        await store.increment("counters", "r1", "all", {"n": 1})

    burst = asyncio.create_task(throttle(0.5))
    await asyncio.sleep(0.05)
    await asyncio.gather(*(write(n) for n in range(100)))
    await burst
    for n in range(100):
        assert (await store.read("responses", f"p{n}", "r1") or {}).get("n") == n
    assert (await store.read("counters", "r1", "all") or {}).get("n") == 100
