"""Follow-ups to leaders, standing consents, and the team counts behind the team-level signal.

| container   | pk                 | id                  | holds                                     |
|-------------|--------------------|---------------------|-------------------------------------------|
| `followups` | employee's id      | "open"              | the open follow-up, with its audit trail  |
| `followups` | employee's id      | "closed-<id>"       | follow-ups marked done (the trail kept)   |
| `followups` | "index"            | employee's id       | open ones, for the scheduler's reminders  |
| `followups` | "team-rounds"      | round id            | the round's team signals were evaluated   |
| `users`     | employee's id      | "consent"           | standing consent, with its history        |
| `counters`  | round id           | "team:<leader id>"  | how many of a team answered, how many high|

A team counter holds two numbers per leader and round and nothing that says who. It is kept
only for teams of at least k, expires with the responses, and is deleted once the round's team
signal is evaluated: for a small team it would be a person's answer.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from domain.followup import Action, Event, FollowUp, Signal, StandingConsent
from storage.counters import TEAM, team_counter_id
from storage.personal_data import note_leader
from storage.port import Conflict, Document, DocumentStore, delete_if_there
from storage.responses import DEFAULT_TTL_SECONDS

CONTAINER = "followups"
OPEN = "open"
INDEX = "index"
TEAM_ROUNDS = "team-rounds"
COUNTERS = "counters"


USERS = "users"
CONSENT = "consent"


class FollowUpRepository:
    def __init__(self, store: DocumentStore, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        self._store = store
        self.team_ttl = ttl_seconds  # a team counter lives as long as the answers it counts

    async def open_for(self, employee_id: str) -> tuple[FollowUp, str] | None:
        """The open follow-up and its ETag."""
        doc = await self._store.read(CONTAINER, employee_id, OPEN)
        return (_followup(doc), doc["_etag"]) if doc else None

    async def create(self, followup: FollowUp) -> None:
        """Raises Conflict when one is open already."""
        await note_leader(self._store, followup.leader_id, followup.employee_id)
        await self._store.create(CONTAINER, _doc(followup, OPEN))
        await self._index(followup)

    async def replace(self, followup: FollowUp, etag: str) -> None:
        """Raises PreconditionFailed when it changed since it was read."""
        if followup.open:
            await self._store.replace(CONTAINER, _doc(followup, OPEN), etag=etag)
            return
        # Done: kept under its own id with the whole trail; the slot is free for the next one.
        with contextlib.suppress(Conflict):  # an earlier attempt got this far
            await self._store.create(CONTAINER, _doc(followup, f"closed-{followup.id}"))
        await self._store.delete(CONTAINER, followup.employee_id, OPEN, etag=etag)
        await delete_if_there(self._store, CONTAINER, INDEX, followup.employee_id)

    async def closed_for(self, employee_id: str) -> list[FollowUp]:
        docs = await self._store.query(CONTAINER, employee_id, {"state": "closed"})
        return sorted((_followup(d) for d in docs), key=lambda f: f.opened_at)

    async def open_employees(self) -> list[str]:
        return [doc["id"] for doc in await self._store.query(CONTAINER, INDEX)]

    async def _index(self, followup: FollowUp) -> None:
        await self._store.upsert(
            CONTAINER,
            {"id": followup.employee_id, "pk": INDEX, "opened_at": followup.opened_at.isoformat()},
        )

    # -- the team-level signal ----------------------------------------------------------------

    async def team_counts(self, round_id: str, leader_id: str) -> tuple[int, int]:
        doc = await self._store.read(COUNTERS, round_id, team_counter_id(leader_id))
        return (int(doc.get("answered", 0)), int(doc.get("high_stress", 0))) if doc else (0, 0)

    async def teams_of_round(self, round_id: str) -> list[str]:
        docs = await self._store.query(COUNTERS, round_id)
        return [doc["id"].removeprefix(TEAM) for doc in docs if doc["id"].startswith(TEAM)]

    async def forget_team_counts(self, round_id: str) -> None:
        for leader_id in await self.teams_of_round(round_id):
            await delete_if_there(self._store, COUNTERS, round_id, team_counter_id(leader_id))

    async def claim_team_round(self, round_id: str) -> bool:
        """True once per round: whoever claims it evaluates the round's team signals."""
        try:
            await self._store.create(CONTAINER, {"id": round_id, "pk": TEAM_ROUNDS})
        except Conflict:
            return False
        return True

    # -- standing consent ---------------------------------------------------------------------

    async def consent(self, user_id: str) -> StandingConsent:
        doc = await self._store.read(USERS, user_id, CONSENT)
        if doc is None:
            return StandingConsent()
        return StandingConsent(frozenset(doc["kinds"]), datetime.fromisoformat(doc["changed_at"]))

    async def save_consent(self, user_id: str, consent: StandingConsent) -> None:
        """Kept with its time, and every earlier choice with theirs (given, changed, withdrawn)."""
        doc = await self._store.read(USERS, user_id, CONSENT)
        history: list[dict[str, Any]] = list(doc.get("history", [])) if doc else []
        assert consent.changed_at is not None
        history.append({"kinds": sorted(consent.kinds), "at": consent.changed_at.isoformat()})
        await self._store.upsert(
            USERS,
            {
                "id": CONSENT,
                "pk": user_id,
                "kinds": sorted(consent.kinds),
                "changed_at": consent.changed_at.isoformat(),
                "history": history,
            },
        )


def _doc(followup: FollowUp, doc_id: str) -> Document:
    return {
        "id": doc_id,
        "pk": followup.employee_id,
        "state": "open" if followup.open else "closed",
        "followup_id": followup.id,
        "leader_id": followup.leader_id,
        "signals": sorted(s.value for s in followup.signals),
        "round_id": followup.round_id,
        "opened_at": followup.opened_at.isoformat(),
        "note": followup.note,
        "events": [
            {"at": e.at.isoformat(), "action": e.action.value, "by": e.by} for e in followup.events
        ],
    }


def _followup(doc: Document) -> FollowUp:
    return FollowUp(
        id=doc["followup_id"],
        employee_id=doc["pk"],
        leader_id=doc["leader_id"],
        signals=frozenset(Signal(s) for s in doc["signals"]),
        round_id=doc["round_id"],
        opened_at=datetime.fromisoformat(doc["opened_at"]),
        events=tuple(
            Event(datetime.fromisoformat(e["at"]), Action(e["action"]), e["by"])
            for e in doc["events"]
        ),
        note=doc.get("note", ""),
    )
