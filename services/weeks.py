"""Use cases of the week plan: team days, `min uke`, `kontoret`, the Monday card, the calendar.

Who is in whose team comes from the organisation directory as it is now, so someone who left
the directory or moved to another leader drops out of the team's views at once. A team's week
is read from one partition (storage/weeks.py); a member seen there for the first time gets
their plan from their approved agreement once.

The Monday card goes out through the rounds' delivery (services/delivery.py): the same
limiter, the same send ledger (partition `week-<week id>`, one entry per person), the same
breaker. The job is leased and catches up after a restart the way a round does
(domain/schedule.py): the latest scheduled time within the week is delivered if it was not.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.agreement import WORKDAYS, Extent
from domain.agreement_record import Agreement, Status
from domain.clock import Clock, utc_now
from domain.delivery import Recipient
from domain.language import Language, resolve_language
from domain.logref import ref
from domain.messages import WeekCard
from domain.org import Person, normalise_id
from domain.rounds import NextScheduled, no_schedule
from domain.schedule import latest_due
from domain.week import (
    WEEKS_AHEAD,
    DayAtOffice,
    Member,
    Plan,
    Unchangeable,
    Viewer,
    Visibility,
    WeekView,
    Where,
    at_office,
    change_day,
    coming_workdays,
    from_agreement,
    monday_of,
    office_dates,
    team_days_of,
    week_id,
    workdays,
)
from services.delivery import Card, DeliveryReport, DeliveryService
from services.leasing import run_leased
from services.notify import Render
from storage.directory import DirectoryRepository
from storage.leases import LeaseStore
from storage.port import StorageError
from storage.roster import RosterRepository
from storage.weeks import TeamSettings, WeekRepository, ledger_partition

log = logging.getLogger(__name__)

LEASE = "weeks"
KIND = "monday"
#: Whom a top-level person's plan is filed with: they have no leader's team.
NO_LEADER = "top"

ApprovedExtent = Callable[[str], Awaitable[Extent | None]]


@dataclass(frozen=True)
class MyWeek:
    person: Person
    week: WeekView
    visibility: Visibility


@dataclass(frozen=True)
class OfficeView:
    days: list[DayAtOffice]
    unit: bool  # the unit's colleagues are included
    leader: bool  # the viewer leads a team: the days carry counts
    unit_name: str


@dataclass(frozen=True)
class MondaySent:
    week: str
    invited: int
    report: DeliveryReport


class NotInDirectory(Exception):
    """The person is not in the organisation directory: no team, no plan."""


class WeekService:
    def __init__(
        self,
        weeks: WeekRepository,
        directory: DirectoryRepository,
        approved_extent: ApprovedExtent,
        roster: RosterRepository,
        delivery: DeliveryService,
        leases: LeaseStore,
        render: Render,
        timezone: ZoneInfo,
        clock: Clock = utc_now,
        schedule: NextScheduled = no_schedule,
    ) -> None:
        self._weeks = weeks
        self._directory = directory
        self._approved_extent = approved_extent
        self._roster = roster
        self._delivery = delivery
        self._leases = leases
        self._render = render
        self._timezone = timezone
        self._clock = clock
        self._schedule = schedule

    def today(self) -> date:
        return self._clock().astimezone(self._timezone).date()

    # -- the leader: team days and the Monday card -------------------------------------------

    async def team_settings(self, leader_id: str) -> TeamSettings:
        return await self._weeks.settings(normalise_id(leader_id))

    async def set_team_days(self, leader_id: str, values: Iterable[object]) -> TeamSettings | None:
        """The leader's team days; None when one of `values` is not a workday (nothing saved)."""
        days = team_days_of(values)
        if days is None:
            return None
        current = await self.team_settings(leader_id)
        return await self._weeks.save_settings(replace(current, team_days=days))

    async def set_monday_card(self, leader_id: str, on: bool) -> TeamSettings:
        current = await self.team_settings(leader_id)
        return await self._weeks.save_settings(replace(current, monday_card=on))

    async def leads_a_team(self, user_id: str) -> bool:
        return await self._directory.is_leader(normalise_id(user_id))

    # -- the employee: `min uke` and visibility ------------------------------------------------

    async def my_week(self, user_id: str, monday: date | None = None) -> MyWeek:
        person = await self._person(user_id)
        this_monday = monday_of(self.today())
        shown = min(
            max(monday or this_monday, this_monday),
            this_monday + timedelta(weeks=WEEKS_AHEAD - 1),
        )
        plan = await self._own_plan(person)
        members, plans, team_days = await self._team_of(person)
        plans[person.id] = plan
        return MyWeek(
            person, self._view(shown, members, plans, team_days, person.id), plan.visibility
        )

    async def set_day(self, user_id: str, day: date, where: Where) -> MyWeek | Unchangeable:
        """One day of the person's plan; a day gone, too far ahead or at a weekend is refused."""
        person = await self._person(user_id)
        await self._own_plan(person)
        today = self.today()
        refused: list[Unchangeable] = []

        def change(plan: Plan) -> Plan:
            changed = change_day(plan, day, where, today)
            if isinstance(changed, Unchangeable):
                refused.append(changed)
                return plan
            return changed

        await self._weeks.change_plan(person.manager_id or NO_LEADER, person.id, change)
        if refused:
            return refused[0]
        return await self.my_week(user_id, monday_of(day))

    async def visibility(self, user_id: str) -> Visibility:
        person = await self._directory.person(normalise_id(user_id))
        if person is None:
            return Visibility.TEAM
        plan = await self._weeks.plan(person.manager_id or NO_LEADER, person.id)
        return plan.visibility if plan else Visibility.TEAM

    async def set_visibility(self, user_id: str, value: object) -> Visibility | None:
        """Saved; None when `value` is no choice the card offers (nothing saved)."""
        if value not in {v.value for v in Visibility}:
            return None
        chosen = Visibility(str(value))
        person = await self._directory.person(normalise_id(user_id))
        if person is None:
            return chosen  # no team, no plan: nothing to hide from anyone
        await self._weeks.change_plan(
            person.manager_id or NO_LEADER, person.id, lambda p: replace(p, visibility=chosen)
        )
        return chosen

    # -- `kontoret` --------------------------------------------------------------------------

    async def office(self, user_id: str, unit: bool = False) -> OfficeView:
        """The coming workdays and who the viewer may see planning to be at the office."""
        person = await self._person(user_id)
        members, plans, team_days = await self._team_of(person, with_unit=unit)
        if person.id not in plans:
            plans[person.id] = await self._own_plan(person)
        leads = any(m.viewer is Viewer.LEADER for m in members)
        days = at_office(coming_workdays(self.today()), members, plans, team_days, person.id, leads)
        return OfficeView(days, unit, leads, person.unit)

    # -- for other features ------------------------------------------------------------------

    async def planned_office_days(
        self, person_ids: Iterable[str], monday: date
    ) -> dict[str, list[date]]:
        """The dates of the week starting `monday` on which each person plans to be at the
        office, for pairing people who share a day (kaffeprat). People without a plan, not in
        the directory, or who hide their plan are left out: a pairing on a shared day would
        tell the other person where they are. One query per team among them."""
        people = [
            p for p in [await self._directory.person(normalise_id(i)) for i in person_ids] if p
        ]
        by_team: dict[str, list[Person]] = {}
        for person in people:
            by_team.setdefault(person.manager_id or NO_LEADER, []).append(person)
        days = workdays(monday_of(monday))
        result: dict[str, list[date]] = {}
        for leader, members in by_team.items():
            plans = await self._team_plans(leader, members)
            for person in members:
                plan = plans.get(person.id)
                if plan is None or plan.visibility is Visibility.HIDDEN:
                    continue
                office = office_dates(plan, days)
                if office:
                    result[person.id] = office
        return result

    async def arrangement_changed(self, agreement: Agreement) -> None:
        """An approved agreement sets the person's weekly pattern, an ended one clears its days
        at home (their changes by date stay)."""
        extent = agreement.terms.extent if agreement.status is Status.APPROVED else None
        try:
            person = await self._directory.person(agreement.employee_id)
            if person is None:
                return
            await self._weeks.change_plan(
                person.manager_id or NO_LEADER, person.id, _pattern(extent)
            )
        except StorageError:
            # The decision stands; the plan catches up when the week plan is next changed.
            log.exception(
                "the week plan of %s did not follow the agreement", ref(agreement.employee_id)
            )

    # -- the calendar file -------------------------------------------------------------------

    async def calendar(self, user_id: str, weeks: int) -> tuple[Person, list[DayAtOffice]]:
        """The person's office days for the next `weeks` weeks, each with the colleagues they
        may see in that day."""
        person = await self._person(user_id)
        plan = await self._own_plan(person)
        members, plans, team_days = await self._team_of(person)
        plans[person.id] = plan
        today = self.today()
        days = [
            d
            for w in range(weeks)
            for d in workdays(monday_of(today) + timedelta(weeks=w))
            if d >= today
        ]
        return person, [
            day
            for day in at_office(days, members, plans, team_days, me=person.id)
            if day.me is Where.OFFICE
        ]

    # -- the Monday card ---------------------------------------------------------------------

    async def send_now(self) -> MondaySent | None:
        """This week's Monday card to everyone it has not reached yet (`week send`); None when
        another instance is sending."""
        monday = monday_of(self.today())
        return await run_leased(
            self._leases, LEASE, self._delivery.holder, lambda: self._send(monday)
        )

    async def scheduled_tick(self) -> None:
        """The latest scheduled Monday card within its week, unless it went out already."""
        await run_leased(self._leases, LEASE, self._delivery.holder, self._catch_up)

    async def _catch_up(self) -> None:
        now = self._clock()
        local = now.astimezone(self._timezone)
        start_of_week = datetime.combine(
            monday_of(local.date()), datetime.min.time(), self._timezone
        )
        scheduled = latest_due(self._schedule, now, now - start_of_week + timedelta(seconds=1))
        if scheduled is None:
            return
        monday = monday_of(scheduled.astimezone(self._timezone).date())
        if await self._weeks.is_delivered(week_id(monday)):
            return
        await self._send(monday)

    async def _send(self, monday: date) -> MondaySent:
        week = week_id(monday)
        await self._weeks.sent(week)
        roster = {r.user_id: r for r in await self._roster.everyone()}
        messages: dict[str, WeekCard] = {}
        for leader_id in await self._weeks.monday_teams():
            if await self._directory.person(leader_id) is None:
                continue  # a leader who left: their team has another leader now
            reports = await self._directory.direct_reports(leader_id)
            plans = await self._team_plans(leader_id, reports)
            team_days = await self._weeks.team_days(leader_id)
            members = [Member(p.id, p.name, Viewer.TEAM) for p in reports]
            for person in reports:
                plan = plans.get(person.id)
                if person.id not in roster or plan is None or not plan.exists:
                    continue
                messages[person.id] = WeekCard(
                    self._view(monday, members, plans, team_days, person.id)
                )
        recipients = [roster[user_id] for user_id in sorted(messages)]
        rendered: dict[tuple[str, Language], Card] = {}

        def card_for(recipient: Recipient) -> Card:
            lang = resolve_language(recipient.language, None)
            key = (recipient.user_id, lang)
            if key not in rendered:
                rendered[key] = self._render(messages[recipient.user_id], lang)
            return rendered[key]

        report = await self._delivery.deliver(ledger_partition(week), KIND, recipients, card_for)
        if report.stopped is None:
            await self._weeks.delivered(week)
        log.info("Monday card %s: %d with a plan in teams that have it on", week, len(recipients))
        return MondaySent(week, len(recipients), report)

    # -- helpers -----------------------------------------------------------------------------

    def _view(
        self,
        monday: date,
        members: Sequence[Member],
        plans: dict[str, Plan],
        team_days: Sequence[str],
        me: str,
    ) -> WeekView:
        days = at_office(workdays(monday), members, plans, team_days, me=me)
        own = plans.get(me)
        return WeekView(
            monday,
            tuple(days),
            tuple(team_days),
            tuple(own.on(d) or Where.OPEN for d in workdays(monday)) if own else (),
            self.today(),
        )

    async def _person(self, user_id: str) -> Person:
        person = await self._directory.person(normalise_id(user_id))
        if person is None:
            raise NotInDirectory(user_id)
        return person

    async def _own_plan(self, person: Person) -> Plan:
        plans = await self._team_plans(person.manager_id or NO_LEADER, [person], only=True)
        return plans[person.id]

    async def _team_of(
        self, person: Person, with_unit: bool = False
    ) -> tuple[list[Member], dict[str, Plan], tuple[str, ...]]:
        """The people whose plans `person` may see: their own team (their leader's direct
        reports and the leader), the team they lead if they do, and with `with_unit` their
        unit's; their plans; the office days of both teams."""
        members: list[Member] = []
        plans: dict[str, Plan] = {}
        team_days: tuple[str, ...] = ()
        if person.manager_id:
            colleagues = await self._directory.direct_reports(person.manager_id)
            week = await self._team_plans(person.manager_id, colleagues)
            plans.update(week)
            team_days = await self._weeks.team_days(person.manager_id)
            members += [
                Member(p.id, p.name, Viewer.SELF if p.id == person.id else Viewer.TEAM)
                for p in colleagues
            ]
            leader = await self._directory.person(person.manager_id)
            if leader is not None:
                plans.update(
                    await self._team_plans(leader.manager_id or NO_LEADER, [leader], only=True)
                )
                members.append(Member(leader.id, leader.name, Viewer.TEAM))
        reports = await self._directory.direct_reports(person.id)
        if reports:
            plans.update(await self._team_plans(person.id, reports))
            members += [Member(p.id, p.name, Viewer.LEADER) for p in reports]
            led_days = set(await self._weeks.team_days(person.id)) | set(team_days)
            team_days = tuple(day for day in WORKDAYS if day in led_days)
        if with_unit and person.unit:
            known = {m.person_id for m in members} | {person.id}
            others = [p for p in await self._directory.in_unit(person.unit) if p.id not in known]
            by_team: dict[str, list[Person]] = {}
            for other in others:
                by_team.setdefault(other.manager_id or NO_LEADER, []).append(other)
            for leader_id, people in by_team.items():
                plans.update(await self._team_plans(leader_id, people))
                members += [Member(p.id, p.name, Viewer.UNIT) for p in people]
        return members, plans, team_days

    async def _team_plans(
        self, leader_id: str, people: Sequence[Person], only: bool = False
    ) -> dict[str, Plan]:
        """The plans of `people`, all filed under `leader_id`'s team: one query (one point read
        with `only`). Someone not there yet gets their plan from their agreement, once."""
        if only and len(people) == 1:
            found = await self._weeks.plan(leader_id, people[0].id)
            filed = {people[0].id: found} if found else {}
        else:
            filed = (await self._weeks.team(leader_id)).plans
        plans = {p.id: filed[p.id] for p in people if p.id in filed}
        for person in people:
            if person.id not in plans:
                plans[person.id] = await self._weeks.ensure_plan(
                    leader_id, person.id, _pattern(await self._approved_extent(person.id))
                )
        return plans


def _pattern(extent: Extent | None) -> Callable[[Plan], Plan]:
    return lambda plan: from_agreement(plan, extent)
