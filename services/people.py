"""Who the bot talks to: profiles, language choice, the welcome after install."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from domain.language import Language
from domain.profile import Profile
from storage.users import UserRepository


class PeopleService:
    def __init__(self, users: UserRepository) -> None:
        self._users = users

    async def seen(
        self,
        user_id: str,
        tenant_id: str,
        name: str,
        teams_locale: str,
        reference: dict[str, Any] | None,
    ) -> Profile:
        """Record what Teams told us this turn; writes only when something changed."""
        stored = await self._users.get(user_id)
        base = stored or Profile(user_id=user_id)
        current = replace(
            base,
            tenant_id=tenant_id or base.tenant_id,
            name=name or base.name,
            teams_locale=teams_locale or base.teams_locale,
            conversation_reference=reference or base.conversation_reference,
        )
        if current != stored:
            await self._users.save(current)
        return current

    async def set_language(self, profile: Profile, language: Language) -> Profile:
        updated = replace(profile, language=language)
        await self._users.save(updated)
        return updated

    async def claim_welcome(self, user_id: str) -> bool:
        return await self._users.claim_welcome(user_id)

    async def uninstalled(self, user_id: str) -> None:
        await self._users.release_welcome(user_id)
