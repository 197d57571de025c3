"""What one check-in submit costs on Cosmos DB, and submits per second on Cosmos vs SQLite.

    .venv/bin/python -m benchmarks.cosmos_submit [--users 300] [--concurrency 20]

Runs the real host app in-process (aiohttp test server, botbuilder CloudAdapter) once on
the local Cosmos DB test server and once on SQLite, with the fake Bot Connector of the
tests. For Cosmos it reads the server's request counters around the submits, so the count
is what the SDK really sent (retries included), split by verb and resource, and the store's
own count at the client beside it. Each submit is from a different user who has opened the
check-in card before (untimed), as in real use.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bootstrap import open_store
from bot.settings import Settings
from cli.serve import build_web_app
from storage.cosmos_store import CosmosStore
from tests.support.cosmos_server import CosmosTestServer, running_cosmos_server
from tests.support.fake_connector import FakeConnector
from tests.support.teams import TeamsUser, card_action, message


async def run(
    settings: Settings, users: int, concurrency: int, cosmos: CosmosTestServer | None
) -> dict[str, Any]:
    connector = FakeConnector()
    await connector.start()
    store = await open_store(settings)
    client = TestClient(TestServer(build_web_app(settings, store), host="127.0.0.1"))
    await client.start_server()
    people = [TeamsUser(str(uuid.uuid4())) for _ in range(users)]
    try:
        round_id = ""
        for person in people:  # known users with the card open, as after a round's delivery
            connector.clear()
            await client.post(
                "/api/messages", json=message(person, connector.service_url, "sjekk inn")
            )
            round_id = connector.cards()[0]["actions"][0]["data"]["round_id"]
        answers = {"round_id": round_id, **{i: "3" for i in settings.checkin_items}}
        if cosmos:
            cosmos.reset_stats()
        sent_before = store.requests.total if isinstance(store, CosmosStore) else 0
        latencies: list[float] = []
        gate = asyncio.Semaphore(concurrency)

        async def submit(person: TeamsUser) -> None:
            async with gate:
                started = time.perf_counter()
                response = await client.post(
                    "/api/messages",
                    json=card_action(person, connector.service_url, "checkin.submit", answers),
                )
                body = await response.json()
                latencies.append(time.perf_counter() - started)
                assert "Takk for svarene" in str(body["value"]), body

        started = time.perf_counter()
        await asyncio.gather(*(submit(p) for p in people))
        elapsed = time.perf_counter() - started
        stats = cosmos.stats() if cosmos else None
        sent = (store.requests.total - sent_before) if isinstance(store, CosmosStore) else 0
    finally:
        await client.close()
        await connector.close()
    latencies.sort()
    return {
        "rate": users / elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "stats": stats,
        "client": sent,
    }


async def main(users: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, running_cosmos_server() as cosmos:
        base = Settings(sqlite_path=f"{tmp}/bench.sqlite3", pseudonym_key="bench")
        on_cosmos = replace(
            base,
            storage="cosmos",
            cosmos_endpoint=cosmos.endpoint,
            cosmos_key=cosmos.key,
            cosmos_database="bench",
        )
        sqlite_result = await run(base, users, concurrency, None)
        cosmos_result = await run(on_cosmos, users, concurrency, cosmos)
    stats = cosmos_result["stats"]
    print(f"{users} submits, each from a different user, concurrency {concurrency}")
    print(f"Cosmos requests per submit: {stats['total'] / users:.2f}  (target ≤ 3)")
    print(f"  counted by the client: {cosmos_result['client'] / users:.2f}")
    for kind, count in sorted(stats["byVerbResource"].items()):
        print(f"  {kind:<12} {count / users:.2f} per submit")
    print(f"{'backend':<8} {'submits/s':>10} {'median ms':>10} {'p99 ms':>8}")
    for name, result in (("sqlite", sqlite_result), ("cosmos", cosmos_result)):
        print(
            f"{name:<8} {result['rate']:>10.1f} {result['median_ms']:>10.2f} {result['p99_ms']:>8.2f}"
        )
    print(f"cosmos / sqlite throughput: {cosmos_result['rate'] / sqlite_result['rate']:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.users, args.concurrency))
