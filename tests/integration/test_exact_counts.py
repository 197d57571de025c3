"""Every stored answer is counted exactly once — in the pulse's cells, the participation and the
team signal's counts — whatever became of the counts written as the answers came in: refused by
a throttled store, left by a host that died between counting an answer and storing it, a submit
sent again, or a person who erased their data and answered the round anew."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.settings import Settings
from cards.data_rights import DELETE_VERB
from cards.i18n import t
from domain.followup import team_counts
from domain.pulse import NO_BAND
from domain.rounds import new_round
from storage.counters import ParticipationCounter
from storage.port import BatchOperation, Document, DocumentStore, StorageUnavailable
from storage.pulse import AnswerTally, PulseCounters
from storage.rounds import RoundRepository
from tests.support.card_text import texts
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.teams import TeamsUser, card_action, install
from tests.support.turns import press, say

HEADER = "aad_object_id,name,email,manager_aad_object_id,service_area,unit"
ITEMS = ("stress", "social", "focus", "workload", "balance", "leader", "learning", "strain")


def person(n: int) -> TeamsUser:
    return TeamsUser(str(uuid.UUID(int=n)), f"Person {n}")


BOSS = person(1)
OPPVEKST = [person(10 + n) for n in range(12)]
KULTUR = [person(40 + n) for n in range(3)]
STAFF = [*OPPVEKST, *KULTUR]
AREA = {**{u: "Oppvekst" for u in OPPVEKST}, **{u: "Kultur" for u in KULTUR}}
CRASHED = OPPVEKST[10:]  # the host dies as their answers are counted
ERASER = OPPVEKST[0]  # answers, erases her data, answers again


@dataclass
class Faults:
    """Shared by every store the host opens, so a restart keeps the storm going."""

    rate: float = 0.3  # of counting batches refused (429/503 after the retries)
    hang: bool = False  # responses are never stored: the host will die before they are
    refused: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(16))


class FaultyStore:
    def __init__(self, store: DocumentStore, faults: Faults) -> None:
        self._store = store
        self._faults = faults

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def batch(self, container: str, pk: str, operations: Sequence[BatchOperation]) -> None:
        if self._faults.rng.random() < self._faults.rate:
            self._faults.refused += 1
            raise StorageUnavailable("throttled")
        await self._store.batch(container, pk, operations)

    async def create(self, container: str, doc: Document) -> Document:
        if self._faults.hang and container == "responses":
            await asyncio.Event().wait()
        return await self._store.create(container, doc)


@pytest.fixture
async def storm(settings: Settings, connector: FakeConnector) -> AsyncIterator[tuple[Host, Faults]]:
    faults = Faults()
    running = Host(
        replace(settings, turn_budget_seconds=0.5),
        connector,
        wrap=lambda store: FaultyStore(store, faults),
    )
    await running.start()
    yield running, faults
    faults.hang = False
    await running.stop()


def real(host: Host) -> DocumentStore:
    assert isinstance(host.store, FaultyStore)
    return host.store._store


async def organisation(host: Host) -> None:
    rows = [f"{BOSS.aad_object_id},Boss,boss@x.example,,Stab,Stab"]
    rows += [
        f"{u.aad_object_id},{u.name},p{i}@x.example,{BOSS.aad_object_id},{AREA[u]},Enhet"
        for i, u in enumerate(STAFF)
    ]
    outcome = await parts(host).directory.import_csv("\n".join([HEADER, *rows]).encode())
    assert not outcome.errors
    for user in [BOSS, *STAFF]:
        await host.send(install(user, host.service_url))


async def submit(host: Host, user: TeamsUser, data: dict[str, str]) -> dict[str, Any]:
    """As a user does: told "busy, nothing lost, try again", they try again."""
    while (body := await press(host, user, "checkin.submit", data))["value"] == t(
        "nb", "error.busy"
    ):
        pass
    return body


def answers(round_id: str, stress: int) -> dict[str, str]:
    return {"round_id": round_id, **{item: "3" for item in ITEMS}, "stress": str(stress)}


async def test_after_a_fault_storm_every_stored_answer_is_counted_once(
    storm: tuple[Host, Faults], settings: Settings
) -> None:
    host, faults = storm
    await organisation(host)
    status = await parts(host).jobs.open_round()
    assert status is not None
    round_id = status.round.id
    # Three of fifteen with high stress: under the quarter the team signal needs.
    stress = {u: 4 if i in (1, 2, 13) else 2 for i, u in enumerate(STAFF)}

    for i, user in enumerate(STAFF):
        if user in CRASHED:
            continue
        # The eraser's first answer has high stress: counted twice, it would fire the signal.
        data = answers(round_id, 5 if user is ERASER else stress[user])
        body = await submit(host, user, data)
        assert t("nb", "receipt.title") in texts(body["value"])
        if i % 3 == 0:  # the same submit again, as a client retrying it
            body = await submit(host, user, data)
            assert shows(texts(body["value"]), "nb", "receipt.already")
    assert faults.refused > 0

    faults.hang, faults.rate = True, 0.0
    for user in CRASHED:
        # Their first answers, counted: the stress of 5 would fire the signal if it stayed.
        activity = card_action(user, host.service_url, "checkin.submit", answers(round_id, 5))
        _, body = await host.send(activity, drain=False)
        assert body["value"] == t("nb", "error.busy")  # counted; the response never stored
    faults.hang = False
    await host.restart()  # the host dies, and comes back
    for user in CRASHED:  # told "busy, nothing lost, try again", they do, with other answers
        body = await press(host, user, "checkin.submit", answers(round_id, stress[user]))
        assert t("nb", "receipt.title") in texts(body["value"])

    await say(host, ERASER, "slett mine data")
    await press(host, ERASER, DELETE_VERB, {})
    body = await submit(host, ERASER, answers(round_id, stress[ERASER]))
    assert t("nb", "receipt.title") in texts(body["value"])

    rounds = RoundRepository(real(host))
    round_ = await rounds.get(round_id, fresh=True)
    assert round_ is not None
    now = datetime.now(UTC)
    await rounds.save(replace(round_, closes_at=now - timedelta(minutes=1)))
    expected: dict[tuple[str, str], Counter[str]] = {}
    for user in STAFF:
        cell = expected.setdefault((AREA[user], NO_BAND), Counter())
        cell.update({"n": 1, f"stress_{stress[user]}": 1})
        cell.update({f"{item}_3": 1 for item in round_.items if item != "stress"})
    counters = PulseCounters(real(host))
    assert await counters.cells(round_id) != expected  # the running counts went wrong
    host.connector.clear()
    await parts(host).pulse.scheduled_tick()
    await parts(host).followups.tick(now)

    assert await counters.cells(round_id) == {
        cell: dict(counts) for cell, counts in expected.items()
    }
    assert await ParticipationCounter(real(host)).answered(round_id) == len(STAFF)
    tally = AnswerTally(real(host), settings.load_pseudonym_key())
    counted = await tally.counted(round_id)
    assert counted is not None
    assert team_counts(counted, settings.followup_stress_high) == {
        BOSS.aad_object_id: (len(STAFF), 3)
    }
    # So no team signal: the eraser's first answer is not counted next to her second.
    signals = [c for c in host.connector.cards() if t("nb", "followup.team.text") in texts(c)]
    assert signals == []


async def test_a_round_stored_before_answers_left_entries_keeps_its_running_counts(
    host: Host,
) -> None:
    """Deployed mid-round: the answers given before have no entries, so a recount from the
    entries would drop them."""
    assert host.store is not None
    opened = datetime.now(UTC) - timedelta(days=8)
    round_ = replace(new_round("r-old", opened, ("stress",), timedelta(days=7)), tallied=False)
    await RoundRepository(host.store).create(round_)
    counters = PulseCounters(host.store)
    for _ in range(6):
        await counters.record(round_.id, "Oppvekst", NO_BAND, {"stress": 3})
    await parts(host).pulse.scheduled_tick()
    assert await counters.cells(round_.id) == {("Oppvekst", NO_BAND): {"n": 6, "stress_3": 6}}
    assert await counters.hiding(round_.id) is not None
