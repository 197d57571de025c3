"""Kaffeprat's rounds pair once and send each card once, on both backends: two hosts at the
same moment, a host stopped in the middle of the delivery and another finishing it, a pairing
stopped half-way. The cards go to a fake Bot Connector that enforces Teams' limits."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.proactive import ConnectorSender
from domain.coffee import CoffeeRound, Match
from storage.coffee import CoffeeRepository
from storage.port import DocumentStore
from storage.sqlite_store import SqliteStore
from tests.integration.test_delivery import run_cli
from tests.support.coffee import Clock, coffee_over, enrol, join_all, organisation
from tests.support.fake_connector import FakeConnector

MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


async def members(store: DocumentStore, teams: FakeConnector, n: int) -> list[str]:
    people = organisation(n)
    await enrol(store, people, MONDAY, teams.service_url)
    await join_all(store, people)
    return [p.id for p in people]


async def test_two_hosts_pairing_at_once_pair_once_and_send_each_card_once(
    store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    ids = await members(store, teams, 41)
    clock = Clock(MONDAY)
    a = coffee_over(store, sender, clock, holder="host-a")
    b = coffee_over(store, sender, clock, holder="host-b")
    results = await asyncio.gather(a.pair_now(), b.pair_now())
    (status,) = [r for r in results if r is not None]  # the other found the lease taken
    assert status.round.groups == 20 and status.cards.sent == 41
    await asyncio.gather(a.pair_now(), b.pair_now(), a.tick(), b.tick())
    assert len(await CoffeeRepository(store, 1).rounds()) == 1
    assert teams.delivered == {f"a:{i}": 1 for i in ids}


async def test_a_host_stopped_mid_delivery_is_finished_by_another_with_the_same_groups(
    store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    ids = await members(store, teams, 120)
    clock = Clock(MONDAY)
    first = asyncio.create_task(coffee_over(store, sender, clock, holder="host-a").pair_now())
    while sum(teams.delivered.values()) < 30:  # noqa: ASYNC110 - polls the fake server's count
        await asyncio.sleep(0.02)
    first.cancel()  # the host is stopped in the middle of the round
    with pytest.raises(asyncio.CancelledError):
        await first
    repo = CoffeeRepository(store, 1)
    (round_,) = await repo.rounds()
    groups = await repo.matches(round_.id)
    assert round_.paired and round_.delivered_at is None
    assert 30 <= sum(teams.delivered.values()) < 120

    status = await coffee_over(store, sender, clock, holder="host-b").pair_now()
    assert status is not None and status.cards.sent == 120
    assert await repo.matches(round_.id) == groups
    assert teams.delivered == {f"a:{i}": 1 for i in ids}


async def test_a_pairing_stopped_half_way_is_made_again_from_the_start(
    store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    ids = await members(store, teams, 6)
    repo = CoffeeRepository(store, 1)
    # A host wrote the round and some groups, then died before the round counted as paired;
    # one of those groups named someone who has left kaffeprat since.
    await repo.create_round(CoffeeRound("k20261207", MONDAY))
    await repo.write_matches(
        "k20261207", [Match("k20261207", "gone", ("gone", ids[0]), "mon", False, 1)]
    )
    status = await coffee_over(store, sender, Clock(MONDAY)).pair_now()
    assert status is not None and status.round.groups == 3
    matches = await repo.matches("k20261207")
    assert set(matches) == set(ids)
    assert teams.delivered == {f"a:{i}": 1 for i in ids}


@pytest.mark.slow
async def test_coffee_pair_and_status_on_the_command_line(
    tmp_path: Path, teams: FakeConnector
) -> None:
    database = tmp_path / "cli.sqlite3"
    store = await SqliteStore.open(database)
    ids = await members(store, teams, 5)
    await store.close()
    env = {**os.environ, "SQLITE_PATH": str(database), "PSEUDONYM_KEY": "k", "LOG_LEVEL": "WARNING"}
    env.pop("STORAGE", None)

    code, output = await run_cli("coffee", "status", env=env)
    assert code == 1 and "no kaffeprat round yet" in output
    code, output = await run_cli("coffee", "pair", env=env)
    assert code == 0, output
    assert "paired     5 people in 2 groups, 0 left over" in output
    assert "cards      invited 5, delivered 5, failed 0, dead 0, pending 0" in output
    code, again = await run_cli("coffee", "pair", env=env)  # the same day: done already
    assert code == 0 and "invited 5, delivered 5" in again
    code, status = await run_cli("coffee", "status", env=env)
    assert code == 0 and "invited 5, delivered 5" in status
    assert not any(i in output + status for i in ids)  # numbers only, never who
    assert teams.delivered == {f"a:{i}": 1 for i in ids}
