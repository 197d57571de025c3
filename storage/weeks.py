"""Week plans and team days, one partition per team, so that a team's week is one query.

Container `weeks`:

| pk                | id                 | holds                                              |
|-------------------|--------------------|----------------------------------------------------|
| "team:<leader>"   | "team"             | the team's office days, whether the Monday card is on |
|                   | "plan:<person>"    | a member's plan: pattern, changes by date, visibility |
| "monday"          | "<leader>"         | the teams whose Monday card is on (what the job reads) |
| "sends"           | "<week id>"        | the weeks the Monday card went out (ledger partitions) |

A person's plan lives in their leader's partition, which is what every reader wants: a team's
week, `kontoret` and the Monday card read one partition (and one point read for the leader's
own plan). Someone who moves to another leader has their plan moved on the next write or read
(`users/<person>/week` says where it is: partitions cannot be searched across, and data rights
need to find it). A member with no agreement gets a plan document too (`agreement` false), so
that the team's next read knows them without asking the agreements container again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.week import Plan, Visibility, Where
from storage.port import (
    Conflict,
    Document,
    DocumentStore,
    NotFound,
    PreconditionFailed,
    delete_if_there,
)

CONTAINER = "weeks"
TEAM = "team"
MONDAY_PK = "monday"
SENDS_PK = "sends"
POINTER = "week"  # in `users`, under the person's own partition
_PLAN = "plan:"
_ATTEMPTS = 8


def ledger_partition(week: str) -> str:
    """The send ledger's partition of one week's Monday card."""
    return f"week-{week}"


def team_pk(leader_id: str) -> str:
    return f"team:{leader_id}"


@dataclass(frozen=True)
class TeamSettings:
    leader_id: str
    team_days: tuple[str, ...] = ()
    monday_card: bool = False


@dataclass(frozen=True)
class TeamWeek:
    settings: TeamSettings
    plans: dict[str, Plan]  # person id -> plan


class WeekRepository:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def team(self, leader_id: str) -> TeamWeek:
        """The team's settings and every plan filed under it: one single-partition query."""
        settings = TeamSettings(leader_id)
        plans: dict[str, Plan] = {}
        for doc in await self._store.query(CONTAINER, team_pk(leader_id)):
            if doc["id"] == TEAM:
                settings = _settings(leader_id, doc)
            elif doc["id"].startswith(_PLAN):
                plan = _plan(doc)
                plans[plan.person_id] = plan
        return TeamWeek(settings, plans)

    async def settings(self, leader_id: str) -> TeamSettings:
        doc = await self._store.read(CONTAINER, team_pk(leader_id), TEAM)
        return _settings(leader_id, doc) if doc else TeamSettings(leader_id)

    async def team_days(self, leader_id: str) -> tuple[str, ...]:
        return (await self.settings(leader_id)).team_days

    async def save_settings(self, settings: TeamSettings) -> TeamSettings:
        pk = team_pk(settings.leader_id)
        await self._store.upsert(
            CONTAINER,
            {
                "id": TEAM,
                "pk": pk,
                "team_days": list(settings.team_days),
                "monday_card": settings.monday_card,
            },
        )
        if settings.monday_card:
            await self._store.upsert(
                CONTAINER,
                {"id": settings.leader_id, "pk": MONDAY_PK, "leader_id": settings.leader_id},
            )
        else:
            await delete_if_there(self._store, CONTAINER, MONDAY_PK, settings.leader_id)
        return settings

    async def monday_teams(self) -> list[str]:
        """The leaders whose team gets the Monday card."""
        return sorted(d["leader_id"] for d in await self._store.query(CONTAINER, MONDAY_PK))

    async def plan(self, leader_id: str, person_id: str) -> Plan | None:
        doc = await self._store.read(CONTAINER, team_pk(leader_id), _PLAN + person_id)
        return _plan(doc) if doc else None

    async def filed_under(self, person_id: str) -> str | None:
        """The leader whose partition holds the person's plan, if any."""
        doc = await self._store.read("users", person_id, POINTER)
        return str(doc["team"]) if doc else None

    async def change_plan(
        self, leader_id: str, person_id: str, change: Callable[[Plan], Plan]
    ) -> Plan:
        """`change` applied to the plan as stored under `leader_id`'s team, on its ETag; a plan
        filed under a former leader is moved here first."""
        await self._move(leader_id, person_id)
        pk, doc_id = team_pk(leader_id), _PLAN + person_id
        for _ in range(_ATTEMPTS):
            doc = await self._store.read(CONTAINER, pk, doc_id)
            current = _plan(doc) if doc else Plan(person_id)
            changed = change(current)
            body = _plan_doc(pk, changed)
            try:
                if doc is None:
                    await self._store.create(CONTAINER, body)
                else:
                    await self._store.replace(CONTAINER, body, etag=doc["_etag"])
            except (Conflict, PreconditionFailed, NotFound):
                continue
            return changed
        raise PreconditionFailed(f"the plan of {person_id} kept changing")

    async def ensure_plan(
        self, leader_id: str, person_id: str, make: Callable[[Plan], Plan]
    ) -> Plan:
        """The plan filed under `leader_id`'s team, made with `make` when there is none yet.

        Several views may find a member new at once: the first one's plan stands, and the others
        read it instead of writing over each other."""
        await self._move(leader_id, person_id)
        pk, doc_id = team_pk(leader_id), _PLAN + person_id
        doc = await self._store.read(CONTAINER, pk, doc_id)
        if doc is not None:
            return _plan(doc)
        made = make(Plan(person_id))
        try:
            await self._store.create(CONTAINER, _plan_doc(pk, made))
        except Conflict:
            doc = await self._store.read(CONTAINER, pk, doc_id)
            return _plan(doc) if doc else made
        return made

    async def _move(self, leader_id: str, person_id: str) -> None:
        before = await self.filed_under(person_id)
        if before == leader_id:
            return
        if before is not None:
            old = await self._store.read(CONTAINER, team_pk(before), _PLAN + person_id)
            if old is not None:
                with contextlib.suppress(Conflict):
                    await self._store.create(CONTAINER, _plan_doc(team_pk(leader_id), _plan(old)))
                await delete_if_there(self._store, CONTAINER, team_pk(before), _PLAN + person_id)
        await self._store.upsert("users", {"id": POINTER, "pk": person_id, "team": leader_id})

    async def remove_plan(self, person_id: str) -> int:
        """The person's plan wherever it is filed, and the note of where; how many documents."""
        leader = await self.filed_under(person_id)
        if leader is None:
            return 0
        removed = await delete_if_there(self._store, CONTAINER, team_pk(leader), _PLAN + person_id)
        return removed + await delete_if_there(self._store, "users", person_id, POINTER)

    async def forget_team(self, leader_id: str) -> int:
        """A leader's erasure: the team's partition is named after them, so it goes, with the
        notes of where its plans were. The plans come back from the agreements on the next
        read; the changes by date for coming days are lost with it."""
        pk = team_pk(leader_id)
        removed = 0
        for doc in await self._store.query(CONTAINER, pk):
            if doc["id"].startswith(_PLAN):
                pointer = await self._store.read("users", doc["person_id"], POINTER)
                if pointer is not None and pointer.get("team") == leader_id:
                    removed += await delete_if_there(
                        self._store, "users", doc["person_id"], POINTER
                    )
            removed += await delete_if_there(self._store, CONTAINER, pk, doc["id"])
        return removed + await delete_if_there(self._store, CONTAINER, MONDAY_PK, leader_id)

    async def team_settings_doc(self, leader_id: str) -> dict[str, Any] | None:
        """The leader's own choices for the team, as `mine data` shows them."""
        doc = await self._store.read(CONTAINER, team_pk(leader_id), TEAM)
        if doc is None:
            return None
        return {"team_days": doc.get("team_days", []), "monday_card": doc.get("monday_card")}

    async def own_plan_doc(self, person_id: str) -> dict[str, Any] | None:
        """The stored plan as `mine data` shows it."""
        leader = await self.filed_under(person_id)
        if leader is None:
            return None
        doc = await self._store.read(CONTAINER, team_pk(leader), _PLAN + person_id)
        if doc is None:
            return None
        plan = _plan(doc)
        return {
            "home_days": list(plan.home_days),
            "flexible_days": plan.flexible,
            "from_agreement": plan.agreement,
            "changes": dict(plan.changes),
            "visible_to": plan.visibility.value,
        }

    async def sent(self, week: str) -> None:
        with contextlib.suppress(Conflict):
            await self._store.create(CONTAINER, {"id": week, "pk": SENDS_PK, "week": week})

    async def weeks_sent(self) -> list[str]:
        return sorted(d["week"] for d in await self._store.query(CONTAINER, SENDS_PK))

    async def delivered(self, week: str) -> None:
        """The week's Monday delivery finished: the tick does not send it again."""
        doc = await self._store.read(CONTAINER, SENDS_PK, week)
        if doc is not None and not doc.get("delivered"):
            body = {k: v for k, v in doc.items() if not k.startswith("_")}
            with contextlib.suppress(PreconditionFailed):
                await self._store.replace(CONTAINER, {**body, "delivered": True}, etag=doc["_etag"])

    async def is_delivered(self, week: str) -> bool:
        doc = await self._store.read(CONTAINER, SENDS_PK, week)
        return bool(doc and doc.get("delivered"))


def _settings(leader_id: str, doc: Document) -> TeamSettings:
    return TeamSettings(
        leader_id, tuple(doc.get("team_days", ())), bool(doc.get("monday_card", False))
    )


def _plan(doc: Mapping[str, Any]) -> Plan:
    changes: dict[str, Where] = {}
    for day, where in (doc.get("changes") or {}).items():
        with contextlib.suppress(ValueError):
            date.fromisoformat(day)
            changes[day] = Where(where)
    try:
        visibility = Visibility(doc.get("visibility", Visibility.TEAM))
    except ValueError:
        visibility = Visibility.TEAM
    return Plan(
        person_id=str(doc["person_id"]),
        home_days=tuple(doc.get("home_days", ())),
        flexible=bool(doc.get("flexible", False)),
        agreement=bool(doc.get("agreement", False)),
        changes=changes,
        visibility=visibility,
    )


def _plan_doc(pk: str, plan: Plan) -> Document:
    return {
        "id": _PLAN + plan.person_id,
        "pk": pk,
        "person_id": plan.person_id,
        "home_days": list(plan.home_days),
        "flexible": plan.flexible,
        "agreement": plan.agreement,
        "changes": {day: where.value for day, where in sorted(plan.changes.items())},
        "visibility": plan.visibility.value,
    }
