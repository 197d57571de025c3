"""The send ledger: one document per round, kind (card or reminder) and person.

A sender claims an entry before it sends and settles it after, each write conditional on the
ETag it read, so two senders never both claim one person and a restarted sender skips
everyone already settled.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from domain.delivery import DeliveryCounts, LedgerState, Tripped
from storage.port import (
    Conflict,
    Document,
    DocumentStore,
    NotFound,
    PreconditionFailed,
    delete_if_there,
)

CONTAINER = "deliveries"
STOP = "stop"  # the kind of the document that says why a delivery stopped early


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

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.user_id}"


class DeliveryLedger:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def entries(self, round_id: str, kind: str) -> dict[str, LedgerEntry]:
        docs = await self._store.query(CONTAINER, round_id, {"kind": kind})
        return {doc["user_id"]: _entry(doc) for doc in docs}

    async def claim(
        self,
        round_id: str,
        kind: str,
        user_id: str,
        holder: str,
        seen: LedgerEntry | None,
        reopen: bool = False,
    ) -> LedgerEntry | None:
        """The entry, claimed by `holder`; None when it is settled or someone else has it.

        `seen` is the entry as read at the start of this run, if there was one: an entry left
        `sending` by an earlier run (that crashed) is taken over, and with `reopen` one that
        failed for good or found the person unreachable (an operator's resend). The write is
        conditional on `seen`'s ETag, so two runs never both claim one person.
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
            reopened = reopen and seen.state in (LedgerState.FAILED, LedgerState.DEAD)
            taken_over = seen.state is LedgerState.SENDING and seen.holder != holder
            if not (reopened or taken_over):
                return None
            return _entry(await self._store.replace(CONTAINER, doc, etag=seen.etag))
        except (Conflict, PreconditionFailed, NotFound):
            return None

    async def settle(
        self, entry: LedgerEntry, state: LedgerState, status: int, attempts: int
    ) -> LedgerEntry:
        doc = {
            "id": entry.id,
            "pk": entry.round_id,
            "kind": entry.kind,
            "user_id": entry.user_id,
            "state": state.value,
            "holder": entry.holder,
            "attempts": attempts,
            "status": status,
        }
        return _entry(await self._store.replace(CONTAINER, doc, etag=entry.etag))

    async def release(self, entry: LedgerEntry) -> None:
        """Forget a claimed entry that was never settled: the person is pending again."""
        # Taken over or settled by another run meanwhile: theirs stands.
        with contextlib.suppress(NotFound, PreconditionFailed):
            await self._store.delete(CONTAINER, entry.round_id, entry.id, etag=entry.etag)

    async def stopped(self, round_id: str, kind: str, tripped: Tripped) -> None:
        await self._store.upsert(
            CONTAINER,
            {
                "id": f"{STOP}:{kind}",
                "pk": round_id,
                "kind": STOP,
                "of": kind,
                "status": tripped.status,
                "sends": tripped.sends,
            },
        )

    async def stop_of(self, round_id: str, kind: str) -> Tripped | None:
        """Why the last delivery of `kind` in `round_id` stopped early; None if it did not."""
        doc = await self._store.read(CONTAINER, round_id, f"{STOP}:{kind}")
        return Tripped(int(doc["status"]), int(doc["sends"])) if doc else None

    async def resumed(self, round_id: str, kind: str) -> None:
        await delete_if_there(self._store, CONTAINER, round_id, f"{STOP}:{kind}")

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
