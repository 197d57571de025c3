"""Kaffeprat at municipal scale: pairing 10,000 participants with 20 rounds of history, and
delivering their cards at Teams' limits.

    .venv/bin/python -m benchmarks.coffee                         # about 8 minutes on 2 cores
    .venv/bin/python -m benchmarks.coffee --people 2000 --rounds 5 --deliver 500   # a quick look

A made-up municipality: `--people` participants in 8 service areas and about 1 in 60 of them as
units, of uneven sizes; a tenth meet only their unit, half their service area, the rest anyone;
four in ten meet at the office, most of them with fixed home days from an agreement. First
`--rounds` rounds are paired one after the other, each with everything met before it forbidden
(the history), then the measured round with all `--rounds` rounds of history. Each prints its
time; the measured one also the share of its groups across units against an upper bound of the
best any pairing could do (`domain.coffee.cross_unit_bound`), how many were left unpaired, the
groups of three, and the office pairs that got a shared office day.

Then the delivery: the measured round's cards, rendered per person (their partner, day and
starter), through the real CoffeeService (its ledger on SQLite, the real DeliveryService and
ConnectorSender) to the delivery benchmark's fake connector in its own process, which answers
429 with Retry-After over Teams' limits. Prints messages per hour against the 180,000/h
ceiling, the 429s, and whether anyone got a card twice.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from benchmarks.connector import DELIVERY_PATH
from benchmarks.delivery import CEILING_PER_HOUR, limited_connector
from bot.proactive import ConnectorSender
from cards.render import render
from domain.agreement import WORKDAYS
from domain.coffee import (
    CoffeeRound,
    Match,
    Meeting,
    Participant,
    Width,
    compatible,
    cross_unit_bound,
    matches_of,
    pair,
    round_id_for,
    shared_days,
)
from domain.delivery import Recipient
from domain.org import Person
from domain.pulse import Scope
from services.coffee import CoffeeService
from services.delivery import DeliveryService
from storage.coffee import CoffeeRepository
from storage.directory import DirectoryRepository
from storage.leases import LeaseStore
from storage.ledger import DeliveryLedger
from storage.pulse import AuditLog, PulseCounters
from storage.roster import RosterRepository
from storage.sqlite_store import SqliteStore

AREAS = 8
OSLO = ZoneInfo("Europe/Oslo")


def municipality(n: int, rng: random.Random) -> list[Participant]:
    units = max(1, n // 60)
    # Uneven units: a few large ones (schools, home care), many small.
    sizes = [1 / (1 + u) ** 0.8 for u in range(units)]
    people = []
    for i in range(n):
        unit = rng.choices(range(units), sizes)[0]
        width = rng.choices((Width.UNIT, Width.AREA, Width.ALL), (1, 5, 4))[0]
        meeting = rng.choices((Meeting.CALL, Meeting.OFFICE), (6, 4))[0]
        office: frozenset[str] | None = None
        if meeting is Meeting.OFFICE and rng.random() < 0.8:
            office = frozenset(WORKDAYS) - frozenset(rng.sample(WORKDAYS, rng.choice((1, 2))))
        people.append(
            Participant(f"p{i:06d}", f"Area {unit % AREAS}", f"Unit {unit}", width, meeting, office)
        )
    return people


def remember(met: dict[str, set[str]], groups: tuple[tuple[str, ...], ...]) -> None:
    for g in groups:
        for u in g:
            met.setdefault(u, set()).update(x for x in g if x != u)


def pairing(people: list[Participant], rounds: int) -> tuple[CoffeeRound, list[Match]]:
    met: dict[str, set[str]] = {}
    times = []
    result = None
    for r in range(rounds + 1):
        frozen = {u: frozenset(v) for u, v in met.items()}
        started = time.perf_counter()
        result = pair(people, frozen, f"k2026{r:04d}")
        times.append(time.perf_counter() - started)
        remember(met, result.groups)
        label = "measured" if r == rounds else f"history {r + 1:>2}"
        print(f"  round {label}: {times[-1]:6.1f} s, {len(result.groups)} groups", flush=True)
    assert result is not None
    by_id = {p.user_id: p for p in people}
    cross = result.cross_unit(by_id)
    bound = cross_unit_bound(people)
    trios = sum(len(g) == 3 for g in result.groups)
    office_pairs = [g for g in result.groups if all(by_id[u].meeting is Meeting.OFFICE for u in g)]
    with_day = sum(bool(shared_days([by_id[u] for u in g])) for g in office_pairs)
    print()
    print(f"people:                      {len(people)} in {len({p.unit for p in people})} units")
    print(f"history:                     {rounds} rounds, everyone met in them forbidden")
    print(
        f"pairing time:                measured {times[-1]:.1f} s; over all {len(times)} rounds "
        f"median {statistics.median(times):.1f} s, max {max(times):.1f} s"
    )
    print(f"groups:                      {len(result.groups)} ({trios} of three)")
    frozen = {u: frozenset(v) for u, v in met.items() if u}
    before = {u: frozenset(v - set(g)) for g in result.groups for u in g for v in [met[u]]}
    history = {**frozen, **before}  # what was forbidden in the measured round
    stuck = sum(not any(compatible(by_id[u], q, history) for q in people) for u in result.unpaired)
    print(f"left unpaired:               {len(result.unpaired)} ({stuck} with nobody left to meet)")
    print(
        f"across units:                {cross} groups = {cross / len(result.groups):.3f} of all; "
        f"upper bound {bound}: {cross / bound:.3f} of the best possible"
    )
    print(f"office pairs, shared day:    {with_day} of {len(office_pairs)}")
    round_id = round_id_for(datetime.now(OSLO).date())  # what `coffee pair` finds today
    matches = matches_of(round_id, result.groups, by_id)
    round_ = CoffeeRound(
        round_id,
        datetime.now(UTC),
        paired_at=datetime.now(UTC),
        groups=len(result.groups),
        participants={},
    )
    return round_, matches


async def deliver(
    people: list[Participant], round_: CoffeeRound, matches: list[Match], workdir: Path
) -> int:
    async with aiohttp.ClientSession() as session, limited_connector(workdir, session) as connector:
        store = await SqliteStore.open(workdir / "coffee.sqlite3")
        directory = [
            Person(p.user_id, f"Person {p.user_id}", f"{p.user_id}@kommune.example", None, p.area, p.unit)
            for p in people
        ]  # fmt: skip
        await DirectoryRepository(store).replace_all(directory, "benchmark", datetime.now(UTC))
        roster = RosterRepository(store)
        for start in range(0, len(matches), 500):
            await asyncio.gather(
                *(
                    roster.save(
                        Recipient(
                            m.user_id,
                            "tenant",
                            connector.base_url + "/",
                            "28:bot",
                            f"29:{m.user_id}",
                            f"a:{m.user_id}",
                        )
                    )
                    for m in matches[start : start + 500]
                )
            )
        repo = CoffeeRepository(store, 3600 * 24 * 400)
        await repo.write_matches(round_.id, matches)
        await repo.create_round(round_)
        sender = ConnectorSender()
        ledger = DeliveryLedger(store)

        async def nobody(_: str) -> Scope | None:
            return None

        service = CoffeeService(
            repo, DirectoryRepository(store), roster, ledger,
            DeliveryService(roster, ledger, sender), LeaseStore(store),
            _NoOffice(), PulseCounters(store), AuditLog(store), nobody, render, OSLO, 5,
        )  # fmt: skip
        cpu_before, started = time.process_time(), time.perf_counter()
        status = await service.pair_now()  # finds the round paired: delivers it
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        await sender.close()
        await store.close()
        async with session.get(connector.base_url + DELIVERY_PATH) as response:
            seen = await response.json()
    assert status is not None
    sent = status.cards.sent
    rate = sent / seconds * 3600
    print()
    print(f"cards delivered (ledger):    {sent} of {len(matches)}, failed {status.cards.failed}")
    print(
        f"delivered (connector):       {seen['delivered']} to {seen['conversations']} chats, "
        f"{seen['more_than_once']} more than once"
    )
    print(f"wall time:                   {seconds:.1f} s")
    print(
        f"messages per hour:           {rate:,.0f} = {rate / CEILING_PER_HOUR:.3f} of the "
        f"180,000/h ceiling"
    )
    print(f"Retry-After violations:      {seen['retry_after_violations']}")
    print(f"CPU time of this process:    {cpu:.1f} s (cards rendered per person)")
    ok = sent == len(matches) and seen["more_than_once"] == 0
    return 0 if ok else 1


class _NoOffice:
    async def office_days(self, user_ids: object) -> dict[str, frozenset[str] | None]:
        return {}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20, help="rounds of history")
    parser.add_argument("--deliver", type=int, default=None, help="cards to deliver (all)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    people = municipality(args.people, random.Random(args.seed))
    print(f"pairing {args.people} participants, {args.rounds} rounds of history first:")
    round_, matches = pairing(people, args.rounds)
    if args.deliver is not None:
        matches = matches[: args.deliver]
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(deliver(people, round_, matches, Path(tmp)))


if __name__ == "__main__":
    raise SystemExit(main())
