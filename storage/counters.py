"""Counters per round, kept by atomic increments (no GROUP BY on Cosmos DB)."""

from __future__ import annotations

from storage.port import DocumentStore

CONTAINER = "counters"
PARTICIPATION = "participation"


class ParticipationCounter:
    """How many answered a round: a number, with nothing that says who."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def add(self, round_id: str) -> None:
        await self._store.increment(CONTAINER, round_id, PARTICIPATION, {"answered": 1})

    async def answered(self, round_id: str) -> int:
        doc = await self._store.read(CONTAINER, round_id, PARTICIPATION)
        return int(doc.get("answered", 0)) if doc else 0

    async def set(self, round_id: str, answered: int) -> None:
        """The round's count as recounted when it closed."""
        await self._store.upsert(
            CONTAINER, {"id": PARTICIPATION, "pk": round_id, "answered": answered}
        )
