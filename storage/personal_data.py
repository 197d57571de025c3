"""Everything stored about one person, in every container: to export it and to erase it.

This module is the map of personal data; a container that gains some must be added here (the
data-rights test fills every feature and checks that nothing about the person survives).

| container     | about the person                                             | on erase          |
|---------------|--------------------------------------------------------------|-------------------|
| `users`       | profile (with the conversation reference), welcome marker,   | deleted           |
|               | install marker (storage/installs.py),                        | deleted           |
|               | standing consent and its history; roster entry; as a leader, | deleted           |
|               | "led:<employee>": whose records name them (see below)        |                   |
|               | download links not used yet (partition `links`, 15 minutes), | deleted           |
|               | theirs and their leader's to their written agreement         |                   |
|               | "week": which team's partition holds their week plan         | deleted           |
| `weeks`       | the week plan (pattern, changes by date, who may see it);    | deleted           |
|               | as a leader, the team's partition (team days, Monday card)   | deleted           |
| `responses`   | every check-in answer, under the pseudonym, sealed           | deleted           |
| `agreements`  | the agreement, its versions, its index entry                 | deleted           |
| `followups`   | follow-ups about them (open and closed), index entry         | deleted           |
| `deliveries`  | the send ledger: their entries in each round and Monday card; | deleted           |
|               | notifications                                                |                   |
|               | about them (topics named after them or their follow-ups)     |                   |
| `dialogstate` | the half-done conversation in their 1:1 chat                 | deleted           |
| `users`,      | kaffeprat: their choices; their group in each round (in a    | deleted; named    |
| `rounds`      | partner's group: `erased`), storage/coffee.py                | `erased` in others |
| `counters`    | numbers only (pulse cells, team counts, participation)       | kept, unlinkable  |
| `directory`   | the HR import / Graph sync: the organisation's record        | kept (HR's)       |
| `audit`       | pulse views *they* made as a rep or admin                    | kept (accountability) |

As a leader, a person is also named in their employees' records. Those stay the employees'
records, so the leader's part is taken out of them: follow-ups they were asked (their private
note erased, their id replaced by `ERASED` as the one asked and as the actor), agreements
submitted to them, decided or started by them (their id replaced; the decision and its comment
stay the employee's), the ledger entries of what was sent to them, and the team counters named
after them (deleted). Partitions cannot be searched across, so every record that comes to name
a leader notes the employee under the leader's `users` partition (`note_leader`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storage.port import (
    Document,
    DocumentStore,
    PreconditionFailed,
    delete_if_there,
    delete_partition,
)
from storage.pulse import AnswerTally
from storage.responses import ResponseRepository
from storage.weeks import WeekRepository, ledger_partition

INTERNAL = ("_etag", "_ts", "_rid", "_self", "_attachments", "pk", "ttl")
#: Who a record names instead of a leader who erased their data.
ERASED = "erased"
_LED = "led:"
_ATTEMPTS = 5


async def note_leader(store: DocumentStore, leader_id: str, employee_id: str) -> None:
    """Remember that `employee_id`'s records name `leader_id`, for the leader's export and
    erasure (idempotent)."""
    await store.upsert(
        "users", {"id": f"{_LED}{employee_id}", "pk": leader_id, "employee": employee_id}
    )


def _clean(doc: Document) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in INTERNAL}


class PersonalData:
    def __init__(
        self, store: DocumentStore, responses: ResponseRepository, tally: AnswerTally
    ) -> None:
        self._store = store
        self._responses = responses
        self._tally = tally
        self._weeks = WeekRepository(store)

    async def export(self, user_id: str, pseudonym: str, rounds: list[str]) -> dict[str, Any]:
        """`rounds`: every round id, oldest first, the order the check-ins are listed in."""
        store = self._store
        users = {doc["id"]: doc for doc in await store.query("users", user_id)}
        profile = users.get("profile")
        consent = users.get("consent")
        agreement_docs = await store.query("agreements", user_id)
        followups = await store.query("followups", user_id)
        return {
            "profile": _clean(profile) if profile else None,
            "standing_consent": _clean(consent) if consent else None,
            "checkins": [
                {
                    "round_id": r.round_id,
                    "scores": r.answers.scores,
                    "contact_me": r.answers.contact_me,
                    "comment": r.answers.comment,
                }
                for r in sorted(
                    await self._responses.for_person(pseudonym),
                    key=lambda r: rounds.index(r.round_id) if r.round_id in rounds else -1,
                )
            ],
            "agreement": next((_clean(d) for d in agreement_docs if d["id"] == "current"), None),
            "agreement_versions": sorted(
                (_clean(d) for d in agreement_docs if d.get("kind") == "version"),
                key=lambda d: d["version"],
            ),
            # The leader's own note stays the leader's; what was shared and done is here.
            "followups": [{k: v for k, v in _clean(d).items() if k != "note"} for d in followups],
            "week_plan": await self._weeks.own_plan_doc(user_id),
            "as_leader": await self._export_as_leader(user_id, rounds),
        }

    async def _export_as_leader(self, leader_id: str, rounds: list[str]) -> dict[str, Any]:
        """What they wrote and did as a leader, and what was sent to them; not the employees'
        data (who, which signals were shared, the terms they proposed): each employee's own
        export holds that, and nobody else's export names them."""
        store = self._store
        followups, agreements, topics = [], [], [f"team-{r}" for r in rounds]
        for employee in await self._led(leader_id):
            for doc in await store.query("followups", employee, {"leader_id": leader_id}):
                topics.append(f"followup-{doc['followup_id']}")
                followups.append(
                    {
                        "followup_id": doc["followup_id"],
                        "opened_at": doc["opened_at"],
                        "note": doc["note"],
                        "actions": [e for e in doc["events"] if e["by"] == leader_id],
                    }
                )
            for doc in await store.query("agreements", employee):
                if leader_id in (doc.get("leader_id"), doc.get("started_by"), doc.get("notice_by")):
                    agreements.append(
                        {
                            "version": doc["version"],
                            "status": doc["status"],
                            "submitted_to_you": doc.get("leader_id") == leader_id,
                            "started_by_you": doc.get("started_by") == leader_id,
                            "notice_given_by_you": doc.get("notice_by") == leader_id,
                            "decided_at": doc.get("decided_at", ""),
                            "comment": doc.get("comment", ""),
                        }
                    )
            topics += await self._agreement_topics(employee)
        return {
            "followups": followups,
            "agreements": agreements,
            "notifications": [
                _clean(doc)
                for topic in topics
                for doc in await store.query("deliveries", topic, {"user_id": leader_id})
            ],
            "team_counters": [
                {"round_id": round_id, **_clean(counter)}
                for round_id in rounds
                if (counter := await store.read("counters", round_id, f"team:{leader_id}"))
            ],
            "team_week": await self._weeks.team_settings_doc(leader_id),
        }

    async def _led(self, leader_id: str) -> list[str]:
        docs = await self._store.query("users", leader_id)
        return [d["employee"] for d in docs if d["id"].startswith(_LED)]

    async def _agreement_topics(self, employee_id: str) -> list[str]:
        """Every notification about an employee's agreement is filed under one of these."""
        agreement = await self._store.read("agreements", employee_id, "current")
        versions = int(agreement["version"]) if agreement else 0
        return [
            *(f"agreement-{employee_id}-v{n}" for n in range(1, versions + 1)),
            f"review-{employee_id}",
            f"invite-{employee_id}",
        ]

    async def erase(
        self, user_id: str, pseudonym: str, rounds: list[str], state_key_id: str | None
    ) -> dict[str, int]:
        store = self._store
        as_leader = await self._erase_as_leader(user_id, rounds)
        followup_docs = await store.query("followups", user_id)
        followup_ids = [d["followup_id"] for d in followup_docs]
        # The leaders' notes that her records name them go with the records.
        leaders = {d.get("leader_id") for d in followup_docs}
        for doc in await store.query("agreements", user_id):
            leaders |= {doc.get("leader_id"), doc.get("started_by"), doc.get("notice_by")}
        for leader in leaders - {None, "", ERASED}:
            assert leader is not None
            await delete_if_there(store, "users", leader, f"{_LED}{user_id}")
        topics = await self._agreement_topics(user_id)
        for round_id in rounds:
            # The sealed copies the pulse recounts from: part of the check-ins erased below.
            await self._tally.forget(round_id, pseudonym)
        # Before the profile's partition, which holds the note of where the plan is filed.
        week_plan = await self._weeks.remove_plan(user_id)
        erased = {
            "week_plan": week_plan,
            "checkins": await delete_partition(store, "responses", pseudonym),
            "profile": await delete_partition(store, "users", user_id),
            "roster": await delete_if_there(store, "users", "roster", user_id),
            "download_links": sum(
                [
                    await delete_if_there(store, "users", "links", doc["id"])
                    for field in ("user_id", "subject")
                    for doc in await store.query("users", "links", {field: user_id})
                ]
            ),
            "agreement": await delete_partition(store, "agreements", user_id)
            + await delete_if_there(store, "agreements", "index", user_id),
            "followups": await delete_partition(store, "followups", user_id)
            + await delete_if_there(store, "followups", "index", user_id),
        }
        topics += [f"followup-{fid}" for fid in followup_ids]
        sent = sum([await delete_partition(store, "deliveries", topic) for topic in topics])
        weeks = [ledger_partition(week) for week in await self._weeks.weeks_sent()]
        for round_id in [*rounds, *weeks]:
            for doc in await store.query("deliveries", round_id, {"user_id": user_id}):
                sent += await delete_if_there(store, "deliveries", round_id, doc["id"])
        erased["delivery_log"] = sent
        erased["conversation"] = (
            await delete_if_there(store, "dialogstate", state_key_id, state_key_id)
            if state_key_id
            else 0
        )
        erased["as_leader"] = as_leader
        return erased

    async def _erase_as_leader(self, leader_id: str, rounds: list[str]) -> int:
        """Their part taken out of their employees' records; how many documents changed."""
        store = self._store
        changed = 0
        topics = [f"team-{r}" for r in rounds]

        def unname(value: Any) -> Any:
            return ERASED if value == leader_id else value

        def without_leader(doc: Document) -> Document:
            doc = {**doc, "leader_id": unname(doc.get("leader_id"))}
            if "events" in doc:  # a follow-up: the leader's private note goes too
                events = [{**e, "by": unname(e["by"])} for e in doc["events"]]
                return {**doc, "note": "", "events": events}
            if "pending_with" in doc:  # the scheduler's index entry of an agreement
                return {**doc, "pending_with": unname(doc["pending_with"])}
            return {
                **doc,
                "started_by": unname(doc.get("started_by")),
                "notice_by": unname(doc.get("notice_by")),
            }

        for employee in await self._led(leader_id):
            for doc in await store.query("followups", employee, {"leader_id": leader_id}):
                topics.append(f"followup-{doc['followup_id']}")
                changed += await self._rewrite("followups", doc, without_leader)
            index = await store.read("agreements", "index", employee)
            for doc in [*await store.query("agreements", employee), *([index] if index else [])]:
                if leader_id in (
                    doc.get("leader_id"),
                    doc.get("started_by"),
                    doc.get("pending_with"),
                    doc.get("notice_by"),
                ):
                    changed += await self._rewrite("agreements", doc, without_leader)
            topics += await self._agreement_topics(employee)
        for topic in topics:
            for doc in await store.query("deliveries", topic, {"user_id": leader_id}):
                changed += await delete_if_there(store, "deliveries", topic, doc["id"])
        for round_id in rounds:
            changed += await delete_if_there(store, "counters", round_id, f"team:{leader_id}")
        return changed + await self._weeks.forget_team(leader_id)

    async def _rewrite(
        self, container: str, doc: Document, change: Callable[[Document], Document]
    ) -> int:
        """`change` applied on the ETag, to what is there now, so no concurrent write is lost."""
        store = self._store
        for _ in range(_ATTEMPTS):
            body = {k: v for k, v in doc.items() if not k.startswith("_")}
            try:
                await store.replace(container, change(body), etag=doc["_etag"])
            except PreconditionFailed:
                fresh = await store.read(container, doc["pk"], doc["id"])
                if fresh is None:
                    return 0
                doc = fresh
                continue
            return 1
        raise PreconditionFailed(f"{container}/{doc['pk']}/{doc['id']} kept changing")
