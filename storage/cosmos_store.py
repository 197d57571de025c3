"""Azure Cosmos DB backend, on the async client of the current `azure-cosmos`.

Containers (database `COSMOS_DATABASE`), every one partitioned on `/pk`, per-item TTL
enabled (`default_ttl=-1`: a document expires only when it carries `ttl`):

| container     | pk value               | operations on the hot path                        | why this key |
|---------------|------------------------|---------------------------------------------------|--------------|
| `users`       | Entra object id        | point read of `profile` every turn; upsert when it changed; create/delete `welcome` | everything about one person in one partition, read by id |
| `responses`   | pseudonym              | create (id = round id, so a repeated submit is a 409, not a second answer); query own partition for the trend | a person's answers together, and nobody's id in the key |
| `rounds`      | `"rounds"`             | point read by round id (cached 30 s: a submit reads none); query the one partition for the open round | about 52 small documents a year: one partition is cheapest |
| `users`       | `"roster"`             | upsert when a reference changes; one query of the partition when a round is delivered | "everyone reachable" without a cross-partition query |
| `counters`    | round id               | one transactional batch per answer (its recount entry's create, `incr` patches of its counters); point reads for the pulse | aggregates without GROUP BY; one round's cells together, and with them an answer's counts in one atomic request |
| `deliveries`  | round id               | create / replace with ETag per person (claim, settle); query the partition to resume or report | a round's ledger together; a claim is a compare-and-swap |
| `dialogstate` | escaped state key      | point read / replace with ETag per dialog turn     | one key, one document |
| `leases`      | lease name             | read, replace with ETag (compare-and-swap)         | one job, one document |
| `directory`   | `"directory"`; `"people:<version>"` | point read of the pointer (cached 30 s), then of a person (kept: a version never changes); query one version for direct reports or everyone; an import upserts a new version, flips the pointer with ETag, deletes the old | every lookup in one partition; a new version is invisible until the flip (storage/directory.py) |
| `meta`        | `"meta"`               | one point read of the pseudonym key's fingerprint at start-up (created on first use) | one small document |

A check-in submit costs three requests: the profile's point read (every turn: who wrote, and
where to answer), one transactional batch in the round's `counters` partition (the answer's
recount entry and its counts, refused once the round is closed) and the response's create. The
round comes from the cache; the directory's pointer is cached and a person is read once per host
and directory version (a fourth request the first time a host meets someone of an imported
directory); the answers of the round before are read only when a follow-up rule needs them. A
round's first answers also create its counters (a batch again, once per counter and round).

Only point operations and single-partition queries with equality filters are used; no
GROUP BY, OFFSET/LIMIT, DISTINCT or LIKE. Errors become the interface's: 404 → NotFound (or
None on read), 409 → Conflict, 412 → PreconditionFailed. Throttling (429) and unavailability
(503, 408) are retried here and only here, under domain/retry.py's policy (the server's
`x-ms-retry-after-ms`, else backoff with jitter) within a total budget, then surface as
StorageUnavailable; nothing is reported written that was not. The SDK's own throttle retries
(nine, up to 30 s, by default) are turned off, so the two do not stack: the budget is the
longest a call takes, which is what lets a turn answer before Teams stops waiting.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from azure.core import MatchConditions
from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError
from azure.core.pipeline import PipelineRequest
from azure.cosmos import PartitionKey
from azure.cosmos._retry_options import RetryOptions  # documents.RetryOptions, not re-exported
from azure.cosmos.aio import ContainerProxy, CosmosClient, DatabaseProxy
from azure.cosmos.documents import ConnectionPolicy
from azure.cosmos.exceptions import (
    CosmosAccessConditionFailedError,
    CosmosBatchOperationError,
    CosmosHttpResponseError,
    CosmosResourceExistsError,
    CosmosResourceNotFoundError,
)

from domain.logref import ref
from domain.retry import TURN_BUDGET, RetryPolicy, retry_after_milliseconds
from storage.port import (
    CONTAINERS,
    BatchOperation,
    Conflict,
    Create,
    Document,
    Increment,
    NotFound,
    PreconditionFailed,
    StorageError,
    StorageUnavailable,
    Upsert,
    addressable,
    require_batch,
    require_field_name,
    require_keys,
)
from storage.retrying import REAL_TIME, GaveUp, Refusal, Timing, call

log = logging.getLogger(__name__)
T = TypeVar("T")

_RETRYABLE = {408, 429, 449, 503}
# As many tries as the SDK's own throttle retries gave (nine, and the first), within the budget.
RETRY = RetryPolicy(attempts=10, budget=TURN_BUDGET, base=0.2, cap=5.0)
# Creating a container can take seconds, and nobody waits on a start-up.
SETUP_BUDGET = 60.0
# Counters a batch found to exist, kept so that only a batch with a new one takes the turn of
# those that may have to create theirs (`batch`): a round has a few hundred.
_COUNTERS_KEPT = 10_000
# Cosmos adds these to every document; they are not ours to write back.
_SYSTEM_FIELDS = ("_rid", "_self", "_attachments")


class StorageSetupError(StorageError):
    """The account cannot be used: unreachable, wrong key, or no permission."""


def identity_credential(env: Mapping[str, str]) -> Any:
    """Who signs Cosmos DB requests when there is no key.

    On App Service (which sets IDENTITY_ENDPOINT) only the managed identity: AZURE_CLIENT_ID
    names the user-assigned one. DefaultAzureCredential would also try environment secrets and
    developer sign-ins there, so a stray variable could make the app sign in as someone else.
    Anywhere else (an operator's workstation after `az login`) the DefaultAzureCredential chain.
    """
    if env.get("IDENTITY_ENDPOINT"):
        from azure.identity.aio import ManagedIdentityCredential

        return ManagedIdentityCredential(client_id=env.get("AZURE_CLIENT_ID") or None)
    from azure.identity.aio import DefaultAzureCredential

    return DefaultAzureCredential()


class RequestCount:
    """Every HTTP request the client sends (retries too), by verb and resource, e.g. "POST docs":
    what an operation costs, counted where it is paid."""

    def __init__(self) -> None:
        self.total = 0
        self.by_kind: collections.Counter[str] = collections.Counter()

    def __call__(self, request: PipelineRequest[Any]) -> None:
        http = request.http_request
        # The resource is the last type in the path: dbs/x/colls/y/docs[/z] -> docs.
        kinds = [part for part in urlsplit(http.url).path.split("/") if part][0::2]
        self.total += 1
        self.by_kind[f"{http.method} {kinds[-1] if kinds else '/'}"] += 1


class CosmosStore:
    def __init__(
        self,
        client: CosmosClient,
        database: DatabaseProxy,
        retry: RetryPolicy = RETRY,
        timing: Timing = REAL_TIME,
        requests: RequestCount | None = None,
    ) -> None:
        self._client = client
        self._database = database
        self._retry = retry
        self._timing = timing
        self.requests = requests or RequestCount()
        self._containers: dict[str, ContainerProxy] = {}
        self._counters_seen: set[tuple[str, str, str]] = set()
        self._first_counts = asyncio.Lock()

    @classmethod
    async def open(
        cls,
        endpoint: str,
        key: str | None,
        database: str,
        containers: tuple[str, ...] = CONTAINERS,
        retry_budget: float = TURN_BUDGET,
        timing: Timing = REAL_TIME,
        **client_options: Any,
    ) -> CosmosStore:
        """Connect, and create the database and containers when missing.

        Without a key an identity signs requests (`identity_credential`).
        `retry_budget`: the seconds a call may take, retries included (STORAGE_RETRY_BUDGET_SECONDS),
        on `timing`'s clock.
        """
        credential: Any = key or identity_credential(os.environ)
        # The SDK logs every request at INFO with its URL and partition key: ids of people,
        # pseudonyms. What matters (throttling, failures) reaches our own log lines.
        logging.getLogger("azure.cosmos._cosmos_http_logging_policy").setLevel(logging.WARNING)
        requests = RequestCount()
        client = CosmosClient(
            endpoint,
            credential,
            connection_policy=sdk_connection_policy(),
            raw_request_hook=requests,
            **client_options,
        )
        setup = replace(RETRY, budget=SETUP_BUDGET)

        async def tried(what: str, operation: Callable[[], Awaitable[T]]) -> T:
            return await call(operation, setup, _refusal, what)

        try:
            if key:
                db = await tried(
                    "create database", lambda: client.create_database_if_not_exists(database)
                )
            else:
                # Data-plane roles cannot create databases: with a managed identity they are
                # provisioned beforehand (infra), and only checked here.
                db = client.get_database_client(database)
            store = cls(client, db, replace(RETRY, budget=retry_budget), timing, requests)
            for name in containers:
                if key:
                    store._containers[name] = await tried(
                        f"create container {name}",
                        partial(
                            db.create_container_if_not_exists,
                            id=name,
                            partition_key=PartitionKey(path="/pk"),
                            default_ttl=-1,
                        ),
                    )
                else:
                    store._containers[name] = db.get_container_client(name)
                    await tried(f"read container {name}", store._containers[name].read)
        except GaveUp as error:
            await client.close()
            raise StorageSetupError(
                f"Cosmos DB at {endpoint} stayed busy while opening database {database!r}: {error}"
            ) from error
        except CosmosHttpResponseError as error:
            await client.close()
            if error.status_code in (401, 403):
                raise StorageSetupError(
                    f"Cosmos DB at {endpoint} refused the credentials (HTTP {error.status_code}): "
                    "check COSMOS_KEY, or the managed identity's data-plane role"
                ) from error
            raise StorageSetupError(
                f"Cosmos DB at {endpoint} answered HTTP {error.status_code} while opening "
                f"database {database!r}: {error.message}"
            ) from error
        except (ServiceRequestError, OSError) as error:
            await client.close()
            raise StorageSetupError(
                f"cannot reach Cosmos DB at {endpoint}: {error}; check COSMOS_ENDPOINT and the network"
            ) from error
        except ClientAuthenticationError as error:
            await client.close()
            raise StorageSetupError(
                f"no credential for Cosmos DB at {endpoint}: set COSMOS_KEY or give the host a "
                f"managed identity ({error.message})"
            ) from error
        return store

    def _container(self, name: str) -> ContainerProxy:
        try:
            return self._containers[name]
        except KeyError:
            raise ValueError(f"unknown container {name!r}") from None

    async def _call(self, what: str, operation: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call(operation, self._retry, _refusal, what, self._timing)
        except GaveUp as error:
            raise StorageUnavailable(f"Cosmos DB kept refusing: {error}") from error

    async def read(self, container: str, pk: str, doc_id: str) -> Document | None:
        if not addressable(pk, doc_id):
            return None
        proxy = self._container(container)
        try:
            doc = await self._call(
                f"read {container}/{ref(doc_id)}",
                lambda: proxy.read_item(item=doc_id, partition_key=pk),
            )
        except CosmosResourceNotFoundError:
            return None
        return _clean(doc)

    async def create(self, container: str, doc: Document) -> Document:
        proxy = self._container(container)
        body = _body(doc)
        try:
            created = await self._call(
                f"create {container}/{ref(body['id'])}", lambda: proxy.create_item(body=body)
            )
        except CosmosResourceExistsError as error:
            raise Conflict(f"{container}/{body['pk']}/{body['id']} exists") from error
        return _clean(created)

    async def replace(self, container: str, doc: Document, etag: str | None = None) -> Document:
        proxy = self._container(container)
        body = _body(doc)
        condition = MatchConditions.IfNotModified if etag else None
        try:
            replaced = await self._call(
                f"replace {container}/{ref(body['id'])}",
                lambda: proxy.replace_item(
                    item=body["id"], body=body, etag=etag, match_condition=condition
                ),
            )
        except CosmosResourceNotFoundError as error:
            raise NotFound(f"{container}/{body['pk']}/{body['id']}") from error
        except CosmosAccessConditionFailedError as error:
            raise PreconditionFailed(f"{container}/{body['pk']}/{body['id']} changed") from error
        return _clean(replaced)

    async def upsert(self, container: str, doc: Document) -> Document:
        proxy = self._container(container)
        body = _body(doc)
        return _clean(
            await self._call(
                f"upsert {container}/{ref(body['id'])}", lambda: proxy.upsert_item(body=body)
            )
        )

    async def delete(self, container: str, pk: str, doc_id: str, etag: str | None = None) -> None:
        if not addressable(pk, doc_id):
            raise NotFound(f"{container}/{pk}/{doc_id}")
        proxy = self._container(container)
        condition = MatchConditions.IfNotModified if etag else None
        try:
            await self._call(
                f"delete {container}/{ref(doc_id)}",
                lambda: proxy.delete_item(
                    item=doc_id, partition_key=pk, etag=etag, match_condition=condition
                ),
            )
        except CosmosResourceNotFoundError as error:
            raise NotFound(f"{container}/{pk}/{doc_id}") from error
        except CosmosAccessConditionFailedError as error:
            raise PreconditionFailed(f"{container}/{pk}/{doc_id} changed") from error

    async def query(
        self, container: str, pk: str, equals: Mapping[str, Any] | None = None
    ) -> list[Document]:
        if not addressable(pk):
            return []
        proxy = self._container(container)
        clauses = ["c.pk = @pk"]
        parameters: list[dict[str, Any]] = [{"name": "@pk", "value": pk}]
        for n, (name, value) in enumerate((equals or {}).items()):
            require_field_name(name)
            clauses.append(f"c.{name} = @v{n}")
            parameters.append({"name": f"@v{n}", "value": value})
        sql = "SELECT * FROM c WHERE " + " AND ".join(clauses)

        async def run() -> list[Document]:
            items = proxy.query_items(query=sql, parameters=parameters, partition_key=pk)
            return [_clean(item) async for item in items]

        docs = await self._call(f"query {container}/{ref(pk)}", run)
        return sorted(docs, key=lambda d: str(d["id"]))

    async def increment(
        self, container: str, pk: str, doc_id: str, deltas: Mapping[str, int]
    ) -> Document:
        proxy = self._container(container)
        operations = [{"op": "incr", "path": f"/{name}", "value": d} for name, d in deltas.items()]
        what = f"increment {container}/{ref(doc_id)}"

        async def patch_or_create() -> dict[str, Any]:
            for _ in range(3):
                try:
                    return await proxy.patch_item(
                        item=doc_id, partition_key=pk, patch_operations=operations
                    )
                except CosmosResourceNotFoundError:
                    pass
                try:
                    return await proxy.create_item(body={"id": doc_id, "pk": pk, **deltas})
                except CosmosResourceExistsError:
                    continue  # created by someone else meanwhile: patch it
            raise StorageUnavailable(f"{what}: the document kept appearing and disappearing")

        # One budget for the whole of it, however many patches and creates it takes.
        return _clean(await self._call(what, patch_or_create))

    async def batch(self, container: str, pk: str, operations: Sequence[BatchOperation]) -> None:
        """One transactional batch, one request. An increment is a patch, or a create for a
        counter this store has not seen yet; should the patch find no document (or the create
        one), the batch is sent again with the other in its place, as `increment` does alone."""
        require_batch(pk, operations)
        proxy = self._container(container)
        counters = {(container, pk, op.doc_id) for op in operations if isinstance(op, Increment)}

        def unseen() -> set[int]:
            return {
                i
                for i, op in enumerate(operations)
                if isinstance(op, Increment)
                and (container, pk, op.doc_id) not in self._counters_seen
            }

        creating: set[int] = set()  # the increments sent as a create

        def sdk(index: int, op: BatchOperation) -> tuple[Any, ...]:
            match op:
                case Create(doc):
                    return ("create", (_body(doc),))
                case Upsert(doc):
                    return ("upsert", (_body(doc),))
                case Increment(doc_id, deltas, ttl, unless):
                    if index in creating:
                        fresh = {"id": doc_id, "pk": pk, **deltas}
                        return ("create", (fresh if ttl is None else {**fresh, "ttl": ttl},))
                    patch = [{"op": "incr", "path": f"/{n}", "value": d} for n, d in deltas.items()]
                    if unless:
                        condition = f"FROM c WHERE NOT IS_DEFINED(c.{unless})"
                        return ("patch", (doc_id, patch), {"filter_predicate": condition})
                    return ("patch", (doc_id, patch))

        async def run() -> None:
            for _ in range(3 + len(operations)):
                try:
                    await proxy.execute_item_batch(
                        [sdk(i, op) for i, op in enumerate(operations)], partition_key=pk
                    )
                    return
                except CosmosBatchOperationError as error:
                    index, status = error.error_index, error.status_code
                    failed = operations[index]
                    if isinstance(failed, Increment) and status in (404, 409):
                        creating.symmetric_difference_update({index})
                        continue
                    if status == 409:
                        raise Conflict(f"{container}: operation {index} of a batch") from error
                    if status == 412:
                        raise PreconditionFailed(f"{container}: operation {index}") from error
                    raise
            raise StorageUnavailable(f"batch on {container}: its documents kept changing")

        # The first answers of a round arrive together, and each would try to create the
        # counters, and all but one patch again: a batch that may create one waits for the
        # others that may, so that the first creates it and the rest patch it at once.
        if not unseen():
            await self._call(f"batch {container}/{ref(pk)}", run)
            return
        async with self._first_counts:
            creating.update(unseen())  # those the batch before this one created are seen now
            await self._call(f"batch {container}/{ref(pk)}", run)
        if len(self._counters_seen) > _COUNTERS_KEPT:
            self._counters_seen.clear()
        self._counters_seen |= counters

    async def close(self) -> None:
        await self._client.close()


def _body(doc: Document) -> Document:
    require_keys(doc)
    return {k: v for k, v in doc.items() if k not in _SYSTEM_FIELDS and k not in ("_etag", "_ts")}


def _clean(doc: Mapping[str, Any]) -> Document:
    return {k: v for k, v in doc.items() if k not in _SYSTEM_FIELDS}


def sdk_connection_policy() -> ConnectionPolicy:
    """The SDK's settings with its throttle retries off: `_call` owns retrying and its budget.

    Only `connection_policy` can say none: the `retry_throttle_total=0` keyword reads as "not
    given" and leaves the nine. The SDK's other retries stay: region failover (one region here)
    and connection errors, which the budget's cut-off bounds.
    """
    policy = ConnectionPolicy()
    policy.RetryOptions = RetryOptions(max_retry_attempt_count=0)
    return policy


def _refusal(error: BaseException) -> Refusal | None:
    # A batch whose operation was throttled fails as a whole, and is retried as a whole.
    if (
        isinstance(error, CosmosHttpResponseError | CosmosBatchOperationError)
        and error.status_code in _RETRYABLE
    ):
        return Refusal(str(error.status_code), _retry_after(error))
    return None


def _retry_after(error: CosmosHttpResponseError | CosmosBatchOperationError) -> float | None:
    headers = getattr(error, "headers", None) or {}
    value = headers.get("x-ms-retry-after-ms") if hasattr(headers, "get") else None
    return retry_after_milliseconds(str(value) if value else None)
