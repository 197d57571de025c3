"""The storage interface every backend implements, and the errors it speaks.

The shape is Cosmos DB's, so that SQLite cannot offer what Cosmos could not do cheaply:
documents live in named containers, carry an `id` and a partition key `pk`, are read and
written one at a time with ETag concurrency (`_etag`), and queries stay inside one
partition. A document may carry `ttl` (seconds) after which it is gone.

Containers and their partition keys (the same names in both backends):

| container     | pk                      | holds                                            |
|---------------|-------------------------|--------------------------------------------------|
| `users`       | Entra object id         | profile, conversation reference, welcome marker  |
|               | "roster"                | everyone reachable: one entry per person         |
|               | "links"                 | download links not used yet (bot/links.py)       |
|               | "coffee"                | kaffeprat's members (storage/coffee.py)          |
| `responses`   | respondent's pseudonym  | one check-in response per round (id = round id)  |
| `rounds`      | "rounds"                | check-in rounds                                  |
|               | "coffee", "coffee:<id>" | kaffeprat's rounds; each round's groups          |
| `counters`    | round id                | aggregate counters, updated by `increment` or a  |
|               |                         | check-in's `batch`; the sealed entries they are  |
|               |                         | recounted from at close                          |
| `deliveries`  | round id                | the send ledger: one entry per kind and person   |
| `dialogstate` | state key               | botbuilder dialog and conversation state         |
| `leases`      | lease name              | job leases                                       |
| `directory`   | "directory"             | the pointer to the live organisation directory   |
|               | "people:<version>"      | one imported version: a document per person      |
|               | "roles"                 | assigned roles (reps, admins) with their scope   |
| `agreements`  | employee's Entra id     | the home-office agreement and its versions       |
|               | "index"                 | what the scheduler looks for (reviews, waiting)  |
| `audit`       | "YYYY-MM"               | who viewed or exported the pulse, when, what     |
| `followups`   | employee's Entra id     | the open follow-up to their leader, closed ones  |
|               | "index", "team-rounds"  | open follow-ups; rounds whose team signal ran     |
| `weeks`       | "team:<leader's id>"    | team days and the members' week plans (storage/weeks.py) |
|               | "monday", "sends"       | teams with the Monday card on; weeks it went out  |
| `meta`        | "meta"                  | the pseudonym key's fingerprint (storage/keys.py) |
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Document = dict[str, Any]

CONTAINERS: tuple[str, ...] = (
    "users",
    "responses",
    "rounds",
    "counters",
    "deliveries",
    "dialogstate",
    "leases",
    "directory",
    "agreements",
    "followups",
    "weeks",
    "audit",
    "meta",
)


_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def require_keys(doc: Document) -> None:
    """Every backend refuses a document without a string `id` and `pk` before writing."""
    for key in ("id", "pk"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise ValueError(f"a document needs a non-empty string {key!r}")


_UNHOLDABLE = frozenset("/\\?#\t\r\n")
MAX_ID = 255  # Cosmos DB's limit for an id
MAX_PK = 1024  # far below Cosmos DB's 2 KB; every key this app makes is an id or a short name


def addressable(pk: str, doc_id: str | None = None) -> bool:
    """Whether a document could be at this address at all, in either backend.

    An id from outside (card data a client made up) may be one Cosmos DB cannot hold: a
    slash, a trailing space, 3,000 letters. No document has it, so a read finds nothing and a
    query returns nothing, the same on both backends, instead of the service refusing it.
    """

    def ok(value: str, limit: int) -> bool:
        return (
            isinstance(value, str)
            and value.strip() != ""
            and value == value.rstrip()
            and len(value) <= limit
            and not _UNHOLDABLE.intersection(value)
        )

    return ok(pk, MAX_PK) and (doc_id is None or ok(doc_id, MAX_ID))


def require_field_name(name: str) -> None:
    """Field names go into query text (SQL, JSON paths): plain names only."""
    if not _FIELD_NAME.match(name):
        raise ValueError(f"not a plain field name: {name!r}")


class StorageError(Exception):
    """Base of every error a backend raises on purpose."""


class NotFound(StorageError):
    pass


class Conflict(StorageError):
    """A document with that id already exists in the partition."""


class PreconditionFailed(StorageError):
    """The document changed since it was read (ETag mismatch)."""


class StorageUnavailable(StorageError):
    """The backend kept refusing (throttling, outage) after bounded retries; nothing was written."""


async def delete_partition(store: DocumentStore, container: str, pk: str) -> int:
    """Delete every document of one partition; how many there were."""
    docs = await store.query(container, pk)
    for doc in docs:
        with contextlib.suppress(NotFound):
            await store.delete(container, pk, doc["id"])
    return len(docs)


async def delete_if_there(store: DocumentStore, container: str, pk: str, doc_id: str) -> int:
    try:
        await store.delete(container, pk, doc_id)
    except NotFound:
        return 0
    return 1


@dataclass(frozen=True)
class Create:
    """A batch's create: the batch fails with Conflict when the id exists."""

    doc: Document


@dataclass(frozen=True)
class Upsert:
    doc: Document


@dataclass(frozen=True)
class Increment:
    """A batch's increment, as `DocumentStore.increment`: `ttl` is given to a document it
    creates; with `unless`, a document that has that field fails the batch (PreconditionFailed)
    — a flag that closes a counter to further increments."""

    doc_id: str
    deltas: Mapping[str, int]
    ttl: int | None = None
    unless: str | None = None


BatchOperation = Create | Upsert | Increment
MAX_BATCH = 100  # Cosmos DB's limit of operations in one transactional batch


def require_batch(pk: str, operations: Sequence[BatchOperation]) -> None:
    if not 0 < len(operations) <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} operations")
    for op in operations:
        if isinstance(op, Create | Upsert):
            require_keys(op.doc)
            if op.doc["pk"] != pk:
                raise ValueError("every document of a batch is in the batch's partition")
        else:
            for name in (*op.deltas, *([op.unless] if op.unless else [])):
                require_field_name(name)


class DocumentStore(Protocol):
    async def read(self, container: str, pk: str, doc_id: str) -> Document | None:
        """The document, or None when there is none (or it expired)."""

    async def create(self, container: str, doc: Document) -> Document:
        """Insert; raises Conflict when the id exists in the partition."""

    async def replace(self, container: str, doc: Document, etag: str | None = None) -> Document:
        """Overwrite; raises NotFound, or PreconditionFailed when `etag` is stale."""

    async def upsert(self, container: str, doc: Document) -> Document:
        """Insert or overwrite without a concurrency check."""

    async def delete(self, container: str, pk: str, doc_id: str, etag: str | None = None) -> None:
        """Remove; raises NotFound, or PreconditionFailed when `etag` is stale."""

    async def query(
        self, container: str, pk: str, equals: Mapping[str, Any] | None = None
    ) -> list[Document]:
        """Documents of one partition whose top-level fields equal `equals`."""

    async def increment(
        self, container: str, pk: str, doc_id: str, deltas: Mapping[str, int]
    ) -> Document:
        """Atomically add `deltas` to numeric top-level fields, creating the document if needed."""

    async def batch(self, container: str, pk: str, operations: Sequence[BatchOperation]) -> None:
        """Every operation in one partition, all or none (a transactional batch): raises the
        first failing operation's error (Conflict, PreconditionFailed) and writes nothing."""

    async def close(self) -> None: ...
