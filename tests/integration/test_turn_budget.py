"""Every turn answers within its budget (TURN_BUDGET_SECONDS), also when the store stalls:
the user is told "busy, nothing lost, try again" in time, never left to Teams' timeout, and
what the turn stored is whole."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.settings import Settings
from cards.i18n import t
from storage.counters import ParticipationCounter
from storage.port import DocumentStore
from storage.pulse import PulseCounters
from storage.rounds import RoundRepository
from tests.support.card_text import texts
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, parts
from tests.support.stalling_store import StallingStore
from tests.support.teams import TeamsUser, card_action, install, message

BUDGET = 0.5
MARGIN = 0.5  # a loaded test machine (the answer itself is within the budget)
STALL = 2.0  # longer than the budget
USER = TeamsUser(str(uuid.UUID(int=7)), "Kari Nordmann")
SCORES = {item: "3" for item in ("stress", "social", "focus", "workload", "balance", "leader",
                                  "learning", "strain")}  # fmt: skip


@pytest.fixture
async def stalling(settings: Settings, connector: FakeConnector) -> AsyncIterator[Host]:
    running = Host(replace(settings, turn_budget_seconds=BUDGET), connector, wrap=StallingStore)
    await running.start()
    await running.send(install(USER, running.service_url))
    running.connector.clear()
    yield running
    stalled(running).release()
    await running.stop()


def stalled(host: Host) -> StallingStore:
    assert isinstance(host.store, StallingStore)
    return host.store


def real(host: Host) -> DocumentStore:
    """The store behind the stalls, to see what was stored."""
    return stalled(host)._store


async def timed(host: Host, activity: dict[str, object]) -> tuple[float, int, object]:
    started = time.monotonic()
    status, body = await host.send(activity, drain=False)
    return time.monotonic() - started, status, body


async def open_round(host: Host) -> str:
    status = await parts(host).jobs.open_round()
    assert status is not None
    host.connector.clear()
    return status.round.id


async def test_a_message_turn_on_a_stalled_store_answers_busy_within_its_budget(
    stalling: Host,
) -> None:
    stalled(stalling).stall(STALL)
    took, status, _ = await timed(stalling, message(USER, stalling.service_url, "sjekk inn"))
    assert took < BUDGET + MARGIN
    assert status in (200, 201)
    assert [m.text for m in stalling.connector.messages()] == [t("nb", "error.busy")]
    stalled(stalling).release()
    await asyncio.sleep(STALL)  # anything the turn left behind has had its time
    assert await RoundRepository(real(stalling)).all() == []  # no round half opened


async def test_a_card_action_on_a_stalled_store_answers_busy_with_a_200_and_stores_nothing(
    stalling: Host,
) -> None:
    round_id = await open_round(stalling)
    stalled(stalling).stall(STALL)
    submit = card_action(USER, stalling.service_url, "checkin.submit",
                         {"round_id": round_id, **SCORES})  # fmt: skip
    took, status, body = await timed(stalling, submit)
    assert took < BUDGET + MARGIN
    assert status == 200 and isinstance(body, dict)
    assert body["value"] == t("nb", "error.busy")
    stalled(stalling).release()
    await asyncio.sleep(STALL)
    assert not await parts(stalling).checkins.has_answered(USER.aad_object_id, round_id)
    assert await ParticipationCounter(real(stalling)).answered(round_id) == 0
    # Trying again stores it, once.
    _, status, body = await timed(stalling, submit)
    assert isinstance(body, dict) and t("nb", "receipt.title") in texts(body["value"])
    assert await ParticipationCounter(real(stalling)).answered(round_id) == 1


async def test_an_answer_counted_as_the_budget_runs_out_is_stored_on_the_retry_once(
    stalling: Host,
) -> None:
    round_id = await open_round(stalling)
    stalled(stalling).stall(STALL, "create")  # the answer is counted, its storing stalls
    submit = card_action(USER, stalling.service_url, "checkin.submit",
                         {"round_id": round_id, **SCORES})  # fmt: skip
    took, status, body = await timed(stalling, submit)
    assert took < BUDGET + MARGIN
    assert status == 200 and isinstance(body, dict) and body["value"] == t("nb", "error.busy")
    stalled(stalling).release()
    await stalling.restart()
    assert not await parts(stalling).checkins.has_answered(USER.aad_object_id, round_id)

    # The user tries again, as told: stored now, and still counted once.
    _, status, body = await timed(stalling, submit)
    assert isinstance(body, dict) and t("nb", "receipt.title") in texts(body["value"])
    assert await parts(stalling).checkins.has_answered(USER.aad_object_id, round_id)
    counters = PulseCounters(real(stalling))
    assert await ParticipationCounter(real(stalling)).answered(round_id) == 1
    assert sum(cell["n"] for cell in (await counters.cells(round_id)).values()) == 1
