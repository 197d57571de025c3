"""Profiles (with the conversation reference) and the welcome marker, partitioned by user.

The reference lives inside the profile so that a turn costs one point read, and a write only
when something changed.
"""

from __future__ import annotations

import contextlib

from domain.profile import Profile
from storage.port import Conflict, DocumentStore, NotFound

CONTAINER = "users"


class UserRepository:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def get(self, user_id: str) -> Profile | None:
        doc = await self._store.read(CONTAINER, user_id, "profile")
        if doc is None:
            return None
        return Profile(
            user_id=user_id,
            tenant_id=doc.get("tenant_id", ""),
            name=doc.get("name", ""),
            teams_locale=doc.get("teams_locale", ""),
            language=doc.get("language"),
            age_band=doc.get("age_band", ""),
            # "blocked": the name before every unreachable mark was kept here.
            unreachable=bool(doc.get("unreachable", doc.get("blocked", False))),
            conversation_reference=doc.get("conversation_reference"),
        )

    async def save(self, profile: Profile) -> None:
        await self._store.upsert(
            CONTAINER,
            {
                "id": "profile",
                "pk": profile.user_id,
                "type": "profile",
                "tenant_id": profile.tenant_id,
                "name": profile.name,
                "teams_locale": profile.teams_locale,
                "language": profile.language,
                "age_band": profile.age_band,
                "unreachable": profile.unreachable,
                "conversation_reference": profile.conversation_reference,
            },
        )

    async def claim_welcome(self, user_id: str) -> bool:
        """True the first time after an install: Teams announces one install twice."""
        try:
            await self._store.create(CONTAINER, {"id": "welcome", "pk": user_id, "type": "welcome"})
        except Conflict:
            return False
        return True

    async def release_welcome(self, user_id: str) -> None:
        """On uninstall, so that a later reinstall is greeted again."""
        with contextlib.suppress(NotFound):
            await self._store.delete(CONTAINER, user_id, "welcome")
