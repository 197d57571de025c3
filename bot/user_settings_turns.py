"""`innstillinger`: the user's settings card, and saving it (services/user_settings.py)."""

from __future__ import annotations

from typing import assert_never

from bot.actions import ActionResult, ReplaceCard
from bot.activity import send_card
from bot.commands import Command
from bot.routes import ActionRoute, CommandRoute, Route, Turn
from cards.settings import NO_AGE_BAND, SAVE_VERB, WEEK_VISIBILITY, settings_card
from services.user_settings import Rejected, Saved, UserSettingsService


class UserSettingsTurns:
    def __init__(self, service: UserSettingsService) -> None:
        self._service = service

    def routes(self) -> list[Route]:
        return [CommandRoute(Command.SETTINGS, self.show), ActionRoute(SAVE_VERB, self.save)]

    async def show(self, turn: Turn) -> None:
        consent = await self._service.consent(turn.profile.user_id)
        visibility = await self._service.visibility(turn.profile.user_id)
        await send_card(
            turn.context,
            settings_card(turn.lang, turn.profile.age_band, consent.kinds, visibility=visibility),
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
                    )
                )
            case _:
                assert_never(outcome)
