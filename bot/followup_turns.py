"""The follow-up's turns: what a check-in receipt adds, the employee's "ask my leader", and the
leader's actions on a follow-up card."""

from __future__ import annotations

from typing import Any

from bot.actions import ActionResult, ReplaceCard, ShowMessage
from cards.elements import Element, text
from cards.followup import (
    ASK_VERB,
    DONE_VERB,
    SUPPORT_VERB,
    TALK_VERB,
    asked_card,
    followup_card,
    no_leader_card,
    outcome_lines,
    self_help,
)
from cards.i18n import t
from cards.team import FOLLOWUP_OPEN_VERB as OPEN_VERB
from cards.team import with_back
from domain.followup import (
    Action,
    CheckinFollowUp,
    FollowUp,
    LeaderAsked,
    NoLeader,
    NothingAnswered,
    SelfHelp,
    StandingConsent,
    Unchecked,
    kinds_of,
)
from domain.language import Language
from domain.org import Person
from domain.profile import Profile
from services.followups import FollowUpService, NotYours

VERBS = frozenset({ASK_VERB, TALK_VERB, DONE_VERB, SUPPORT_VERB, OPEN_VERB})
_ACTIONS = {TALK_VERB: Action.TALK, DONE_VERB: Action.FOLLOWED_UP, SUPPORT_VERB: Action.SUPPORT}


class FollowUpTurns:
    def __init__(self, service: FollowUpService) -> None:
        self._service = service

    def receipt_lines(self, lang: Language, outcome: CheckinFollowUp) -> list[Element]:
        """Lines under the receipt: what came of the check-in for the follow-up."""
        contacts = self._service.policy.contacts
        if isinstance(outcome, Unchecked):
            return [
                text(t(lang, "followup.unchecked")),
                *self_help(lang, outcome.round_id, contacts),
            ]
        if isinstance(outcome, LeaderAsked):
            return list(outcome_lines(lang, outcome.leader_name, False, contacts))
        if isinstance(outcome, NoLeader):
            return list(outcome_lines(lang, None, True, contacts))
        if isinstance(outcome, SelfHelp):
            return self_help(lang, outcome.round_id, contacts)
        return []

    async def consent(self, profile: Profile) -> StandingConsent:
        return await self._service.consent(profile.user_id)

    async def save_consent(self, profile: Profile, submitted: Any) -> StandingConsent:
        """Saved (with its time) only when it changed: the history holds real choices."""
        values = submitted.split(",") if isinstance(submitted, str) else []
        kinds = kinds_of(v.strip() for v in values)
        current = await self._service.consent(profile.user_id)
        if kinds == current.kinds and current.changed_at is not None:
            return current
        if not kinds and current.changed_at is None:
            return current  # nothing given, nothing withdrawn
        return await self._service.save_consent(profile.user_id, kinds)

    async def open_for_team(self, leader_id: str) -> list[tuple[Person, FollowUp]]:
        return await self._service.open_for_team(leader_id)

    async def act(self, profile: Profile, verb: str, data: dict[str, Any]) -> ActionResult:
        lang = profile.effective_language
        contacts = self._service.policy.contacts
        if verb == ASK_VERB:
            round_id = data.get("round_id")
            if not isinstance(round_id, str) or not round_id:
                return ShowMessage(t(lang, "error.unknown_action"))
            outcome = await self._service.ask_leader(profile.user_id, round_id)
            if isinstance(outcome, LeaderAsked):
                return ReplaceCard(asked_card(lang, outcome.leader_name))
            if isinstance(outcome, NothingAnswered):
                return ShowMessage(t(lang, "followup.not_answered"))
            return ReplaceCard(no_leader_card(lang, contacts))
        employee_id = str(data.get("employee", ""))
        try:
            if verb == OPEN_VERB:
                employee, followup = await self._service.for_leader(profile.user_id, employee_id)
            else:
                note = data.get("note")
                employee, followup = await self._service.act(
                    profile.user_id,
                    employee_id,
                    str(data.get("followup", "")),
                    _ACTIONS[verb],
                    note if isinstance(note, str) else "",
                )
        except NotYours:
            return ShowMessage(t(lang, "followup.gone"))
        card = followup_card(
            lang,
            employee,
            followup,
            contacts,
            show_support=verb == SUPPORT_VERB,
            meeting_link=verb == TALK_VERB,
        )
        return ReplaceCard(with_back(card, lang))
