"""`kontoret` for a team of 10 and a team of 300, on SQLite and on the local Cosmos DB test
server: the time of one view and, on Cosmos, the requests it makes.

    .venv/bin/python -m benchmarks.office [--runs 30] [--warmup 3] [--sizes 10,300]

A view (WeekService.office, then the card as the bot draws it) reads the directory (the viewer,
their leader's direct reports, the leader) and the week plans of the team. The plans of a team
live in one partition (storage/weeks.py), so the view should cost a few requests whatever the
team's size, and its time should grow only with the names it handles. Target: the number of
requests the same for 10 and 300, and median(300) / median(10) well under 30 (the size ratio).

The data is what the app writes: an organisation imported as a CSV (a head, a leader, the team
in one unit), then every member taps one day of next week in `min uke` (WeekService.set_day,
which gives them a plan), and every third hides it (`innstillinger`). An untimed view first
brings any member the team's partition did not know yet (none, here). Timed runs alternate
between the sizes, so the drift of a shared machine falls on both.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import date, timedelta

from bootstrap import Parts, build_parts, open_store
from bot.settings import Settings
from cards.week import office_card
from domain.week import Visibility, Where, monday_of
from storage.port import DocumentStore
from tests.support.cosmos_server import CosmosTestServer, running_cosmos_server

HEAD = "00000000-0000-4000-8000-000000000001"


def person_id(team: int, n: int) -> str:
    return f"{team:08d}-0000-4000-8000-{n:012d}"


def org_csv(size: int) -> bytes:
    leader = person_id(size, 0)
    rows = ["aad_object_id,name,email,manager_aad_object_id,service_area,unit"]
    rows.append(f"{HEAD},Hanne Hovedsjef,head@example.no,,Oppvekst,Stab")
    rows.append(f"{leader},Lena Leder,leader@example.no,{HEAD},Oppvekst,Fjellvik skole")
    for n in range(1, size + 1):
        rows.append(
            f"{person_id(size, n)},Marte-Sølvi Bjørnstad-Håland {n:03d},"
            f"m{n}@example.no,{leader},Oppvekst,Fjellvik skole"
        )
    return "\n".join(rows).encode()


async def fill(parts: Parts, size: int) -> None:
    assert not getattr(await parts.directory.import_csv(org_csv(size)), "errors", None)
    next_monday = monday_of(date.today()) + timedelta(weeks=1)
    semaphore = asyncio.Semaphore(16)

    async def member(n: int) -> None:
        async with semaphore:
            user = person_id(size, n)
            day = next_monday + timedelta(days=n % 5)
            await parts.weeks.set_day(user, day, Where.HOME if n % 2 else Where.OFFICE)
            if n % 3 == 0:
                await parts.weeks.set_visibility(user, Visibility.HIDDEN.value)

    await asyncio.gather(*(member(n) for n in range(1, size + 1)))


async def view(parts: Parts, viewer: str) -> int:
    office = await parts.weeks.office(viewer)
    card = office_card("nb", office.days, office.unit, office.leader, office.unit_name)
    return len(card["body"])


async def main(args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    base = Settings(pseudonym_key="benchmark-office-key")
    print("kontoret: WeekService.office for a team member, and the card it draws")
    print(
        f"teams of {', '.join(map(str, sizes))}; {args.runs} timed runs each, {args.warmup} warm-up"
    )
    with tempfile.TemporaryDirectory() as tmp, running_cosmos_server() as cosmos:
        results: dict[str, dict[int, list[float]]] = {}
        requests: dict[str, dict[int, str]] = {"cosmos": {}}
        for backend in ("sqlite", "cosmos"):
            parts: dict[int, Parts] = {}
            stores: list[DocumentStore] = []
            for size in sizes:
                settings = replace(base, sqlite_path=f"{tmp}/office-{size}.sqlite3")
                if backend == "cosmos":
                    settings = replace(
                        settings,
                        storage="cosmos",
                        cosmos_endpoint=cosmos.endpoint,
                        cosmos_key=cosmos.key,
                        cosmos_database=f"office-{size}-{uuid.uuid4().hex[:6]}",
                    )
                store = await open_store(settings)
                stores.append(store)
                parts[size] = build_parts(settings, store)
                started = time.perf_counter()
                await fill(parts[size], size)
                await view(parts[size], person_id(size, 1))  # untimed: the partition is known
                print(
                    f"  {backend:<6} team of {size:>3}: data made in {time.perf_counter() - started:5.1f} s"
                )
            if backend == "cosmos":
                for size in sizes:
                    requests["cosmos"][size] = await count_requests(cosmos, parts[size], size)
            times: dict[int, list[float]] = {size: [] for size in sizes}
            for n in range(args.warmup + args.runs):
                order = sizes if n % 2 == 0 else list(reversed(sizes))
                for size in order:
                    started = time.perf_counter()
                    await view(parts[size], person_id(size, 1))
                    elapsed = time.perf_counter() - started
                    if n >= args.warmup:
                        times[size].append(elapsed * 1000)
            results[backend] = times
            for store in stores:
                await store.close()
    print()
    print(f"{'backend':<7} {'team':>5} {'median ms':>10} {'p90 ms':>8}  requests per view")
    for backend, times in results.items():
        for size, samples in times.items():
            p90 = statistics.quantiles(samples, n=10)[-1] if len(samples) > 1 else samples[0]
            shown = requests.get(backend, {}).get(size, "-")
            print(
                f"{backend:<7} {size:>5} {statistics.median(samples):>10.1f} {p90:>8.1f}  {shown}"
            )
    small, large = min(sizes), max(sizes)
    for backend, times in results.items():
        ratio = statistics.median(times[large]) / statistics.median(times[small])
        print(f"{backend}: median({large}) / median({small}) = {ratio:.2f}")


async def count_requests(cosmos: CosmosTestServer, parts: Parts, size: int) -> str:
    cosmos.reset_stats()
    await view(parts, person_id(size, 1))
    stats = cosmos.stats()["byVerbResource"]
    detail = ", ".join(f"{k} {v}" for k, v in sorted(stats.items()))
    return f"{sum(stats.values())} ({detail})"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--sizes", default="10,300")
    asyncio.run(main(parser.parse_args()))
