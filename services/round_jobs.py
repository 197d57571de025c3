"""The scheduled work of check-in rounds: open and deliver, remind once, report status.

The tick opens the round of the latest scheduled time (CHECKIN_CRON) that has none, so a
host that was down or restarting at the scheduled minute still opens that week's round when
it comes up; the round's id comes from its scheduled date, so several hosts or ticks open it
once. A round is not opened once its scheduled time is a round's length ago: it would be
closed already.

Every entry point takes the `rounds` lease first, so any number of host instances (and the
CLI beside them) can call these at the same moment: one works, the others return None.
Every step is idempotent: delivery goes through the ledger, and a round remembers when it
was delivered and reminded. A round closes by itself at `closes_at` (7 days by default);
from then on a submit is refused with a notice on the card.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from domain.clock import Clock, utc_now
from domain.delivery import DeliveryCounts, LedgerState, Recipient, Tripped
from domain.language import LANGUAGES, resolve_language
from domain.leases import Lease, may_take
from domain.messages import CheckinInvitation
from domain.rotation import Rotation
from domain.rounds import (
    DEFAULT_REMINDER_AFTER,
    DEFAULT_ROUND_LENGTH,
    NextScheduled,
    Round,
    close_early,
    current_round,
    new_round,
    newest_first,
    no_schedule,
    scheduled_round_id,
)
from domain.schedule import has_round, is_late, latest_due
from services.checkins import CheckinService
from services.delivery import Card, DeliveryService
from services.leasing import run_leased
from services.notify import Render
from services.telemetry import NO_METRICS, RoundMetrics
from storage.leases import LeaseStore
from storage.ledger import DeliveryLedger, LedgerEntry
from storage.port import Conflict
from storage.roster import RosterRepository
from storage.rounds import RoundRepository

log = logging.getLogger(__name__)

LEASE = "rounds"
CARD = "card"
REMINDER = "reminder"
T = TypeVar("T")

#: Told, each time, who holds the lease the work waits for (`round open` prints it).
Waiting = Callable[[Lease, datetime], None]


@dataclass(frozen=True)
class RoundStatus:
    round: Round
    cards: DeliveryCounts
    reminders: DeliveryCounts
    answered: int
    cards_stopped: Tripped | None = None  # why the last delivery stopped early, if it did
    reminders_stopped: Tripped | None = None

    def report(self, timezone: ZoneInfo) -> str:
        """The status as `round status` prints it."""
        local = "%d.%m.%Y %H:%M"
        r = self.round
        lines = [
            f"round {r.id}: opened {r.opened_at.astimezone(timezone).strftime(local)}, "
            f"closes {r.closes_at.astimezone(timezone).strftime(local)}"
            + ("" if r.delivered_at else "  (delivery unfinished)"),
            _counts_line("cards", self.cards),
            *_stop_line(self.cards_stopped),
            _counts_line("reminders", self.reminders),
            *_stop_line(self.reminders_stopped),
            f"{'answered':<10} {self.answered}"
            + (
                f" ({_percent(self.answered, self.cards.sent)} of delivered)"
                if self.cards.sent
                else ""
            ),
        ]
        return "\n".join(lines)


def _stop_line(tripped: Tripped | None) -> list[str]:
    return [f"{'':<10} {tripped.reason()}"] if tripped else []


@dataclass(frozen=True)
class Resent:
    """What `round resend-failed` did: how the cards sent again ended."""

    round_id: str
    tried: int
    sent: int
    failed: int
    dead: int
    stopped: Tripped | None

    def report(self) -> str:
        if not self.tried:
            return f"round {self.round_id}: nothing to resend"
        pending = self.tried - self.sent - self.failed - self.dead
        line = (
            f"round {self.round_id}: resent to {self.tried}: delivered {self.sent}, "
            f"failed {self.failed}, dead {self.dead}, pending {pending}"
        )
        return line + (f"\n{self.stopped.reason()}" if self.stopped else "")


@dataclass(frozen=True)
class NotResent:
    reason: str


@dataclass(frozen=True)
class RoundRow:
    """One line of `round list`."""

    round: Round
    delivered: int
    answered: int

    def line(self, timezone: ZoneInfo, now: datetime) -> str:
        local = "%d.%m.%Y %H:%M"
        r = self.round
        return (
            f"{r.id:<12} {r.opened_at.astimezone(timezone).strftime(local):<17} "
            f"{r.closes_at.astimezone(timezone).strftime(local):<17} "
            f"{self.delivered:>9} {self.answered:>8}  {r.state(now).value}"
        )


ROUND_LIST_HEADER = (
    f"{'round':<12} {'opened':<17} {'closes':<17} {'delivered':>9} {'answered':>8}  status"
)


class NoSuchRound(Exception):
    pass


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def _counts_line(label: str, counts: DeliveryCounts) -> str:
    return (
        f"{label:<10} invited {counts.invited}, delivered {counts.sent} "
        f"({_percent(counts.sent, counts.invited)}), failed {counts.failed}, "
        f"dead {counts.dead}, pending {counts.pending}"
    )


class RoundJobs:
    def __init__(
        self,
        rounds: RoundRepository,
        roster: RosterRepository,
        ledger: DeliveryLedger,
        delivery: DeliveryService,
        checkins: CheckinService,
        leases: LeaseStore,
        rotation: Rotation,
        timezone: ZoneInfo,
        render: Render,
        clock: Clock = utc_now,
        round_length: timedelta = DEFAULT_ROUND_LENGTH,
        reminder_after: timedelta = DEFAULT_REMINDER_AFTER,
        schedule: NextScheduled = no_schedule,
        metrics: RoundMetrics = NO_METRICS,
    ) -> None:
        self._rounds = rounds
        self._metrics = metrics
        self._roster = roster
        self._ledger = ledger
        self._delivery = delivery
        self._checkins = checkins
        self._leases = leases
        self._rotation = rotation
        self._timezone = timezone
        self._render = render
        self._clock = clock
        self._round_length = round_length
        self._reminder_after = reminder_after
        self._schedule = schedule

    async def open_round(self) -> RoundStatus | None:
        """Open a round and deliver it — or finish the delivery of one left unfinished."""
        return await run_leased(self._leases, LEASE, self._delivery.holder, self._open_and_deliver)

    async def tick(self) -> None:
        """Open the scheduled round that is due, resume unfinished deliveries and send due
        reminders (run at the scheduled minute, at start and every few minutes)."""
        await run_leased(self._leases, LEASE, self._delivery.holder, self._catch_up)

    async def status(self, round_id: str | None = None) -> RoundStatus | None:
        round_ = await self._latest(round_id)
        if round_ is None:
            return None
        return RoundStatus(
            round_,
            await self._ledger.counts(round_.id, CARD),
            await self._ledger.counts(round_.id, REMINDER),
            await self._checkins.answered(round_.id),
            await self._ledger.stop_of(round_.id, CARD),
            await self._ledger.stop_of(round_.id, REMINDER),
        )

    async def resend_failed(self, round_id: str | None = None) -> Resent | NotResent | None:
        """Send the round's card once more to everyone it did not reach for good: whose send
        failed or found them unreachable, and whom the delivery left out as unreachable."""
        return await run_leased(
            self._leases, LEASE, self._delivery.holder, lambda: self._resend(round_id)
        )

    async def _latest(self, round_id: str | None) -> Round | None:
        """The round `round_id`, or the latest one."""
        rounds = await self._rounds.all()
        if round_id:
            rounds = [r for r in rounds if r.id == round_id]
        return max(rounds, key=lambda r: r.opened_at) if rounds else None

    async def _resend(self, round_id: str | None) -> Resent | NotResent:
        round_ = await self._latest(round_id)
        if round_ is None:
            return NotResent("no such round" if round_id else "no round yet")
        if not round_.is_open(self._clock()):
            return NotResent(f"round {round_.id} is closed: its card would only be refused")
        before = await self._ledger.entries(round_.id, CARD)
        todo = [r for r in await self._roster.everyone() if _missed(r, before.get(r.user_id))]
        report = await self._delivery.deliver(
            round_.id, CARD, todo, self._card(round_, reminder=False), again=True
        )
        after = await self._ledger.entries(round_.id, CARD)
        states = [after[r.user_id].state for r in todo if r.user_id in after]
        return Resent(
            round_.id,
            len(todo),
            states.count(LedgerState.SENT),
            states.count(LedgerState.FAILED),
            states.count(LedgerState.DEAD),
            report.stopped,
        )

    async def open_round_waiting(self, waiting: Waiting) -> RoundStatus | None:
        """`open_round`, but when another sender holds the lease (one that crashed holds it
        until it runs out) wait for it, telling `waiting`, instead of giving up."""
        return await self._when_lease_free(self._open_and_deliver, waiting)

    async def recent(self, limit: int = 10) -> list[RoundRow]:
        """The newest rounds first, with how many their card reached and how many answered."""
        return [
            RoundRow(
                r,
                (await self._ledger.counts(r.id, CARD)).sent,
                await self._checkins.answered(r.id),
            )
            for r in newest_first(await self._rounds.all(), limit)
        ]

    async def close(self, round_id: str | None, by: str, waiting: Waiting) -> Round:
        """Close a round now (the open one by default) for an operator.

        Under the lease, so that a delivery under way cannot write the round back open.
        Raises NoSuchRound, or domain.rounds.AlreadyClosed: nothing is changed then."""

        async def work() -> Round:
            now = self._clock()
            rounds = await self._rounds.all()
            if round_id is None:
                open_ = current_round(rounds, now)
                if open_ is None:
                    raise NoSuchRound("no round is open")
                target = open_
            else:
                found = await self._rounds.get(round_id, fresh=True)
                if found is None:
                    raise NoSuchRound(f"no round {round_id}")
                target = found
            closed = close_early(target, now)
            # First, so that a host whose copy of the round is still open is refused as well.
            await self._checkins.stop_answers(closed.id)
            await self._rounds.save(closed)
            log.warning(
                "audit: round %s closed early by %s at %s (it was to close at %s)",
                closed.id,
                by,
                now.isoformat(),
                target.closes_at.isoformat(),
            )
            return closed

        return await self._when_lease_free(work, waiting)

    async def _when_lease_free(self, work: Callable[[], Awaitable[T]], waiting: Waiting) -> T:
        """`work()` under the rounds lease, waiting for a held lease to run out (renewed by a
        live sender, it is waited for again); cancelling stops the wait and changes nothing."""
        done: list[T] = []

        async def run() -> None:
            done.append(await work())

        while True:
            await run_leased(self._leases, LEASE, self._delivery.holder, run)
            if done:
                return done[0]
            held = await self._leases.holder_of(LEASE)
            now = self._clock()
            if held is None or may_take(held, self._delivery.holder, now):
                continue  # released or run out between the try and this look
            waiting(held, now)
            # A little past the end, so the next try finds it run out.
            await asyncio.sleep((held.expires_at - now).total_seconds() + 0.05)

    async def _open_and_deliver(self) -> RoundStatus | None:
        now = self._clock()
        rounds = await self._rounds.all()
        unfinished = [r for r in rounds if r.delivered_at is None and r.is_open(now)]
        round_ = (
            max(unfinished, key=lambda r: r.opened_at) if unfinished else await self._open(rounds)
        )
        if self._clock() < round_.closes_at:  # not today's round an operator closed early
            await self._deliver(round_)
        return await self.status(round_.id)

    async def _open(self, before: list[Round]) -> Round:
        """A new round, asking the items of its place in the rotation (`before` it: the rounds
        opened so far)."""
        opened = self._clock()
        round_id = scheduled_round_id(opened, self._timezone)
        items = self._rotation.items(len(before))
        round_ = new_round(round_id, opened, items, self._round_length, delivered=False)
        try:
            created = await self._rounds.create(round_)
        except Conflict:
            # Opened earlier today: delivering it again reaches only people new since then.
            existing = await self._rounds.get(round_id, fresh=True)
            return existing or round_
        self._metrics.opened()
        return created

    async def _deliver(self, round_: Round) -> None:
        report = await self._delivery.deliver(
            round_.id, CARD, await self._roster.everyone(), self._card(round_, reminder=False)
        )
        # Stopped by the breaker: unfinished, so the next run sends to the rest.
        if round_.delivered_at is None and report.stopped is None:
            await self._rounds.save(replace(round_, delivered_at=self._clock()))

    async def _catch_up(self) -> None:
        now = self._clock()
        await self._open_scheduled(now)
        for round_ in await self._rounds.all():
            if round_.delivered_at is None and round_.is_open(now):
                await self._deliver(round_)
            elif round_.reminder_due(now, self._reminder_after):
                await self._remind(round_)

    async def _open_scheduled(self, now: datetime) -> None:
        """The round of the latest scheduled time, if it has none yet; delivered by the caller.

        It closes when it would have, had it opened on time, so that it never overlaps the next
        scheduled round: older than its length, it would be closed, and is not opened."""
        scheduled = latest_due(self._schedule, now, self._round_length)
        if scheduled is None:
            return
        rounds = await self._rounds.all()
        if has_round(rounds, scheduled, self._timezone):
            return
        round_id = scheduled_round_id(scheduled, self._timezone)
        items = self._rotation.items(len(rounds))
        length = scheduled + self._round_length - now
        try:
            await self._rounds.create(new_round(round_id, now, items, length, delivered=False))
        except Conflict:
            return  # another host opened it a moment ago
        self._metrics.opened()
        if is_late(scheduled, now):
            self._metrics.opened_late()
            local = "%Y-%m-%d %H:%M"
            log.warning(
                "round %s for scheduled %s opened late at %s: no host ran at the scheduled minute",
                round_id,
                scheduled.astimezone(self._timezone).strftime(local),
                now.astimezone(self._timezone).strftime(local),
            )

    async def _remind(self, round_: Round) -> None:
        cards = await self._ledger.entries(round_.id, CARD)
        reached = {user for user, entry in cards.items() if entry.state is LedgerState.SENT}
        todo = [
            r
            for r in await self._roster.everyone()
            if r.user_id in reached and not await self._checkins.has_answered(r.user_id, round_.id)
        ]
        report = await self._delivery.deliver(
            round_.id, REMINDER, todo, self._card(round_, reminder=True)
        )
        if report.stopped is None:
            await self._rounds.save(replace(round_, reminded_at=self._clock()))

    def _card(self, round_: Round, reminder: bool) -> Callable[[Recipient], Card]:
        invitation = CheckinInvitation(round_, self._timezone, reminder)
        cards = {lang: self._render(invitation, lang) for lang in LANGUAGES}
        return lambda recipient: cards[resolve_language(recipient.language, None)]


def _missed(recipient: Recipient, entry: LedgerEntry | None) -> bool:
    """Not reached for good: the send failed or found them unreachable, or the delivery left
    them out as unreachable."""
    if entry is None:
        return recipient.dead
    return entry.state in (LedgerState.FAILED, LedgerState.DEAD)
