"""A DocumentStore in a dict, for unit tests of services: no file, no server, no thread.

It keeps the promises storage/port.py makes and the real backends keep (the storage contract
in tests/integration/test_storage_contract.py runs against it too): ETags on every write,
Conflict, NotFound and PreconditionFailed, TTL counted from the whole second, queries inside
one partition ordered by id, and documents that are JSON — a value a real backend could not
store fails here as well, and no caller shares a dict with the store.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storage.port import (
    BatchOperation,
    Conflict,
    Create,
    Document,
    Increment,
    NotFound,
    PreconditionFailed,
    Upsert,
    addressable,
    require_batch,
    require_field_name,
    require_keys,
)

_SYSTEM_FIELDS = ("_etag", "_ts")


@dataclass
class _Row:
    body: str  # JSON without the ETag, as the SQLite backend keeps it
    etag: str
    expires_at: float | None


class InMemoryStore:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._rows: dict[tuple[str, str, str], _Row] = {}

    def _live(self, key: tuple[str, str, str]) -> _Row | None:
        row = self._rows.get(key)
        if row is not None and row.expires_at is not None and row.expires_at <= self._clock():
            del self._rows[key]  # gone, as in the real backends, and its id is free again
            return None
        return row

    def _write(self, container: str, doc: Document) -> Document:
        require_keys(doc)
        body = {k: v for k, v in doc.items() if k not in _SYSTEM_FIELDS}
        body["_ts"] = int(self._clock())
        ttl = doc.get("ttl")
        expires = None
        if isinstance(ttl, int) and not isinstance(ttl, bool) and ttl > 0:
            expires = float(int(self._clock()) + ttl)
        row = _Row(json.dumps(body, ensure_ascii=False), uuid.uuid4().hex, expires)
        self._rows[(container, doc["pk"], doc["id"])] = row
        return _decode(row)

    async def read(self, container: str, pk: str, doc_id: str) -> Document | None:
        if not addressable(pk, doc_id):
            return None
        row = self._live((container, pk, doc_id))
        return _decode(row) if row else None

    async def create(self, container: str, doc: Document) -> Document:
        require_keys(doc)
        if self._live((container, doc["pk"], doc["id"])) is not None:
            raise Conflict(f"{container}/{doc['pk']}/{doc['id']} exists")
        return self._write(container, doc)

    async def replace(self, container: str, doc: Document, etag: str | None = None) -> Document:
        require_keys(doc)
        row = self._live((container, doc["pk"], doc["id"]))
        if row is None:
            raise NotFound(f"{container}/{doc['pk']}/{doc['id']}")
        if etag is not None and row.etag != etag:
            raise PreconditionFailed(f"{container}/{doc['pk']}/{doc['id']} changed")
        return self._write(container, doc)

    async def upsert(self, container: str, doc: Document) -> Document:
        return self._write(container, doc)

    async def delete(self, container: str, pk: str, doc_id: str, etag: str | None = None) -> None:
        key = (container, pk, doc_id)
        row = self._live(key) if addressable(pk, doc_id) else None
        if row is None:
            raise NotFound(f"{container}/{pk}/{doc_id}")
        if etag is not None and row.etag != etag:
            raise PreconditionFailed(f"{container}/{pk}/{doc_id} changed")
        del self._rows[key]

    async def query(
        self, container: str, pk: str, equals: Mapping[str, Any] | None = None
    ) -> list[Document]:
        wanted = dict(equals or {})
        for name in wanted:
            require_field_name(name)
        if not addressable(pk):
            return []
        found = []
        for key in sorted(k for k in self._rows if k[:2] == (container, pk)):
            row = self._live(key)
            if row is not None and _matches(doc := _decode(row), wanted):
                found.append(doc)
        return found

    async def increment(
        self, container: str, pk: str, doc_id: str, deltas: Mapping[str, int]
    ) -> Document:
        for name in deltas:
            require_field_name(name)
        key = (container, pk, doc_id)
        row = self._live(key)
        doc: Document = _decode(row) if row else {"id": doc_id, "pk": pk}
        for name, delta in deltas.items():
            doc[name] = doc.get(name, 0) + delta
        written = self._write(container, doc)
        # A counter keeps the expiry it had (none when new), as the backends' increments do.
        self._rows[key].expires_at = row.expires_at if row else None
        return written

    async def batch(self, container: str, pk: str, operations: Sequence[BatchOperation]) -> None:
        require_batch(pk, operations)
        before = dict(self._rows)
        try:
            for op in operations:
                await self._apply(container, pk, op)
        except BaseException:
            self._rows = before  # rows are replaced on write, never changed: a shallow copy holds
            raise

    async def _apply(self, container: str, pk: str, op: BatchOperation) -> None:
        match op:
            case Create(doc):
                await self.create(container, doc)
            case Upsert(doc):
                await self.upsert(container, doc)
            case Increment(doc_id, deltas, ttl, unless):
                row = self._live((container, pk, doc_id))
                if row is None:
                    fresh = {"id": doc_id, "pk": pk, **deltas}
                    await self.create(container, fresh if ttl is None else {**fresh, "ttl": ttl})
                elif unless and _decode(row).get(unless):
                    raise PreconditionFailed(f"{container}/{pk}/{doc_id} has {unless}")
                else:
                    await self.increment(container, pk, doc_id, deltas)

    def documents(self) -> list[tuple[str, Document]]:
        """Every live document with its container: what someone holding the store would see."""
        return [(key[0], _decode(row)) for key in list(self._rows) if (row := self._live(key))]

    async def close(self) -> None:
        """Nothing to release; the documents stay for whoever holds the store."""


def _matches(doc: Document, wanted: Mapping[str, Any]) -> bool:
    # A null matches only a field that is there and null, as in both real backends.
    return all(
        (name in doc and doc[name] is None) if value is None else doc.get(name) == value
        for name, value in wanted.items()
    )


def _decode(row: _Row) -> Document:
    doc: Document = json.loads(row.body)
    doc["_etag"] = row.etag
    return doc
