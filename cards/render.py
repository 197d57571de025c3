"""The card for each message a use case sends (domain/messages.py), in the recipient's
language: the composition root hands `render` to the services' notifier and round delivery."""

from __future__ import annotations

from typing import assert_never

from cards.agreement import (
    agreement_card,
    approval_card,
    decision_card,
    invite_card,
    new_leader_card,
    review_card,
)
from cards.agreement_terms import end_due_card, notice_given_card
from cards.checkin import checkin_card
from cards.coffee import checkback_card, matched_card
from cards.elements import Card
from cards.followup import followup_card, followup_reminder_card, team_signal_card
from cards.week import week_card
from domain.agreement_record import Status
from domain.language import Language
from domain.messages import (
    AgreementDecided,
    ApprovalRequested,
    CheckinInvitation,
    CoffeeCheckBack,
    CoffeeMatched,
    EndDue,
    FollowUpPrompt,
    InvitedToAgree,
    Message,
    NewLeader,
    NoticeGiven,
    ReviewDue,
    TeamSignal,
    WeekCard,
)


def render(message: Message, lang: Language) -> Card:
    match message:
        case ApprovalRequested(employee, agreement, flags):
            return approval_card(lang, employee.name, agreement, flags, employee.teams_login)
        case AgreementDecided(employee, leader, agreement):
            if agreement.status is Status.APPROVED:
                return agreement_card(lang, employee.name, agreement, leader.name)
            return decision_card(lang, agreement, leader.name, leader.teams_login)
        case InvitedToAgree(leader):
            return invite_card(lang, leader.name)
        case NewLeader(leader, version):
            return new_leader_card(lang, leader.name, version)
        case ReviewDue(employee, review_on, for_leader):
            return review_card(lang, employee.name, review_on, for_leader)
        case NoticeGiven(employee, given_by, agreement, for_leader):
            return notice_given_card(
                lang, employee.name, given_by.name, agreement.ends_on, for_leader
            )
        case EndDue(employee, ends_on, for_leader):
            return end_due_card(lang, employee.name, ends_on, for_leader)
        case FollowUpPrompt(employee, followup, contacts, reminder):
            if reminder:
                return followup_reminder_card(lang, employee, followup, contacts)
            return followup_card(lang, employee, followup, contacts)
        case TeamSignal(contacts):
            return team_signal_card(lang, contacts)
        case CheckinInvitation(round_, timezone, reminder):
            return checkin_card(lang, round_, timezone, reminder=reminder)
        case WeekCard(week):
            return week_card(lang, week, monday_card=True)
        case CoffeeMatched(_, partners, day, at_office, starter):
            return matched_card(lang, partners, day, at_office, starter)
        case CoffeeCheckBack(round_id, partners):
            return checkback_card(lang, round_id, partners)
        case _:
            assert_never(message)
