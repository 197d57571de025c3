"""A weekly round is never silently skipped: a host that was not running at CHECKIN_CRON's
minute opens that round on its next tick, once, however many hosts tick at the same time.

The service tests move a fake clock; the host tests run the real host (both backends) with a
cron whose minute passed just before the host started.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler import build_scheduler
from bot.settings import SCHEDULE_OFF, Settings
from bot.telemetry import OtelRoundMetrics
from domain.delivery import Recipient
from domain.rounds import new_round
from services.round_jobs import RoundJobs
from services.telemetry import NO_METRICS, RoundMetrics
from storage.port import DocumentStore
from storage.roster import RosterRepository
from storage.rounds import RoundRepository
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, parts
from tests.support.services import RecordingSender, round_jobs_over
from tests.support.telemetry import Recorded

OSLO = ZoneInfo("Europe/Oslo")
MONDAY_9 = datetime(2026, 12, 7, 9, 0, tzinfo=OSLO)
WEEKLY = "0 9 * * mon"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def recipients(n: int, service_url: str) -> list[Recipient]:
    return [
        Recipient(
            user_id=f"user-{i:03d}",
            tenant_id="tenant",
            service_url=service_url,
            bot_id="28:bot",
            user_teams_id=f"29:user-{i:03d}",
            conversation_id=f"a:conv-{i:03d}",
        )
        for i in range(n)
    ]


async def enrol(store: DocumentStore, people: list[Recipient]) -> None:
    roster = RosterRepository(store)
    for person in people:
        await roster.save(person)


def jobs_over(
    store: DocumentStore,
    sender: RecordingSender,
    clock: Clock,
    round_days: int = 7,
    metrics: RoundMetrics = NO_METRICS,
) -> RoundJobs:
    """One host's round jobs over `store`, on the weekly schedule."""
    jobs, _ = round_jobs_over(store, sender, clock, None, round_days, WEEKLY, metrics)
    return jobs


def cards_per_person(sender: RecordingSender) -> dict[str, int]:
    counts: dict[str, int] = {}
    for recipient, _ in sender.sent:
        counts[recipient.user_id] = counts.get(recipient.user_id, 0) + 1
    return counts


async def test_a_host_started_after_the_scheduled_minute_opens_that_round_once(
    store: DocumentStore, caplog: pytest.LogCaptureFixture
) -> None:
    await enrol(store, recipients(5, "https://teams.invalid"))
    clock, sender = Clock(MONDAY_9 + timedelta(minutes=2)), RecordingSender()
    jobs = jobs_over(store, sender, clock)
    with caplog.at_level(logging.WARNING, logger="services.round_jobs"):
        await jobs.tick()
    (round_,) = await RoundRepository(store).all()
    assert round_.id == "s20261207"
    # It closes when it would have, had it opened at 09:00: never over the next week's round.
    assert round_.closes_at == MONDAY_9 + timedelta(days=7)
    assert cards_per_person(sender) == {f"user-{i:03d}": 1 for i in range(5)}
    assert (
        "round s20261207 for scheduled 2026-12-07 09:00 opened late at 2026-12-07 09:02"
        in caplog.text
    )
    assert "no host ran at the scheduled minute" in caplog.text

    clock.now += timedelta(minutes=5)
    await jobs.tick()
    assert len(await RoundRepository(store).all()) == 1
    assert len(sender.sent) == 5


async def test_two_hosts_ticking_at_once_open_the_missed_round_once(store: DocumentStore) -> None:
    await enrol(store, recipients(20, "https://teams.invalid"))
    clock, sender = Clock(MONDAY_9 + timedelta(minutes=3)), RecordingSender()
    recorded = Recorded()  # both hosts send to one Application Insights
    metrics = OtelRoundMetrics(recorded.telemetry.meter)
    first, second = (jobs_over(store, sender, clock, metrics=metrics) for _ in range(2))
    await asyncio.gather(first.tick(), second.tick())
    await asyncio.gather(first.tick(), second.tick())  # whoever found the lease taken
    assert [r.id for r in await RoundRepository(store).all()] == ["s20261207"]
    assert cards_per_person(sender) == {f"user-{i:03d}": 1 for i in range(20)}
    # The operators see one round, opened late, and no "no round opened" alert.
    assert recorded.total("homeoffice.round.opened") == 1
    assert recorded.total("homeoffice.round.opened_late") == 1


async def test_a_round_older_than_its_length_is_not_opened_late(store: DocumentStore) -> None:
    await enrol(store, recipients(3, "https://teams.invalid"))
    # Three-day rounds on Mondays: a host that first runs on Thursday has nothing to open.
    clock, sender = Clock(MONDAY_9 + timedelta(days=3, minutes=1)), RecordingSender()
    jobs = jobs_over(store, sender, clock, round_days=3)
    await jobs.tick()
    assert await RoundRepository(store).all() == []
    assert sender.sent == []
    # A host down for two weeks opens this week's round only, not the missed ones.
    clock.now = MONDAY_9 + timedelta(days=14, hours=2)
    await jobs.tick()
    assert [r.id for r in await RoundRepository(store).all()] == ["s20261221"]


async def test_a_host_running_at_the_minute_opens_one_round_and_the_next_week_the_next(
    store: DocumentStore, caplog: pytest.LogCaptureFixture
) -> None:
    await enrol(store, recipients(4, "https://teams.invalid"))
    clock, sender = Clock(MONDAY_9), RecordingSender()
    jobs = jobs_over(store, sender, clock)
    with caplog.at_level(logging.WARNING, logger="services.round_jobs"):
        await jobs.tick()  # the cron job at 09:00
        for minutes in (5, 10, 60 * 24):
            clock.now = MONDAY_9 + timedelta(minutes=minutes)
            await jobs.tick()
    assert [r.id for r in await RoundRepository(store).all()] == ["s20261207"]
    assert len(sender.sent) == 4
    assert "opened late" not in caplog.text
    clock.now = MONDAY_9 + timedelta(days=7)
    await jobs.tick()
    assert sorted(r.id for r in await RoundRepository(store).all()) == ["s20261207", "s20261214"]
    assert len(sender.sent) == 8


async def test_a_round_opened_for_everyone_after_the_minute_stands_for_the_missed_one(
    store: DocumentStore,
) -> None:
    await enrol(store, recipients(3, "https://teams.invalid"))
    # Monday's round was missed (before this release), and an operator's `round open` on
    # Tuesday made it up; someone's `sjekk inn` had opened one only for themselves.
    clock, sender = Clock(MONDAY_9 + timedelta(days=1)), RecordingSender()
    jobs = jobs_over(store, sender, clock)
    await RoundRepository(store).create(new_round("r20261207", MONDAY_9, ("stress", "social")))
    await jobs.open_round()
    clock.now += timedelta(hours=1)
    await jobs.tick()
    assert sorted(r.id for r in await RoundRepository(store).all()) == ["r20261207", "s20261208"]
    assert len(sender.sent) == 3


async def test_a_round_only_someone_asked_for_does_not_stand_for_the_scheduled_one(
    store: DocumentStore,
) -> None:
    await enrol(store, recipients(3, "https://teams.invalid"))
    clock, sender = Clock(MONDAY_9 + timedelta(minutes=30)), RecordingSender()
    jobs = jobs_over(store, sender, clock)
    await RoundRepository(store).create(
        new_round("r20261207", MONDAY_9 + timedelta(minutes=10), ("stress", "social"))
    )
    await jobs.tick()
    assert sorted(r.id for r in await RoundRepository(store).all()) == ["r20261207", "s20261207"]
    assert len(sender.sent) == 3


class TickCounter:
    def __init__(self) -> None:
        self.ticked = asyncio.Event()

    async def tick(self) -> None:
        self.ticked.set()


async def test_the_scheduler_ticks_at_start_so_a_late_host_catches_up_at_once() -> None:
    jobs = TickCounter()
    # A cron a year away and an hour's tick: only the tick at start can run within seconds.
    scheduler = build_scheduler(jobs, "0 9 1 1 *", OSLO, 3600)  # type: ignore[arg-type]
    minute = scheduler.get_job("open-round")
    assert minute is not None and minute.func == jobs.tick  # the same rule at the minute
    scheduler.start()
    try:
        await asyncio.wait_for(jobs.ticked.wait(), timeout=10)
    finally:
        scheduler.shutdown(wait=False)
    off = build_scheduler(jobs, SCHEDULE_OFF, OSLO, 3600)  # type: ignore[arg-type]
    assert off.get_job("open-round") is None and off.get_job("rounds-tick") is not None


# -- through the host -----------------------------------------------------------------------


def just_missed(settings: Settings) -> tuple[Settings, datetime]:
    """Settings whose CHECKIN_CRON fired two minutes ago, once a year, and that minute."""
    missed = (datetime.now(UTC) - timedelta(minutes=2)).astimezone(settings.timezone)
    missed = missed.replace(second=0, microsecond=0)
    cron = f"{missed.minute} {missed.hour} {missed.day} {missed.month} *"
    return replace(settings, checkin_cron=cron), missed


@pytest.fixture
async def late_hosts(
    settings: Settings, connector: FakeConnector
) -> AsyncIterator[tuple[Host, Host, datetime]]:
    """Two hosts on one store, both started after the scheduled minute."""
    late, missed = just_missed(settings)
    first, second = Host(late, connector), Host(late, connector)
    await first.start()
    await second.start()
    yield first, second, missed
    await second.stop()
    await first.stop()


async def test_hosts_started_after_the_scheduled_minute_open_that_round_once(
    late_hosts: tuple[Host, Host, datetime], connector: FakeConnector
) -> None:
    first, second, missed = late_hosts
    assert first.store is not None
    await enrol(first.store, recipients(6, connector.service_url))
    await asyncio.gather(parts(first).jobs.tick(), parts(second).jobs.tick())
    await asyncio.gather(parts(first).jobs.tick(), parts(second).jobs.tick())
    (round_,) = await RoundRepository(first.store).all()
    assert round_.id == "s" + missed.strftime("%Y%m%d")
    assert dict(connector.delivered) == {f"a:conv-{i:03d}": 1 for i in range(6)}
