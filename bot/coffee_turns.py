"""`kaffeprat`: the card to join, change or leave; the check-back's answer; the suggestion on a
check-in receipt; and the kaffeprat card in `puls` (services/coffee.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import assert_never

from bot.actions import ActionResult, ReplaceCard
from bot.activity import send_card
from bot.commands import Command
from bot.routes import ActionRoute, CommandRoute, Route, Turn
from cards.coffee import (
    LEAVE_VERB,
    MET_VERB,
    SAVE_VERB,
    checkback_answered,
    coffee_card,
    left_card,
    pulse_card,
    settings_lines,
    suggestion,
)
from cards.elements import Card, Element
from cards.i18n import t
from cards.pulse import scope_label
from domain.coffee import NOT_WITH_MAX
from domain.language import Language
from domain.profile import Profile
from services.coffee import (
    AlreadyAnswered,
    CheckBackClosed,
    CoffeeService,
    Counted,
    Joined,
    NotInRound,
    NotPermitted,
    Refused,
)

_FIELDS = ("frequency", "meeting", "width", "paused_until", "not_with")


class CoffeeTurns:
    def __init__(self, service: CoffeeService, anonymity_k: int, social_low: int) -> None:
        self._service = service
        self._k = anonymity_k
        self._social_low = social_low

    def routes(self) -> list[Route]:
        return [
            CommandRoute(Command.COFFEE, self.show),
            ActionRoute(SAVE_VERB, self.save),
            ActionRoute(LEAVE_VERB, self.leave),
            ActionRoute(MET_VERB, self.met),
        ]

    async def show(self, turn: Turn) -> None:
        membership = await self._service.membership(turn.profile.user_id)
        avoid = await self._service.not_with(membership) if membership else ()
        await send_card(turn.context, coffee_card(turn.lang, membership, avoid))

    async def save(self, turn: Turn) -> ActionResult:
        lang = turn.lang
        # What comes back on a refusal is kept as typed, up to what the card takes.
        values = {key: str(turn.data.get(key) or "")[:NOT_WITH_MAX] for key in _FIELDS}
        raw = {key: turn.data.get(key) or "" for key in _FIELDS}
        outcome = await self._service.join(turn.profile.user_id, *raw.values())
        match outcome:
            case Joined(membership, avoid):
                until = membership.paused_until
                note = (
                    t(lang, "coffee.paused", date=until.strftime("%d.%m.%Y"))
                    if until
                    else t(lang, "coffee.saved")
                )
                return ReplaceCard(coffee_card(lang, membership, avoid, note=note))
            case Refused(reason, unknown):
                before = await self._service.membership(turn.profile.user_id)
                error = t(lang, reason, addresses=", ".join(unknown)[:NOT_WITH_MAX])
                return ReplaceCard(coffee_card(lang, before, error=error, values=values))
            case _:
                assert_never(outcome)

    async def leave(self, turn: Turn) -> ActionResult:
        if await self._service.leave(turn.profile.user_id):
            return ReplaceCard(left_card(turn.lang))
        return ReplaceCard(coffee_card(turn.lang, None, note=t(turn.lang, "coffee.not_member")))

    async def met(self, turn: Turn) -> ActionResult:
        outcome = await self._service.answer(
            turn.profile.user_id, turn.data.get("round"), turn.data.get("answer")
        )
        match outcome:
            case Counted():
                key = "coffee.checkback.thanks"
            case AlreadyAnswered():
                key = "coffee.checkback.already"
            case CheckBackClosed():
                key = "coffee.checkback.closed"
            case NotInRound():
                key = "coffee.checkback.unknown"
            case _:
                assert_never(outcome)
        return ReplaceCard(checkback_answered(turn.lang, key))

    async def receipt_lines(self, profile: Profile, scores: Mapping[str, int]) -> list[Element]:
        """A receipt with little social contact suggests kaffeprat, to someone not in it yet:
        shown to them alone, told to nobody."""
        social = scores.get("social")
        if social is None or social > self._social_low:
            return []
        if await self._service.membership(profile.user_id) is not None:
            return []
        return suggestion(profile.effective_language)

    async def settings_lines(self, profile: Profile) -> list[Element]:
        membership = await self._service.membership(profile.user_id)
        return settings_lines(profile.effective_language, membership)

    async def pulse_cards(self, profile: Profile) -> list[Card]:
        """For admins and reps, after the pulse's own cards; nothing for anyone else."""
        lang: Language = profile.effective_language
        try:
            report = await self._service.report(profile.user_id)
        except NotPermitted:
            return []
        label = scope_label(lang, report.scope.areas)
        return [pulse_card(lang, report, label, self._k, self._service.timezone)]
