"""The send ledger: one document per round, kind (card or reminder) and person.

A sender claims an entry before it sends and settles it after, each write conditional on the
ETag it read, so two senders never both claim one person and a restarted sender skips
everyone already settled.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.delivery import DeliveryCounts, LedgerState
from storage.port import Conflict, Document, DocumentStore, NotFound, PreconditionFailed

CONTAINER = "deliveries"


@dataclass(frozen=True)
class LedgerEntry:
    round_id: str
    kind: str
    user_id: str
    state: LedgerState
    holder: str
    attempts: int
    status: int
    etag: str


class DeliveryLedger:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def entries(self, round_id: str, kind: str) -> dict[str, LedgerEntry]:
        docs = await self._store.query(CONTAINER, round_id, {"kind": kind})
        return {doc["user_id"]: _entry(doc) for doc in docs}

    async def claim(
        self, round_id: str, kind: str, user_id: str, holder: str, seen: LedgerEntry | None
    ) -> LedgerEntry | None:
        """The entry, claimed by `holder`; None when it is settled or someone else has it.

        `seen` is the entry as read at the start of this run, if there was one: an entry left
        `sending` by an earlier run (that crashed) is taken over.
        """
        doc = {
            "id": f"{kind}:{user_id}",
            "pk": round_id,
            "kind": kind,
            "user_id": user_id,
            "state": LedgerState.SENDING.value,
            "holder": holder,
            "attempts": seen.attempts if seen else 0,
            "status": 0,
        }
        try:
            if seen is None:
                return _entry(await self._store.create(CONTAINER, doc))
            if seen.state is not LedgerState.SENDING or seen.holder == holder:
                return None
            return _entry(await self._store.replace(CONTAINER, doc, etag=seen.etag))
        except (Conflict, PreconditionFailed, NotFound):
            return None

    async def settle(
        self, entry: LedgerEntry, state: LedgerState, status: int, attempts: int
    ) -> LedgerEntry:
        doc = {
            "id": f"{entry.kind}:{entry.user_id}",
            "pk": entry.round_id,
            "kind": entry.kind,
            "user_id": entry.user_id,
            "state": state.value,
            "holder": entry.holder,
            "attempts": attempts,
            "status": status,
        }
        return _entry(await self._store.replace(CONTAINER, doc, etag=entry.etag))

    async def counts(self, round_id: str, kind: str) -> DeliveryCounts:
        """Everyone with an entry was invited: a sender claims an entry before it sends."""
        states = [e.state for e in (await self.entries(round_id, kind)).values()]
        return DeliveryCounts(
            invited=len(states),
            sent=states.count(LedgerState.SENT),
            failed=states.count(LedgerState.FAILED),
            dead=states.count(LedgerState.DEAD),
        )


def _entry(doc: Document) -> LedgerEntry:
    return LedgerEntry(
        round_id=doc["pk"],
        kind=doc["kind"],
        user_id=doc["user_id"],
        state=LedgerState(doc["state"]),
        holder=doc["holder"],
        attempts=int(doc.get("attempts", 0)),
        status=int(doc.get("status", 0)),
        etag=doc["_etag"],
    )
