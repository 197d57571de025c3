"""Tests of the local Cosmos DB test server (tools/cosmos-server/server.mjs), through
the real azure-cosmos SDK. Each fix of the stock @vercel/cosmosdb-server has a test
here that fails against the stock library: run them that way with

    COSMOS_SERVER_STOCK=1 .venv/bin/python -m pytest tests/integration/test_cosmos_server.py

The launcher's own features (start-up, certificate, faults, stats) and the checks of
what stock already gets right (ETags, patch, upsert) pass there too.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import email.utils
import hashlib
import hmac
import http.client
import json
import os
import socket
import ssl
import subprocess
import time
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from azure.core import MatchConditions
from azure.core.exceptions import ServiceRequestError
from azure.cosmos import (
    ContainerProxy,
    CosmosClient,
    DatabaseProxy,
    PartitionKey,
    SSLConfiguration,
    exceptions,
)
from azure.cosmos.aio import ContainerProxy as AsyncContainerProxy
from azure.cosmos.aio import CosmosClient as AsyncCosmosClient

from tests.support import cosmos_server as cs

STOCK = os.environ.get("COSMOS_SERVER_STOCK") == "1"
DATABASE = "launcher-tests"

pytestmark = pytest.mark.slow  # starts servers

cosmos = cs.cosmos_server_fixture(name="cosmos", scope="module", stock=STOCK)


@pytest.fixture(scope="module")
def database(cosmos: cs.CosmosTestServer) -> DatabaseProxy:
    return cosmos.client().create_database_if_not_exists(DATABASE)


@pytest.fixture(autouse=True)
def _no_leftover_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "cosmos" in request.fixturenames:
        request.getfixturevalue("cosmos").reset_faults()


def cosmos_code(error: exceptions.CosmosHttpResponseError) -> str:
    """The `code` of the Cosmos error body the server answered with."""
    assert error.error is not None, "the answer had no Cosmos error body"
    return str(error.error.code)


def unique(prefix: str = "c") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@contextlib.asynccontextmanager
async def async_container(
    cosmos: cs.CosmosTestServer, partition_path: str = "/pk", **container_options: Any
) -> AsyncIterator[AsyncContainerProxy]:
    """A fresh container, reached through the async SDK client."""
    async with cosmos.async_client() as client:
        db = await client.create_database_if_not_exists(DATABASE)
        yield await db.create_container(unique(), PartitionKey(partition_path), **container_options)


def signed_request(
    server: cs.CosmosTestServer, method: str, path: str, resource_type: str, resource_link: str
) -> tuple[http.client.HTTPResponse, bytes]:
    """A raw request signed with the master key as the Cosmos REST protocol says
    (an independent check of the server's signature verification)."""
    date = email.utils.formatdate(usegmt=True)
    text = f"{method.lower()}\n{resource_type.lower()}\n{resource_link}\n{date.lower()}\n\n"
    digest = hmac.new(base64.b64decode(server.key), text.encode(), hashlib.sha256).digest()
    token = urllib.parse.quote(
        f"type=master&ver=1.0&sig={base64.b64encode(digest).decode()}", safe=""
    )
    conn = http.client.HTTPSConnection(
        "127.0.0.1", server.port, context=server.ssl_context(), timeout=10
    )
    try:
        conn.request(
            method,
            path,
            headers={"authorization": token, "x-ms-date": date, "x-ms-version": "2020-07-15"},
        )
        resp = conn.getresponse()
        return resp, resp.read()
    finally:
        conn.close()


# ------------------------------------------------------------------ launcher


def test_starts_fast_on_loopback_with_a_certificate_for_127_0_0_1_and_localhost() -> None:
    started = time.monotonic()
    with cs.running_cosmos_server(stock=STOCK) as server:
        assert time.monotonic() - started < 3
        assert server.endpoint == f"https://127.0.0.1:{server.port}/"
        # The certificate verifies for both names (SAN IP:127.0.0.1 and DNS:localhost).
        for host in ("127.0.0.1", "localhost"):
            with (
                socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw,
                server.ssl_context().wrap_socket(raw, server_hostname=host) as tls,
            ):
                assert tls.version()
        # Bound to 127.0.0.1 only: another loopback address is refused (0.0.0.0 would accept).
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.2", server.port), timeout=2).close()
        process = server.process
    assert process.poll() is not None, "stop() ends the server"


def test_clear_data_drops_every_database() -> None:
    with cs.running_cosmos_server(stock=STOCK) as server:
        client = server.client()
        client.create_database("to-be-dropped")
        server.clear_data()
        assert [d["id"] for d in client.list_databases()] == []


def test_missing_node_modules_gives_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cs, "LIBRARY_PACKAGE", tmp_path / "missing" / "package.json")
    with pytest.raises(cs.CosmosServerError, match="npm ci"):
        cs.start_cosmos_server()


def test_keeps_connections_alive(cosmos: cs.CosmosTestServer, database: DatabaseProxy) -> None:
    container = database.create_container(unique(), PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p"})
    cosmos.reset_stats()
    for _ in range(20):
        container.read_item("a", partition_key="p")
    stats = cosmos.stats()
    assert stats["byVerbResource"]["GET docs"] == 20
    # Stock opens a new TLS connection for every request (20 here); kept alive, the reads
    # share one, or a very few when a loaded machine makes the client's pool open another.
    assert stats["connections"] <= 3


def test_sync_sdk_verifies_the_certificate(cosmos: cs.CosmosTestServer) -> None:
    # cosmos.client() passes the cert with an ssl_config, so the SDK really checks it.
    assert cosmos.client().get_database_account().WritableLocations
    with pytest.raises(ServiceRequestError, match="CERTIFICATE_VERIFY_FAILED"):
        cosmos.client(
            connection_verify=ssl.get_default_verify_paths().cafile, connection_retry_policy=None
        )


# --------------------------------------------------------------------- auth


def test_wrong_key_is_refused_with_401(cosmos: cs.CosmosTestServer) -> None:
    wrong_key = base64.b64encode(b"not the key" * 6).decode()
    with pytest.raises(exceptions.CosmosHttpResponseError) as excinfo:
        CosmosClient(
            cosmos.endpoint,
            wrong_key,
            connection_verify=cosmos.cert_path,
            ssl_config=SSLConfiguration(),
        )
    assert excinfo.value.status_code == 401
    assert cosmos_code(excinfo.value) == "Unauthorized"


@pytest.mark.asyncio
async def test_wrong_key_is_refused_with_401_async(cosmos: cs.CosmosTestServer) -> None:
    wrong_key = base64.b64encode(b"not the key" * 6).decode()
    with pytest.raises(exceptions.CosmosHttpResponseError) as excinfo:
        async with AsyncCosmosClient(cosmos.endpoint, wrong_key):
            pass
    assert excinfo.value.status_code == 401


def test_signature_is_checked_per_request(cosmos: cs.CosmosTestServer) -> None:
    resp, body = signed_request(cosmos, "GET", "/", "", "")
    assert resp.status == 200
    # The same signature is not valid for another resource.
    resp, body = signed_request(cosmos, "GET", "/dbs", "", "")
    assert resp.status == 401
    assert json.loads(body)["code"] == "Unauthorized"
    conn = http.client.HTTPSConnection(
        "127.0.0.1", cosmos.port, context=cosmos.ssl_context(), timeout=10
    )
    conn.request("GET", "/dbs")
    resp = conn.getresponse()
    assert (resp.status, json.loads(resp.read())["code"]) == (401, "Unauthorized")
    conn.close()


# ---------------------------------------------------------- partition keys


@pytest.mark.asyncio
async def test_query_with_partition_key_returns_only_that_partition(
    cosmos: cs.CosmosTestServer,
) -> None:
    async with async_container(cosmos) as container:
        for i in range(6):
            await container.create_item({"id": f"d{i}", "pk": f"p{i % 2}", "kind": "x"})

        single = [
            d
            async for d in container.query_items(
                "SELECT * FROM c WHERE c.kind = 'x'", partition_key="p0"
            )
        ]
        assert sorted(d["id"] for d in single) == ["d0", "d2", "d4"]
        # A filter on another partition's value finds nothing inside this partition.
        other = [
            d
            async for d in container.query_items(
                "SELECT * FROM c WHERE c.pk = 'p1'", partition_key="p0"
            )
        ]
        assert other == []
        # Parameters and continuations still work within the partition.
        pages = container.query_items(
            "SELECT * FROM c WHERE c.kind = @k",
            parameters=[{"name": "@k", "value": "x"}],
            partition_key="p1",
            max_item_count=2,
        ).by_page()
        paged = [d["id"] async for page in pages async for d in page]
        assert sorted(paged) == ["d1", "d3", "d5"]

        everything = [d async for d in container.query_items("SELECT * FROM c")]  # cross-partition
        assert len(everything) == 6


@pytest.mark.asyncio
async def test_nested_partition_key_path(cosmos: cs.CosmosTestServer) -> None:
    async with async_container(cosmos, partition_path="/tenant/id") as container:
        await container.create_item({"id": "a", "tenant": {"id": "t1"}})
        await container.create_item({"id": "b", "tenant": {"id": "t2"}})
        # Stock compares doc["tenant/id"] with the key, so the read is a 404.
        assert (await container.read_item("a", partition_key="t1"))["id"] == "a"
        found = [
            d["id"] async for d in container.query_items("SELECT * FROM c", partition_key="t2")
        ]
        assert found == ["b"]


# ----------------------------------------------------------------- not found


@pytest.mark.asyncio
async def test_missing_document_is_404_not_found(cosmos: cs.CosmosTestServer) -> None:
    async with async_container(cosmos) as container:
        await container.create_item({"id": "here", "pk": "p"})
        attempts = {
            "read": container.read_item("nope", partition_key="p"),
            "read from another partition": container.read_item("here", partition_key="other"),
            "replace": container.replace_item("nope", {"id": "nope", "pk": "p"}),
            "patch": container.patch_item(
                "nope",
                partition_key="p",
                patch_operations=[{"op": "set", "path": "/a", "value": 1}],
            ),
            "delete": container.delete_item("nope", partition_key="p"),
        }
        for what, attempt in attempts.items():
            with pytest.raises(exceptions.CosmosResourceNotFoundError) as excinfo:
                await attempt
            assert excinfo.value.status_code == 404, what
            assert cosmos_code(excinfo.value) == "NotFound", what


def test_error_bodies_carry_a_cosmos_code(
    cosmos: cs.CosmosTestServer, database: DatabaseProxy
) -> None:
    with pytest.raises(exceptions.CosmosResourceExistsError) as excinfo:
        cosmos.client().create_database(DATABASE)
    assert cosmos_code(excinfo.value) == "Conflict"


# ------------------------------------------------------------------------ TTL


@pytest.mark.asyncio
async def test_ttl_expires_documents(cosmos: cs.CosmosTestServer) -> None:
    async with contextlib.AsyncExitStack() as stack:
        ttl_on = await stack.enter_async_context(async_container(cosmos, default_ttl=-1))
        ttl_3s = await stack.enter_async_context(async_container(cosmos, default_ttl=3))
        ttl_off = await stack.enter_async_context(async_container(cosmos))

        written = await ttl_on.create_item({"id": "short", "pk": "p", "ttl": 3})
        await ttl_on.create_item({"id": "forever", "pk": "p"})
        await ttl_3s.create_item({"id": "default", "pk": "p"})
        await ttl_3s.create_item({"id": "pinned", "pk": "p", "ttl": -1})
        await ttl_off.create_item({"id": "ignored", "pk": "p", "ttl": 1})

        # _ts is in whole seconds, so a ttl of 3 lives 2-3 s: nothing has expired yet.
        assert isinstance(written["_ts"], int) and abs(written["_ts"] - time.time()) < 5
        assert (await ttl_on.read_item("short", partition_key="p"))["id"] == "short"
        assert (await ttl_3s.read_item("default", partition_key="p"))["id"] == "default"

        await asyncio.sleep(4.2)

        for container, doc_id in ((ttl_on, "short"), (ttl_3s, "default")):
            with pytest.raises(exceptions.CosmosResourceNotFoundError):
                await container.read_item(doc_id, partition_key="p")
        assert [
            d["id"] async for d in ttl_on.query_items("SELECT * FROM c", partition_key="p")
        ] == ["forever"]
        assert [d["id"] async for d in ttl_3s.query_items("SELECT * FROM c")] == ["pinned"]
        with pytest.raises(exceptions.CosmosResourceNotFoundError):
            await ttl_on.replace_item("short", {"id": "short", "pk": "p"})
        with pytest.raises(exceptions.CosmosResourceNotFoundError):
            await ttl_on.patch_item(
                "short",
                partition_key="p",
                patch_operations=[{"op": "set", "path": "/a", "value": 1}],
            )
        # An expired id can be used again.
        await ttl_on.create_item({"id": "short", "pk": "p"})
        # TTL off on the container: a document's own ttl is ignored.
        assert (await ttl_off.read_item("ignored", partition_key="p"))["id"] == "ignored"


# ------------------------------------------------------- transactional batch


@pytest.mark.asyncio
async def test_batch_applies_every_kind_of_operation(cosmos: cs.CosmosTestServer) -> None:
    async with async_container(cosmos) as container:
        await container.create_item({"id": "r", "pk": "p", "n": 1})
        await container.create_item({"id": "d", "pk": "p"})
        results = await container.execute_item_batch(
            [
                ("create", ({"id": "new", "pk": "p"},)),
                ("upsert", ({"id": "up", "pk": "p"},)),
                ("replace", ("r", {"id": "r", "pk": "p", "n": 1, "v": 2})),
                ("read", ("r",)),
                ("patch", ("r", [{"op": "incr", "path": "/n", "value": 5}])),
                ("delete", ("d",)),
            ],
            partition_key="p",
        )
        assert [r["statusCode"] for r in results] == [201, 201, 200, 200, 200, 204]
        assert results[3]["resourceBody"]["v"] == 2
        assert (await container.read_item("r", partition_key="p"))["n"] == 6
        ids = sorted(
            [d["id"] async for d in container.query_items("SELECT * FROM c", partition_key="p")]
        )
        assert ids == ["new", "r", "up"]


@pytest.mark.asyncio
async def test_batch_is_all_or_nothing(cosmos: cs.CosmosTestServer) -> None:
    async with async_container(cosmos) as container:
        await container.create_item({"id": "taken", "pk": "p", "n": 1})
        with pytest.raises(exceptions.CosmosBatchOperationError) as excinfo:
            await container.execute_item_batch(
                [
                    ("create", ({"id": "x1", "pk": "p"},)),
                    ("upsert", ({"id": "taken", "pk": "p", "n": 2},)),
                    ("create", ({"id": "taken", "pk": "p"},)),  # conflict: the batch fails here
                ],
                partition_key="p",
            )
        error = excinfo.value
        assert (error.error_index, error.status_code) == (2, 409)
        assert [r["statusCode"] for r in error.operation_responses] == [424, 424, 409]
        with pytest.raises(exceptions.CosmosResourceNotFoundError):
            await container.read_item("x1", partition_key="p")
        assert (await container.read_item("taken", partition_key="p"))["n"] == 1


# --------------------------------------------------------------- change feed


def _read_feed(container: ContainerProxy, **kwargs: Any) -> tuple[list[dict[str, Any]], str]:
    """All changes the feed has now, and the continuation to resume from."""
    pages = container.query_items_change_feed(**kwargs).by_page()
    items = [item for page in pages for item in page]
    # The SDK types by_page() as a plain iterator; its pager carries the continuation token.
    token: str | None = pages.continuation_token  # type: ignore[attr-defined]
    # by_page() has no token when no page came back (304); the SDK keeps it as the etag.
    return items, token or str(container.client_connection.last_response_headers["etag"])


def test_change_feed_resumes_from_a_continuation(database: DatabaseProxy) -> None:
    container = database.create_container(unique(), PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p0"})
    container.create_item({"id": "b", "pk": "p1"})

    items, token = _read_feed(container, start_time="Beginning")
    assert [i["id"] for i in items] == ["a", "b"]

    container.upsert_item({"id": "a", "pk": "p0", "v": 2})
    container.create_item({"id": "c", "pk": "p1"})
    items, token = _read_feed(container, continuation=token)
    assert [(i["id"], i.get("v")) for i in items] == [
        ("a", 2),
        ("c", None),
    ]  # latest version of each

    items, token = _read_feed(container, continuation=token)
    assert items == []
    container.delete_item("b", partition_key="p1")  # deletes are not in the latest-version feed
    container.create_item({"id": "d", "pk": "p0"})
    assert [i["id"] for i in _read_feed(container, continuation=token)[0]] == ["d"]


def test_change_feed_from_now_per_partition_key_and_from_a_time(database: DatabaseProxy) -> None:
    container = database.create_container(unique(), PartitionKey("/pk"))
    container.create_item({"id": "before", "pk": "p0"})
    items, token = _read_feed(container, start_time="Now")
    assert items == []
    container.create_item({"id": "after", "pk": "p0"})
    container.create_item({"id": "other", "pk": "p1"})
    assert [i["id"] for i in _read_feed(container, continuation=token)[0]] == ["after", "other"]

    items, _ = _read_feed(container, start_time="Beginning", partition_key="p0")
    assert [i["id"] for i in items] == ["before", "after"]

    time.sleep(1.1)  # _ts has whole seconds
    since = datetime.now(UTC)
    container.upsert_item({"id": "other", "pk": "p1", "v": 2})
    items, _ = _read_feed(container, start_time=since)
    assert [i["id"] for i in items] == ["other"]


@pytest.mark.asyncio
async def test_change_feed_async_pages(cosmos: cs.CosmosTestServer) -> None:
    async with async_container(cosmos) as container:
        for i in range(5):
            await container.create_item({"id": f"d{i}", "pk": "p"})
        pages = container.query_items_change_feed(
            start_time="Beginning", max_item_count=2
        ).by_page()
        seen = [item["id"] async for page in pages async for item in page]
        assert seen == [f"d{i}" for i in range(5)]
        await container.create_item({"id": "d5", "pk": "p"})
        token = pages.continuation_token  # type: ignore[attr-defined]  # typed a plain iterator
        later = container.query_items_change_feed(continuation=token)
        assert [item["id"] async for item in later] == ["d5"]


# ------------------------------------------- etags, patch, upsert (checks)


@pytest.mark.asyncio
async def test_etag_optimistic_concurrency(cosmos: cs.CosmosTestServer) -> None:
    async with async_container(cosmos) as container:
        first = await container.create_item({"id": "e", "pk": "p", "v": 1})
        second = await container.replace_item(
            "e",
            {"id": "e", "pk": "p", "v": 2},
            etag=first["_etag"],
            match_condition=MatchConditions.IfNotModified,
        )
        assert second["_etag"] != first["_etag"]
        stale = {"etag": first["_etag"], "match_condition": MatchConditions.IfNotModified}
        with pytest.raises(exceptions.CosmosAccessConditionFailedError):
            await container.replace_item("e", {"id": "e", "pk": "p", "v": 3}, **stale)
        with pytest.raises(exceptions.CosmosAccessConditionFailedError):
            await container.patch_item(
                "e",
                partition_key="p",
                patch_operations=[{"op": "set", "path": "/v", "value": 3}],
                **stale,
            )
        with pytest.raises(exceptions.CosmosAccessConditionFailedError):
            await container.delete_item("e", partition_key="p", **stale)
        with pytest.raises(exceptions.CosmosResourceExistsError):
            await container.create_item({"id": "e", "pk": "p"})
        assert (await container.read_item("e", partition_key="p"))["v"] == 2
        await container.delete_item(
            "e",
            partition_key="p",
            etag=second["_etag"],
            match_condition=MatchConditions.IfNotModified,
        )


@pytest.mark.asyncio
async def test_patch_operations_and_atomic_increments(cosmos: cs.CosmosTestServer) -> None:
    async with async_container(cosmos) as container:
        await container.create_item(
            {"id": "k", "pk": "p", "n": 0, "tags": ["a"], "old": 1, "r": "x"}
        )
        await asyncio.gather(
            *(
                container.patch_item(
                    "k",
                    partition_key="p",
                    patch_operations=[{"op": "incr", "path": "/n", "value": 1}],
                )
                for _ in range(50)
            )
        )
        doc = await container.patch_item(
            "k",
            partition_key="p",
            patch_operations=[
                {"op": "set", "path": "/s", "value": "new"},
                {"op": "add", "path": "/tags/-", "value": "b"},
                {"op": "remove", "path": "/old"},
                {"op": "replace", "path": "/r", "value": "y"},
            ],
        )
        assert doc["n"] == 50
        assert (doc["s"], doc["tags"], doc["r"], "old" in doc) == ("new", ["a", "b"], "y", False)


@pytest.mark.asyncio
async def test_upsert_creates_then_replaces(cosmos: cs.CosmosTestServer) -> None:
    async with async_container(cosmos) as container:
        first = await container.upsert_item({"id": "u", "pk": "p", "v": 1})
        second = await container.upsert_item({"id": "u", "pk": "p", "v": 2})
        assert second["_etag"] != first["_etag"]
        assert (await container.read_item("u", partition_key="p"))["v"] == 2
        assert [d["v"] async for d in container.query_items("SELECT * FROM c")] == [2]


# ----------------------------------------------------------- fault injection


def test_sdk_retries_injected_429s_and_stats_count_them(
    cosmos: cs.CosmosTestServer, database: DatabaseProxy
) -> None:
    container = database.create_container(unique(), PartitionKey("/pk"))
    container.create_item({"id": "warm-up", "pk": "p"})  # caches filled: no extra metadata reads
    cosmos.reset_stats()
    cosmos.inject(429, count=3, retry_after_ms=10)
    container.upsert_item({"id": "w", "pk": "p"})
    stats = cosmos.stats()
    assert stats["byVerbResource"] == {"POST docs": 4}
    assert (stats["total"], stats["faulted"]) == (4, 3)
    assert container.read_item("w", partition_key="p")["id"] == "w"


@pytest.mark.asyncio
async def test_sdk_retries_injected_429s_async(cosmos: cs.CosmosTestServer) -> None:
    async with async_container(cosmos) as container:
        await container.create_item({"id": "warm-up", "pk": "p"})
        cosmos.reset_stats()
        cosmos.inject(429, count=3, retry_after_ms=10)
        await container.upsert_item({"id": "w", "pk": "p"})
        assert cosmos.stats()["faulted"] == 3
        assert cosmos.stats()["byVerbResource"]["POST docs"] == 4


def test_429_carries_retry_after_and_substatus(cosmos: cs.CosmosTestServer) -> None:
    cosmos.inject(429, count=1, retry_after_ms=1234)
    resp, body = signed_request(cosmos, "GET", "/", "", "")
    assert resp.status == 429
    assert resp.getheader("x-ms-retry-after-ms") == "1234"
    assert resp.getheader("x-ms-substatus") == "3200"
    assert json.loads(body)["code"] == "TooManyRequests"
    # The fault was used up: the next request goes through.
    assert signed_request(cosmos, "GET", "/", "", "")[0].status == 200


def test_503_is_retried_once_then_surfaced(
    cosmos: cs.CosmosTestServer, database: DatabaseProxy
) -> None:
    container = database.create_container(unique(), PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p"})
    cosmos.inject(503, count=1)
    assert container.read_item("a", partition_key="p")["id"] == "a"  # the SDK retries one 503
    cosmos.inject(503, count=5)
    with pytest.raises(exceptions.CosmosHttpResponseError) as excinfo:
        container.read_item("a", partition_key="p")
    assert (excinfo.value.status_code, cosmos_code(excinfo.value)) == (503, "ServiceUnavailable")


def test_reset_cancels_pending_faults(cosmos: cs.CosmosTestServer, database: DatabaseProxy) -> None:
    container = database.create_container(unique(), PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p"})
    cosmos.inject(429, count=5, retry_after_ms=10)
    cosmos.reset()
    assert cosmos.stats()["total"] == 0
    container.read_item("a", partition_key="p")
    assert cosmos.stats()["faulted"] == 0


# ------------------------------------------------------------------ certificates


def test_every_generated_certificate_is_valid_der() -> None:
    """A random serial starting with a zero byte once made a non-minimal DER integer, which
    OpenSSL refuses ("illegal padding"): about one server start in 200 failed."""
    script = (
        "import { createSelfSignedCert } from './tools/cosmos-server/tls-cert.mjs';"
        "import { createSecureContext } from 'node:tls';"
        "let bad = 0;"
        "for (let i = 0; i < 1500; i++) {"
        "  const { cert, key } = createSelfSignedCert();"
        "  try { createSecureContext({ cert, key }); } catch { bad++; }"
        "}"
        "console.log(bad);"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
