"""Kaffeprat in storage: the members, the rounds and who was in whose group.

| container | partition          | holds                                                     |
|-----------|--------------------|-----------------------------------------------------------|
| `users`   | "coffee"           | one document per member: how often, how, how wide, pause, |
|           |                    | "not with" (one partition: the pairing reads all at once) |
| `rounds`  | "coffee"           | the pairing rounds                                         |
| `rounds`  | "coffee:<round>"   | one document per person paired in the round: their group, |
|           |                    | the day, the starter, whether they answered the check-back |
|           |                    | (not what); expires after `ttl_seconds`                    |
| `counters`| the round's id     | the check-back's answers per service area (numbers only)  |

The check-back's answers go only to the counters (storage/pulse.py's cells, one item `met`):
no document says what a person answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from domain.coffee import CoffeeRound, Frequency, Match, Meeting, Membership, Width
from storage.personal_data import ERASED
from storage.port import (
    Conflict,
    Document,
    DocumentStore,
    NotFound,
    PreconditionFailed,
    delete_if_there,
    delete_partition,
)

USERS = "users"
ROUNDS = "rounds"
PARTITION = "coffee"
_WRITERS = 16
T = TypeVar("T")


def groups_pk(round_id: str) -> str:
    return f"{PARTITION}:{round_id}"


class CoffeeRepository:
    def __init__(self, store: DocumentStore, ttl_seconds: int) -> None:
        self._store = store
        self._ttl = ttl_seconds

    # -- members ----------------------------------------------------------------------------

    async def member(self, user_id: str) -> Membership | None:
        doc = await self._store.read(USERS, PARTITION, user_id)
        return _membership(doc) if doc else None

    async def save_member(self, member: Membership) -> None:
        await self._store.upsert(USERS, _member_doc(member))

    async def remove_member(self, user_id: str) -> bool:
        return bool(await delete_if_there(self._store, USERS, PARTITION, user_id))

    async def members(self) -> list[Membership]:
        return [_membership(doc) for doc in await self._store.query(USERS, PARTITION)]

    # -- rounds -----------------------------------------------------------------------------

    async def rounds(self) -> list[CoffeeRound]:
        """Oldest first."""
        docs = await self._store.query(ROUNDS, PARTITION)
        return sorted((_round(d) for d in docs), key=lambda r: r.opened_at)

    async def round(self, round_id: str) -> CoffeeRound | None:
        doc = await self._store.read(ROUNDS, PARTITION, round_id)
        return _round(doc) if doc else None

    async def create_round(self, round_: CoffeeRound) -> CoffeeRound | None:
        """None when a round with that id exists."""
        try:
            await self._store.create(ROUNDS, _round_doc(round_))
        except Conflict:
            return None
        return round_

    async def save_round(self, round_: CoffeeRound) -> None:
        """Only the holder of the coffee lease writes a round."""
        await self._store.upsert(ROUNDS, _round_doc(round_))

    # -- groups -----------------------------------------------------------------------------

    async def write_matches(self, round_id: str, matches: Iterable[Match]) -> None:
        """Idempotent: a pairing written again after a crash writes the same documents."""

        async def write(match: Match) -> None:
            await self._store.upsert(ROUNDS, {**_match_doc(match), "ttl": self._ttl})

        await _each(list(matches), write)

    async def clear_matches(self, round_id: str) -> None:
        await delete_partition(self._store, ROUNDS, groups_pk(round_id))

    async def matches(self, round_id: str) -> dict[str, Match]:
        docs = await self._store.query(ROUNDS, groups_pk(round_id))
        return {d["id"]: _match(d) for d in docs}

    async def match(self, round_id: str, user_id: str) -> tuple[Match, str] | None:
        """The person's match in the round, with its ETag."""
        doc = await self._store.read(ROUNDS, groups_pk(round_id), user_id)
        return (_match(doc), doc["_etag"]) if doc else None

    async def mark_checked_back(self, match: Match, etag: str) -> bool:
        """False when someone (another device of theirs) marked it first."""
        doc = {**_match_doc(match), "checked_back": True, "ttl": self._ttl}
        try:
            await self._store.replace(ROUNDS, doc, etag=etag)
        except (PreconditionFailed, NotFound):
            return False
        return True

    # -- data rights ------------------------------------------------------------------------

    async def export(self, user_id: str) -> dict[str, Any]:
        member = await self._store.read(USERS, PARTITION, user_id)
        history = []
        for round_ in await self.rounds():
            found = await self.match(round_.id, user_id)
            if found:
                m = found[0]
                # How many they met, not who: the cards in their chat named them, and an
                # export holds nobody else's data.
                history.append(
                    {
                        "round_id": m.round_id,
                        "partners": len(m.partners),
                        "day": m.day,
                        "at_office": m.at_office,
                        "checked_back": m.checked_back,
                    }
                )
        membership = (
            {k: v for k, v in member.items() if not k.startswith("_") and k not in ("pk", "id")}
            if member
            else None
        )
        return {"membership": membership, "rounds": history}

    async def erase(self, user_id: str) -> int:
        """Their membership and their part of every round; in their partners' records they
        are `erased`. The delivery ledger of the rounds is erased with the others'."""
        erased = await delete_if_there(self._store, USERS, PARTITION, user_id)
        for round_ in await self.rounds():
            found = await self.match(round_.id, user_id)
            if found is None:
                continue
            for partner in found[0].partners:
                await self._unname(round_.id, partner, user_id)
            erased += await delete_if_there(self._store, ROUNDS, groups_pk(round_.id), user_id)
        return erased

    async def _unname(self, round_id: str, partner: str, user_id: str) -> None:
        for _ in range(5):
            doc = await self._store.read(ROUNDS, groups_pk(round_id), partner)
            if doc is None:
                return
            body = {k: v for k, v in doc.items() if not k.startswith("_")}
            body["group"] = [ERASED if u == user_id else u for u in body["group"]]
            try:
                await self._store.replace(ROUNDS, body, etag=doc["_etag"])
                return
            except PreconditionFailed:
                continue

    async def round_ids(self) -> list[str]:
        return [r.id for r in await self.rounds()]


async def _each(items: list[T], work: Callable[[T], Awaitable[None]]) -> None:
    queue = list(reversed(items))

    async def worker() -> None:
        while queue:
            await work(queue.pop())

    await asyncio.gather(*(worker() for _ in range(_WRITERS)))


def _member_doc(m: Membership) -> Document:
    return {
        "id": m.user_id,
        "pk": PARTITION,
        "frequency": m.frequency.value,
        "meeting": m.meeting.value,
        "width": m.width.value,
        "paused_until": m.paused_until.isoformat() if m.paused_until else "",
        "not_with": sorted(m.not_with),
        "joined_at": m.joined_at.isoformat() if m.joined_at else "",
    }


def _membership(doc: Document) -> Membership:
    return Membership(
        user_id=doc["id"],
        frequency=Frequency(doc["frequency"]),
        meeting=Meeting(doc["meeting"]),
        width=Width(doc["width"]),
        paused_until=date.fromisoformat(doc["paused_until"]) if doc["paused_until"] else None,
        not_with=frozenset(doc.get("not_with", ())),
        joined_at=datetime.fromisoformat(doc["joined_at"]) if doc.get("joined_at") else None,
    )


def _when(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _at(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _round_doc(r: CoffeeRound) -> Document:
    return {
        "id": r.id,
        "pk": PARTITION,
        "opened_at": r.opened_at.isoformat(),
        "paired_at": _when(r.paired_at),
        "delivered_at": _when(r.delivered_at),
        "checkback_sent_at": _when(r.checkback_sent_at),
        "groups": r.groups,
        "unpaired": r.unpaired,
        "participants": dict(r.participants),
    }


def _round(doc: Document) -> CoffeeRound:
    opened = _at(doc["opened_at"])
    assert opened is not None
    return CoffeeRound(
        id=doc["id"],
        opened_at=opened,
        paired_at=_at(doc["paired_at"]),
        delivered_at=_at(doc["delivered_at"]),
        checkback_sent_at=_at(doc["checkback_sent_at"]),
        groups=int(doc["groups"]),
        unpaired=int(doc["unpaired"]),
        participants={str(k): int(v) for k, v in doc["participants"].items()},
    )


def _match_doc(m: Match) -> Document:
    return {
        "id": m.user_id,
        "pk": groups_pk(m.round_id),
        "round_id": m.round_id,
        "group": list(m.group),
        "day": m.day,
        "at_office": m.at_office,
        "starter": m.starter,
        "checked_back": m.checked_back,
    }


def _match(doc: Document) -> Match:
    return Match(
        round_id=doc["round_id"],
        user_id=doc["id"],
        group=tuple(doc["group"]),
        day=doc["day"],
        at_office=bool(doc["at_office"]),
        starter=int(doc["starter"]),
        checked_back=bool(doc.get("checked_back", False)),
    )
