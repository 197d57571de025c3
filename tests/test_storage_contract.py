"""One contract, every backend: what the rest of the bot relies on from storage."""

from __future__ import annotations

import asyncio

import pytest

from storage.port import Conflict, DocumentStore, NotFound, PreconditionFailed


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


async def test_documents_expire_after_their_ttl(store: DocumentStore) -> None:
    await store.create("responses", {"id": "short", "pk": "p9", "ttl": 1})
    await store.create("responses", {"id": "long", "pk": "p9", "ttl": 3600})
    assert await store.read("responses", "p9", "short") is not None
    await asyncio.sleep(2.1)
    assert await store.read("responses", "p9", "short") is None
    assert [d["id"] for d in await store.query("responses", "p9")] == ["long"]
    # An expired id is free again.
    await store.create("responses", {"id": "short", "pk": "p9", "ttl": 60})
