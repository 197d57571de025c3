"""Who the bot talks to: profiles, language choice, the welcome after install, the roster."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from domain.delivery import Recipient
from domain.language import Language
from domain.org import normalise_id
from domain.profile import Profile
from services.messagebus import Handlers
from storage.directory import DirectoryRepository
from storage.roster import RosterRepository
from storage.users import UserRepository


@dataclass(frozen=True)
class Revived:
    count: int  # marks taken away
    unknown: tuple[str, ...]  # ids the roster does not have


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
            # Any turn (a message, an install, a card action) takes an unreachable mark away:
            # the roster entry below is written with the profile.
            unreachable=False,
        )
        if current != stored:
            await self._users.save(current)
            await self._update_roster(current)
        return current

    async def unreachable(self, user_id: str) -> None:
        """The roster has them as unreachable now; their next turn takes it back."""
        profile = await self._users.get(user_id)
        if profile is not None and not profile.unreachable:
            await self._users.save(replace(profile, unreachable=True))

    async def revive(self, user_ids: Collection[str] | None) -> Revived:
        """An operator takes the unreachable marks away: of `user_ids`, or everyone's (None).

        A profile may still say unreachable: their next turn writes it (and the roster) once.
        """
        roster = {r.user_id: r for r in await self._roster.everyone()}
        # Ids as pasted (`{0A1B…}`) find the roster's form.
        wanted = roster.keys() if user_ids is None else {normalise_id(u) for u in user_ids}
        revived = 0
        for user_id in sorted(wanted & roster.keys()):
            if roster[user_id].dead:
                await self._roster.save(replace(roster[user_id], dead=False))
                revived += 1
        return Revived(revived, tuple(sorted(set(wanted) - roster.keys())))

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
            await self.unreachable(user_id)

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
