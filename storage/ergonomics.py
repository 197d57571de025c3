"""The ergonomics picture's counts per closed quarter (domain/ergonomics_picture.py): numbers
per service area, counted once when the quarter has closed and kept as counted, so that an
approval or an erasure afterwards changes nothing shown.

| container  | pk            | id        | holds                                              |
|------------|---------------|-----------|----------------------------------------------------|
| `counters` | "ergonomics"  | "2026-Q3" | per service area: assessed, with a risk, asked BHT |
"""

from __future__ import annotations

from domain.ergonomics_picture import Counts
from storage.port import Conflict, DocumentStore

CONTAINER = "counters"
PARTITION = "ergonomics"


class ErgonomicsCounts:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def get(self, quarter: str) -> dict[str, Counts] | None:
        doc = await self._store.read(CONTAINER, PARTITION, quarter)
        if doc is None:
            return None
        return {
            row["area"]: Counts(int(row["assessed"]), int(row["risk"]), int(row["bht"]))
            for row in doc["areas"]
        }

    async def keep(self, quarter: str, counts: dict[str, Counts]) -> dict[str, Counts]:
        """Keep the quarter's counts; when another host kept them first, theirs stand."""
        rows = [
            {"area": area, "assessed": c.assessed, "risk": c.risk, "bht": c.bht}
            for area, c in sorted(counts.items())
        ]
        try:
            await self._store.create(CONTAINER, {"id": quarter, "pk": PARTITION, "areas": rows})
        except Conflict:
            kept = await self.get(quarter)
            assert kept is not None
            return kept
        return counts
