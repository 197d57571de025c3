"""Use cases of the home-office agreement: fill in, submit, decide, review, and the team view.

Who may do what is checked here against the organisation directory as it is now: only the
employee changes and submits their agreement, only their current leader decides on it or
reads it, and a leader's team view holds only their own direct reports.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from domain.agreement import Amounts, Extent, Mode
from domain.agreement_record import (
    Agreement,
    Decision,
    Flag,
    NotAllowed,
    OrderTask,
    Problems,
    Status,
    TeamMember,
    TeamOverview,
    Terms,
    decide,
    end,
    end_reminder_due,
    give_notice,
    has_ended,
    mark_ordered,
    order_task,
    reroute,
    review,
    review_due,
    revise,
    submit,
    week_plan,
    with_terms,
)
from domain.clock import Clock, utc_now
from domain.legal_terms import TermDefaults
from domain.logref import ref
from domain.messages import (
    AgreementDecided,
    ApprovalRequested,
    EndDue,
    InvitedToAgree,
    NewLeader,
    NoticeGiven,
    ReviewDue,
)
from domain.org import Person, normalise_id
from domain.refusals import Refusal
from domain.week import home_on_team_days
from services.leasing import run_leased
from services.messagebus import Handlers
from services.notify import Notifications
from storage.agreements import AgreementRepository
from storage.directory import DirectoryRepository
from storage.leases import LeaseStore
from storage.personal_data import ERASED
from storage.port import StorageError

log = logging.getLogger(__name__)

LEASE = "agreements"

#: The office days of a leader's team (services/weeks.py keeps them).
TeamDays = Callable[[str], Awaitable[tuple[str, ...]]]


async def no_team_days(_leader_id: str) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class Policy:
    """What the admin sets (docs/product.md#what-an-admin-sets): mode, amounts, review period,
    the § 2 terms' defaults, and how long before a temporary arrangement's end both hear of it."""

    mode: Mode = Mode.ORDINARY
    amounts: Amounts = field(default_factory=Amounts)
    review_months: int = 12
    terms: TermDefaults = field(default_factory=TermDefaults)
    end_reminder_days: int = 30


@dataclass(frozen=True)
class Submitted:
    agreement: Agreement
    leader: Person
    delivered: bool  # False: the leader has not installed the bot; they see it in `mitt team`


@dataclass(frozen=True)
class WaitingForLeader:
    agreement: Agreement


@dataclass(frozen=True)
class Refused:
    problems: Problems


@dataclass(frozen=True)
class Unchanged:
    """The proposal is the version the leader has (still pending) or approved: nothing is sent."""

    since: Agreement  # that version, as it was sent
    approved: bool


SubmitOutcome = Submitted | WaitingForLeader | Refused | Unchanged


class AgreementService:
    def __init__(
        self,
        agreements: AgreementRepository,
        directory: DirectoryRepository,
        notifier: Notifications,
        leases: LeaseStore,
        policy: Policy,
        timezone: ZoneInfo,
        clock: Clock = utc_now,
        team_days: TeamDays = no_team_days,
    ) -> None:
        self._agreements = agreements
        self._team_days = team_days
        # The arrangement in force changed: a version approved, or the arrangement ended (the
        # week plan follows its days).
        self.arrangement_events: Handlers[Agreement, None] = Handlers()
        self._directory = directory
        self._notifier = notifier
        self._leases = leases
        self.policy = policy
        self._timezone = timezone
        self._clock = clock
        self._holder = uuid.uuid4().hex[:12]

    # -- the employee's side ------------------------------------------------------------------

    async def current(self, employee_id: str) -> Agreement:
        return await self._agreements.get(employee_id) or Agreement(employee_id)

    async def approved(self, employee_id: str) -> Agreement | None:
        return await self.approved_of(await self._agreements.get(employee_id))

    async def approved_extent(self, employee_id: str) -> Extent | None:
        """The days of the version in force, if any: where the week plan starts from."""
        approved = await self.approved(employee_id)
        return approved.terms.extent if approved else None

    async def approved_of(self, current: Agreement | None) -> Agreement | None:
        """The version in force: the current one, or the approved one kept while revising."""
        if current is None or not current.approved_version:
            return None
        if current.status is Status.APPROVED:
            return current
        return await self._agreements.version(current.employee_id, current.approved_version)

    async def change_terms(self, employee_id: str, change: Callable[[Terms], Terms]) -> Agreement:

        def apply(agreement: Agreement | None) -> Agreement:
            agreement = agreement or Agreement(employee_id)
            return with_terms(agreement, change(agreement.terms))

        return await self._agreements.change(employee_id, apply)

    async def reopen(self, employee_id: str) -> Agreement:
        """Open an approved agreement for changes: a new version, the approved one in force."""
        return await self._agreements.change(employee_id, lambda a: revise(_existing(a)))

    def problems(self, agreement: Agreement) -> Problems:
        policy = self.policy
        return review(agreement.terms, policy.mode, policy.amounts, policy.terms, self.today())

    def today(self) -> date:
        return self._clock().astimezone(self._timezone).date()

    async def flags(self, agreement: Agreement) -> tuple[Flag, ...]:
        """What the leader should look at: the problems' flags, and a fixed day at home on one
        of the team's office days (docs/product.md#team-days)."""
        flags = tuple(self.problems(agreement).flagged)
        leader = await self.leader_of(agreement.employee_id)
        if leader is not None and home_on_team_days(
            agreement.terms.extent, await self._team_days(leader.id)
        ):
            flags += (Flag.TEAM_DAY,)
        return flags

    async def team_days_for(self, employee_id: str) -> tuple[str, ...]:
        """The office days of the employee's team, as the conversation shows them."""
        leader = await self.leader_of(employee_id)
        return await self._team_days(leader.id) if leader else ()

    async def leader_of(self, employee_id: str) -> Person | None:
        person = await self._directory.person(normalise_id(employee_id))
        if person is None or not person.manager_id:
            return None
        return await self._directory.person(person.manager_id)

    async def submit(self, employee_id: str) -> SubmitOutcome:
        unchanged = await self._unchanged(await self.current(employee_id))
        if unchanged is not None:
            if not unchanged.approved:
                # Opened and saved as it was: the proposal goes back to the leader who has it,
                # whose card still decides it; no new version, no second card.
                await self._agreements.change(
                    employee_id, lambda a: _back_with_leader(_existing(a), unchanged.since)
                )
            return unchanged
        leader = await self.leader_of(employee_id)
        now = self._clock()
        try:
            agreement = await self._agreements.change(
                employee_id,
                lambda a: submit(
                    a or Agreement(employee_id),
                    leader.id if leader else None,
                    now,
                    self.policy.mode,
                    self.policy.amounts,
                    self.policy.terms,
                ),
            )
        except NotAllowed:
            return Refused(self.problems(await self.current(employee_id)))
        if leader is None:
            return WaitingForLeader(agreement)
        return Submitted(agreement, leader, await self._send_for_approval(agreement, leader))

    async def _unchanged(self, current: Agreement) -> Unchanged | None:
        """The version a proposal of `current` would repeat: the one taken back from the leader
        by opening it, or the one in force."""
        if current.status is Status.PENDING:
            return Unchanged(current, approved=False)  # its summary sent again as it is
        if not current.editable:
            return None
        if current.submitted_at is not None and current.decided_at is None:
            sent = await self._agreements.version(current.employee_id, current.version)
            if sent is not None and sent.status is Status.PENDING and sent.terms == current.terms:
                return Unchanged(sent, approved=False)
        approved = await self.approved_of(current)
        if (
            approved is not None
            and approved.version != current.version
            and approved.terms == current.terms
        ):
            return Unchanged(approved, approved=True)
        return None

    async def _send_for_approval(self, agreement: Agreement, leader: Person) -> bool:
        employee = await self._person(agreement.employee_id)
        flags = await self.flags(agreement)
        return await self._notifier.notify(
            _topic(agreement), "approval", leader.id, ApprovalRequested(employee, agreement, flags)
        )

    # -- the leader's side --------------------------------------------------------------------

    async def decide(
        self, leader_id: str, employee_id: str, version: int, decision: Decision, comment: str
    ) -> tuple[Person, Agreement]:
        """The employee and the decided agreement; raises NotAllowed for anyone but the
        employee's leader."""
        employee = await self._require_leader_of(leader_id, employee_id)
        now = self._clock()
        # The current leader decides, also before the scheduler has moved the proposal to them.
        decided = await self._agreements.change(
            employee.id,
            lambda a: decide(
                reroute(_existing(a), normalise_id(leader_id)),
                normalise_id(leader_id),
                version,
                decision,
                comment,
                now,
                self.policy.review_months,
            ),
        )
        leader = await self._person(leader_id)
        await self._notifier.notify(
            _topic(decided), "decision", employee.id, AgreementDecided(employee, leader, decided)
        )
        if decided.status is Status.APPROVED:
            await self.arrangement_events.publish(decided)
        return employee, decided

    # -- either party: ending, and the history ---------------------------------------------

    async def notice(
        self, user_id: str, employee_id: str, version: int, confirmed: bool
    ) -> tuple[Person, Agreement]:
        """The employee or their current leader ends the arrangement in force (`version`, as
        the card showed it) with notice: the notice's version, stored only when `confirmed`,
        else as it would be, for the card that asks. The other party is told the last day."""
        employee = await self._party(user_id, employee_id)
        by = normalise_id(user_id)
        current = await self._agreements.get(employee.id)
        in_force = await self.approved_of(current)
        if current is None or in_force is None:
            raise NotAllowed(Refusal.NONE_YET)
        if current.status is not Status.ENDING and version != in_force.version:
            raise NotAllowed(Refusal.ALREADY_DECIDED)  # a card of a version since replaced
        now, months = self._clock(), self.policy.terms.notice_months
        if not confirmed:
            return employee, give_notice(current, in_force, by, now, months)

        def notice(agreement: Agreement | None) -> Agreement:
            latest = _existing(agreement)
            if latest.approved_version != in_force.version:
                raise NotAllowed(Refusal.ALREADY_DECIDED)
            return give_notice(latest, in_force, by, now, months)

        given = await self._agreements.change(employee.id, notice)
        by_leader = by != employee.id
        other = await self.leader_of(employee.id) if not by_leader else employee
        if other is not None:
            await self._notifier.notify(
                _topic(given),
                "notice",
                other.id,
                NoticeGiven(employee, await self._person(by), given, for_leader=not by_leader),
            )
        return employee, given

    async def history(self, user_id: str, employee_id: str) -> tuple[Person, list[Agreement]]:
        """Every version sent, decided or ended, oldest first, for the employee and their
        current leader only."""
        employee = await self._party(user_id, employee_id)
        return employee, await self._agreements.history(employee.id)

    async def _party(self, user_id: str, employee_id: str) -> Person:
        """The employee, when `user_id` is the employee or their current leader."""
        if normalise_id(user_id) == normalise_id(employee_id):
            return await self._person(employee_id)
        return await self._require_leader_of(user_id, employee_id)

    async def name_of(self, person_id: str) -> str:
        return (await self._person(person_id)).name if person_id else ""

    async def task(self, current: Agreement) -> OrderTask | None:
        """What approving left the leader to do (order, contact BHT), until marked done."""
        return order_task(current, await self.approved_of(current))

    async def mark_ordered(self, leader_id: str, employee_id: str, version: int) -> Person:
        """The leader has done what approving `version` asked. Pressing again, or on a card
        for a version since replaced, changes nothing."""
        employee = await self._require_leader_of(leader_id, employee_id)
        approved = await self.approved(employee.id)
        if approved is None:
            raise NotAllowed(Refusal.NONE_YET)

        def mark(agreement: Agreement | None) -> Agreement:
            current = _existing(agreement)
            in_force = current if current.status is Status.APPROVED else approved
            return mark_ordered(current, in_force, version)

        await self._agreements.change(employee.id, mark)
        return employee

    async def for_leader(self, leader_id: str, employee_id: str) -> tuple[Person, Agreement]:
        """An employee's agreement as their leader may see it."""
        employee = await self._require_leader_of(leader_id, employee_id)
        agreement = await self._agreements.get(employee.id)
        if agreement is None:
            raise NotAllowed(Refusal.NONE_YET)
        return employee, agreement

    async def invite(self, leader_id: str, employee_id: str) -> tuple[Person, bool]:
        """A leader starts the conversation for one of their employees: the employee, and
        whether the invitation reached them."""
        employee = await self._require_leader_of(leader_id, employee_id)
        leader = await self._person(leader_id)

        def mark(agreement: Agreement | None) -> Agreement:
            return agreement or Agreement(employee.id, started_by=normalise_id(leader_id))

        # Under the directory's id, the one the employee's own requests (and erasure) use.
        await self._agreements.change(employee.id, mark)
        stamp = self._clock().strftime("%Y%m%dT%H%M")
        delivered = await self._notifier.notify(
            f"invite-{employee.id}",
            f"invite-{stamp}",
            employee.id,
            InvitedToAgree(leader),
        )
        return employee, delivered

    async def team(self, leader_id: str) -> TeamOverview:
        reports = sorted(
            await self._directory.direct_reports(normalise_id(leader_id)), key=lambda p: p.name
        )
        members = []
        for person in reports:
            current = await self._agreements.get(person.id)
            members.append(TeamMember(person, current, await self.approved_of(current)))
        extents = [
            m.approved.terms.extent for m in members if m.approved and m.approved.terms.extent
        ]
        return TeamOverview(members, week_plan(extents))

    async def is_leader(self, user_id: str) -> bool:
        return await self._directory.is_leader(normalise_id(user_id))

    async def waiting_for(self, leader_id: str) -> list[tuple[Person, Agreement]]:
        """Proposals waiting for this leader's decision, oldest first."""
        leader_id = normalise_id(leader_id)
        waiting = []
        for employee_id, submitted_to in await self._agreements.pending():
            agreement = await self._agreements.get(employee_id)
            if (
                submitted_to == leader_id
                and agreement is not None
                and agreement.status is Status.PENDING
            ):
                waiting.append((await self._person(employee_id), agreement))
        return sorted(waiting, key=lambda pair: pair[1].submitted_at or self._clock())

    async def reachable(self, user_id: str) -> None:
        """The leader can be reached now (they installed the app): the approval cards that
        could not reach them go out. The send ledger keeps one that did arrive from going twice."""
        try:
            for employee, agreement in await self.waiting_for(user_id):
                leader = await self._person(user_id)
                await self._send_for_approval(agreement, leader)
                log.info("approval of %s sent on install", ref(employee.id))
        except StorageError:
            log.exception("approval cards waiting for %s were not sent", ref(user_id))

    # -- the scheduler ------------------------------------------------------------------------

    async def scheduled_tick(self) -> None:
        """The scheduler's call: today's work, by one host instance at a time."""
        today = self._clock().astimezone(self._timezone).date()
        await run_leased(self._leases, LEASE, self._holder, lambda: self.tick(today))

    async def tick(self, today: date) -> None:
        """Drafts waiting for a leader go out when one appears, proposals with a former leader
        go to the current one; due reviews are announced once."""
        for employee_id, submitted_to in await self._agreements.pending():
            leader = await self.leader_of(employee_id)
            if (leader.id if leader else "") != submitted_to:
                # After a leader's erasure the leader may be the same person: no news for her.
                await self._reroute(employee_id, leader, tell=submitted_to != ERASED)
        for employee_id in await self._agreements.waiting_for_leader():
            if await self.leader_of(employee_id) is not None:
                outcome = await self.submit(employee_id)
                # The outcome holds the terms (discomfort, reasons) and the leader's e-mail.
                log.info(
                    "agreement of %s was waiting for a leader: %s",
                    ref(employee_id),
                    type(outcome).__name__,
                )
        for employee_id, review_on in await self._agreements.review_pending():
            if review_on <= today:
                await self._remind_review(employee_id, today)
        for employee_id, ends_on in await self._agreements.ending():
            if ends_on < today:
                await self._end(employee_id, today)
            elif ends_on - timedelta(days=self.policy.end_reminder_days) <= today:
                await self._remind_end(employee_id, today)

    async def _end(self, employee_id: str, today: date) -> None:
        now = self._clock()

        def over(agreement: Agreement | None) -> Agreement:
            current = _existing(agreement)
            return end(current, now) if has_ended(current, today) else current

        ended = await self._agreements.change(employee_id, over)
        if not ended.approved_version:
            log.info("the home-office arrangement of %s has ended", ref(employee_id))
            await self.arrangement_events.publish(ended)

    async def _remind_end(self, employee_id: str, today: date) -> None:
        """Both hear of a temporary arrangement's end once, some days before it; the send
        ledger and the stored mark keep a second tick, on any host, from telling them again."""
        agreement = await self._agreements.get(employee_id)
        if agreement is None or not end_reminder_due(
            agreement, today, self.policy.end_reminder_days
        ):
            return
        assert agreement.ends_on is not None
        ends_on = agreement.ends_on
        employee = await self._person(employee_id)
        topic, kind = f"review-{employee_id}", f"end-{ends_on.isoformat()}"
        await self._notifier.notify(topic, kind, employee_id, EndDue(employee, ends_on, False))
        leader = await self.leader_of(employee_id)
        if leader is not None:
            await self._notifier.notify(topic, kind, leader.id, EndDue(employee, ends_on, True))
        await self._agreements.change(
            employee_id, lambda a: replace(_existing(a), end_reminded=True)
        )

    async def _reroute(self, employee_id: str, leader: Person | None, tell: bool) -> None:
        moved = await self._agreements.change(
            employee_id, lambda a: reroute(_existing(a), leader.id if leader else None)
        )
        if leader is None or moved.status is not Status.PENDING or moved.leader_id != leader.id:
            return  # waiting for a leader again, or taken back meanwhile
        await self._send_for_approval(moved, leader)
        if not tell:
            return
        await self._notifier.notify(
            _topic(moved),
            f"new-leader-{leader.id}",
            employee_id,
            NewLeader(leader, moved.version),
        )

    async def _remind_review(self, employee_id: str, today: date) -> None:
        agreement = await self._agreements.get(employee_id)
        if agreement is None or not review_due(agreement, today):
            return
        assert agreement.review_on is not None
        review_on = agreement.review_on
        employee = await self._person(employee_id)
        # Every notification about an employee is filed under a topic named after them, so that
        # erasing their data finds it (services/data_rights.py).
        topic, kind = f"review-{employee_id}", f"review-{review_on.isoformat()}"
        await self._notifier.notify(topic, kind, employee_id, ReviewDue(employee, review_on, False))
        leader = await self.leader_of(employee_id)
        if leader is not None:
            await self._notifier.notify(
                topic, kind, leader.id, ReviewDue(employee, review_on, True)
            )
        await self._agreements.change(
            employee_id, lambda a: replace(_existing(a), review_reminded=True)
        )

    # -- helpers ------------------------------------------------------------------------------

    async def _require_leader_of(self, leader_id: str, employee_id: str) -> Person:
        """The employee, when `leader_id` is their current leader."""
        person = await self._directory.person(normalise_id(employee_id))
        if person is None or person.manager_id != normalise_id(leader_id):
            raise NotAllowed(Refusal.NOT_YOUR_EMPLOYEE)
        return person

    async def _person(self, person_id: str) -> Person:
        found = await self._directory.person(normalise_id(person_id))
        return found or Person(normalise_id(person_id), "", "", None, "", "")


def _existing(agreement: Agreement | None) -> Agreement:
    if agreement is None:
        raise NotAllowed(Refusal.NONE_YET)
    return agreement


def _back_with_leader(agreement: Agreement, sent: Agreement) -> Agreement:
    if agreement.version != sent.version or agreement.terms != sent.terms:
        return agreement  # changed meanwhile: it stays a draft
    return replace(agreement, status=Status.PENDING, leader_id=sent.leader_id)


def _topic(agreement: Agreement) -> str:
    return f"agreement-{agreement.employee_id}-v{agreement.version}"
