"""Everything stored about one person, in every container: to export it and to erase it.

This module is the map of personal data; a container that gains some must be added here (the
data-rights test fills every feature and checks that nothing about the person survives).

| container     | about the person                                             | on erase          |
|---------------|--------------------------------------------------------------|-------------------|
| `users`       | profile (with the conversation reference), welcome marker,   | deleted           |
|               | standing consent and its history; roster entry               | deleted           |
| `responses`   | every check-in answer, under the pseudonym, sealed           | deleted           |
| `agreements`  | the agreement, its versions, its index entry                 | deleted           |
| `followups`   | follow-ups about them (open and closed), index entry         | deleted           |
| `deliveries`  | the send ledger: their entries in each round; notifications  | deleted           |
|               | about them (topics named after them or their follow-ups)     |                   |
| `dialogstate` | the half-done conversation in their 1:1 chat                 | deleted           |
| `counters`    | numbers only (pulse cells, team counts, participation)       | kept, unlinkable  |
| `directory`   | the HR import / Graph sync: the organisation's record        | kept (HR's)       |
| `audit`       | pulse views *they* made as a rep or admin                    | kept (accountability) |
"""

from __future__ import annotations

from typing import Any

from storage.port import Document, DocumentStore, delete_if_there, delete_partition
from storage.responses import ResponseRepository

INTERNAL = ("_etag", "_ts", "_rid", "_self", "_attachments", "pk", "ttl")


def _clean(doc: Document) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in INTERNAL}


class PersonalData:
    def __init__(self, store: DocumentStore, responses: ResponseRepository) -> None:
        self._store = store
        self._responses = responses

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
        }

    async def erase(
        self, user_id: str, pseudonym: str, rounds: list[str], state_key_id: str | None
    ) -> dict[str, int]:
        store = self._store
        followup_ids = [d["followup_id"] for d in await store.query("followups", user_id)]
        agreement = await store.read("agreements", user_id, "current")
        versions = int(agreement["version"]) if agreement else 0
        erased = {
            "checkins": await delete_partition(store, "responses", pseudonym),
            "profile": await delete_partition(store, "users", user_id),
            "roster": await delete_if_there(store, "users", "roster", user_id),
            "agreement": await delete_partition(store, "agreements", user_id)
            + await delete_if_there(store, "agreements", "index", user_id),
            "followups": await delete_partition(store, "followups", user_id)
            + await delete_if_there(store, "followups", "index", user_id),
        }
        topics = [
            *(f"agreement-{user_id}-v{n}" for n in range(1, versions + 1)),
            f"review-{user_id}",
            f"invite-{user_id}",
            *(f"followup-{fid}" for fid in followup_ids),
        ]
        sent = sum([await delete_partition(store, "deliveries", topic) for topic in topics])
        for round_id in rounds:
            for doc in await store.query("deliveries", round_id, {"user_id": user_id}):
                sent += await delete_if_there(store, "deliveries", round_id, doc["id"])
        erased["delivery_log"] = sent
        erased["conversation"] = (
            await delete_if_there(store, "dialogstate", state_key_id, state_key_id)
            if state_key_id
            else 0
        )
        return erased
