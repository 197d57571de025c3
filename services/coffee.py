"""Kaffeprat (docs/product.md#kaffeprat): joining, pausing and leaving; pairing rounds on a
schedule and on demand; the pairing cards and the check-back a week later, both through the
round delivery's send ledger; the check-back's answers, counted per service area only; and
what HR and reps see of it in `puls`.

A round runs under the `coffee` lease, like the check-in rounds under theirs: any number of
hosts and the command line may start one at the same moment, one works. Its id comes from the
scheduled date, and each step is recorded when done: the groups are written before the round
counts as paired (a pairing stopped half-way is made again from the start, from the same
members and history, so with the same groups), and the cards go through the ledger, so a
round resumed after a crash or on another host sends each card once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.agreement import WORKDAYS
from domain.clock import Clock, utc_now
from domain.coffee import (
    DEFAULT_NO_REPEAT,
    MET_ITEM,
    MET_SCORE,
    NOT_WITH_MAX,
    Answer,
    CoffeeReport,
    CoffeeRound,
    Frequency,
    Match,
    Meeting,
    Membership,
    Participant,
    Width,
    coffee_report,
    due,
    matches_of,
    pair,
    pairing_week,
    recently_met,
    round_id_for,
)
from domain.delivery import DeliveryCounts, Recipient
from domain.language import resolve_language
from domain.messages import CoffeeCheckBack, CoffeeMatched
from domain.org import Person, normalise_id
from domain.pulse import NO_BAND, UNKNOWN_AREA, Scope, protected
from domain.rounds import NextScheduled, no_schedule
from domain.schedule import latest_due
from services.delivery import Card, DeliveryService
from services.leasing import run_leased
from services.notify import Render
from services.weeks import WeekService
from storage.coffee import CoffeeRepository
from storage.directory import DirectoryRepository
from storage.leases import LeaseStore
from storage.ledger import DeliveryLedger
from storage.port import addressable
from storage.pulse import AuditLog, PulseCounters
from storage.roster import RosterRepository

log = logging.getLogger(__name__)

LEASE = "coffee"
CARD = "coffee"  # the ledger kinds, and what the delivery counters call them
CHECKBACK = "coffee-checkback"
#: A scheduled pairing a host missed is made up within this long; later it waits for the next.
CATCH_UP = timedelta(days=6)
CHECKBACK_AFTER = timedelta(days=7)
#: How long the check-back takes answers; `puls` shows a round once it has closed, so that
#: two views of it never differ by one answer.
CHECKBACK_OPEN = timedelta(days=7)


class OfficeDays(Protocol):
    """Which workdays people are at the office; None for someone it does not know."""

    async def office_days(self, user_ids: Sequence[str]) -> dict[str, frozenset[str] | None]: ...


class WeekPlanOfficeDays:
    """Office days from the week plan of the week the pairing suggests a day in: the weekdays each person
    plans to be at the office. Someone with no plan, or who hides it, is unknown: a shared day
    suggested to their partner would say where they are."""

    def __init__(self, weeks: WeekService) -> None:
        self._weeks = weeks

    async def office_days(self, user_ids: Sequence[str]) -> dict[str, frozenset[str] | None]:
        planned = await self._weeks.planned_office_days(user_ids, pairing_week(self._weeks.today()))
        return {
            user_id: frozenset(WORKDAYS[day.weekday()] for day in planned[user_id])
            if user_id in planned
            else None
            for user_id in user_ids
        }


# -- what the member side answers ---------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    membership: Membership
    not_with: tuple[Person, ...]  # whom they asked not to meet, as the directory knows them


@dataclass(frozen=True)
class Refused:
    """Nothing saved. `reason` is a catalog key; `unknown` the addresses nobody has."""

    reason: str
    unknown: tuple[str, ...] = ()


SaveOutcome = Joined | Refused


@dataclass(frozen=True)
class Counted:
    answer: Answer


@dataclass(frozen=True)
class AlreadyAnswered:
    pass


@dataclass(frozen=True)
class CheckBackClosed:
    pass


@dataclass(frozen=True)
class NotInRound:
    """No such round, or they were in no group of it (a forwarded card)."""


AnswerOutcome = Counted | AlreadyAnswered | CheckBackClosed | NotInRound


class NotPermitted(Exception):
    """Neither an admin nor a rep."""


@dataclass(frozen=True)
class CoffeeStatus:
    round: CoffeeRound
    cards: DeliveryCounts
    checkbacks: DeliveryCounts

    def report(self, timezone: ZoneInfo) -> str:
        """As `coffee status` prints it: numbers only, never who is with whom."""
        r = self.round
        local = "%d.%m.%Y %H:%M"

        def line(label: str, c: DeliveryCounts) -> str:
            return (
                f"{label:<10} invited {c.invited}, delivered {c.sent}, failed {c.failed}, "
                f"dead {c.dead}, pending {c.pending}"
            )

        people = sum(r.participants.values())
        return "\n".join(
            [
                f"kaffeprat {r.id}: opened {r.opened_at.astimezone(timezone).strftime(local)}"
                + ("" if r.paired else "  (pairing unfinished)")
                + ("" if r.delivered_at or not r.paired else "  (delivery unfinished)"),
                f"{'paired':<10} {people} people in {r.groups} groups, {r.unpaired} left over",
                line("cards", self.cards),
                line("check-back", self.checkbacks),
            ]
        )


_SEPARATORS = re.compile(r"[\s,;]+")


class CoffeeService:
    def __init__(
        self,
        repo: CoffeeRepository,
        directory: DirectoryRepository,
        roster: RosterRepository,
        ledger: DeliveryLedger,
        delivery: DeliveryService,
        leases: LeaseStore,
        office_days: OfficeDays,
        counters: PulseCounters,
        audit: AuditLog,
        scope_of: Callable[[str], Awaitable[Scope | None]],
        render: Render,
        timezone: ZoneInfo,
        anonymity_k: int,
        clock: Clock = utc_now,
        no_repeat: int = DEFAULT_NO_REPEAT,
        schedule: NextScheduled = no_schedule,
    ) -> None:
        self._repo = repo
        self._directory = directory
        self._roster = roster
        self._ledger = ledger
        self._delivery = delivery
        self._leases = leases
        self._office_days = office_days
        self._counters = counters
        self._audit = audit
        self._scope_of = scope_of
        self._render = render
        self.timezone = timezone
        self._k = anonymity_k
        self._clock = clock
        self._no_repeat = no_repeat
        self._schedule = schedule

    # -- the member's side ----------------------------------------------------------------

    async def membership(self, user_id: str) -> Membership | None:
        return await self._repo.member(user_id)

    async def not_with(self, membership: Membership) -> tuple[Person, ...]:
        people = [await self._directory.person(u) for u in sorted(membership.not_with)]
        return tuple(p for p in people if p is not None)

    async def join(
        self,
        user_id: str,
        frequency: object,
        meeting: object,
        width: object,
        paused_until: object = "",
        not_with: object = "",
    ) -> SaveOutcome:
        """Join, or change how: what the kaffeprat card submitted. Nothing is saved when a
        value is not one the card offers or an address is nobody's."""
        try:
            chosen = (Frequency(str(frequency)), Meeting(str(meeting)), Width(str(width)))
            until = date.fromisoformat(str(paused_until)) if paused_until else None
        except ValueError:
            return Refused("coffee.invalid")
        if len(str(not_with or "")) > NOT_WITH_MAX:
            return Refused("coffee.invalid")
        if await self._directory.person(user_id) is None:
            return Refused("coffee.not_in_directory")
        avoid, unknown = await self._people_named(str(not_with or ""))
        if unknown:
            return Refused("coffee.unknown_people", unknown)
        before = await self._repo.member(user_id)
        today = self._clock().astimezone(self.timezone).date()
        membership = Membership(
            normalise_id(user_id),
            *chosen,
            paused_until=until if until and until > today else None,
            not_with=frozenset(p.id for p in avoid if p.id != normalise_id(user_id)),
            joined_at=before.joined_at if before and before.joined_at else self._clock(),
        )
        await self._repo.save_member(membership)
        return Joined(membership, await self.not_with(membership))

    async def _people_named(self, text: str) -> tuple[list[Person], tuple[str, ...]]:
        wanted = [w for w in _SEPARATORS.split(text.strip().lower()) if w]
        if not wanted:
            return [], ()
        found: dict[str, Person] = {}
        for person in await self._directory.everyone():
            for name in {person.email.lower(), person.teams_login.lower()}:
                found.setdefault(name, person)
        return [found[w] for w in wanted if w in found], tuple(w for w in wanted if w not in found)

    async def leave(self, user_id: str) -> bool:
        """Out of every round from now on; what they took part in stays theirs to see or
        erase (`mine data`, `slett mine data`) until it expires."""
        return await self._repo.remove_member(normalise_id(user_id))

    # -- rounds ---------------------------------------------------------------------------

    async def pair_now(self) -> CoffeeStatus | None:
        """Pair a round now and deliver its cards, or finish one left unfinished; None when
        another host or command holds the lease."""
        day = self._clock().astimezone(self.timezone).date()
        return await run_leased(
            self._leases, LEASE, self._delivery.holder, lambda: self._run(round_id_for(day))
        )

    async def tick(self) -> None:
        """The scheduled pairing that is due (also one a host missed), unfinished rounds, and
        check-backs that are due."""
        await run_leased(self._leases, LEASE, self._delivery.holder, self._catch_up)

    async def status(self) -> CoffeeStatus | None:
        rounds = await self._repo.rounds()
        if not rounds:
            return None
        latest = rounds[-1]
        return CoffeeStatus(
            latest,
            await self._ledger.counts(latest.id, CARD),
            await self._ledger.counts(latest.id, CHECKBACK),
        )

    async def _catch_up(self) -> None:
        now = self._clock()
        scheduled = latest_due(self._schedule, now, CATCH_UP)
        if scheduled is not None:
            await self._run(round_id_for(scheduled.astimezone(self.timezone).date()))
        for round_ in await self._repo.rounds():
            if now - round_.opened_at < CATCH_UP and not (round_.paired and round_.delivered_at):
                await self._run(round_.id)
            elif round_.checkback_due(now, CHECKBACK_AFTER):
                await self._check_back(round_)

    async def _run(self, round_id: str) -> CoffeeStatus | None:
        round_ = await self._repo.round(round_id)
        if round_ is None:
            round_ = await self._repo.create_round(CoffeeRound(round_id, self._clock()))
            round_ = round_ or await self._repo.round(round_id)
            assert round_ is not None
        if not round_.paired:
            round_ = await self._pair(round_)
        if round_.delivered_at is None:
            round_ = await self._deliver(round_)
        return await self.status()

    async def _pair(self, round_: CoffeeRound) -> CoffeeRound:
        # A pairing stopped half-way left some groups written: made again from the start.
        await self._repo.clear_matches(round_.id)
        earlier = [r for r in await self._repo.rounds() if r.paired and r.id != round_.id]
        history = [await self._repo.matches(r.id) for r in earlier[-self._no_repeat :]]
        last = history[-1] if history else {}
        today = round_.opened_at.astimezone(self.timezone).date()
        members = [m for m in await self._repo.members() if due(m, today, m.user_id in last)]
        people = {p.id: p for p in await self._directory.everyone()}
        reachable = {r.user_id for r in await self._roster.everyone() if not r.dead}
        members = [m for m in members if m.user_id in people and m.user_id in reachable]
        at_office = [m.user_id for m in members if m.meeting is Meeting.OFFICE]
        office = await self._office_days.office_days(at_office)
        participants = [
            Participant(
                m.user_id,
                people[m.user_id].service_area or UNKNOWN_AREA,
                people[m.user_id].unit,
                m.width,
                m.meeting,
                office.get(m.user_id),
                m.not_with,
            )
            for m in members
        ]
        met = recently_met(h.values() for h in history)
        # Seconds of CPU for thousands of people: off the event loop, so the lease renews.
        pairing = await asyncio.to_thread(pair, participants, met, round_.id)
        by_id = {p.user_id: p for p in participants}
        await self._repo.write_matches(round_.id, matches_of(round_.id, pairing.groups, by_id))
        per_area = Counter(by_id[u].area for g in pairing.groups for u in g)
        paired = replace(
            round_,
            paired_at=self._clock(),
            groups=len(pairing.groups),
            unpaired=len(pairing.unpaired),
            participants=dict(per_area),
        )
        await self._repo.save_round(paired)
        log.info(
            "kaffeprat %s: %d people in %d groups, %d left over",
            round_.id, sum(per_area.values()), len(pairing.groups), len(pairing.unpaired),
        )  # fmt: skip
        return paired

    async def _recipients(self, matches: dict[str, Match]) -> list[Recipient]:
        return [r for r in await self._roster.everyone() if r.user_id in matches]

    async def _deliver(self, round_: CoffeeRound) -> CoffeeRound:
        matches = await self._repo.matches(round_.id)
        people = {p.id: p for p in await self._directory.everyone()}

        def card_for(recipient: Recipient) -> Card:
            m = matches[recipient.user_id]
            partners = tuple(people[u] for u in m.partners if u in people)
            message = CoffeeMatched(round_.id, partners, m.day, m.at_office, m.starter)
            return self._render(message, resolve_language(recipient.language, None))

        report = await self._delivery.deliver(
            round_.id,
            CARD,
            await self._recipients(matches),
            card_for,
            log_as=f"kaffeprat {round_.id}",
        )
        if report.stopped is not None:
            return round_  # the breaker stopped it: unfinished, the next run sends the rest
        delivered = replace(round_, delivered_at=self._clock())
        await self._repo.save_round(delivered)
        return delivered

    async def _check_back(self, round_: CoffeeRound) -> None:
        # Not to those who left kaffeprat since: leaving means no more cards.
        members = {m.user_id for m in await self._repo.members()}
        matches = {u: m for u, m in (await self._repo.matches(round_.id)).items() if u in members}
        people = {p.id: p for p in await self._directory.everyone()}

        def card_for(recipient: Recipient) -> Card:
            m = matches[recipient.user_id]
            partners = tuple(people[u] for u in m.partners if u in people)
            message = CoffeeCheckBack(round_.id, partners)
            return self._render(message, resolve_language(recipient.language, None))

        report = await self._delivery.deliver(
            round_.id,
            CHECKBACK,
            await self._recipients(matches),
            card_for,
            log_as=f"kaffeprat {round_.id}",
        )
        if report.stopped is None:
            await self._repo.save_round(replace(round_, checkback_sent_at=self._clock()))

    # -- the check-back -------------------------------------------------------------------

    async def answer(self, user_id: str, round_id: object, value: object) -> AnswerOutcome:
        """Counted once, in the person's service area; what they answered is stored nowhere
        else, and who was in their group not with it."""
        if not isinstance(round_id, str) or not addressable("coffee", round_id):
            return NotInRound()
        round_ = await self._repo.round(round_id)
        found = await self._repo.match(round_id, normalise_id(user_id)) if round_ else None
        if round_ is None or found is None:
            return NotInRound()
        if not round_.checkback_open(self._clock(), CHECKBACK_OPEN):
            return CheckBackClosed()
        try:
            answer = Answer(str(value))
        except ValueError:
            return NotInRound()
        match, etag = found
        if match.checked_back or not await self._repo.mark_checked_back(match, etag):
            return AlreadyAnswered()
        person = await self._directory.person(user_id)
        area = (person.service_area if person else "") or UNKNOWN_AREA
        await self._counters.record(round_id, area, NO_BAND, {MET_ITEM: MET_SCORE[answer]})
        return Counted(answer)

    # -- HR and reps ----------------------------------------------------------------------

    async def report(self, user_id: str) -> CoffeeReport:
        scope = await self._scope_of(user_id)
        if scope is None:
            raise NotPermitted
        now = self._clock()
        closed = [r for r in await self._repo.rounds() if r.checkback_closed(now, CHECKBACK_OPEN)]
        latest = closed[-1] if closed else None
        await self._audit.record(
            now,
            normalise_id(user_id),
            "coffee.view",
            scope="*" if scope.areas is None else ",".join(sorted(scope.areas)),
            round=latest.id if latest else "",
        )
        if latest is None:
            return CoffeeReport(scope)
        cells = await self._counters.cells(latest.id)
        decided = await self._counters.hiding(latest.id)
        if decided is None:
            made = await asyncio.to_thread(
                protected, cells, (MET_ITEM,), self._k, self._k, latest.participants
            )
            decided = await self._counters.keep_hiding(latest.id, made.hidden)
        met = protected(cells, (MET_ITEM,), self._k, self._k, None, decided)
        return coffee_report(latest, met, scope, self._k)
