"""Check-in rounds, all in one small partition (one round a week)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from domain.rounds import Round
from storage.port import Document, DocumentStore

CONTAINER = "rounds"
PARTITION = "rounds"


# Rounds are looked up on many turns; a round's items never change once opened (its
# delivery progress does, and an operator may close it early), so a short cache saves a read
# where a slightly old copy does no harm. A submit reads past it: an early close must hold.
CACHE_SECONDS = 30.0


class RoundRepository:
    def __init__(
        self, store: DocumentStore, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._store = store
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, Round]] = {}

    async def get(self, round_id: str, fresh: bool = False) -> Round | None:
        """The round; `fresh` reads past the cache, for work that writes the round back."""
        cached = self._cache.get(round_id)
        if cached and cached[0] > self._monotonic() and not fresh:
            return cached[1]
        doc = await self._store.read(CONTAINER, PARTITION, round_id)
        return self._remember(_round(doc)) if doc else None

    def _remember(self, round_: Round) -> Round:
        self._cache[round_.id] = (self._monotonic() + CACHE_SECONDS, round_)
        return round_

    async def all(self) -> list[Round]:
        return [
            self._remember(_round(doc)) for doc in await self._store.query(CONTAINER, PARTITION)
        ]

    async def create(self, round_: Round) -> Round:
        """Raises Conflict when a round with that id exists."""
        await self._store.create(CONTAINER, _doc(round_))
        return self._remember(round_)

    async def save(self, round_: Round) -> None:
        """Record progress (delivered, reminded, closed); only lease holders call this."""
        await self._store.upsert(CONTAINER, _doc(round_))
        self._remember(round_)


def _doc(round_: Round) -> Document:
    return {
        "id": round_.id,
        "pk": PARTITION,
        "opened_at": round_.opened_at.isoformat(),
        "closes_at": round_.closes_at.isoformat(),
        "items": list(round_.items),
        "delivered_at": _iso(round_.delivered_at),
        "reminded_at": _iso(round_.reminded_at),
        "closed_early": round_.closed_early,
        "tallied": round_.tallied,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _round(doc: Document) -> Round:
    return Round(
        id=doc["id"],
        opened_at=datetime.fromisoformat(doc["opened_at"]),
        closes_at=datetime.fromisoformat(doc["closes_at"]),
        items=tuple(doc["items"]),
        delivered_at=_when(doc.get("delivered_at")),
        reminded_at=_when(doc.get("reminded_at")),
        closed_early=bool(doc.get("closed_early", False)),
        tallied=bool(doc.get("tallied", False)),
    )
