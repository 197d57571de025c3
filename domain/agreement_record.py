"""The home-office agreement as a record: its terms, its status, and how it moves.

An employee fills in the terms part by part (the dialog), submits them to their leader, and the
leader approves, asks for changes or proposes a talk. Every submission is a new version; the
decided ones are kept. These are the transitions and the checks on who may make them, free of
storage and Teams, so every path is cheap to test.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import Enum

from domain.agreement import (
    WORKDAYS,
    Amounts,
    EquipmentRequest,
    Extent,
    Item,
    Mode,
    Network,
    Workplace,
    assess_workplace,
    check_equipment,
    check_extent,
)
from domain.legal_terms import LegalTerms, TermDefaults, check_terms
from domain.org import Person
from domain.refusals import OverLimit, Refusal

HOME_TASKS = ("concentration", "writing", "digital_meetings", "planning")
OFFICE_TASKS = ("physical_meetings", "collaboration", "user_contact", "training")
DEFAULT_TERMS = TermDefaults()  # the municipality's, when configuration says nothing else
PARTS = ("tasks", "extent", "ergonomics", "equipment", "network", "terms")


def parts_for(mode: Mode) -> tuple[str, ...]:
    """The parts a submission needs. When the authorities order home office no written
    agreement is required (hjemmekontorforskriften § 2), so the § 2 terms are not asked; the
    rest stays, for the ergonomics and the equipment loan."""
    return PARTS[:-1] if mode is Mode.ORDERED else PARTS


class Status(Enum):
    DRAFT = "draft"
    WAITING_FOR_LEADER = "waiting_for_leader"  # submitted, but the directory names no leader
    PENDING = "pending"  # with the leader
    CHANGES_REQUESTED = "changes_requested"
    TALK_PROPOSED = "talk_proposed"
    APPROVED = "approved"
    ENDING = "ending"  # notice given: in force until `ends_on`
    ENDED = "ended"


class Decision(Enum):
    APPROVE = "approve"
    CHANGES = "changes"
    TALK = "talk"


_DECIDED = {
    Decision.APPROVE: Status.APPROVED,
    Decision.CHANGES: Status.CHANGES_REQUESTED,
    Decision.TALK: Status.TALK_PROPOSED,
}


@dataclass(frozen=True)
class Tasks:
    home: tuple[str, ...] = ()  # of HOME_TASKS
    office: tuple[str, ...] = ()  # of OFFICE_TASKS
    expectations: str = ""  # deliverables and availability, in the employee's words


@dataclass(frozen=True)
class Terms:
    """What the employee proposes; a part is None until they have answered it."""

    tasks: Tasks | None = None
    extent: Extent | None = None
    workplace: Workplace | None = None
    wants_occupational_health: bool = False  # BHT, offered when the workplace is a risk
    equipment: EquipmentRequest | None = None
    special_needs: str = ""  # package 3: what is needed, for the leader to order
    network: Network | None = None
    legal: LegalTerms | None = None  # points 2–8 of hjemmekontorforskriften § 2

    def missing(self, mode: Mode = Mode.ORDINARY) -> list[str]:
        present = {
            "tasks": self.tasks,
            "extent": self.extent,
            "ergonomics": self.workplace,
            "equipment": self.equipment,
            "network": self.network,
            "terms": self.legal,
        }
        return [part for part in parts_for(mode) if present[part] is None]

    def part(self, part: str) -> object:
        """What a part holds, to tell which parts a version changed."""
        held: dict[str, object] = {
            "tasks": self.tasks,
            "extent": self.extent,
            "ergonomics": (self.workplace, self.wants_occupational_health),
            "equipment": (self.equipment, self.special_needs),
            "network": self.network,
            "terms": self.legal,
        }
        return held[part]


@dataclass(frozen=True)
class Agreement:
    """The employee's agreement as it stands: the version being worked on or decided."""

    employee_id: str
    version: int = 1
    status: Status = Status.DRAFT
    terms: Terms = field(default_factory=Terms)
    leader_id: str = ""  # who it was submitted to
    comment: str = ""  # the leader's, with a request for changes or a talk
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    review_on: date | None = None  # set on approval
    review_reminded: bool = False
    approved_version: int = 0  # the latest approved version, still in force while revising
    started_by: str = ""  # a leader who invited the employee to the conversation
    # The leader's follow-through after approval (order_task): the latest approved version
    # they marked as ordered, and every item ordered so far, so a new version asks only for
    # what is new.
    ordered_version: int = 0
    ordered_items: tuple[str, ...] = ()
    # The end of the arrangement in force: a temporary one's end date, or the day a notice
    # runs out (the earlier of the two); who gave notice, when, and whether both have been
    # reminded of the end.
    ends_on: date | None = None
    notice_by: str = ""
    notice_at: datetime | None = None
    end_reminded: bool = False

    @property
    def editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.CHANGES_REQUESTED, Status.TALK_PROPOSED)


class NotAllowed(Exception):
    """A transition the rules refuse, and why."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


class Flag(Enum):
    """What the leader should look at in a proposal: not a refusal."""

    THREE_DAYS = "three_days"
    ERGONOMIC_RISK = "ergonomic_risk"
    LEADER_ORDERS = "leader_orders"
    TEAM_DAY = "team_day"  # a fixed day at home on one of the team's office days


@dataclass(frozen=True)
class Problems:
    """What stands between the terms and a submission."""

    missing: list[str]  # the parts not filled in (PARTS)
    errors: list[Refusal | OverLimit]
    flagged: list[Flag]  # for the leader's eye, not a refusal

    @property
    def ok(self) -> bool:
        return not self.missing and not self.errors


def review(
    terms: Terms,
    mode: Mode,
    amounts: Amounts,
    defaults: TermDefaults = DEFAULT_TERMS,
    today: date | None = None,
) -> Problems:
    """What stands in the way of a submission, and what the leader should look at. `today`
    checks a temporary arrangement's end date (None: not checked)."""
    errors: list[Refusal | OverLimit] = []
    flagged: list[Flag] = []
    if terms.extent is not None:
        extent = check_extent(terms.extent, mode)
        errors += extent.errors
        if extent.flagged_for_leader:
            flagged.append(Flag.THREE_DAYS)
    days = terms.extent.days if terms.extent else 0
    if terms.workplace is not None and assess_workplace(terms.workplace, days).risk:
        flagged.append(Flag.ERGONOMIC_RISK)
    if terms.equipment is not None:
        equipment = check_equipment(terms.equipment, days, mode, amounts)
        errors += equipment.errors
        if equipment.leader_orders:
            flagged.append(Flag.LEADER_ORDERS)
    if terms.legal is not None and "terms" in parts_for(mode):
        errors += check_terms(terms.legal, defaults, today or date.min)
    return Problems(terms.missing(mode), errors, flagged)


def revise(agreement: Agreement) -> Agreement:
    """Open the agreement for changes; a decided version stays in the history as it was."""
    if agreement.editable:
        return agreement
    if agreement.status is Status.ENDING:
        raise NotAllowed(Refusal.NOTICE_GIVEN)
    if agreement.status not in (Status.APPROVED, Status.ENDED):
        raise NotAllowed(Refusal.NOT_EDITABLE)
    return replace(
        agreement,
        version=agreement.version + 1,
        status=Status.DRAFT,
        comment="",
        submitted_at=None,
        decided_at=None,
    )


def with_terms(agreement: Agreement, terms: Terms) -> Agreement:
    """New terms; a proposal still with the leader (or waiting for one) is taken back."""
    if agreement.status is Status.PENDING:
        agreement = replace(agreement, status=Status.DRAFT, leader_id="")
    elif agreement.status is Status.WAITING_FOR_LEADER:
        agreement = replace(agreement, status=Status.DRAFT, submitted_at=None)
    return replace(revise(agreement), terms=terms)


def proposal_version(agreement: Agreement) -> int:
    """The version the next submission gets.

    A proposal after one the leader has seen (decided, or taken back while pending) is a new
    version; a draft that only waited for a leader to exist is not.
    """
    seen = agreement.decided_at is not None or (
        agreement.submitted_at is not None and agreement.status is not Status.WAITING_FOR_LEADER
    )
    return agreement.version + seen


def submit(
    agreement: Agreement,
    leader_id: str | None,
    now: datetime,
    mode: Mode,
    amounts: Amounts,
    defaults: TermDefaults = DEFAULT_TERMS,
) -> Agreement:
    """To the leader, or kept waiting for one when the directory names none."""
    if not agreement.editable and agreement.status is not Status.WAITING_FOR_LEADER:
        raise NotAllowed(Refusal.NOT_EDITABLE)
    if not review(agreement.terms, mode, amounts, defaults, now.date()).ok:
        raise NotAllowed(Refusal.INCOMPLETE)
    return replace(
        agreement,
        version=proposal_version(agreement),
        status=Status.PENDING if leader_id else Status.WAITING_FOR_LEADER,
        leader_id=leader_id or "",
        comment="",
        submitted_at=now,
        decided_at=None,
    )


def reroute(agreement: Agreement, leader_id: str | None) -> Agreement:
    """A proposal with a leader who no longer is the employee's goes to the one who is now, or
    waits for one; the leader it left can no longer decide it."""
    if agreement.status is not Status.PENDING or agreement.leader_id == (leader_id or ""):
        return agreement
    if leader_id is None:
        return replace(agreement, status=Status.WAITING_FOR_LEADER, leader_id="")
    return replace(agreement, leader_id=leader_id)


def decide(
    agreement: Agreement,
    leader_id: str,
    version: int,
    decision: Decision,
    comment: str,
    now: datetime,
    review_months: int,
) -> Agreement:
    """The leader's answer to the version they were shown, and no other."""
    if leader_id != agreement.leader_id:
        raise NotAllowed(Refusal.NOT_YOUR_EMPLOYEE)
    if agreement.status is not Status.PENDING or version != agreement.version:
        raise NotAllowed(Refusal.ALREADY_DECIDED)
    if decision is Decision.CHANGES and not comment.strip():
        raise NotAllowed(Refusal.COMMENT_NEEDED)
    approved = decision is Decision.APPROVE
    decided = replace(
        agreement,
        status=_DECIDED[decision],
        comment=comment.strip(),
        decided_at=now,
        review_on=add_months(now.date(), review_months) if approved else agreement.review_on,
        review_reminded=False if approved else agreement.review_reminded,
        approved_version=agreement.version if approved else agreement.approved_version,
    )
    if not approved:
        return decided
    legal = agreement.terms.legal
    # The version approved now decides when the arrangement ends: its end date, or none.
    return replace(
        decided, ends_on=legal.end_on if legal else None, end_reminded=False, notice_by=""
    )


def give_notice(
    current: Agreement, in_force: Agreement, by: str, now: datetime, default_months: int
) -> Agreement:
    """Either party ends the arrangement in force with the agreed notice (the municipality's
    default for an agreement made before the terms were asked): a new version, in force until
    the notice runs out, or until a temporary arrangement's earlier end date. A draft not yet
    sent is given up; one with the leader is answered by the notice."""
    if current.status is Status.ENDING:
        raise NotAllowed(Refusal.NOTICE_GIVEN)
    if not current.approved_version or in_force.version != current.approved_version:
        raise NotAllowed(Refusal.NONE_YET)
    legal = in_force.terms.legal
    months = legal.notice_months if legal else default_months
    ends_on = add_months(now.date(), months)
    if current.ends_on is not None:
        ends_on = min(ends_on, current.ends_on)
    return replace(
        current,
        version=proposal_version(current),
        status=Status.ENDING,
        terms=in_force.terms,
        comment="",
        submitted_at=now,
        decided_at=now,
        ends_on=ends_on,
        notice_by=by,
        notice_at=now,
        end_reminded=True,  # the notice names the date: no reminder on top
    )


def end_reminder_due(agreement: Agreement, today: date, days_before: int) -> bool:
    return (
        agreement.approved_version > 0
        and agreement.ends_on is not None
        and not agreement.end_reminded
        and today >= agreement.ends_on - timedelta(days=days_before)
    )


def has_ended(agreement: Agreement, today: date) -> bool:
    """The arrangement in force ran to its last day (`ends_on` is the last day at home)."""
    return (
        agreement.approved_version > 0
        and agreement.ends_on is not None
        and (agreement.ends_on < today)
    )


def end(agreement: Agreement, now: datetime) -> Agreement:
    """The arrangement is over. A notice's version becomes the ended one; an approved version
    whose end date passed stays in the history as approved, and the end is a version of its
    own. A proposal under way stays, for the leader to decide as a new arrangement."""
    over = replace(agreement, approved_version=0, review_reminded=True)
    if agreement.status is Status.ENDING:
        return replace(over, status=Status.ENDED)
    if agreement.status is Status.APPROVED:
        return replace(
            over,
            version=agreement.version + 1,
            status=Status.ENDED,
            comment="",
            submitted_at=now,
            decided_at=now,
        )
    return replace(over, ends_on=None)


def changed_parts(before: Terms, after: Terms) -> list[str]:
    """The parts a version changed from the one before it."""
    return [p for p in PARTS if before.part(p) != after.part(p)]


@dataclass(frozen=True)
class OrderTask:
    """What the leader does after approving: order the items, and contact occupational health
    (BHT) when the employee asked for it. It stays until the leader marks it done."""

    version: int  # the approved version it comes from
    items: tuple[Item, ...]  # not ordered for an earlier version
    special_needs: str  # package 3: the leader orders what is described
    occupational_health: bool  # the employee accepted the offer of BHT
    ergonomic_risk: bool = False  # the workplace is a risk, BHT asked for or not

    @property
    def sum(self) -> int:
        return sum(item.price for item in self.items)


def order_task(current: Agreement, approved: Agreement | None) -> OrderTask | None:
    """The task the version in force leaves the leader, until marked done; none when nothing
    is to be ordered or arranged."""
    if approved is None or current.ordered_version >= approved.version:
        return None
    terms = approved.terms
    items = tuple(
        item
        for item in (terms.equipment.items if terms.equipment else ())
        if item.key not in current.ordered_items
    )
    days = terms.extent.days if terms.extent else 0
    risk = terms.workplace is not None and assess_workplace(terms.workplace, days).risk
    task = OrderTask(
        approved.version, items, terms.special_needs, terms.wants_occupational_health, risk
    )
    return task if task.items or task.special_needs or task.occupational_health else None


def mark_ordered(current: Agreement, approved: Agreement, version: int) -> Agreement:
    """The leader has ordered what `version` asked for. A second press, or one on an older
    card (a version since replaced), changes nothing the newer task needs."""
    if version != approved.version or current.ordered_version >= version:
        return current
    keys = [item.key for item in approved.terms.equipment.items] if approved.terms.equipment else []
    ordered = current.ordered_items + tuple(k for k in keys if k not in current.ordered_items)
    return replace(current, ordered_version=version, ordered_items=ordered)


def review_due(agreement: Agreement, today: date) -> bool:
    return (
        agreement.approved_version > 0
        and agreement.review_on is not None
        and agreement.review_on <= today
        and not agreement.review_reminded
    )


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class WeekPlan:
    """How many of a team plan to work from home on each weekday."""

    fixed: dict[str, int]  # weekday -> people with that fixed day at home
    flexible: int  # people with flexible days


def week_plan(extents: Iterable[Extent]) -> WeekPlan:
    fixed: Counter[str] = Counter()
    flexible = 0
    for extent in extents:
        if extent.days == 0:
            continue
        if extent.fixed_days:
            fixed.update(extent.fixed_days)
        else:
            flexible += 1
    return WeekPlan({day: fixed[day] for day in WORKDAYS}, flexible)


@dataclass(frozen=True)
class TeamMember:
    person: Person
    agreement: Agreement | None
    approved: Agreement | None  # the version in force, if any


@dataclass(frozen=True)
class TeamOverview:
    members: list[TeamMember]
    plan: WeekPlan

    @property
    def tasks(self) -> list[tuple[TeamMember, OrderTask]]:
        """What the leader has still to order or arrange, person by person."""
        tasks = []
        for member in self.members:
            task = order_task(member.agreement, member.approved) if member.agreement else None
            if task is not None:
                tasks.append((member, task))
        return tasks

    @property
    def pending(self) -> list[TeamMember]:
        return [m for m in self.members if m.agreement and m.agreement.status is Status.PENDING]
