"""Leases by compare-and-swap on the ETag, on any DocumentStore.

Two instances racing for the same lease both read it, and both try to write with the ETag
they read: the store lets exactly one write through (412 or 409 for the other).
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from domain.clock import Clock, utc_now
from domain.leases import Lease, may_take
from storage.port import Conflict, Document, DocumentStore, NotFound, PreconditionFailed

CONTAINER = "leases"
#: How long a job's lease lasts unless renewed (LEASE_SECONDS): how long the other instances
#: wait for a crashed holder's job before one of them takes it over.
DEFAULT_DURATION = timedelta(seconds=60)


class LeaseStore:
    def __init__(
        self, store: DocumentStore, clock: Clock = utc_now, duration: timedelta = DEFAULT_DURATION
    ) -> None:
        self._store = store
        self._clock = clock
        self.duration = duration

    def now(self) -> datetime:
        """The time leases are reckoned by."""
        return self._clock()

    async def acquire(self, name: str, holder: str, duration: timedelta) -> Lease | None:
        """The lease, now held by `holder`; None when another holder has it."""
        doc = await self._store.read(CONTAINER, name, name)
        current = _lease(doc) if doc else None
        now = self._clock()
        if not may_take(current, holder, now):
            return None
        wanted = {
            "id": name,
            "pk": name,
            "holder": holder,
            "expires_at": (now + duration).isoformat(),
        }
        try:
            if current is None:
                written = await self._store.create(CONTAINER, wanted)
            else:
                written = await self._store.replace(CONTAINER, wanted, etag=current.etag)
        except (Conflict, PreconditionFailed, NotFound):
            return None  # someone else took or released it between our read and write
        return _lease(written)

    async def holder_of(self, name: str) -> Lease | None:
        """The lease as stored (held or expired), or None when nobody took it."""
        doc = await self._store.read(CONTAINER, name, name)
        return _lease(doc) if doc else None

    async def renew(self, lease: Lease, duration: timedelta) -> Lease | None:
        """The lease extended by `duration` from now; None when it was lost meanwhile."""
        wanted = {
            "id": lease.name,
            "pk": lease.name,
            "holder": lease.holder,
            "expires_at": (self._clock() + duration).isoformat(),
        }
        try:
            return _lease(await self._store.replace(CONTAINER, wanted, etag=lease.etag))
        except (PreconditionFailed, NotFound):
            return None

    async def release(self, lease: Lease) -> None:
        """Give the lease up, unless somebody else holds it by now."""
        with contextlib.suppress(PreconditionFailed, NotFound):
            await self._store.delete(CONTAINER, lease.name, lease.name, etag=lease.etag)


def _lease(doc: Document) -> Lease:
    return Lease(
        name=doc["id"],
        holder=doc["holder"],
        expires_at=datetime.fromisoformat(doc["expires_at"]),
        etag=doc["_etag"],
    )
