"""The catch-up rule: which scheduled time is due when a tick looks, whatever the host missed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler import next_fire
from bot.settings import SCHEDULE_OFF, ConfigError, Settings
from domain.rounds import no_schedule
from domain.schedule import is_late, latest_due
from services.leasing import run_leased
from storage.leases import LeaseStore
from tests.support.memory_store import InMemoryStore

OSLO = ZoneInfo("Europe/Oslo")
WEEK = timedelta(days=7)
MONDAY_9 = datetime(2026, 12, 7, 9, 0, tzinfo=OSLO)
WEEKLY = next_fire("0 9 * * mon", OSLO)


def test_a_tick_two_minutes_after_the_scheduled_minute_finds_it_due_and_late() -> None:
    now = MONDAY_9 + timedelta(minutes=2)
    assert latest_due(WEEKLY, now, WEEK) == MONDAY_9
    assert is_late(MONDAY_9, now)


def test_at_the_scheduled_minute_itself_it_is_due_and_not_late() -> None:
    assert latest_due(WEEKLY, MONDAY_9, WEEK) == MONDAY_9
    assert not is_late(MONDAY_9, MONDAY_9 + timedelta(seconds=2))
    assert latest_due(WEEKLY, MONDAY_9 - timedelta(seconds=1), WEEK) == MONDAY_9 - WEEK


def test_after_a_long_outage_only_the_latest_scheduled_time_is_due() -> None:
    now = MONDAY_9 + 2 * WEEK + timedelta(days=3)
    assert latest_due(WEEKLY, now, WEEK) == MONDAY_9 + 2 * WEEK


def test_a_scheduled_time_older_than_the_window_is_not_due() -> None:
    three_days = timedelta(days=3)
    assert latest_due(WEEKLY, MONDAY_9 + three_days - timedelta(minutes=1), three_days) == MONDAY_9
    assert latest_due(WEEKLY, MONDAY_9 + three_days, three_days) is None
    assert latest_due(WEEKLY, MONDAY_9 + timedelta(days=5), three_days) is None


def test_a_dense_cron_is_found_in_few_steps() -> None:
    calls = []
    every_minute = next_fire("* * * * *", OSLO)

    def counted(moment: datetime) -> datetime | None:
        calls.append(moment)
        return every_minute(moment)

    now = datetime(2026, 12, 9, 13, 37, 30, tzinfo=UTC)
    assert latest_due(counted, now, WEEK) == datetime(2026, 12, 9, 13, 37, tzinfo=UTC)
    assert len(calls) < 30


def test_the_hour_daylight_saving_skips_or_doubles_does_not_confuse_it() -> None:
    # 02:30 does not happen on 29 March 2026 in Oslo; it happens twice on 25 October.
    nightly = next_fire("30 2 * * *", OSLO)
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        morning = datetime.combine(day, time(8), OSLO)
        due = latest_due(nightly, morning, timedelta(days=31))
        assert due is not None and due.date() == morning.date()


def test_without_a_schedule_nothing_is_ever_due() -> None:
    assert latest_due(no_schedule, MONDAY_9, WEEK) is None


def test_checkin_cron_off_schedules_no_round_and_a_typo_is_refused() -> None:
    settings = Settings.from_env({"CHECKIN_CRON": SCHEDULE_OFF})
    assert latest_due(next_fire(settings.checkin_cron, OSLO), MONDAY_9, WEEK) is None
    with pytest.raises(ConfigError, match="CHECKIN_CRON"):
        Settings.from_env({"CHECKIN_CRON": "of"})


async def test_a_job_holds_its_lease_for_lease_seconds_and_a_shorter_one_is_refused() -> None:
    """After a crash the others wait out the dead holder's lease: LEASE_SECONDS is how long."""
    settings = Settings.from_env({"LEASE_SECONDS": "4"})
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    leases = LeaseStore(InMemoryStore(), lambda: now, timedelta(seconds=settings.lease_seconds))
    seen: list[datetime] = []

    async def work() -> None:
        held = await leases.holder_of("rounds")
        assert held is not None
        seen.append(held.expires_at)

    await run_leased(leases, "rounds", "host-a", work)
    assert seen == [now + timedelta(seconds=4)]
    assert Settings.from_env({}).lease_seconds == 60
    with pytest.raises(ConfigError, match="LEASE_SECONDS"):
        Settings.from_env({"LEASE_SECONDS": "2"})
