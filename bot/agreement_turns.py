"""The agreement's turns: its commands (`avtale`, `ergonomi`, `utstyr`, `mitt team`) and card
actions, between the route table and the dialog and service.

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
from bot.commands import Command
from bot.routes import ActionRoute, CommandRoute, Route, Turn
from cards.agreement import (
    DECIDE_VERB,
    END_VERB,
    HISTORY_VERB,
    OPEN_VERB,
    ORDERED_VERB,
    REVISE_VERB,
    START_VERB,
    STEP_VERB,
    agreement_card,
    approval_card,
    decision_of,
    draft_status,
    notice,
    terms_facts,
)
from cards.agreement_terms import end_confirm_card, history_card
from cards.elements import Card, adaptive_card, execute, md, text, title
from cards.help import Waiting
from cards.i18n import t
from cards.refusals import REFUSALS
from cards.team import INVITE_VERB, INVITEE, SHOW_VERB, page_of, team_card, with_back
from cards.team import OPEN_VERB as TEAM_OPEN_VERB
from dialogs.agreement import AgreementDialogs
from dialogs.card_step import LANGUAGE, REPLIES, SUBMITTED, USER, send_card
from domain.agreement_record import Agreement, NotAllowed, Status
from domain.followup import FollowUp
from domain.org import Person, normalise_id
from domain.profile import Profile
from domain.refusals import Refusal
from services.agreements import AgreementService
from storage.weeks import TeamSettings

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
        ORDERED_VERB,
        END_VERB,
        HISTORY_VERB,
    }
)


class AgreementTurns:
    def __init__(
        self,
        service: AgreementService,
        dialogs: AgreementDialogs,
        open_followups: Callable[[str], Awaitable[list[tuple[Person, FollowUp]]]],
        team_week: Callable[[str], Awaitable[TeamSettings]] | None = None,
    ) -> None:
        self._service = service
        self._dialogs = dialogs
        self._open_followups = open_followups  # `mitt team` shows them beside the agreements
        self._team_week = team_week  # and the team days (services/weeks.py)

    def routes(self) -> list[Route]:
        return [
            CommandRoute(Command.AGREEMENT, self.agreement),
            CommandRoute(Command.ERGONOMICS, self.ergonomics),
            CommandRoute(Command.EQUIPMENT, self.equipment),
            CommandRoute(Command.TEAM, self.team),
            ActionRoute(STEP_VERB, self.step),
            ActionRoute(REVISE_VERB, self.revise),
            ActionRoute(START_VERB, self.revise),
            ActionRoute(OPEN_VERB, self.open),
            ActionRoute(DECIDE_VERB, self.decide),
            ActionRoute(TEAM_OPEN_VERB, self.open_for_leader),
            ActionRoute(INVITE_VERB, self.invite),
            ActionRoute(SHOW_VERB, self.team_page),
            ActionRoute(ORDERED_VERB, self.ordered),
            ActionRoute(END_VERB, self.end),
            ActionRoute(HISTORY_VERB, self.history),
        ]

    async def is_leader(self, profile: Profile) -> bool:
        return await self._service.is_leader(profile.user_id)

    async def waiting(self, profile: Profile) -> Waiting:
        """What waits for this leader: proposals to decide on, open follow-ups."""
        if not await self._service.is_leader(profile.user_id):
            return Waiting()
        return Waiting(
            await self._service.waiting_for(profile.user_id),
            await self._open_followups(profile.user_id),
        )

    # -- typed commands -------------------------------------------------------------------

    async def agreement(self, turn: Turn) -> None:
        """Start, continue or view: the conversation when one is going on or a draft is open,
        otherwise the agreement as it stands."""
        context, profile = turn.context, turn.profile
        _enter(turn, None)
        current = await self._service.current(profile.user_id)
        if current.editable or await self._dialogs.in_conversation(context):
            await self._dialogs.start(context, "agreement")
            return
        await send_card(context, await self._standing(profile, current))

    async def ergonomics(self, turn: Turn) -> None:
        _enter(turn, None)
        await self._dialogs.start(turn.context, "ergonomics")

    async def equipment(self, turn: Turn) -> None:
        _enter(turn, None)
        await self._dialogs.start(turn.context, "equipment")

    async def team(self, turn: Turn) -> None:
        await send_card(turn.context, await self._team_card(turn.profile))

    # -- card actions: the employee's conversation ------------------------------------------

    async def step(self, turn: Turn) -> ActionResult:
        _enter(turn, turn.data)
        return await _caught(turn.context, lambda: self._continue(turn.context, turn.lang))

    async def revise(self, turn: Turn) -> ActionResult:
        _enter(turn, turn.data)
        return await _caught(turn.context, lambda: self._revise(turn.context, turn.profile))

    async def open(self, turn: Turn) -> ActionResult:
        _enter(turn, turn.data)
        current = await self._service.current(turn.profile.user_id)
        return ReplaceCard(await self._standing(turn.profile, current))

    # -- card actions: the leader's ---------------------------------------------------------

    async def decide(self, turn: Turn) -> ActionResult:
        _enter(turn, turn.data)
        return await _unless_refused(turn, lambda: self._decide(turn.profile, turn.data))

    async def open_for_leader(self, turn: Turn) -> ActionResult:
        _enter(turn, turn.data)
        employee_id = str(turn.data.get("employee", ""))
        return await _unless_refused(turn, lambda: self._open_for_leader(turn.profile, employee_id))

    async def invite(self, turn: Turn) -> ActionResult:
        _enter(turn, turn.data)
        employee_id, page = str(turn.data.get(INVITEE, "")), page_of(turn.data)
        return await _unless_refused(turn, lambda: self._invite(turn.profile, employee_id, page))

    async def ordered(self, turn: Turn) -> ActionResult:
        _enter(turn, turn.data)
        return await _unless_refused(turn, lambda: self._ordered(turn.profile, turn.data))

    # -- card actions: either party ---------------------------------------------------------

    async def end(self, turn: Turn) -> ActionResult:
        """End the arrangement with notice: the last day first, then, confirmed, the notice."""
        _enter(turn, turn.data)
        return await _unless_refused(turn, lambda: self._end(turn.profile, turn.data))

    async def history(self, turn: Turn) -> ActionResult:
        _enter(turn, turn.data)
        employee_id = str(turn.data.get("employee") or turn.profile.user_id)
        return await _unless_refused(turn, lambda: self._history(turn.profile, employee_id))

    async def team_page(self, turn: Turn) -> ActionResult:
        _enter(turn, turn.data)

        async def page() -> ActionResult:
            return ReplaceCard(await self._team_card(turn.profile, page=page_of(turn.data)))

        return await _unless_refused(turn, page)

    async def _continue(self, context: TurnContext, lang: str) -> None:
        if not await self._dialogs.resume(context) and not await self._dialogs.change_part(context):
            await send_card(
                context,
                notice(lang, t(lang, "agreement.title"), [t(lang, "agreement.finished")]),  # type: ignore[arg-type]
            )

    async def _revise(self, context: TurnContext, profile: Profile) -> None:
        current = await self._service.current(profile.user_id)
        if current.status is Status.ENDING:
            # A stale "change" after notice: the arrangement only runs out now.
            await send_card(context, await self._standing(profile, current))
            return
        # A proposal with the leader is taken back only when a part of it is changed.
        if current.status in (Status.APPROVED, Status.ENDED):
            await self._service.reopen(profile.user_id)
        missing = current.terms.missing(self._service.policy.mode)
        await self._dialogs.start(context, "agreement", at_summary=missing == [])

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
        flags = await self._service.flags(decided)
        task = await self._service.task(decided) if decided.status is Status.APPROVED else None
        return ReplaceCard(
            with_back(
                approval_card(lang, employee.name, decided, flags, employee.teams_login, task),
                lang,
            )
        )

    async def _ordered(self, profile: Profile, data: dict[str, Any]) -> ActionResult:
        lang = profile.effective_language
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            return ShowMessage(t(lang, "error.unknown_action"))
        employee = await self._service.mark_ordered(
            profile.user_id, str(data.get("employee", "")), version
        )
        message = t(lang, "team.task.marked", name=md(employee.name))
        return ReplaceCard(await self._team_card(profile, message))

    async def _end(self, profile: Profile, data: dict[str, Any]) -> ActionResult:
        lang = profile.effective_language
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            return ShowMessage(t(lang, "error.unknown_action"))
        employee_id = str(data.get("employee") or profile.user_id)
        for_employee = normalise_id(employee_id) == normalise_id(profile.user_id)
        confirmed = data.get("confirm") is True
        employee, given = await self._service.notice(
            profile.user_id, employee_id, version, confirmed
        )
        if not confirmed:
            card = end_confirm_card(lang, given, version, for_employee)
            return ReplaceCard(card if for_employee else with_back(card, lang))
        if for_employee:
            return ReplaceCard(await self._standing(profile, given))
        return await self._open_for_leader(profile, employee.id)

    async def _history(self, profile: Profile, employee_id: str) -> ActionResult:
        lang = profile.effective_language
        employee, versions = await self._service.history(profile.user_id, employee_id)
        named = {v.leader_id for v in versions} | {v.notice_by for v in versions}
        names = {person: await self._service.name_of(person) for person in named - {""}}
        card = history_card(lang, employee.name, versions, names)
        if normalise_id(employee_id) == normalise_id(profile.user_id):
            back = execute(OPEN_VERB, t(lang, "agreement.open"), {})
            return ReplaceCard({**card, "actions": [back]})
        return ReplaceCard(with_back(card, lang))

    async def _open_for_leader(self, profile: Profile, employee_id: str) -> ActionResult:
        lang = profile.effective_language
        employee, agreement = await self._service.for_leader(profile.user_id, employee_id)
        if agreement.status is Status.PENDING:
            flags = await self._service.flags(agreement)
            card = approval_card(lang, employee.name, agreement, flags, employee.teams_login)
        else:
            approved = await self._service.approved_of(agreement)
            if approved is None:
                raise NotAllowed(Refusal.NONE_YET)
            draft = agreement if agreement.version != approved.version else None
            card = agreement_card(
                lang, employee.name, approved, profile.name, draft, for_employee=False
            )
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
        week = await self._team_week(profile.user_id) if self._team_week else None
        return team_card(
            lang,
            await self._service.team(profile.user_id),
            await self._open_followups(profile.user_id),
            message,
            page,
            week.team_days if week else None,
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
        return adaptive_card(
            [
                title(t(lang, "agreement.title")),
                text(draft_status(lang, current)),
                terms_facts(lang, current.terms),
            ],
            [execute(REVISE_VERB, t(lang, "agreement.change"), {})],
        )


def _enter(turn: Turn, data: dict[str, Any] | None) -> None:
    """What the agreement dialog reads from the turn state: who, in which language, and the
    card action's data (None for a typed command)."""
    turn.context.turn_state[USER] = turn.profile.user_id
    turn.context.turn_state[LANGUAGE] = turn.lang
    turn.context.turn_state[SUBMITTED] = data


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


async def _unless_refused(turn: Turn, work: Callable[[], Awaitable[ActionResult]]) -> ActionResult:
    """The leader's actions: a refusal (not their employee, nothing approved yet) is a message."""
    try:
        return await work()
    except NotAllowed as refusal:
        return ShowMessage(t(turn.lang, REFUSALS[refusal.reason]))
