"""When a person's check-ins call for their leader to follow up, and what may be shared
(docs/checkin-catalog.md#follow-up-rules, docs/roles.md#follow-up-consent).

Stress answers tied to a person are health data, so two questions are kept apart: which
signals fired (a rule over the answers), and which of them the employee agreed to share — per
check-in ("I would like my leader to contact me"), afterwards ("ask my leader after all"), or
as a standing choice in `innstillinger` by kind of signal, which they can withdraw.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from domain.checkin import CheckinAnswers
from domain.pulse import Counted


class Signal(Enum):
    CONTACT_ME = "contact_me"
    STRESS_MAX = "stress_max"  # stress at the top of the scale
    STRESS_HIGH_TWICE = "stress_high_twice"  # high stress in two consecutive rounds
    SOCIAL_LOW_TWICE = "social_low_twice"  # little social contact in two consecutive rounds
    STRAIN_HIGH = "strain_high"  # physical strain


#: What a standing consent names: a kind of signal, in words an employee chooses between.
SHAREABLE = ("stress", "social", "strain")
_KIND = {
    Signal.STRESS_MAX: "stress",
    Signal.STRESS_HIGH_TWICE: "stress",
    Signal.SOCIAL_LOW_TWICE: "social",
    Signal.STRAIN_HIGH: "strain",
}


@dataclass(frozen=True)
class Thresholds:
    """The default rule set (docs/checkin-catalog.md#follow-up-rules); every number is a setting."""

    stress_high: int = 4
    stress_max: int = 5
    social_low: int = 2
    strain_high: int = 4


def signals(
    latest: CheckinAnswers, previous: CheckinAnswers | None, thresholds: Thresholds
) -> frozenset[Signal]:
    """`previous` is the person's answer to the round just before, or None if they skipped it."""
    scores, before = latest.scores, (previous.scores if previous else {})
    stress, social, strain = scores.get("stress"), scores.get("social"), scores.get("strain")
    was_stressed = before.get("stress", 0) >= thresholds.stress_high
    was_alone = 0 < before.get("social", 0) <= thresholds.social_low
    fired = {
        Signal.CONTACT_ME: latest.contact_me,
        Signal.STRESS_MAX: stress is not None and stress >= thresholds.stress_max,
        Signal.STRESS_HIGH_TWICE: stress is not None
        and stress >= thresholds.stress_high
        and was_stressed,
        Signal.SOCIAL_LOW_TWICE: social is not None
        and social <= thresholds.social_low
        and was_alone,
        Signal.STRAIN_HIGH: strain is not None and strain >= thresholds.strain_high,
    }
    return frozenset(signal for signal, on in fired.items() if on)


def may_fire_twice(latest: CheckinAnswers, thresholds: Thresholds) -> bool:
    """Whether the answer before could change what `signals` says of `latest`: only a score
    that fires when it was so the round before too."""
    scores = latest.scores
    stress, social = scores.get("stress"), scores.get("social")
    return (stress is not None and stress >= thresholds.stress_high) or (
        social is not None and social <= thresholds.social_low
    )


@dataclass(frozen=True)
class Contacts:
    """Where a leader gets support (settings): HR and occupational health (BHT)."""

    hr: str
    occupational_health: str


@dataclass(frozen=True)
class StandingConsent:
    """The kinds of signal an employee lets go to their leader without asking each time."""

    kinds: frozenset[str] = frozenset()
    changed_at: datetime | None = None


def shared(fired: frozenset[Signal], asked: bool, standing: StandingConsent) -> frozenset[Signal]:
    """What the leader may hear of: everything that fired when the employee asked for contact
    (on the card or afterwards); otherwise only the kinds their standing consent names."""
    if asked:
        return fired | {Signal.CONTACT_ME}
    return frozenset(s for s in fired if _KIND.get(s) in standing.kinds)


# -- the leader's follow-up ----------------------------------------------------------------------


class Action(Enum):
    PROMPTED = "prompted"  # the leader's card reached them (not while it waits for them)
    SIGNALS_ADDED = "signals_added"  # a later check-in added signals to the open follow-up
    TALK = "talk"  # the leader opened the meeting link
    SUPPORT = "support"  # the leader looked up HR / occupational health
    FOLLOWED_UP = "followed_up"
    REMINDED = "reminded"
    MOVED = "moved"  # closed by the bot: the employee's leader changed
    WITHDRAWN = "withdrawn"  # closed by the bot: consent withdrawn before the card could go out


@dataclass(frozen=True)
class Prompted:
    """The leader's card is on its way to them now."""

    leader_name: str


@dataclass(frozen=True)
class PromptWaiting:
    """The leader cannot be reached in Teams yet (the bot is not installed for them): the
    follow-up is kept and its card goes out when they can be (FollowUpService.reachable)."""

    leader_name: str


@dataclass(frozen=True)
class AlreadyAsked:
    """The leader already has an open follow-up about the employee that says as much: no
    second card."""

    leader_name: str


@dataclass(frozen=True)
class NoLeader:
    """The employee asked, but the directory names no leader to ask."""


#: What became of asking the leader.
LeaderOutcome = Prompted | PromptWaiting | AlreadyAsked | NoLeader


@dataclass(frozen=True)
class NoSuchRound:
    """ "Ask my leader" from a card of no round the bot knows (forged, or long purged): no
    follow-up is opened on it."""


class Why(Enum):
    """Whose choice it was that the leader hears of it: the receipt says so."""

    TICKED = "ticked"  # "I would like my leader to contact me" on the card
    ASKED = "asked"  # "ask my leader to contact me", pressed afterwards
    STANDING = "standing"  # the standing consent in `innstillinger`


@dataclass(frozen=True)
class Shared:
    """The leader was asked, with the employee's consent; `self_help` when the answers call for
    it as well (the leader may take days)."""

    leader: LeaderOutcome
    why: Why
    self_help: bool = False


@dataclass(frozen=True)
class SelfHelp:
    """Something fired, or stress is high or contact low, and nothing is shared: help for the
    employee, and the offer to ask the leader."""

    round_id: str


@dataclass(frozen=True)
class Unchecked:
    """The answer is stored, but the follow-up rules could not run: the receipt says so and
    offers to ask the leader."""

    round_id: str


#: What came of a check-in for the follow-up (None: nothing to say).
CheckinFollowUp = Shared | SelfHelp | None

#: What the receipt of a stored check-in says of the follow-up.
ReceiptFollowUp = CheckinFollowUp | Unchecked


def needs_self_help(answers: CheckinAnswers, thresholds: Thresholds) -> bool:
    """High stress or little social contact this time: self-help on the receipt, whatever the
    employee shares (docs/roles.md#follow-up-consent)."""
    stress, social = answers.scores.get("stress", 0), answers.scores.get("social", 0)
    return stress >= thresholds.stress_high or 0 < social <= thresholds.social_low


#: What closes a follow-up: the leader marked it done, or it stopped being theirs.
CLOSING = frozenset({Action.FOLLOWED_UP, Action.MOVED, Action.WITHDRAWN})


#: What counts as the leader acting on a prompt (looking up support alone does not).
ACTED = frozenset({Action.TALK, Action.FOLLOWED_UP})


@dataclass(frozen=True)
class Event:
    at: datetime
    action: Action
    by: str  # who: the leader's id, or "bot"


@dataclass(frozen=True)
class FollowUp:
    """One open question to a leader about one employee, until the leader marks it done."""

    id: str
    employee_id: str
    leader_id: str
    signals: frozenset[Signal]
    round_id: str
    opened_at: datetime
    events: tuple[Event, ...] = ()
    note: str = ""  # the leader's own, never shown to anyone else

    @property
    def open(self) -> bool:
        return not any(e.action in CLOSING for e in self.events)

    @property
    def prompted_at(self) -> datetime | None:
        return next((e.at for e in self.events if e.action is Action.PROMPTED), None)

    def with_event(self, event: Event) -> FollowUp:
        return replace(self, events=(*self.events, event))


def reminder_due(followup: FollowUp, now: datetime, after: timedelta) -> bool:
    """One reminder when the leader has done nothing `after` the prompt reached them (a prompt
    still waiting for the leader to be reachable is not yet late)."""
    actions = {e.action for e in followup.events}
    prompted = followup.prompted_at
    return (
        followup.open
        and prompted is not None
        and not actions & ACTED
        and Action.REMINDED not in actions
        and now - prompted >= after
    )


def prompt_due(followup: FollowUp) -> bool:
    """An open follow-up whose card has not reached the leader yet."""
    return followup.open and followup.prompted_at is None


def still_shared(followup: FollowUp, standing: StandingConsent) -> frozenset[Signal]:
    """What a follow-up still waiting for its leader may tell them once the employee changed
    her standing consent: all of it when she asked for contact herself (a wish the settings do
    not take back), otherwise only the kinds she still names. Once the card has gone out there
    is nothing to take back."""
    if not prompt_due(followup) or Signal.CONTACT_ME in followup.signals:
        return followup.signals
    return shared(followup.signals, False, standing)


# -- the team-level signal -------------------------------------------------------------------------

#: "Several in your team report high stress": at least this many, and this share of those who
#: answered, so that one person's answer is never what the leader learns.
TEAM_MIN_HIGH = 2
TEAM_MIN_SHARE = 0.25


def team_signal(answered: int, high_stress: int, k: int) -> bool:
    """Only when at least k of the team answered the round (docs/roles.md#team-signal)."""
    if answered < k:
        return False
    return high_stress >= max(TEAM_MIN_HIGH, math.ceil(TEAM_MIN_SHARE * answered))


def team_counts(answers: Iterable[Counted], stress_high: int) -> dict[str, tuple[int, int]]:
    """Per leader, how many of their team answered the round and how many of them with high
    stress: recounted from the answers stored, so each is counted once."""
    counts: dict[str, tuple[int, int]] = {}
    for answer in answers:
        if answer.leader:
            answered, high = counts.get(answer.leader, (0, 0))
            counts[answer.leader] = (
                answered + 1,
                high + (answer.scores.get("stress", 0) >= stress_high),
            )
    return counts


def kinds_of(values: Iterable[str]) -> frozenset[str]:
    """A standing consent's kinds from what a settings card submitted; unknown ones dropped."""
    return frozenset(v for v in values if v in SHAREABLE)
