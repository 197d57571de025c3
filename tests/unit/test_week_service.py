"""The Monday card's schedule (services/weeks.py): it goes out once a week to the teams whose
leader turned it on, and a host that was down at the scheduled minute sends it on its next tick
within the same week, once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from domain.week import Where
from services.weeks import MyWeek
from tests.support.example_org import EXAMPLE, KARI, LARS, OLE, SIGRID
from tests.support.services import SETTINGS, Services, build_services

# Monday 7 December 2026; the card is due at 07:00 in Oslo (06:00 UTC).
MONDAY = date(2026, 12, 7)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def team(clock: Clock) -> Services:
    services = build_services(replace(SETTINGS, week_card_cron="0 7 * * mon"), clock=clock)
    assert not (await services.directory.import_csv(EXAMPLE.read_bytes())).errors
    await services.reachable(KARI.aad_object_id, OLE.aad_object_id, SIGRID.aad_object_id)
    # Kari sets a day, so she has a plan; Ole and Sigrid have none.
    tuesday = MONDAY + timedelta(days=1)
    assert isinstance(await services.weeks.set_day(KARI.aad_object_id, tuesday, Where.HOME), MyWeek)
    await services.weeks.set_monday_card(LARS.aad_object_id, True)
    return services


def monday_cards(services: Services, user_id: str) -> int:
    return len(services.sender.cards_to(user_id))


async def test_a_late_host_sends_the_weeks_card_once_and_the_next_week_again() -> None:
    clock = Clock()
    services = await team(clock)
    await services.weeks.scheduled_tick()  # 06:00 in Oslo: not due yet
    assert monday_cards(services, KARI.aad_object_id) == 0

    clock.now = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)  # down at 07:00, up at 09:30
    await services.weeks.scheduled_tick()
    await services.weeks.scheduled_tick()
    assert monday_cards(services, KARI.aad_object_id) == 1
    assert monday_cards(services, OLE.aad_object_id) == 0  # no plan, no card

    clock.now = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)  # Thursday: this week's is done
    await services.weeks.scheduled_tick()
    assert monday_cards(services, KARI.aad_object_id) == 1

    clock.now = datetime(2026, 12, 16, 9, 0, tzinfo=UTC)  # a host first up on Wednesday
    await services.weeks.scheduled_tick()
    assert monday_cards(services, KARI.aad_object_id) == 2


async def test_a_team_whose_leader_turns_it_off_gets_none() -> None:
    clock = Clock()
    services = await team(clock)
    await services.weeks.set_monday_card(LARS.aad_object_id, False)
    clock.now = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    await services.weeks.scheduled_tick()
    assert services.sender.sent == []
