"""Counters per round, kept by atomic increments (no GROUP BY on Cosmos DB)."""

from __future__ import annotations

from storage.port import DocumentStore

CONTAINER = "counters"
PARTICIPATION = "participation"
# Set on the participation counter when the round closes: a check-in's batch increments it
# unless it is set (storage/pulse.py), so no answer gets in once the recount may have begun.
CLOSED = "closed"
TEAM = "team:"


def team_counter_id(leader_id: str) -> str:
    """A team's running count (storage/followups.py), written with each answer's batch."""
    return TEAM + leader_id


class ParticipationCounter:
    """How many answered a round: a number, with nothing that says who."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def add(self, round_id: str) -> None:
        await self._store.increment(CONTAINER, round_id, PARTICIPATION, {"answered": 1})

    async def answered(self, round_id: str) -> int:
        doc = await self._store.read(CONTAINER, round_id, PARTICIPATION)
        return int(doc.get("answered", 0)) if doc else 0

    async def close(self, round_id: str) -> None:
        """No answer is counted into the round after this, whatever a host's copy of the round
        says: an early close from another process holds at once."""
        await self._store.increment(CONTAINER, round_id, PARTICIPATION, {CLOSED: 1})

    async def set(self, round_id: str, answered: int) -> None:
        """The round's count as recounted when it closed."""
        await self._store.upsert(
            CONTAINER, {"id": PARTICIPATION, "pk": round_id, "answered": answered, CLOSED: 1}
        )
