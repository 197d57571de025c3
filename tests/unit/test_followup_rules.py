"""The follow-up rules, pure: which signals a check-in fires, what the employee's consent shares
with the leader, when a team signal is raised and a reminder is due. Through the host, for each
kind of consent: tests/integration/test_followups.py.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from domain.checkin import CheckinAnswers
from domain.followup import (
    Action,
    Event,
    FollowUp,
    Signal,
    StandingConsent,
    Thresholds,
    may_fire_twice,
    needs_self_help,
    prompt_due,
    reminder_due,
    shared,
    signals,
    still_shared,
    team_signal,
)

T = Thresholds()


def answers(
    stress: int = 2, social: int = 4, strain: int = 1, contact: bool = False
) -> CheckinAnswers:
    return CheckinAnswers({"stress": stress, "social": social, "strain": strain}, contact)


def test_the_answer_before_is_read_only_when_it_could_change_the_signals() -> None:
    """A submit reads the person's earlier answers only for these (a request each on Cosmos)."""
    scale = range(1, 6)
    for stress, social, strain, before_stress, before_social in itertools.product(scale, repeat=5):
        latest = answers(stress, social, strain)
        before = answers(before_stress, before_social)
        if signals(latest, before, T) != signals(latest, None, T):
            assert may_fire_twice(latest, T)
    assert not may_fire_twice(answers(stress=3, social=3), T)


def test_signals_follow_the_default_rule_set() -> None:
    assert signals(answers(), None, T) == frozenset()
    assert signals(answers(contact=True), None, T) == {Signal.CONTACT_ME}
    assert signals(answers(stress=5), None, T) == {Signal.STRESS_MAX}
    assert signals(answers(stress=4), None, T) == frozenset()  # once is not yet a pattern
    assert signals(answers(stress=4), answers(stress=4), T) == {Signal.STRESS_HIGH_TWICE}
    assert signals(answers(stress=5), answers(stress=4), T) == {
        Signal.STRESS_MAX,
        Signal.STRESS_HIGH_TWICE,
    }
    assert signals(answers(social=2), answers(social=1), T) == {Signal.SOCIAL_LOW_TWICE}
    assert signals(answers(social=2), None, T) == frozenset()
    assert signals(answers(strain=4), None, T) == {Signal.STRAIN_HIGH}
    # Thresholds are settings.
    assert signals(answers(stress=4), None, Thresholds(stress_max=4)) == {Signal.STRESS_MAX}


def test_only_what_the_employee_agreed_to_is_shared() -> None:
    fired = frozenset({Signal.STRESS_MAX, Signal.STRAIN_HIGH})
    assert shared(fired, False, StandingConsent()) == frozenset()
    assert shared(fired, False, StandingConsent(frozenset({"stress"}))) == {Signal.STRESS_MAX}
    assert shared(fired, False, StandingConsent(frozenset({"social"}))) == frozenset()
    assert shared(fired, True, StandingConsent()) == fired | {Signal.CONTACT_ME}


def test_team_signal_needs_k_answers_and_several_high() -> None:
    assert not team_signal(answered=4, high_stress=4, k=5)
    assert not team_signal(answered=5, high_stress=1, k=5)
    assert team_signal(answered=5, high_stress=2, k=5)
    assert not team_signal(answered=12, high_stress=2, k=5)  # 2 of 12 is not "several"
    assert team_signal(answered=12, high_stress=3, k=5)


def test_reminder_due_counts_only_acting_from_the_prompt() -> None:
    opened = datetime(2026, 11, 1, tzinfo=UTC)
    waiting = FollowUp("f", "e", "l", frozenset({Signal.CONTACT_ME}), "r", opened)
    # A prompt still waiting for the leader to install the bot is not late: no reminder.
    assert prompt_due(waiting)
    assert not reminder_due(waiting, opened + timedelta(days=30), timedelta(days=3))
    prompted_at = opened + timedelta(days=10)
    followup = waiting.with_event(Event(prompted_at, Action.PROMPTED, "bot"))
    assert not prompt_due(followup)
    assert not reminder_due(followup, prompted_at + timedelta(days=2), timedelta(days=3))
    assert reminder_due(followup, prompted_at + timedelta(days=3), timedelta(days=3))
    looked = followup.with_event(Event(opened, Action.SUPPORT, "l"))
    assert reminder_due(looked, prompted_at + timedelta(days=3), timedelta(days=3))
    talked = followup.with_event(Event(opened, Action.TALK, "l"))
    assert not reminder_due(talked, prompted_at + timedelta(days=3), timedelta(days=3))
    done = talked.with_event(Event(opened, Action.FOLLOWED_UP, "l"))
    assert not prompt_due(done.with_event(Event(opened, Action.MOVED, "bot")))


def test_self_help_when_stress_is_high_or_contact_low_whatever_fired() -> None:
    assert needs_self_help(answers(stress=T.stress_high), T)
    assert needs_self_help(answers(social=T.social_low), T)
    assert not needs_self_help(answers(stress=T.stress_high - 1, social=T.social_low + 1), T)
    # An unanswered item (0) is not "little contact".
    assert not needs_self_help(CheckinAnswers({"stress": 2}), T)


def test_a_withdrawn_kind_is_taken_back_only_while_the_prompt_waits() -> None:
    opened = datetime(2026, 11, 1, tzinfo=UTC)
    both = frozenset({Signal.STRESS_MAX, Signal.SOCIAL_LOW_TWICE})
    waiting = FollowUp("f", "e", "l", both, "r", opened)
    social_only = StandingConsent(frozenset({"social"}))
    assert still_shared(waiting, social_only) == {Signal.SOCIAL_LOW_TWICE}
    assert still_shared(waiting, StandingConsent()) == frozenset()
    # Out already: nothing to take back. Asked for herself: the settings do not take it back.
    sent = waiting.with_event(Event(opened, Action.PROMPTED, "bot"))
    assert still_shared(sent, StandingConsent()) == both
    asked = FollowUp("f", "e", "l", both | {Signal.CONTACT_ME}, "r", opened)
    assert still_shared(asked, StandingConsent()) == asked.signals
