"""The agreement's turns: its commands (`avtale`, `ergonomi`, `utstyr`, `mitt team`) and card
actions, between the activity handler and the dialog and service.

A card action answers with the card that replaces the one pressed (see bot/actions.py). So
during an action the dialog's cards are kept rather than sent (dialogs/card_step.send_card), and
the last one becomes the answer: the step card turns into the next step in place, and no press
leaves a second live copy of a step behind.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext

from bot.actions import ActionResult, ReplaceCard, ShowMessage
from cards.agreement import (
    DECIDE_VERB,
    OPEN_VERB,
    REVISE_VERB,
    START_VERB,
    STEP_VERB,
    agreement_card,
    approval_card,
    decision_of,
    notice,
    terms_facts,
)
from cards.elements import Card, adaptive_card, execute, md, text, title
from cards.i18n import t
from cards.refusals import REFUSALS
from cards.team import INVITE_VERB, INVITEE, SHOW_VERB, page_of, team_card, with_back
from cards.team import OPEN_VERB as TEAM_OPEN_VERB
from dialogs.agreement import AgreementDialogs
from dialogs.card_step import LANGUAGE, REPLIES, SUBMITTED, USER, send_card
from domain.agreement_record import Agreement, NotAllowed, Status
from domain.followup import FollowUp
from domain.org import Person
from domain.profile import Profile
from domain.refusals import Refusal
from services.agreements import AgreementService

log = logging.getLogger(__name__)

VERBS = frozenset(
    {
        STEP_VERB,
        DECIDE_VERB,
        REVISE_VERB,
        START_VERB,
        OPEN_VERB,
        SHOW_VERB,
        TEAM_OPEN_VERB,
        INVITE_VERB,
    }
)


class AgreementTurns:
    def __init__(
        self,
        service: AgreementService,
        dialogs: AgreementDialogs,
        open_followups: Callable[[str], Awaitable[list[tuple[Person, FollowUp]]]],
    ) -> None:
        self._service = service
        self._dialogs = dialogs
        self._open_followups = open_followups  # `mitt team` shows them beside the agreements

    # -- typed commands -------------------------------------------------------------------

    async def agreement(self, context: TurnContext, profile: Profile) -> None:
        """Start, continue or view: the conversation when one is going on or a draft is open,
        otherwise the agreement as it stands."""
        _enter(context, profile, None)
        current = await self._service.current(profile.user_id)
        if current.editable or await self._dialogs.in_conversation(context):
            await self._dialogs.start(context, "agreement")
            return
        await send_card(context, await self._standing(profile, current))

    async def part(self, context: TurnContext, profile: Profile, entry: str) -> None:
        _enter(context, profile, None)
        await self._dialogs.start(context, entry)

    async def is_leader(self, profile: Profile) -> bool:
        return await self._service.is_leader(profile.user_id)

    async def team(self, context: TurnContext, profile: Profile) -> None:
        await send_card(context, await self._team_card(profile))

    # -- card actions -----------------------------------------------------------------------

    async def act(
        self, context: TurnContext, profile: Profile, verb: str, data: dict[str, Any]
    ) -> ActionResult:
        lang = profile.effective_language
        _enter(context, profile, data)
        if verb == STEP_VERB:
            return await _caught(context, lambda: self._continue(context, lang))
        if verb in (REVISE_VERB, START_VERB):
            return await _caught(context, lambda: self._revise(context, profile))
        if verb == OPEN_VERB:
            current = await self._service.current(profile.user_id)
            return ReplaceCard(await self._standing(profile, current))
        try:
            if verb == DECIDE_VERB:
                return await self._decide(profile, data)
            if verb == TEAM_OPEN_VERB:
                return await self._open_for_leader(profile, str(data.get("employee", "")))
            if verb == INVITE_VERB:
                return await self._invite(profile, str(data.get(INVITEE, "")), page_of(data))
            return ReplaceCard(await self._team_card(profile, page=page_of(data)))
        except NotAllowed as refusal:
            return ShowMessage(t(lang, REFUSALS[refusal.reason]))

    async def _continue(self, context: TurnContext, lang: str) -> None:
        if not await self._dialogs.resume(context):
            await send_card(
                context,
                notice(lang, t(lang, "agreement.title"), [t(lang, "agreement.finished")]),  # type: ignore[arg-type]
            )

    async def _revise(self, context: TurnContext, profile: Profile) -> None:
        current = await self._service.current(profile.user_id)
        if not current.editable:
            await self._service.reopen(profile.user_id)
        await self._dialogs.start(context, "agreement", at_summary=current.terms.missing() == [])

    async def _decide(self, profile: Profile, data: dict[str, Any]) -> ActionResult:
        lang = profile.effective_language
        decision = decision_of(data.get("decision"))
        version = data.get("version")
        if decision is None or not isinstance(version, int) or isinstance(version, bool):
            return ShowMessage(t(lang, "error.unknown_action"))
        comment = data.get("comment")
        employee, decided = await self._service.decide(
            profile.user_id,
            str(data.get("employee", "")),
            version,
            decision,
            comment if isinstance(comment, str) else "",
        )
        flags = self._service.problems(decided).flagged
        return ReplaceCard(
            with_back(
                approval_card(lang, employee.name, decided, flags, employee.teams_login), lang
            )
        )

    async def _open_for_leader(self, profile: Profile, employee_id: str) -> ActionResult:
        lang = profile.effective_language
        employee, agreement = await self._service.for_leader(profile.user_id, employee_id)
        if agreement.status is Status.PENDING:
            flags = self._service.problems(agreement).flagged
            card = approval_card(lang, employee.name, agreement, flags, employee.teams_login)
        else:
            approved = await self._service.approved(employee_id)
            if approved is None:
                raise NotAllowed(Refusal.NONE_YET)
            card = agreement_card(lang, employee.name, approved, profile.name, for_employee=False)
        return ReplaceCard(with_back(card, lang))

    async def _invite(self, profile: Profile, employee_id: str, page: int) -> ActionResult:
        lang = profile.effective_language
        if not employee_id:
            return ShowMessage(t(lang, "team.invite.who_needed"))
        person, delivered = await self._service.invite(profile.user_id, employee_id)
        key = "team.invited" if delivered else "team.invite.not_reachable"
        return ReplaceCard(await self._team_card(profile, t(lang, key, name=md(person.name)), page))

    # -- cards ------------------------------------------------------------------------------

    async def _team_card(self, profile: Profile, message: str = "", page: int = 1) -> Card:
        lang = profile.effective_language
        if not await self._service.is_leader(profile.user_id):
            return notice(lang, t(lang, "team.title"), [t(lang, "team.not_leader")])
        return team_card(
            lang,
            await self._service.team(profile.user_id),
            await self._open_followups(profile.user_id),
            message,
            page,
        )

    async def _standing(self, profile: Profile, current: Agreement) -> Card:
        """The agreement as it stands when no conversation is open: in force, or with the leader."""
        lang = profile.effective_language
        leader = await self._service.leader_of(profile.user_id)
        leader_name = leader.name if leader else ""
        approved = await self._service.approved_of(current)
        if approved is not None:
            draft = current if current.version != approved.version else None
            return agreement_card(lang, profile.name, approved, leader_name, draft)
        key = f"agreement.card.draft.{current.status.value}"
        return adaptive_card(
            [
                title(t(lang, "agreement.title")),
                text(t(lang, key, version=current.version)),
                terms_facts(lang, current.terms),
            ],
            [execute(REVISE_VERB, t(lang, "agreement.change"), {})],
        )


def _enter(context: TurnContext, profile: Profile, data: dict[str, Any] | None) -> None:
    context.turn_state[USER] = profile.user_id
    context.turn_state[LANGUAGE] = profile.effective_language
    context.turn_state[SUBMITTED] = data


async def _caught(context: TurnContext, work: Callable[[], Awaitable[None]]) -> ActionResult:
    """Run `work`, answering with the last card it meant to send instead of sending it."""
    replies: list[Card] = []
    context.turn_state[REPLIES] = replies
    try:
        await work()
    finally:
        context.turn_state[REPLIES] = None
    if not replies:
        raise RuntimeError("the agreement dialog answered a card action with nothing")
    return ReplaceCard(replies[-1])
