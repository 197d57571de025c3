"""The pulse's counters and the audit log of who looked at it.

| container  | pk                | id                        | holds                              |
|------------|-------------------|---------------------------|------------------------------------|
| `counters` | round id          | "cell:<area, band>"       | respondents and answer counts of   |
|            |                   |                           | one service area x age band        |
|            |                   | "hiding"                  | the round's hidden cells, decided  |
|            |                   |                           | once (the first host to decide)    |
| `audit`    | "YYYY-MM"         | a fresh id                | one view or export: who, when,     |
|            |                   |                           | which scope and round              |

A cell's counter is one patch of at most 9 `incr` operations (respondents, and one answer per
item of the 8-item catalog): within Cosmos DB's 10 operations a patch, so one answer is one
atomic write. A view reads a round's cells with one single-partition query, whatever the number
of answers: there are as many cells as service areas times age bands.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from datetime import datetime

from domain.anonymity import Cell
from domain.pulse import fine_deltas
from storage.port import Conflict, DocumentStore

COUNTERS = "counters"
AUDIT = "audit"
_PREFIX = "cell:"
_HIDING = "hiding"


def cell_id(area: str, band: str) -> str:
    # Service area names may hold characters Cosmos DB ids may not (/ \\ ? #).
    raw = f"{area}\x00{band}".encode()
    return _PREFIX + base64.urlsafe_b64encode(raw).decode("ascii")


def _cell(doc_id: str) -> tuple[str, str]:
    area, band = base64.urlsafe_b64decode(doc_id[len(_PREFIX) :]).decode().split("\x00")
    return area, band


class PulseCounters:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def record(self, round_id: str, area: str, band: str, scores: Mapping[str, int]) -> None:
        await self._store.increment(COUNTERS, round_id, cell_id(area, band), fine_deltas(scores))

    async def cells(self, round_id: str) -> dict[tuple[str, str], dict[str, int]]:
        docs = await self._store.query(COUNTERS, round_id)
        return {
            _cell(doc["id"]): {k: v for k, v in doc.items() if isinstance(v, int) and k != "ttl"}
            for doc in docs
            if doc["id"].startswith(_PREFIX)
        }

    async def hiding(self, round_id: str) -> frozenset[Cell] | None:
        doc = await self._store.read(COUNTERS, round_id, _HIDING)
        return None if doc is None else _cells(doc)

    async def keep_hiding(self, round_id: str, hidden: frozenset[Cell]) -> frozenset[Cell]:
        """The round's hiding: `hidden`, or the one another host kept first."""
        cells = [[a, b] for a, b in sorted(hidden, key=lambda c: (c[0] or "", c[1] or ""))]
        try:
            await self._store.create(COUNTERS, {"id": _HIDING, "pk": round_id, "cells": cells})
        except Conflict:
            kept = await self.hiding(round_id)
            assert kept is not None  # created by another host, never deleted
            return kept
        return hidden


def _cells(doc: Mapping[str, object]) -> frozenset[Cell]:
    return frozenset((area, band) for area, band in doc["cells"])  # type: ignore[attr-defined]


class AuditLog:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def record(self, at: datetime, who: str, action: str, **details: str) -> None:
        await self._store.create(
            AUDIT,
            {
                "id": uuid.uuid4().hex,
                "pk": at.strftime("%Y-%m"),
                "at": at.isoformat(),
                "who": who,
                "action": action,
                **details,
            },
        )

    async def month(self, year_month: str) -> list[dict[str, str]]:
        docs = await self._store.query(AUDIT, year_month)
        return sorted(
            ({k: v for k, v in d.items() if not k.startswith("_")} for d in docs),
            key=lambda d: d["at"],
        )
