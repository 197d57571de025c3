"""Kaffeprat's service over a store, wired as bootstrap.py wires it, for tests that move a
fake clock: a made-up organisation of `n` people in a few service areas and units, all of
them reachable in Teams."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from cards.render import render
from domain.coffee import Frequency, Meeting, Membership, Width
from domain.delivery import Recipient
from domain.org import Person
from domain.pulse import Scope
from domain.rounds import NextScheduled, no_schedule
from services.coffee import CoffeeService
from services.delivery import DeliveryService, Sender
from storage.coffee import CoffeeRepository
from storage.directory import DirectoryRepository
from storage.leases import LeaseStore
from storage.ledger import DeliveryLedger
from storage.port import DocumentStore
from storage.pulse import AuditLog, PulseCounters
from storage.roster import RosterRepository

OSLO = ZoneInfo("Europe/Oslo")
ADMIN = "admin"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class FixedOfficeDays:
    """The OfficeDays port with the days a test gives; anyone else unknown."""

    days: dict[str, frozenset[str] | None] = field(default_factory=dict)

    async def office_days(self, user_ids: Sequence[str]) -> dict[str, frozenset[str] | None]:
        return {u: self.days.get(u) for u in user_ids}


def person_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def organisation(n: int, areas: int = 2, units: int = 3) -> list[Person]:
    """Person i is in service area i % areas and unit (i // areas) % units of it."""
    return [
        Person(
            person_id(i),
            f"Person {i}",
            f"person{i}@kommune.example",
            None,
            f"Area {i % areas}",
            f"Unit {(i // areas) % units}",
        )
        for i in range(n)
    ]


async def enrol(
    store: DocumentStore,
    people: Sequence[Person],
    now: datetime,
    service_url: str = "https://teams.invalid/",
) -> None:
    """In the directory, and reachable in Teams (each in a chat `a:<id>`)."""
    await DirectoryRepository(store).replace_all(people, "test", now)
    roster = RosterRepository(store)
    for p in people:
        await roster.save(
            Recipient(p.id, "tenant", service_url, "28:bot", f"29:{p.id}", f"a:{p.id}")
        )


async def join_all(
    store: DocumentStore,
    people: Sequence[Person],
    frequency: Frequency = Frequency.WEEKLY,
    meeting: Meeting = Meeting.CALL,
    width: Width = Width.ALL,
) -> None:
    repo = CoffeeRepository(store, 3600 * 24 * 400)
    for p in people:
        await repo.save_member(Membership(p.id, frequency, meeting, width))


@dataclass
class VirtualTime:
    """Teams' rate limits on a clock of its own: a delivery waits its turns without waiting."""

    now: float = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def coffee_over(
    store: DocumentStore,
    sender: Sender,
    clock: Clock,
    office: FixedOfficeDays | None = None,
    no_repeat: int = 8,
    k: int = 3,
    scopes: Mapping[str, Scope] | None = None,
    holder: str | None = None,
    virtual: VirtualTime | None = None,
    schedule: NextScheduled = no_schedule,
) -> CoffeeService:
    """One host's kaffeprat over `store`; `scopes`: who sees what in `puls` (default: ADMIN
    everything). Its deliveries keep Teams' limits, on virtual time with `virtual`."""
    roster, ledger = RosterRepository(store), DeliveryLedger(store)
    seen = scopes if scopes is not None else {ADMIN: Scope(None)}

    async def scope_of(user_id: str) -> Scope | None:
        return seen.get(user_id)

    return CoffeeService(
        CoffeeRepository(store, 3600 * 24 * 400),
        DirectoryRepository(store),
        roster,
        ledger,
        DeliveryService(
            roster,
            ledger,
            sender,
            holder=holder,
            monotonic=virtual.monotonic if virtual else time.monotonic,
            sleep=virtual.sleep if virtual else asyncio.sleep,
        ),
        LeaseStore(store, clock),
        office or FixedOfficeDays(),
        PulseCounters(store),
        AuditLog(store),
        scope_of,
        render,
        OSLO,
        k,
        clock=clock,
        no_repeat=no_repeat,
        schedule=schedule,
    )
