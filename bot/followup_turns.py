"""The follow-up's turns: what a check-in receipt adds, the employee's "ask my leader", and the
leader's actions on a follow-up card."""

from __future__ import annotations

from typing import assert_never

from bot.actions import ActionResult, ReplaceCard, ShowMessage
from bot.routes import ActionRoute, Route, Turn
from cards.elements import Element, text
from cards.followup import (
    ASK_VERB,
    DONE_VERB,
    SUPPORT_VERB,
    TALK_VERB,
    asked_card,
    followup_card,
    leader_lines,
    self_help,
)
from cards.i18n import t
from cards.team import FOLLOWUP_OPEN_VERB as OPEN_VERB
from cards.team import with_back
from domain.followup import (
    Action,
    FollowUp,
    NoSuchRound,
    ReceiptFollowUp,
    SelfHelp,
    Shared,
    Unchecked,
    Why,
)
from domain.language import Language
from domain.org import Person
from services.followups import FollowUpService, NotYours


class FollowUpTurns:
    def __init__(self, service: FollowUpService) -> None:
        self._service = service

    def routes(self) -> list[Route]:
        return [
            ActionRoute(ASK_VERB, self.ask),
            ActionRoute(OPEN_VERB, self.open),
            ActionRoute(TALK_VERB, self.talk),
            ActionRoute(DONE_VERB, self.done),
            ActionRoute(SUPPORT_VERB, self.support),
        ]

    def receipt_lines(self, lang: Language, outcome: ReceiptFollowUp) -> list[Element]:
        """Lines under the receipt: what came of the check-in for the follow-up."""
        contacts = self._service.policy.contacts
        match outcome:
            case Unchecked(round_id):
                return [text(t(lang, "followup.unchecked")), *self_help(lang, round_id, contacts)]
            case Shared(leader, why, needs_help):
                lines = leader_lines(lang, leader, why, contacts)
                return lines + self_help(lang, None, contacts) if needs_help else lines
            case SelfHelp(round_id):
                return self_help(lang, round_id, contacts)
            case None:
                return []
            case _:
                assert_never(outcome)

    async def ticked(self, user_id: str, lang: Language, round_id: str) -> list[Element]:
        """A contact wish ticked on a card whose answers were refused (answered already, or the
        round closed): asked all the same, and the lines that say so."""
        outcome = await self._service.ask_leader(user_id, round_id)
        if isinstance(outcome, NoSuchRound):
            return []  # not from a submit: it found the round
        return leader_lines(lang, outcome, Why.TICKED, self._service.policy.contacts)

    async def open_for_team(self, leader_id: str) -> list[tuple[Person, FollowUp]]:
        return await self._service.open_for_team(leader_id)

    async def ask(self, turn: Turn) -> ActionResult:
        """The employee's "ask my leader to contact me", under a receipt or on the card that
        says the round is answered."""
        round_id = turn.data.get("round_id")
        if not isinstance(round_id, str) or not round_id:
            return ShowMessage(t(turn.lang, "error.unknown_action"))
        outcome = await self._service.ask_leader(turn.profile.user_id, round_id)
        if isinstance(outcome, NoSuchRound):
            return ShowMessage(t(turn.lang, "receipt.unknown_round"))
        return ReplaceCard(asked_card(turn.lang, outcome, self._service.policy.contacts))

    async def open(self, turn: Turn) -> ActionResult:
        return await self._leader_card(turn, None)

    async def talk(self, turn: Turn) -> ActionResult:
        return await self._leader_card(turn, Action.TALK)

    async def done(self, turn: Turn) -> ActionResult:
        return await self._leader_card(turn, Action.FOLLOWED_UP)

    async def support(self, turn: Turn) -> ActionResult:
        return await self._leader_card(turn, Action.SUPPORT)

    async def _leader_card(self, turn: Turn, action: Action | None) -> ActionResult:
        """The follow-up card for its leader: opened, or after `action` is recorded."""
        lang, leader_id = turn.lang, turn.profile.user_id
        employee_id = str(turn.data.get("employee", ""))
        try:
            if action is None:
                employee, followup = await self._service.for_leader(leader_id, employee_id)
            else:
                note = turn.data.get("note")
                employee, followup = await self._service.act(
                    leader_id,
                    employee_id,
                    str(turn.data.get("followup", "")),
                    action,
                    note if isinstance(note, str) else "",
                )
        except NotYours:
            return ShowMessage(t(lang, "followup.gone"))
        card = followup_card(
            lang,
            employee,
            followup,
            self._service.policy.contacts,
            show_support=action is Action.SUPPORT,
            meeting_link=action is Action.TALK,
        )
        return ReplaceCard(with_back(card, lang))
