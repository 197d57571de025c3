"""The embedded default backend: one SQLite file, documents as JSON rows.

All statements run on one worker thread that owns the connection, so the event loop never
blocks on disk. WAL and a busy timeout let a CLI process and the host share the file;
read-modify-write steps run inside `BEGIN IMMEDIATE` so they are atomic across processes too.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from storage.port import (
    BatchOperation,
    Conflict,
    Create,
    Document,
    NotFound,
    PreconditionFailed,
    Upsert,
    addressable,
    require_batch,
    require_field_name,
    require_keys,
)

T = TypeVar("T")

_SYSTEM_FIELDS = ("_etag", "_ts")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    container  TEXT NOT NULL,
    pk         TEXT NOT NULL,
    id         TEXT NOT NULL,
    body       TEXT NOT NULL,
    etag       TEXT NOT NULL,
    expires_at REAL,
    PRIMARY KEY (container, pk, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS documents_expiry ON documents (expires_at)
    WHERE expires_at IS NOT NULL;
"""

_LIVE = "(expires_at IS NULL OR expires_at > ?)"


class SqliteStore:
    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time) -> None:
        self._path = str(path)
        self._clock = clock
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._conn: sqlite3.Connection | None = None

    @classmethod
    async def open(cls, path: str | Path, clock: Callable[[], float] = time.time) -> SqliteStore:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        store = cls(path, clock)
        await store._run(store._connect)
        return store

    def _connect(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, timeout=10.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        self._conn = conn

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("SqliteStore used before open() or after close()")
        return self._conn

    # -- helpers running on the worker thread -------------------------------------------

    def _expiry(self, doc: Document) -> float | None:
        ttl = doc.get("ttl")
        if isinstance(ttl, int) and not isinstance(ttl, bool) and ttl > 0:
            # From the whole second, as Cosmos DB counts from `_ts`: a finer expiry would tell
            # the moment a response was written more precisely than `_ts` does.
            return int(self._clock()) + ttl
        return None

    def _stamped(self, doc: Document) -> tuple[Document, str]:
        require_keys(doc)
        etag = uuid.uuid4().hex
        body = {k: v for k, v in doc.items() if k not in _SYSTEM_FIELDS}
        body["_ts"] = int(self._clock())
        return {**body, "_etag": etag}, etag

    def _row(self, container: str, pk: str, doc_id: str) -> tuple[str, str] | None:
        row = self._db.execute(
            f"SELECT body, etag FROM documents WHERE container=? AND pk=? AND id=? AND {_LIVE}",
            (container, pk, doc_id, self._clock()),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def _drop_expired(self, container: str, pk: str, doc_id: str) -> None:
        """An expired row still holds its key until the purge; as in Cosmos DB it is gone."""
        self._db.execute(
            "DELETE FROM documents WHERE container=? AND pk=? AND id=? AND expires_at <= ?",
            (container, pk, doc_id, self._clock()),
        )

    def _read(self, container: str, pk: str, doc_id: str) -> Document | None:
        row = self._row(container, pk, doc_id)
        return _decode(*row) if row else None

    def _create(self, container: str, doc: Document) -> Document:
        stored, etag = self._stamped(doc)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            self._drop_expired(container, stored["pk"], stored["id"])
            db.execute(
                "INSERT INTO documents (container, pk, id, body, etag, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (container, stored["pk"], stored["id"], _encode(stored), etag, self._expiry(doc)),
            )
        except sqlite3.IntegrityError:
            db.execute("ROLLBACK")
            raise Conflict(f"{container}/{doc['pk']}/{doc['id']} exists") from None
        db.execute("COMMIT")
        return stored

    def _replace(self, container: str, doc: Document, etag: str | None) -> Document:
        stored, new_etag = self._stamped(doc)
        sql = (
            "UPDATE documents SET body=?, etag=?, expires_at=? "
            f"WHERE container=? AND pk=? AND id=? AND {_LIVE}"
        )
        params: list[Any] = [_encode(stored), new_etag, self._expiry(doc)]
        params += [container, stored["pk"], stored["id"], self._clock()]
        if etag is not None:
            sql += " AND etag=?"
            params.append(etag)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        changed = db.execute(sql, params).rowcount
        if not changed:
            exists = self._row(container, stored["pk"], stored["id"]) is not None
            db.execute("ROLLBACK")
            if exists:
                raise PreconditionFailed(f"{container}/{doc['pk']}/{doc['id']} changed")
            raise NotFound(f"{container}/{doc['pk']}/{doc['id']}")
        db.execute("COMMIT")
        return stored

    def _upsert(self, container: str, doc: Document) -> Document:
        stored, etag = self._stamped(doc)
        self._db.execute(
            "INSERT OR REPLACE INTO documents (container, pk, id, body, etag, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (container, stored["pk"], stored["id"], _encode(stored), etag, self._expiry(doc)),
        )
        return stored

    def _delete(self, container: str, pk: str, doc_id: str, etag: str | None) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        row = self._row(container, pk, doc_id)
        if row is None:
            db.execute("ROLLBACK")
            raise NotFound(f"{container}/{pk}/{doc_id}")
        if etag is not None and row[1] != etag:
            db.execute("ROLLBACK")
            raise PreconditionFailed(f"{container}/{pk}/{doc_id} changed")
        db.execute(
            "DELETE FROM documents WHERE container=? AND pk=? AND id=?", (container, pk, doc_id)
        )
        db.execute("COMMIT")

    def _query(self, container: str, pk: str, equals: Mapping[str, Any]) -> list[Document]:
        sql = f"SELECT body, etag FROM documents WHERE container=? AND pk=? AND {_LIVE}"
        params: list[Any] = [container, pk, self._clock()]
        for name, value in equals.items():
            require_field_name(name)
            if value is None:
                sql += f" AND json_type(body, '$.{name}') IS 'null'"
                continue
            sql += f" AND json_extract(body, '$.{name}') = ?"
            params.append(int(value) if isinstance(value, bool) else value)
        rows = self._db.execute(sql + " ORDER BY id", params).fetchall()
        return [_decode(body, etag) for body, etag in rows]

    def _increment(
        self, container: str, pk: str, doc_id: str, deltas: Mapping[str, int]
    ) -> Document:
        # One statement, so atomic across threads and processes without a transaction:
        # the aggregate counters take one of these per answer.
        fields = list(deltas)
        for name in fields:
            require_field_name(name)
        now = self._clock()
        fresh = {"id": doc_id, "pk": pk, **deltas, "_ts": int(now)}
        added = ", ".join(
            f"'$.{name}', coalesce(json_extract(body, '$.{name}'), 0) + ?" for name in fields
        )
        self._drop_expired(container, pk, doc_id)  # an expired counter starts from zero
        row = self._db.execute(
            "INSERT INTO documents (container, pk, id, body, etag, expires_at) "
            "VALUES (?, ?, ?, ?, ?, NULL) "
            "ON CONFLICT (container, pk, id) DO UPDATE SET "
            f"body = json_set(body, {added}, '$._ts', ?), etag = excluded.etag "
            "RETURNING body, etag",
            (container, pk, doc_id, _encode(fresh), uuid.uuid4().hex, *deltas.values(), int(now)),
        ).fetchone()
        return _decode(row[0], row[1])

    def _batch(self, container: str, pk: str, operations: Sequence[BatchOperation]) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for op in operations:
                self._apply(container, pk, op)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _apply(self, container: str, pk: str, op: BatchOperation) -> None:
        """One operation of a batch, inside its transaction."""
        insert = (
            "INSERT INTO documents (container, pk, id, body, etag, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)"
        )
        if isinstance(op, Upsert):
            stored, etag = self._stamped(op.doc)
            self._db.execute(
                insert.replace("INSERT", "INSERT OR REPLACE", 1),
                (container, pk, stored["id"], _encode(stored), etag, self._expiry(op.doc)),
            )
            return
        if isinstance(op, Create):
            stored, etag = self._stamped(op.doc)
            self._drop_expired(container, pk, stored["id"])
            try:
                self._db.execute(
                    insert,
                    (container, pk, stored["id"], _encode(stored), etag, self._expiry(op.doc)),
                )
            except sqlite3.IntegrityError:
                raise Conflict(f"{container}/{pk}/{stored['id']} exists") from None
            return
        row = self._row(container, pk, op.doc_id)
        if row is None:
            fresh = {"id": op.doc_id, "pk": pk, **op.deltas}
            if op.ttl is not None:
                fresh["ttl"] = op.ttl
            stored, etag = self._stamped(fresh)
            self._drop_expired(container, pk, op.doc_id)
            self._db.execute(
                insert, (container, pk, op.doc_id, _encode(stored), etag, self._expiry(fresh))
            )
            return
        doc = _decode(*row)
        if op.unless and doc.get(op.unless):
            raise PreconditionFailed(f"{container}/{pk}/{op.doc_id} has {op.unless}")
        for name, delta in op.deltas.items():
            doc[name] = int(doc.get(name, 0)) + delta
        stored, etag = self._stamped(doc)
        # A counter keeps the expiry it had, as `increment` does.
        self._db.execute(
            "UPDATE documents SET body=?, etag=? WHERE container=? AND pk=? AND id=?",
            (_encode(stored), etag, container, pk, op.doc_id),
        )

    def _purge_expired(self) -> int:
        return self._db.execute(
            "DELETE FROM documents WHERE expires_at <= ?", (self._clock(),)
        ).rowcount

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- the DocumentStore interface ----------------------------------------------------

    async def read(self, container: str, pk: str, doc_id: str) -> Document | None:
        if not addressable(pk, doc_id):
            return None  # as on Cosmos DB, which could not hold such a document
        return await self._run(self._read, container, pk, doc_id)

    async def create(self, container: str, doc: Document) -> Document:
        return await self._run(self._create, container, doc)

    async def replace(self, container: str, doc: Document, etag: str | None = None) -> Document:
        return await self._run(self._replace, container, doc, etag)

    async def upsert(self, container: str, doc: Document) -> Document:
        return await self._run(self._upsert, container, doc)

    async def delete(self, container: str, pk: str, doc_id: str, etag: str | None = None) -> None:
        if not addressable(pk, doc_id):
            raise NotFound(f"{container}/{pk}/{doc_id}")
        await self._run(self._delete, container, pk, doc_id, etag)

    async def query(
        self, container: str, pk: str, equals: Mapping[str, Any] | None = None
    ) -> list[Document]:
        if not addressable(pk):
            return []
        return await self._run(self._query, container, pk, dict(equals or {}))

    async def increment(
        self, container: str, pk: str, doc_id: str, deltas: Mapping[str, int]
    ) -> Document:
        return await self._run(self._increment, container, pk, doc_id, dict(deltas))

    async def batch(self, container: str, pk: str, operations: Sequence[BatchOperation]) -> None:
        require_batch(pk, operations)
        await self._run(self._batch, container, pk, list(operations))

    async def purge_expired(self) -> int:
        """Remove expired rows (Cosmos does this itself through TTL); returns how many."""
        return await self._run(self._purge_expired)

    async def close(self) -> None:
        await self._run(self._close)
        self._executor.shutdown(wait=True)


def _encode(doc: Document) -> str:
    return json.dumps({k: v for k, v in doc.items() if k != "_etag"}, ensure_ascii=False)


def _decode(body: str, etag: str) -> Document:
    doc: Document = json.loads(body)
    doc["_etag"] = etag
    return doc
