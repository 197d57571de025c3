"""The pulse's counters and the audit log of who looked at it.

| container  | pk                | id                        | holds                              |
|------------|-------------------|---------------------------|------------------------------------|
| `counters` | round id          | "cell:<area, band>"       | respondents and answer counts of   |
|            |                   |                           | one service area x age band        |
|            |                   | "hiding"                  | the round's hidden cells, decided  |
|            |                   |                           | once (the first host to decide)    |
|            |                   | "answer:<hmac(pseudonym)>"| one answer's cell and scores,      |
|            |                   |                           | sealed: what the recount counts    |
| `audit`    | "YYYY-MM"         | a fresh id                | one view or export: who, when,     |
|            |                   |                           | which scope and round              |

A cell's counter is one patch of at most 9 `incr` operations (respondents, and one answer per
item of the 8-item catalog): within Cosmos DB's 10 operations a patch, so one answer is one
atomic write. A view reads a round's cells with one single-partition query, whatever the number
of answers: there are as many cells as service areas times age bands.

The increments are a running count only: a person counted again after erasing their data and
answering anew, or an answer whose response was never stored (the host died in between), would
stay wrong. So every answer also leaves an entry in its round's partition, and when the round
closes (before anyone sees it) the cells are recounted from the entries whose response is still
stored. An entry's id is a keyed hash of the pseudonym (one per person and round); its content
is sealed like the response, and it expires a while after the round closes.

A check-in writes its entry and its increments (participation, cell, team) as one transactional
batch in the round's partition, before the response: one request, all or nothing, so an answer
is never counted twice or half. The batch's participation increment is refused once the round
is closed (storage/counters.py `CLOSED`), and the recount sets that flag before it counts, so
an answer either is in the batch before the recount reads or is refused: a host whose copy of
the round is a minute old cannot slip one in after the count.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.anonymity import Cell
from domain.pseudonym import at_rest_key
from domain.pulse import Counted, fine_deltas
from storage.counters import CLOSED, PARTICIPATION, ParticipationCounter, team_counter_id
from storage.port import (
    BatchOperation,
    Conflict,
    Create,
    Document,
    DocumentStore,
    Increment,
    NotFound,
)
from storage.responses import CONTAINER as RESPONSES

log = logging.getLogger(__name__)

COUNTERS = "counters"
AUDIT = "audit"
_PREFIX = "cell:"
_HIDING = "hiding"
_ANSWER = "answer:"
_NONCE_BYTES = 12


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
            _cell(doc["id"]): {
                k: v
                for k, v in doc.items()
                if isinstance(v, int) and k != "ttl" and not k.startswith("_")
            }
            for doc in docs
            if doc["id"].startswith(_PREFIX)
        }

    async def replace_cells(
        self, round_id: str, cells: Mapping[tuple[str, str], Mapping[str, int]]
    ) -> None:
        """The round's cells as recounted, in place of the running counts."""
        wanted = {cell_id(a, b): dict(counts) for (a, b), counts in cells.items()}
        for doc in await self._store.query(COUNTERS, round_id):
            if doc["id"].startswith(_PREFIX) and doc["id"] not in wanted:
                with contextlib.suppress(NotFound):
                    await self._store.delete(COUNTERS, round_id, doc["id"])
        for doc_id, counts in wanted.items():
            await self._store.upsert(COUNTERS, {"id": doc_id, "pk": round_id, **counts})

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


@dataclass(frozen=True)
class TeamAnswer:
    """An answer counted into its leader's team (a team of k or more): the running count the
    team signal falls back on when the round's entries cannot be opened."""

    leader: str
    high_stress: bool
    ttl_seconds: int  # the counter's, given when the first answer creates it


# An entry whose response is not there yet may have it on the way: the turn that wrote the
# entry stores the response within its budget, which is under Teams' 15 s (bot/settings.py
# refuses more), and a write the turn stopped waiting for lands within a few seconds more. The
# recount waits that long for a young one.
IN_FLIGHT_SECONDS = 20.0


class AnswerTally:
    """The entries the recount counts: one per stored answer (see the module's docstring)."""

    def __init__(
        self,
        store: DocumentStore,
        pseudonym_key: bytes,
        in_flight: float = IN_FLIGHT_SECONDS,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._store = store
        self._key = pseudonym_key
        self._in_flight = in_flight
        self._clock = clock
        self._sleep = sleep

    def _id(self, pseudonym: str) -> str:
        # Keyed, so the store's reader cannot tell whose partition of responses it belongs to.
        digest = hmac.new(self._key, f"tally\x00{pseudonym}".encode(), hashlib.sha256)
        return _ANSWER + digest.hexdigest()[:32]

    async def count(
        self,
        round_id: str,
        pseudonym: str,
        counted: Counted,
        ttl_seconds: int,
        team: TeamAnswer | None = None,
    ) -> None:
        """The answer's entry and its running counts, in one batch, before the response is
        stored: should the host die in between, the recount finds no response for the entry and
        leaves it out. Raises Conflict when the person has an entry (an answer, or a try that
        died before its response) and PreconditionFailed when the round is closed."""
        operations: list[BatchOperation] = [
            Create(self._entry(round_id, pseudonym, counted, ttl_seconds)),
            Increment(PARTICIPATION, {"answered": 1}, unless=CLOSED),
            Increment(cell_id(counted.area, counted.band), fine_deltas(counted.scores)),
        ]
        if team is not None:
            deltas = {"answered": 1, "high_stress": int(team.high_stress)}
            counter = team_counter_id(team.leader)
            operations.append(Increment(counter, deltas, ttl=team.ttl_seconds))
        await self._store.batch(COUNTERS, round_id, operations)

    async def put(self, round_id: str, pseudonym: str, counted: Counted, ttl_seconds: int) -> None:
        """The entry alone, in place of the one there: when a try that died before its response
        left an entry with other answers than those stored now."""
        await self._store.upsert(COUNTERS, self._entry(round_id, pseudonym, counted, ttl_seconds))

    def _entry(self, round_id: str, pseudonym: str, counted: Counted, ttl_seconds: int) -> Document:
        doc_id = self._id(pseudonym)
        content = json.dumps(
            {
                "who": pseudonym,
                "area": counted.area,
                "band": counted.band,
                "scores": counted.scores,
                "leader": counted.leader,
            }
        ).encode()
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(at_rest_key(self._key)).encrypt(
            nonce, content, json.dumps([round_id, doc_id]).encode()
        )
        return {
            "id": doc_id,
            "pk": round_id,
            "sealed": base64.b64encode(nonce + sealed).decode("ascii"),
            "ttl": ttl_seconds,
        }

    async def forget(self, round_id: str, pseudonym: str) -> int:
        try:
            await self._store.delete(COUNTERS, round_id, self._id(pseudonym))
        except NotFound:
            return 0
        return 1

    async def counted(self, round_id: str) -> list[Counted] | None:
        """Every answer of the round whose response is stored, once; None when an entry does
        not open with this key (the key was rotated while the round was open: see
        docs/privacy.md#rotating-the-key), and the running counts are all there is.

        The round is closed to answers first, so that none is counted after this has read."""
        await ParticipationCounter(self._store).close(round_id)
        found = []
        waiting: list[tuple[float, str, Counted]] = []
        for doc in await self._store.query(COUNTERS, round_id):
            if not doc["id"].startswith(_ANSWER):
                continue
            try:
                raw = base64.b64decode(doc["sealed"], validate=True)
                content = json.loads(
                    AESGCM(at_rest_key(self._key)).decrypt(
                        raw[:_NONCE_BYTES],
                        raw[_NONCE_BYTES:],
                        json.dumps([round_id, doc["id"]]).encode(),
                    )
                )
                who = str(content["who"])
                counted = Counted(
                    str(content["area"]),
                    str(content["band"]),
                    {k: int(v) for k, v in content["scores"].items()},
                    str(content.get("leader", "")),
                )
            except (KeyError, TypeError, ValueError, InvalidTag):
                log.warning("round %s has tally entries this key cannot open", round_id)
                return None
            if doc["id"] != self._id(who):
                continue
            if await self._store.read(RESPONSES, who, round_id):
                found.append(counted)
            elif (written := float(doc.get("_ts", 0))) > self._clock() - self._in_flight:
                waiting.append((written, who, counted))
        if waiting:
            last = max(written for written, _, _ in waiting)
            await self._sleep(max(0.0, last + self._in_flight - self._clock()))
            for _, who, counted in waiting:
                if await self._store.read(RESPONSES, who, round_id):
                    found.append(counted)
        return found


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
