"""`innstillinger`: the user's settings card, and saving it (services/user_settings.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import assert_never

from bot.actions import ActionResult, ReplaceCard
from bot.activity import send_card
from bot.commands import Command
from bot.routes import ActionRoute, CommandRoute, Route, Turn
from cards.elements import Element
from cards.settings import NO_AGE_BAND, SAVE_VERB, WEEK_VISIBILITY, settings_card
from domain.profile import Profile
from services.user_settings import Rejected, Saved, UserSettingsService

#: The part of the settings card another feature keeps (kaffeprat's line and button).
SettingsExtra = Callable[[Profile], Awaitable[list[Element]]]


class UserSettingsTurns:
    def __init__(self, service: UserSettingsService, extra: SettingsExtra | None = None) -> None:
        self._service = service
        self._extra = extra

    async def _more(self, profile: Profile) -> list[Element]:
        return await self._extra(profile) if self._extra else []

    def routes(self) -> list[Route]:
        return [CommandRoute(Command.SETTINGS, self.show), ActionRoute(SAVE_VERB, self.save)]

    async def show(self, turn: Turn) -> None:
        consent = await self._service.consent(turn.profile.user_id)
        visibility = await self._service.visibility(turn.profile.user_id)
        await send_card(
            turn.context,
            settings_card(
                turn.lang,
                turn.profile.age_band,
                consent.kinds,
                visibility=visibility,
                extra=await self._more(turn.profile),
            ),
        )

    async def save(self, turn: Turn) -> ActionResult:
        band = turn.data.get("age_band") or NO_AGE_BAND
        outcome = await self._service.save(
            turn.profile,
            turn.data.get("language"),
            "" if band == NO_AGE_BAND else band,
            turn.data.get("share"),
            turn.data.get(WEEK_VISIBILITY),
        )
        match outcome:
            case Saved(profile, consent, visibility):
                return ReplaceCard(
                    settings_card(
                        profile.effective_language,
                        profile.age_band,
                        consent.kinds,
                        saved=True,
                        visibility=visibility,
                        extra=await self._more(profile),
                    )
                )
            case Rejected(consent, visibility):
                return ReplaceCard(
                    settings_card(
                        turn.lang,
                        turn.profile.age_band,
                        consent.kinds,
                        invalid=True,
                        visibility=visibility,
                        extra=await self._more(turn.profile),
                    )
                )
            case _:
                assert_never(outcome)
