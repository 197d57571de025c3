"""`sjekk inn` and `trend`: the check-in card, its submit, and the user's own trend."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, assert_never

from bot.actions import ActionResult, ReplaceCard
from bot.activity import send_card
from bot.commands import Command
from bot.followup_turns import FollowUpTurns
from bot.routes import ActionRoute, CommandRoute, Route, Turn
from cards.checkin import (
    SUBMIT_VERB,
    answered_card,
    checkin_card,
    notice_card,
    receipt_card,
    round_label,
)
from cards.elements import Element
from cards.i18n import t
from cards.trend import trend_card
from domain.profile import Profile
from services.checkins import (
    AlreadyReceived,
    Answered,
    CheckinService,
    Invalid,
    RoundClosed,
    Stored,
    Unanswered,
    UnknownRound,
)

#: What else a fresh receipt shows the employee, from their scores (kaffeprat's suggestion).
ReceiptExtra = Callable[[Profile, Mapping[str, int]], Awaitable[list[Element]]]


class CheckinTurns:
    def __init__(
        self,
        checkins: CheckinService,
        followups: FollowUpTurns,
        receipt_extra: ReceiptExtra | None = None,
    ) -> None:
        self._checkins = checkins
        self._followups = followups
        self._receipt_extra = receipt_extra

    def routes(self) -> list[Route]:
        return [
            CommandRoute(Command.CHECKIN, self.checkin),
            CommandRoute(Command.TREND, self.trend),
            ActionRoute(SUBMIT_VERB, self.submit),
        ]

    async def checkin(self, turn: Turn) -> None:
        tz = self._checkins.timezone
        offer = await self._checkins.offer(turn.profile.user_id)
        match offer:
            case Unanswered(round_):
                card = checkin_card(turn.lang, round_, tz)
            case Answered(round_, next_round):
                card = answered_card(turn.lang, round_, tz, next_round)
            case _:
                assert_never(offer)
        await send_card(turn.context, card)

    async def trend(self, turn: Turn) -> None:
        points = await self._checkins.trend(turn.profile.user_id)
        await send_card(turn.context, trend_card(turn.lang, points))

    async def submit(self, turn: Turn) -> ActionResult:
        return await self._submit_checkin(turn.profile, turn.data)

    async def _submit_checkin(self, profile: Profile, data: dict[str, Any]) -> ActionResult:
        lang = profile.effective_language
        tz = self._checkins.timezone
        outcome = await self._checkins.submit(profile.user_id, data, profile.age_band)
        match outcome:
            case Stored():
                extra = self._followups.receipt_lines(lang, outcome.followup)
                if self._receipt_extra is not None:
                    extra += await self._receipt_extra(profile, outcome.answers.scores)
                return ReplaceCard(
                    receipt_card(
                        lang, outcome.round, tz, outcome.answers, already=False, extra=extra
                    )
                )
            case AlreadyReceived():
                # A stale card of an answered round: the answers stand, the wish is honoured.
                extra = await self._wish(profile, outcome.round.id, outcome.contact_me)
                return ReplaceCard(
                    receipt_card(
                        lang, outcome.round, tz, outcome.answers, already=True, extra=extra
                    )
                )
            case Invalid():
                return ReplaceCard(
                    checkin_card(lang, outcome.round, tz, outcome.values, outcome.errors)
                )
            case RoundClosed():
                label = round_label(outcome.round, tz)
                extra = await self._wish(profile, outcome.round.id, outcome.contact_me)
                return ReplaceCard(notice_card(lang, t(lang, "receipt.closed", round=label), extra))
            case UnknownRound():
                return ReplaceCard(notice_card(lang, t(lang, "receipt.unknown_round")))
            case _:
                assert_never(outcome)

    async def _wish(self, profile: Profile, round_id: str, ticked: bool) -> list[Element]:
        if not ticked:
            return []
        return await self._followups.ticked(profile.user_id, profile.effective_language, round_id)
