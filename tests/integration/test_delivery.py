"""Rounds delivered proactively at Teams scale: limits, retries, ledger, leases, reminders.

The fake Bot Connector enforces Teams' limits by arrival, so a test passes only when the
real limiter keeps to them; every test counts what each conversation really received.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.proactive import ConnectorSender
from cards.i18n import t
from domain.catalog import round_items
from domain.delivery import LedgerState, Recipient
from domain.rounds import new_round
from services.checkins import RoundClosed, Stored
from services.delivery import DeliveryService
from services.round_jobs import CARD
from storage.ledger import DeliveryLedger
from storage.port import DocumentStore
from storage.roster import RosterRepository
from storage.rounds import RoundRepository
from storage.sqlite_store import SqliteStore
from tests.support.fake_connector import FakeConnector
from tests.support.services import round_jobs_over

ROOT = Path(__file__).resolve().parents[2]
OSLO = ZoneInfo("Europe/Oslo")
ITEMS = round_items()
ANSWERS = {item: "3" for item in ITEMS}


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[DocumentStore]:
    store = await SqliteStore.open(tmp_path / "delivery.sqlite3")
    yield store
    await store.close()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def people(n: int, service_url: str, start: int = 0) -> list[Recipient]:
    return [
        Recipient(
            user_id=f"user-{i:05d}",
            tenant_id="tenant",
            service_url=service_url,
            bot_id="28:bot",
            user_teams_id=f"29:user-{i:05d}",
            conversation_id=f"a:conv-{i:05d}",
        )
        for i in range(start, start + n)
    ]


async def enrol(store: DocumentStore, recipients: list[Recipient]) -> None:
    roster = RosterRepository(store)
    await asyncio.gather(*(roster.save(r) for r in recipients))


def card(_: Recipient) -> dict[str, Any]:
    return {"type": "AdaptiveCard", "version": "1.5", "body": []}


@pytest.mark.slow
async def test_round_to_1000_users_through_429s_and_503s_gives_each_exactly_one_card(
    sqlite_store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    recipients = people(1000, teams.service_url)
    await enrol(sqlite_store, recipients)
    service = DeliveryService(RosterRepository(sqlite_store), DeliveryLedger(sqlite_store), sender)

    async def trouble() -> None:
        for status, count in [(429, 40), (503, 25), (429, 40), (502, 10), (504, 10), (412, 5)]:
            await asyncio.sleep(1.5)
            teams.inject(status, count)

    report, _ = await asyncio.gather(service.deliver("r1", CARD, recipients, card), trouble())

    assert report.counts.sent == 1000 and report.counts.pending == 0
    assert set(teams.delivered.values()) == {1}
    assert len(teams.delivered) == 1000
    assert teams.requests[429] >= 80 and teams.requests[503] == 25
    assert teams.violations == []  # nothing arrived inside a Retry-After window
    assert report.per_hour <= 180_000


async def test_the_fake_teams_throttles_where_teams_documents_it_would(
    teams: FakeConnector, sender: ConnectorSender
) -> None:
    """Microsoft's limits (per app and tenant 50 a second; per conversation 7 a second, 8 in
    2 s, ...) as the fake connector enforces them, by arrival: a sender over them gets 429."""
    crowd = people(51, teams.service_url)
    answers = await asyncio.gather(*(sender.send(r, card(r)) for r in crowd))
    assert sorted(a.status for a in answers).count(429) >= 1  # the 51st in a second
    teams.requests.clear()
    await asyncio.sleep(1.1)
    (only,) = people(1, teams.service_url, start=100)
    statuses = [(await sender.send(only, card(only))).status for _ in range(8)]
    assert statuses == [201] * 7 + [429]  # the 8th in a second to one conversation


async def test_a_delivery_at_the_documented_rate_is_never_throttled(
    sqlite_store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    recipients = people(250, teams.service_url)
    await enrol(sqlite_store, recipients)
    service = DeliveryService(RosterRepository(sqlite_store), DeliveryLedger(sqlite_store), sender)
    report = await service.deliver("r1", CARD, recipients, card)
    # Teams counts by window, not by average: the fake's windows are the ceiling this holds to.
    # (An average over a short run may exceed 50/s legitimately: a window's worth at each end.)
    assert report.counts.sent == 250 and report.throttled == 0 and teams.violations == []


@pytest.mark.slow
async def test_a_delivery_stopped_mid_round_resumes_without_doubling(
    sqlite_store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    recipients = people(600, teams.service_url)
    await enrol(sqlite_store, recipients)
    roster, ledger = RosterRepository(sqlite_store), DeliveryLedger(sqlite_store)
    first = asyncio.create_task(
        DeliveryService(roster, ledger, sender).deliver("r1", CARD, recipients, card)
    )
    while sum(teams.delivered.values()) < 200:  # noqa: ASYNC110 - polls the fake server's count
        await asyncio.sleep(0.05)
    first.cancel()  # the host is stopped mid-round
    with pytest.raises(asyncio.CancelledError):
        await first
    stopped_at = sum(teams.delivered.values())
    assert 200 <= stopped_at < 600

    report = await DeliveryService(roster, ledger, sender).deliver("r1", CARD, recipients, card)
    assert report.counts.sent == 600
    assert len(teams.delivered) == 600 and set(teams.delivered.values()) == {1}
    assert report.requests >= 600 - stopped_at


async def test_uninstalled_user_is_marked_dead_and_not_retried(
    sqlite_store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    recipients = people(20, teams.service_url)
    await enrol(sqlite_store, recipients)
    teams.gone = {"a:conv-00003", "a:conv-00007"}  # 403 ConversationBlockedByUser
    roster, ledger = RosterRepository(sqlite_store), DeliveryLedger(sqlite_store)
    report = await DeliveryService(roster, ledger, sender).deliver("r1", CARD, recipients, card)
    assert (report.counts.sent, report.counts.dead) == (18, 2)
    assert teams.requests[403] == 2  # one try each
    assert {r.user_id for r in await roster.everyone() if r.dead} == {"user-00003", "user-00007"}
    # The next round leaves them out.
    later = await DeliveryService(roster, ledger, sender).deliver(
        "r2", CARD, await roster.everyone(), card
    )
    assert later.counts.invited == 18
    assert teams.requests[403] == 2


async def test_a_conversation_teams_no_longer_knows_is_created_again_and_the_card_sent(
    sqlite_store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    recipients = people(3, teams.service_url)
    await enrol(sqlite_store, recipients)
    teams.lost = {"a:conv-00001"}  # 404 ConversationNotFound
    roster, ledger = RosterRepository(sqlite_store), DeliveryLedger(sqlite_store)
    report = await DeliveryService(roster, ledger, sender).deliver("r1", CARD, recipients, card)
    assert (report.counts.sent, report.counts.dead) == (3, 0)
    (created,) = [r for r in teams.received if r.method == "CREATE"]
    assert created.body["members"] == [{"id": "29:user-00001"}]
    assert teams.delivered[created.conversation_id] == 1
    stored = await roster.get("user-00001")
    assert stored is not None and not stored.dead
    assert stored.conversation_id == created.conversation_id  # the next card goes there


async def test_a_bot_disabled_by_the_admin_is_not_retried_nor_the_user_given_up(
    sqlite_store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    recipients = people(3, teams.service_url)
    await enrol(sqlite_store, recipients)
    teams.refuse = {"a:conv-00002": (403, "BotDisabledByAdmin")}
    roster, ledger = RosterRepository(sqlite_store), DeliveryLedger(sqlite_store)
    report = await DeliveryService(roster, ledger, sender).deliver("r1", CARD, recipients, card)
    assert (report.counts.sent, report.counts.failed, report.counts.dead) == (2, 1, 0)
    assert teams.requests[403] == 1  # one try
    # The admin may enable the bot again; the user did nothing: the next round tries again.
    teams.refuse.clear()
    later = await DeliveryService(roster, ledger, sender).deliver(
        "r2", CARD, await roster.everyone(), card
    )
    assert later.counts.sent == 3


async def test_only_the_user_is_known_so_the_chat_is_created_first(
    sqlite_store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    (someone,) = people(1, teams.service_url)
    someone = Recipient(**{**someone.__dict__, "conversation_id": ""})
    await enrol(sqlite_store, [someone])
    roster, ledger = RosterRepository(sqlite_store), DeliveryLedger(sqlite_store)
    report = await DeliveryService(roster, ledger, sender).deliver("r1", CARD, [someone], card)
    assert report.counts.sent == 1
    (created,) = [r for r in teams.received if r.method == "CREATE"]
    assert created.body["members"] == [{"id": "29:user-00000"}]
    assert created.body["tenantId"] == "tenant"
    stored = await roster.get(someone.user_id)
    assert stored is not None and stored.conversation_id == created.conversation_id
    assert teams.delivered[created.conversation_id] == 1


async def test_two_scheduler_instances_send_each_card_once(
    store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    await enrol(store, people(120, teams.service_url))
    clock = Clock()
    jobs_a, _ = round_jobs_over(store, sender, clock, "host-a")
    jobs_b, _ = round_jobs_over(store, sender, clock, "host-b")
    # Only the two openers race here: a tick that took the lease first would leave both
    # openers without it, which is right, but not what this line checks.
    results = await asyncio.gather(jobs_a.open_round(), jobs_b.open_round())
    statuses = [r for r in results if r is not None]
    assert len(statuses) == 1  # the other instance found the lease taken
    assert statuses[0].cards.sent == 120
    # Another open and both ticks, racing each other, find the round delivered.
    await asyncio.gather(jobs_b.open_round(), jobs_a.tick(), jobs_b.tick())
    assert len(teams.delivered) == 120 and set(teams.delivered.values()) == {1}


async def test_reminder_only_to_those_who_have_not_answered_and_only_once(
    store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    recipients = people(10, teams.service_url)
    await enrol(store, recipients)
    clock = Clock()
    jobs, checkins = round_jobs_over(store, sender, clock, "host-a")
    status = await jobs.open_round()
    assert status is not None and status.cards.sent == 10
    round_id = status.round.id
    for r in recipients[:4]:
        outcome = await checkins.submit(r.user_id, {"round_id": round_id, **ANSWERS})
        assert isinstance(outcome, Stored)

    clock.now += timedelta(days=1)
    await jobs.tick()
    assert sum(teams.delivered.values()) == 10  # not due yet

    clock.now += timedelta(days=1, minutes=5)
    await jobs.tick()
    await jobs.tick()
    reminded = {c for c, n in teams.delivered.items() if n == 2}
    assert reminded == {r.conversation_id for r in recipients[4:]}
    assert sum(teams.delivered.values()) == 16
    # Another day's `round open` opens that day's round; this one keeps "reminded".
    await jobs.open_round()
    await jobs.tick()
    assert sum(teams.delivered.values()) == 26  # 10 cards of the new round, no reminders
    final = await jobs.status(round_id)
    assert final is not None
    assert (final.cards.sent, final.reminders.sent, final.answered) == (10, 6, 4)
    assert "invited 10, delivered 10 (100.0 %)" in final.report(OSLO)
    reminder_cards = [
        c for r in teams.received for c in r.cards if t("nb", "checkin.reminder") in str(c)
    ]
    assert len(reminder_cards) == 6


async def test_a_closed_round_takes_no_answers_and_says_so(
    store: DocumentStore, teams: FakeConnector, sender: ConnectorSender
) -> None:
    clock = Clock()
    _, checkins = round_jobs_over(store, sender, clock, "host-a")
    round_ = await RoundRepository(store).create(new_round("s20261130", clock.now, ITEMS))
    clock.now = round_.closes_at + timedelta(seconds=1)
    outcome = await checkins.submit("user-1", {"round_id": round_.id, **ANSWERS})
    assert isinstance(outcome, RoundClosed)
    assert not await checkins.has_answered("user-1", round_.id)


async def test_a_ledger_entry_is_claimed_by_one_sender_only(store: DocumentStore) -> None:
    ledger = DeliveryLedger(store)
    claims = await asyncio.gather(
        *(ledger.claim("r1", CARD, "u1", f"h{n}", None) for n in range(5))
    )
    assert sum(c is not None for c in claims) == 1
    (entry,) = [c for c in claims if c is not None]
    settled = await ledger.settle(entry, LedgerState.SENT, 201, 1)
    assert await ledger.claim("r1", CARD, "u1", "h9", settled) is None  # settled: never again


async def run_cli(*args: str, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "app.py", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


@pytest.mark.slow
async def test_round_cli_opens_delivers_and_reports_beside_the_store(
    tmp_path: Path, teams: FakeConnector
) -> None:
    database = tmp_path / "cli.sqlite3"
    store = await SqliteStore.open(database)
    await enrol(store, people(5, teams.service_url))
    await store.close()
    env = {**os.environ, "SQLITE_PATH": str(database), "PSEUDONYM_KEY": "k", "LOG_LEVEL": "WARNING"}
    env.pop("STORAGE", None)

    code, output = await run_cli("round", "open", env=env)
    assert code == 0, output
    assert "cards      invited 5, delivered 5 (100.0 %), failed 0, dead 0, pending 0" in output
    code, status = await run_cli("round", "status", env=env)
    assert code == 0 and "invited 5, delivered 5" in status and "answered   0" in status
    code, again = await run_cli("round", "open", env=env)
    assert code == 0 and "invited 5, delivered 5" in again
    assert len(teams.delivered) == 5 and set(teams.delivered.values()) == {1}


async def test_cached_rounds_never_hide_progress_from_the_jobs(store: DocumentStore) -> None:
    seen_by_submits = RoundRepository(store)
    jobs_view = RoundRepository(store)
    round_ = await jobs_view.create(new_round("s1", Clock()(), ITEMS, delivered=False))
    assert await seen_by_submits.get("s1") == round_  # cached from here on
    await jobs_view.save(replace(round_, delivered_at=Clock()(), reminded_at=Clock()()))
    fresh = await seen_by_submits.get("s1", fresh=True)
    assert fresh is not None and fresh.reminded_at is not None
    assert await seen_by_submits.get("s1") == fresh  # the cache took the fresh copy
