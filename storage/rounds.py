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
        await self._store.create(
            CONTAINER,
            {
                "id": round_.id,
                "pk": PARTITION,
                "opened_at": round_.opened_at.isoformat(),
                "closes_at": round_.closes_at.isoformat(),
                "items": list(round_.items),
            },
        )
        return round_


def _round(doc: Document) -> Round:
    return Round(
        id=doc["id"],
        opened_at=datetime.fromisoformat(doc["opened_at"]),
        closes_at=datetime.fromisoformat(doc["closes_at"]),
        items=tuple(doc["items"]),
    )
