"""What the use cases tell people proactively, as data: cards/render.py draws each one in the
recipient's language, so the services never build a card (the layers in .importlinter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from domain.agreement_record import Agreement, Flag
from domain.followup import Contacts, FollowUp
from domain.org import Person
from domain.rounds import Round
from domain.week import WeekView


@dataclass(frozen=True)
class ApprovalRequested:
    """To the leader: an employee's proposal to decide on."""

    employee: Person
    agreement: Agreement
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class AgreementDecided:
    """To the employee: the leader's decision on their proposal."""

    employee: Person
    leader: Person
    agreement: Agreement


@dataclass(frozen=True)
class InvitedToAgree:
    """To the employee: their leader asks them to start an agreement."""

    leader: Person


@dataclass(frozen=True)
class NewLeader:
    """To the employee: their pending proposal went on to their new leader."""

    leader: Person
    version: int


@dataclass(frozen=True)
class ReviewDue:
    """To the employee and to their leader: the agreement is due for review."""

    employee: Person
    review_on: date
    for_leader: bool


@dataclass(frozen=True)
class NoticeGiven:
    """To the other party: the employee or their leader has ended the arrangement."""

    employee: Person
    given_by: Person
    agreement: Agreement  # the notice's version: `ends_on` is the last day
    for_leader: bool


@dataclass(frozen=True)
class EndDue:
    """To the employee and to their leader: a temporary arrangement ends soon."""

    employee: Person
    ends_on: date
    for_leader: bool


@dataclass(frozen=True)
class FollowUpPrompt:
    """To the leader: an employee asked to be contacted (or shared signals)."""

    employee: Person
    followup: FollowUp
    contacts: Contacts
    reminder: bool = False


@dataclass(frozen=True)
class TeamSignal:
    """To the leader: several in the team report high stress, nobody named."""

    contacts: Contacts


@dataclass(frozen=True)
class CoffeeMatched:
    """To each person paired in a kaffeprat round: their partner(s), a day, a starter."""

    round_id: str
    partners: tuple[Person, ...]
    day: str  # a workday key, "mon" … "fri"
    at_office: bool  # a shared office day; otherwise a Teams call
    starter: int


@dataclass(frozen=True)
class CoffeeCheckBack:
    """A week after the pairing: did you meet?"""

    round_id: str
    partners: tuple[Person, ...]


@dataclass(frozen=True)
class CheckinInvitation:
    """To everyone in the roster: the round's check-in card, or its reminder."""

    round: Round
    timezone: ZoneInfo
    reminder: bool


@dataclass(frozen=True)
class WeekCard:
    """To a team member on Monday: the team days, their plan to adjust, who else is in."""

    week: WeekView


Message = (
    ApprovalRequested
    | AgreementDecided
    | InvitedToAgree
    | NewLeader
    | ReviewDue
    | NoticeGiven
    | EndDue
    | FollowUpPrompt
    | TeamSignal
    | CheckinInvitation
    | WeekCard
    | CoffeeMatched
    | CoffeeCheckBack
)
