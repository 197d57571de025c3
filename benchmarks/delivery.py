"""A check-in round to many people against a fake Bot Connector that enforces Teams' limits.

    .venv/bin/python -m benchmarks.delivery               # 10,000 people, about 3.5 minutes
    .venv/bin/python -m benchmarks.delivery --people 1000  # a quicker look

The connector runs as its own process (`python -m benchmarks.connector --limits`). It
answers 429 with Retry-After to any request over 50 a second for the app, or over a
conversation's own limits. This process does what the host does for `round open`: the real
DeliveryService with its limiter and ledger on SQLite, sending through ConnectorSender. It
prints delivered messages per hour as a fraction of the 180,000 an hour that 50 requests a
second allow, the 429s received, and this process's CPU time and peak memory for the round.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from benchmarks.connector import DELIVERY_PATH
from benchmarks.turns import Child, child_env, free_port, start_child, stop_children, wait_ready
from bot.proactive import ConnectorSender
from cards.checkin import checkin_card
from domain.catalog import round_items
from domain.delivery import Recipient
from domain.rounds import new_round
from services.delivery import DeliveryService
from services.round_jobs import CARD
from storage.ledger import DeliveryLedger
from storage.roster import RosterRepository
from storage.sqlite_store import SqliteStore

CEILING_PER_HOUR = 50 * 3600


@asynccontextmanager
async def limited_connector(workdir: Path, session: aiohttp.ClientSession) -> AsyncIterator[Child]:
    """The fake Bot Connector in its own process, enforcing Teams' limits, ready to answer."""
    port = free_port()
    connector = start_child(
        "connector",
        [sys.executable, "-m", "benchmarks.connector", "--limits", "--port", str(port)],
        child_env(workdir, port, "WARNING"),
        workdir,
    )
    try:
        await wait_ready(session, connector)
        yield connector
    finally:
        stop_children({"connector": connector})


async def run(people: int, workdir: Path) -> int:
    async with aiohttp.ClientSession() as session, limited_connector(workdir, session) as connector:
        store = await SqliteStore.open(workdir / "delivery.sqlite3")
        roster = RosterRepository(store)
        recipients = [
            Recipient(f"user-{i:06d}", "tenant", connector.base_url + "/", "28:bot",
                      f"29:user-{i:06d}", f"a:conv-{i:06d}")
            for i in range(people)
        ]  # fmt: skip
        for start in range(0, people, 500):
            await asyncio.gather(*(roster.save(r) for r in recipients[start : start + 500]))
        round_ = new_round("s20261130", datetime.now(UTC), round_items())
        card = checkin_card("nb", round_, ZoneInfo("Europe/Oslo"))
        sender = ConnectorSender()
        service = DeliveryService(roster, DeliveryLedger(store), sender)
        cpu_before = time.process_time()
        report = await service.deliver(round_.id, CARD, recipients, lambda _: card)
        cpu = time.process_time() - cpu_before
        await sender.close()
        await store.close()
        async with session.get(connector.base_url + DELIVERY_PATH) as response:
            seen = await response.json()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = report.per_hour
    print(f"people:                      {people}")
    print(
        f"delivered (ledger):          {report.counts.sent}  failed {report.counts.failed}  dead {report.counts.dead}"
    )
    print(f"delivered (connector):       {seen['delivered']} to {seen['conversations']} conversations, "
          f"{seen['more_than_once']} more than once")  # fmt: skip
    print(f"wall time:                   {report.seconds:.1f} s")
    print(
        f"messages per hour:           {rate:,.0f}  = {rate / CEILING_PER_HOUR:.3f} of the 180,000/h ceiling (target >= 0.99)"
    )
    print(f"requests sent:               {report.requests}  (429 received: {report.throttled})")
    print(f"connector answers:           {seen['answers']}")
    print(f"Retry-After violations:      {seen['retry_after_violations']}")
    print(
        f"CPU time of this process:    {cpu:.1f} s  ({100 * cpu / report.seconds:.1f} % of one core)"
    )
    print(f"peak memory of this process: {peak_mb:.0f} MB (max RSS)")
    ok = (
        report.counts.sent == people and seen["more_than_once"] == 0 and seen["delivered"] == people
    )
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(run(args.people, Path(tmp)))


if __name__ == "__main__":
    raise SystemExit(main())
