"""A store that stalls: chosen calls wait before they reach the real store, as a store that
takes longer than a turn may wait (a throttled or unreachable database) does."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from storage.port import BatchOperation, Document, DocumentStore


class StallingStore:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store
        self.seconds = 0.0
        self.calls: frozenset[str] = frozenset()  # which methods stall; empty: none

    def stall(self, seconds: float, *calls: str) -> None:
        """From now on, `calls` (every call when none is named) wait `seconds` first."""
        self.seconds = seconds
        self.calls = frozenset(calls or ("read", "create", "replace", "upsert", "delete",
                                         "query", "increment", "batch"))  # fmt: skip

    def release(self) -> None:
        self.calls = frozenset()

    async def _wait(self, call: str) -> None:
        if call in self.calls:
            await asyncio.sleep(self.seconds)

    async def read(self, container: str, pk: str, doc_id: str) -> Document | None:
        await self._wait("read")
        return await self._store.read(container, pk, doc_id)

    async def create(self, container: str, doc: Document) -> Document:
        await self._wait("create")
        return await self._store.create(container, doc)

    async def replace(self, container: str, doc: Document, etag: str | None = None) -> Document:
        await self._wait("replace")
        return await self._store.replace(container, doc, etag)

    async def upsert(self, container: str, doc: Document) -> Document:
        await self._wait("upsert")
        return await self._store.upsert(container, doc)

    async def delete(self, container: str, pk: str, doc_id: str, etag: str | None = None) -> None:
        await self._wait("delete")
        await self._store.delete(container, pk, doc_id, etag)

    async def query(
        self, container: str, pk: str, equals: Mapping[str, Any] | None = None
    ) -> list[Document]:
        await self._wait("query")
        return await self._store.query(container, pk, equals)

    async def increment(
        self, container: str, pk: str, doc_id: str, deltas: Mapping[str, int]
    ) -> Document:
        await self._wait("increment")
        return await self._store.increment(container, pk, doc_id, deltas)

    async def batch(self, container: str, pk: str, operations: Sequence[BatchOperation]) -> None:
        await self._wait("batch")
        await self._store.batch(container, pk, operations)

    async def close(self) -> None:
        await self._store.close()
