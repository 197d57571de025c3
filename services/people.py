"""Who the bot talks to: profiles, language choice, the welcome after install, the roster."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from domain.delivery import Recipient
from domain.language import Language
from domain.org import normalise_id
from domain.profile import Profile
from services.messagebus import Handlers
from storage.directory import DirectoryRepository
from storage.roster import RosterRepository
from storage.users import UserRepository


class PeopleService:
    def __init__(
        self, users: UserRepository, roster: RosterRepository, directory: DirectoryRepository
    ) -> None:
        self._users = users
        self._roster = roster
        self._directory = directory
        # Someone the bot can reach from now on (an install, published by the bot after its
        # greeting): what waited for them goes out.
        self.reachable: Handlers[str, None] = Handlers()

    async def directory_name(self, user_id: str) -> str:
        """The name the organisation directory has for someone; "" when it has none."""
        person = await self._directory.person(normalise_id(user_id))
        return person.name if person else ""

    async def seen(
        self,
        user_id: str,
        tenant_id: str,
        name: str,
        teams_locale: str,
        reference: dict[str, Any] | None,
    ) -> Profile:
        """Record what Teams told us this turn; writes only when something changed.

        The Teams locale is the first client's: a user's clients may run in different languages,
        and following whichever wrote last would flip their cards between bokmål and English.
        Their own choice in `innstillinger` overrides it.
        """
        stored = await self._users.get(user_id)
        base = stored or Profile(user_id=user_id)
        current = replace(
            base,
            tenant_id=tenant_id or base.tenant_id,
            name=name or base.name,
            teams_locale=base.teams_locale or teams_locale,
            conversation_reference=reference or base.conversation_reference,
            blocked=False,  # they wrote: the roster entry below takes them back
        )
        if current != stored:
            await self._users.save(current)
            await self._update_roster(current)
        return current

    async def blocked(self, user_id: str) -> None:
        """Teams said the user blocked the bot; the roster has them as unreachable already."""
        profile = await self._users.get(user_id)
        if profile is not None and not profile.blocked:
            await self._users.save(replace(profile, blocked=True))

    async def save_settings(self, profile: Profile, language: Language, age_band: str) -> Profile:
        updated = replace(profile, language=language, age_band=age_band)
        await self._users.save(updated)
        await self._update_roster(updated)
        return updated

    async def installed(self, profile: Profile) -> bool:
        """Record an install; True the first time it is announced (Teams announces it twice).

        A reinstall brings someone back into the roster that the uninstall took them out of.
        """
        await self._update_roster(profile)
        return await self._users.claim_welcome(profile.user_id)

    async def uninstalled(self, user_id: str) -> None:
        await self._users.release_welcome(user_id)
        recipient = await self._roster.get(user_id)
        if recipient:
            await self._roster.save(replace(recipient, dead=True))

    async def _update_roster(self, profile: Profile) -> None:
        recipient = recipient_of(profile)
        if recipient:
            await self._roster.save(recipient)


def recipient_of(profile: Profile) -> Recipient | None:
    """Where proactive cards reach `profile`, from the conversation reference Teams gave us."""
    reference = profile.conversation_reference or {}
    conversation = reference.get("conversation") or {}
    if not reference.get("serviceUrl"):
        return None
    return Recipient(
        user_id=profile.user_id,
        tenant_id=profile.tenant_id or conversation.get("tenantId", ""),
        service_url=reference["serviceUrl"],
        bot_id=(reference.get("bot") or {}).get("id", ""),
        user_teams_id=(reference.get("user") or {}).get("id", ""),
        # Only a 1:1 conversation may carry someone's check-in card.
        conversation_id=conversation.get("id", "")
        if conversation.get("conversationType") in (None, "personal")
        else "",
        language=profile.effective_language,
    )
