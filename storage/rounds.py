"""Check-in rounds, all in one small partition (one round a week)."""

from __future__ import annotations

from datetime import datetime

from domain.rounds import Round
from storage.port import Document, DocumentStore

CONTAINER = "rounds"
PARTITION = "rounds"


class RoundRepository:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def get(self, round_id: str) -> Round | None:
        doc = await self._store.read(CONTAINER, PARTITION, round_id)
        return _round(doc) if doc else None

    async def all(self) -> list[Round]:
        return [_round(doc) for doc in await self._store.query(CONTAINER, PARTITION)]

    async def create(self, round_: Round) -> Round:
        """Raises Conflict when a round with that id exists."""
        await self._store.create(CONTAINER, _doc(round_))
        return round_

    async def save(self, round_: Round) -> None:
        """Record progress (delivered, reminded, closed); only lease holders call this."""
        await self._store.upsert(CONTAINER, _doc(round_))


def _doc(round_: Round) -> Document:
    return {
        "id": round_.id,
        "pk": PARTITION,
        "opened_at": round_.opened_at.isoformat(),
        "closes_at": round_.closes_at.isoformat(),
        "items": list(round_.items),
        "delivered_at": _iso(round_.delivered_at),
        "reminded_at": _iso(round_.reminded_at),
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
    )
