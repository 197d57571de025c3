"""cards/render.py draws each message the services send as the card builder it stands for, and
the check-in's stored event reaches its handlers in order."""

from __future__ import annotations

from datetime import date

import pytest

from cards.agreement import (
    agreement_card,
    approval_card,
    decision_card,
    invite_card,
    new_leader_card,
    review_card,
)
from cards.checkin import checkin_card
from cards.elements import Card
from cards.followup import followup_card, followup_reminder_card, team_signal_card
from cards.render import render
from domain.agreement_record import Status
from domain.followup import Signal
from domain.language import LANGUAGES, Language
from domain.messages import (
    AgreementDecided,
    ApprovalRequested,
    CheckinInvitation,
    FollowUpPrompt,
    InvitedToAgree,
    Message,
    NewLeader,
    ReviewDue,
    TeamSignal,
)
from services.messagebus import Handlers
from tests.support.gallery import CONTACTS, FLAGS, KARI, LEADER, OSLO, _agreement, _followup, _round

PENDING = _agreement(KARI, 2, Status.PENDING)
APPROVED = _agreement(KARI, 2, Status.APPROVED)
TALK = _agreement(KARI, 2, Status.TALK_PROPOSED, comment="La oss ta en prat.")
FOLLOWUP = _followup(KARI, {Signal.STRESS_MAX}, 1)
ROUND = _round()
REVIEW_ON = date(2026, 11, 24)


def expected(lang: Language) -> list[tuple[Message, Card]]:
    return [
        (
            ApprovalRequested(KARI, PENDING, tuple(FLAGS)),
            approval_card(lang, KARI.name, PENDING, FLAGS, KARI.teams_login),
        ),
        (
            AgreementDecided(KARI, LEADER, APPROVED),
            agreement_card(lang, KARI.name, APPROVED, LEADER.name),
        ),
        (
            AgreementDecided(KARI, LEADER, TALK),
            decision_card(lang, TALK, LEADER.name, LEADER.teams_login),
        ),
        (InvitedToAgree(LEADER), invite_card(lang, LEADER.name)),
        (NewLeader(LEADER, 3), new_leader_card(lang, LEADER.name, 3)),
        (ReviewDue(KARI, REVIEW_ON, True), review_card(lang, KARI.name, REVIEW_ON, True)),
        (
            FollowUpPrompt(KARI, FOLLOWUP, CONTACTS),
            followup_card(lang, KARI, FOLLOWUP, CONTACTS),
        ),
        (
            FollowUpPrompt(KARI, FOLLOWUP, CONTACTS, reminder=True),
            followup_reminder_card(lang, KARI, FOLLOWUP, CONTACTS),
        ),
        (TeamSignal(CONTACTS), team_signal_card(lang, CONTACTS)),
        (
            CheckinInvitation(ROUND, OSLO, reminder=True),
            checkin_card(lang, ROUND, OSLO, reminder=True),
        ),
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_message_is_drawn_as_its_card(lang: Language) -> None:
    for message, card in expected(lang):
        assert render(message, lang) == card, type(message).__name__


async def test_handlers_run_in_the_order_registered_and_answer_the_publisher() -> None:
    ran: list[str] = []

    async def first(event: str) -> str | None:
        ran.append(f"first {event}")
        return None

    async def second(event: str) -> str | None:
        ran.append(f"second {event}")
        return "answer"

    handlers: Handlers[str, str | None] = Handlers()
    handlers.register(first)
    handlers.register(second)
    assert await handlers.publish("stored") == [None, "answer"]
    assert ran == ["first stored", "second stored"]
