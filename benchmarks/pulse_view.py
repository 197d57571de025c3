"""The aggregated pulse view with 1,000 and with 1,000,000 stored answers, on SQLite and on the
local Cosmos DB test server.

    .venv/bin/python -m benchmarks.pulse_view [--runs 30] [--warmup 3] [--people 10000]
        [--rounds 100] [--middle-rounds 10] [--baseline 1000] [--breakdown-runs 10]

A view (PulseService.report, admin scope) reads the closed rounds, the per-cell counters of
the last 8 rounds (the trend) and the latest round's delivery ledger, never an answer: its time
should not grow with the answers stored. Target: median(1M) / median(1k) under 1.5 per backend.

The data, the same on both backends, is what the app itself writes:

- An organisation of `--people` (10,000) people, spread unevenly over 8 service areas x 6 age
  bands (5 bands and "none") = 48 cells, so that some cells are small and suppression works.
- The big data set: `--rounds` (100) closed weekly rounds that everyone answered, 10,000 x 100
  = 1,000,000 answers: about two years, which is as much as a 10,000-person organisation can
  ever hold, since answers expire after 24 months (`response_ttl_days`).
- The baseline: the same organisation after its first closed round, in which `--baseline`
  (1,000) of the 10,000 answered.
- A middle set: `--middle-rounds` (10) rounds that everyone answered (100,000 answers). With
  8 or more rounds its trend is as deep as the big set's, so big / middle compares views that
  read the same documents and differ only in the answers stored.
- All: the latest round's delivery ledger holds everyone invited (kind "card", state sent,
  10,000 entries), since the view counts them. Earlier rounds' ledgers are not written: no view
  reads them (they are other partitions).

Documents come from the app's own repositories (RoundRepository, ResponseRepository,
PulseCounters.record and ParticipationCounter.add once per answer, DeliveryLedger claim and
settle) run against an in-memory store, and are then written in bulk: on SQLite straight into
the SqliteStore's table with the store's own stamping (etag, _ts, TTL expiry), on the Cosmos
test server through its /_test/bulk endpoint, which makes them with the same call as an
ordinary create. One request per document would take hours there: the test server sweeps a
container for expired documents on every request to it.

Each backend and size gets its own data set (SQLite file, Cosmos database, one Cosmos server)
and its own services from bootstrap.build_parts, with the admin granted through Settings.admins.
Timed runs take turns between the data sets, so the drift of a shared machine falls on all. The
time inside domain.pulse.view (the tables and the suppression: CPU only) is taken apart from
the rest. On Cosmos the server's request counters give the requests of one view. Separately
(untimed), a wrapper around the store counts and times what one view reads per container.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import math
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import services.pulse as pulse_service
from bootstrap import build_parts, open_store
from bot.settings import Settings
from domain.catalog import SCALE
from domain.checkin import CheckinAnswers, CheckinResponse
from domain.delivery import LedgerState
from domain.profile import AGE_BANDS
from domain.pseudonym import pseudonym
from domain.pulse import NO_BAND
from domain.rounds import new_round, scheduled_round_id
from services.pulse import TREND_ROUNDS
from services.round_jobs import CARD
from storage import cosmos_store, sqlite_store
from storage.counters import ParticipationCounter
from storage.ledger import DeliveryLedger
from storage.port import (
    BatchOperation,
    Conflict,
    Create,
    Document,
    DocumentStore,
    Increment,
    NotFound,
    Upsert,
)
from storage.pulse import PulseCounters
from storage.responses import ResponseRepository
from storage.rounds import RoundRepository
from tests.support.cosmos_server import CosmosTestServer, running_cosmos_server

ADMIN = "pulse-bench-admin"
PSEUDONYM_KEY = "pulse-bench"
SEED = 20240601
BULK_CHUNK = 5_000  # documents per /_test/bulk request (about 2 MB of JSON)

# A municipality's service areas and age bands, with uneven weights: a few cells are small.
AREAS: dict[str, float] = {
    "Helse og omsorg": 0.34,
    "Oppvekst og utdanning": 0.27,
    "Teknikk og miljø": 0.10,
    "Velferd/NAV": 0.09,
    "Byutvikling": 0.07,
    "Kultur og idrett": 0.05,
    "Økonomi og styring": 0.05,
    "Digitalisering": 0.03,
}
BANDS: dict[str, float] = dict(
    zip((*AGE_BANDS, NO_BAND), (0.12, 0.24, 0.26, 0.22, 0.10, 0.06), strict=True)
)
# Answer distributions on the 1-5 scale, per item (others: the middle-heavy default).
SCORE_WEIGHTS: dict[str, tuple[int, ...]] = {
    "stress": (15, 30, 30, 18, 7),
    "strain": (25, 35, 25, 11, 4),
    "social": (6, 14, 30, 32, 18),
}
DEFAULT_WEIGHTS = (4, 10, 28, 38, 20)
COMMENTS = ("Savner kollegaene på fredager.", "Bra uke.", "For mange møter på Teams.")


# -- the organisation and its answers ---------------------------------------------------------


@dataclass(frozen=True)
class Person:
    user_id: str
    pseudonym: str
    area: str
    band: str  # NO_BAND: not given (the profile's "")


@dataclass(frozen=True)
class DataSet:
    name: str
    rounds: int
    answering: int  # people who answered each round

    @property
    def answers(self) -> int:
        return self.rounds * self.answering


def organisation(size: int, key: bytes, rng: random.Random) -> list[Person]:
    areas = rng.choices(list(AREAS), weights=list(AREAS.values()), k=size)
    bands = rng.choices(list(BANDS), weights=list(BANDS.values()), k=size)
    people = []
    for area, band in zip(areas, bands, strict=True):
        user_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        people.append(Person(user_id, pseudonym(user_id, key), area, band))
    return people


# -- an in-memory store to run the app's repositories against ---------------------------------


class MemoryStore:
    """Just enough of a DocumentStore to run the app's repositories and keep what they write."""

    def __init__(self) -> None:
        self.docs: dict[tuple[str, str, str], Document] = {}

    def _put(self, container: str, doc: Document) -> Document:
        stored = {k: v for k, v in doc.items() if k not in ("_etag", "_ts")}
        self.docs[(container, stored["pk"], stored["id"])] = stored
        return {**stored, "_etag": uuid.uuid4().hex}

    async def read(self, container: str, pk: str, doc_id: str) -> Document | None:
        doc = self.docs.get((container, pk, doc_id))
        return {**doc, "_etag": ""} if doc else None

    async def create(self, container: str, doc: Document) -> Document:
        if (container, doc["pk"], doc["id"]) in self.docs:
            raise Conflict(doc["id"])
        return self._put(container, doc)

    async def replace(self, container: str, doc: Document, etag: str | None = None) -> Document:
        if (container, doc["pk"], doc["id"]) not in self.docs:
            raise NotFound(doc["id"])
        return self._put(container, doc)

    async def upsert(self, container: str, doc: Document) -> Document:
        return self._put(container, doc)

    async def delete(self, container: str, pk: str, doc_id: str, etag: str | None = None) -> None:
        if self.docs.pop((container, pk, doc_id), None) is None:
            raise NotFound(doc_id)

    async def query(
        self, container: str, pk: str, equals: Mapping[str, Any] | None = None
    ) -> list[Document]:
        return [
            {**doc, "_etag": ""}
            for (c, p, _), doc in sorted(self.docs.items())
            if c == container
            and p == pk
            and all(doc.get(k) == v for k, v in (equals or {}).items())
        ]

    async def increment(
        self, container: str, pk: str, doc_id: str, deltas: Mapping[str, int]
    ) -> Document:
        doc = self.docs.get((container, pk, doc_id))
        if doc is None:
            doc = self.docs[(container, pk, doc_id)] = {"id": doc_id, "pk": pk}
        for name, delta in deltas.items():
            doc[name] = doc.get(name, 0) + delta
        return doc

    async def batch(self, container: str, pk: str, operations: Sequence[BatchOperation]) -> None:
        for op in operations:  # one writer, no failures to roll back
            match op:
                case Create(doc):
                    await self.create(container, doc)
                case Upsert(doc):
                    await self.upsert(container, doc)
                case Increment(doc_id, deltas):
                    await self.increment(container, pk, doc_id, deltas)

    async def close(self) -> None:
        pass

    def take(self) -> dict[str, list[Document]]:
        """Everything written so far, by container; the store is empty afterwards."""
        by_container: dict[str, list[Document]] = defaultdict(list)
        for (container, _, _), doc in self.docs.items():
            by_container[container].append(doc)
        self.docs = {}
        return by_container


# -- bulk writers ------------------------------------------------------------------------------


class SqliteBulk:
    """Rows exactly as SqliteStore.create writes them (its own stamping), many per transaction."""

    def __init__(self, store: sqlite_store.SqliteStore, path: str) -> None:
        self._store = store
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        # Only this loading connection: a large page cache for inserts at random keys, and no
        # fsync (the file is thrown away after the run).
        self._db.execute("PRAGMA cache_size = -500000")
        self._db.execute("PRAGMA synchronous = OFF")

    def write(self, container: str, docs: list[Document]) -> None:
        rows = []
        for doc in docs:
            stored, etag = self._store._stamped(doc)
            expires = self._store._expiry(doc)
            body = sqlite_store._encode(stored)
            rows.append((container, stored["pk"], stored["id"], body, etag, expires))
        self._db.execute("BEGIN IMMEDIATE")
        self._db.executemany(
            "INSERT INTO documents (container, pk, id, body, etag, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()


class CosmosBulk:
    """Documents as the SDK sends them to create (CosmosStore's body), through /_test/bulk."""

    def __init__(self, server: CosmosTestServer, database: str) -> None:
        self._database = database
        self._conn = http.client.HTTPSConnection(
            "127.0.0.1", server.port, context=server.ssl_context(), timeout=300
        )

    def write(self, container: str, docs: list[Document]) -> None:
        for start in range(0, len(docs), BULK_CHUNK):
            chunk = [cosmos_store._body(doc) for doc in docs[start : start + BULK_CHUNK]]
            payload = json.dumps(
                {"database": self._database, "container": container, "documents": chunk},
                ensure_ascii=False,
            ).encode()
            self._conn.request(
                "POST", "/_test/bulk", body=payload, headers={"content-type": "application/json"}
            )
            response = self._conn.getresponse()
            answer = json.loads(response.read() or b"null")
            if response.status != 200 or answer.get("created") != len(chunk):
                raise RuntimeError(f"/_test/bulk into {container}: {response.status} {answer}")

    def close(self) -> None:
        self._conn.close()


Writer = SqliteBulk | CosmosBulk


async def generate(
    data: DataSet,
    people: list[Person],
    settings: Settings,
    writers: dict[str, Writer],
    rng: random.Random,
) -> dict[str, float]:
    """Writes the data set through `writers`; returns the seconds each backend spent writing."""
    spent: dict[str, float] = defaultdict(float)

    def flush(memory: MemoryStore) -> None:
        for container, docs in memory.take().items():
            for backend, writer in writers.items():
                started = time.perf_counter()
                writer.write(container, docs)
                spent[backend] += time.perf_counter() - started

    meta = MemoryStore()
    rounds_repo = RoundRepository(meta)
    ttl = settings.response_ttl_days * 24 * 3600
    key = settings.load_pseudonym_key()
    week = timedelta(days=settings.round_days)
    # The latest round closed a day ago; the earlier ones a week apart before it.
    last_opened = datetime.now(UTC).replace(microsecond=0) - week - timedelta(days=1)
    items = settings.checkin_items
    latest = None
    for n in range(data.rounds):
        opened = last_opened - week * (data.rounds - 1 - n)
        round_ = new_round(scheduled_round_id(opened, settings.timezone), opened, items, week)
        round_ = replace(round_, reminded_at=opened + timedelta(days=2))
        await rounds_repo.create(round_)
        latest = round_

        answers = MemoryStore()
        responses = ResponseRepository(answers, key, ttl_seconds=ttl)
        counters = PulseCounters(answers)
        participation = ParticipationCounter(answers)
        who = people if data.answering == len(people) else rng.sample(people, data.answering)
        scores = {
            item: rng.choices(SCALE, weights=SCORE_WEIGHTS.get(item, DEFAULT_WEIGHTS), k=len(who))
            for item in items
        }
        for i, person in enumerate(who):
            given = CheckinAnswers(
                {item: scores[item][i] for item in items},
                contact_me=rng.random() < 0.03,
                comment=rng.choice(COMMENTS) if rng.random() < 0.05 else "",
            )
            # What a stored submit writes: the answer, its cell's counter, the participation.
            await responses.add(CheckinResponse(round_.id, person.pseudonym, given))
            await counters.record(round_.id, person.area, person.band, given.scores)
            await participation.add(round_.id)
        flush(answers)

    # The latest round's ledger: everyone was invited and the card reached them.
    assert latest is not None
    ledger = DeliveryLedger(meta)
    for person in people:
        entry = await ledger.claim(latest.id, CARD, person.user_id, "bench-host", None)
        assert entry is not None
        await ledger.settle(entry, LedgerState.SENT, 201, 1)
    flush(meta)
    return spent


# -- measuring ---------------------------------------------------------------------------------


class TracingStore:
    """Forwards to a store; per container, counts calls and documents read and times them."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store
        self.calls: Counter[str] = Counter()
        self.docs: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def reset(self) -> None:
        self.calls, self.docs, self.seconds = Counter(), Counter(), defaultdict(float)

    def _count(self, container: str, docs: int, started: float) -> None:
        self.calls[container] += 1
        self.docs[container] += docs
        self.seconds[container] += time.perf_counter() - started

    async def read(self, container: str, pk: str, doc_id: str) -> Document | None:
        started = time.perf_counter()
        doc = await self._store.read(container, pk, doc_id)
        self._count(container, 1 if doc else 0, started)
        return doc

    async def query(
        self, container: str, pk: str, equals: Mapping[str, Any] | None = None
    ) -> list[Document]:
        started = time.perf_counter()
        docs = await self._store.query(container, pk, equals)
        self._count(container, len(docs), started)
        return docs

    async def create(self, container: str, doc: Document) -> Document:
        started = time.perf_counter()
        created = await self._store.create(container, doc)
        self._count(container, 0, started)
        return created


@dataclass
class Measured:
    times: list[float] = field(default_factory=list)
    computing: list[float] = field(default_factory=list)  # in domain.pulse.view, per view
    requests: dict[str, int] | None = None
    reads: str = ""
    check: str = ""

    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    def p90_ms(self) -> float:
        ordered = sorted(self.times)  # nearest rank
        return ordered[max(0, math.ceil(len(ordered) * 0.9) - 1)] * 1000

    def compute_ms(self) -> float:
        return statistics.median(self.computing) * 1000

    def rest_ms(self) -> float:
        """Everything but the domain computation: storage, the service's own work."""
        return (
            statistics.median(t - c for t, c in zip(self.times, self.computing, strict=True)) * 1000
        )


class ViewClock:
    """Times domain.pulse.protected and view (the table, the suppression and its audit, once
    per round; the view per scope) inside PulseService.report."""

    NAMES = ("protected", "view")

    def __init__(self) -> None:
        self.seconds = 0.0
        self._originals = {name: getattr(pulse_service, name) for name in self.NAMES}

    def __enter__(self) -> ViewClock:
        def timing(original: Any) -> Any:
            def timed(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    self.seconds += time.perf_counter() - started

            return timed

        for name, original in self._originals.items():
            setattr(pulse_service, name, timing(original))
        return self

    def __exit__(self, *_: object) -> None:
        for name, original in self._originals.items():
            setattr(pulse_service, name, original)


async def measure(
    backend: str,
    sets: dict[str, tuple[Settings, DocumentStore]],
    expected: dict[str, tuple[int, int]],
    runs: int,
    warmup: int,
    breakdown_runs: int,
    cosmos: CosmosTestServer | None,
) -> dict[str, Measured]:
    parts = {name: build_parts(s, store) for name, (s, store) in sets.items()}
    results = {name: Measured() for name in sets}
    tracing = {name: TracingStore(store) for name, (_, store) in sets.items()}
    traced = {name: build_parts(s, tracing[name]) for name, (s, _) in sets.items()}
    names = list(sets)
    try:
        for name in names:
            # Untimed: that the view shows what was stored, and the requests it makes.
            report = await traced[name].pulse.report(ADMIN)
            current = report.view
            assert current is not None and current.scope_total is not None
            answered, invited = expected[name]
            if (current.scope_total.n, current.invited) != (answered, invited):
                raise AssertionError(
                    f"{backend} {name}: view shows {current.scope_total.n} of {current.invited}, "
                    f"stored {answered} of {invited}"
                )
            margins = [*current.by_area.values(), *current.by_band.values()]
            hidden = sum(1 for s in margins if s is None)
            results[name].check = (
                f"latest round: {answered:,} answered of {invited:,} invited, "
                f"{hidden} of {len(margins)} margins hidden; "
                f"trend of {len(report.trend)} rounds"
            )
            if cosmos:
                cosmos.reset_stats()
                await parts[name].pulse.report(ADMIN)
                results[name].requests = dict(cosmos.stats()["byVerbResource"])

        for n in range(warmup + runs):
            shift = n % len(names)  # each data set goes first in turn
            for name in names[shift:] + names[:shift]:
                with ViewClock() as clock:
                    started = time.perf_counter()
                    await parts[name].pulse.report(ADMIN)
                    elapsed = time.perf_counter() - started
                if n >= warmup:
                    results[name].times.append(elapsed)
                    results[name].computing.append(clock.seconds)

        # Untimed: what one view reads and how long it waits on each container, through the
        # tracing wrapper (taking turns too).
        seconds: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in names}
        for n in range(breakdown_runs):
            shift = n % len(names)
            for name in names[shift:] + names[:shift]:
                tracing[name].reset()
                await traced[name].pulse.report(ADMIN)
                for container, spent in tracing[name].seconds.items():
                    seconds[name][container].append(spent)
        for name in names:
            t = tracing[name]
            results[name].reads = ", ".join(
                f"{c} {t.docs[c]:,} docs/{t.calls[c]} calls "
                f"{statistics.median(seconds[name][c]) * 1000:.1f} ms"
                for c in sorted(t.calls)
            )
    finally:
        for p in [*parts.values(), *traced.values()]:
            await p.sender.close()
    return results


# -- the run -----------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    base = Settings(pseudonym_key=PSEUDONYM_KEY, admins=(ADMIN,))
    rng = random.Random(SEED)
    people = organisation(args.people, base.load_pseudonym_key(), rng)
    small = DataSet("baseline", 1, args.baseline)
    middle = DataSet("middle", args.middle_rounds, args.people)
    big = DataSet("big", args.rounds, args.people)
    sets = (small, middle, big)
    expected = {d.name: (d.answering, args.people) for d in sets}
    cells = Counter((p.area, p.band) for p in people)

    print("Pulse view: PulseService.report for an admin (the whole organisation's view)")
    print(
        f"organisation: {args.people:,} people in {len(cells)} cells "
        f"({len(AREAS)} service areas x {len(BANDS)} age bands incl. none), "
        f"{min(cells.values())} to {max(cells.values())} people a cell, k={base.anonymity_k}"
    )
    print(
        f"{'data set':<9} {'closed rounds':>13} {'answered/round':>15} {'stored answers':>15} "
        f"{'invited, latest round':>22}"
    )
    for d in sets:
        print(f"{d.name:<9} {d.rounds:>13} {d.answering:>15,} {d.answers:>15,} {args.people:>22,}")

    results: dict[str, dict[str, Measured]] = {}
    with tempfile.TemporaryDirectory() as tmp, running_cosmos_server() as cosmos:
        stores: dict[str, dict[str, tuple[Settings, DocumentStore]]] = {"sqlite": {}, "cosmos": {}}
        try:
            print(
                "\ngenerating: documents made once with the app's repositories, bulk-written to both"
            )
            for d in sets:
                sqlite_settings = replace(base, sqlite_path=f"{tmp}/{d.name}.sqlite3")
                cosmos_settings = replace(
                    base,
                    storage="cosmos",
                    cosmos_endpoint=cosmos.endpoint,
                    cosmos_key=cosmos.key,
                    cosmos_database=f"pulse-{d.name}",
                )
                sqlite = await open_store(sqlite_settings)
                stores["sqlite"][d.name] = (sqlite_settings, sqlite)
                on_cosmos = await open_store(cosmos_settings)
                stores["cosmos"][d.name] = (cosmos_settings, on_cosmos)
                assert isinstance(sqlite, sqlite_store.SqliteStore)
                writers: dict[str, Writer] = {
                    "sqlite": SqliteBulk(sqlite, sqlite_settings.sqlite_path),
                    "cosmos": CosmosBulk(cosmos, cosmos_settings.cosmos_database),
                }
                started = time.perf_counter()
                spent = await generate(d, people, base, writers, rng)
                total = time.perf_counter() - started
                for writer in writers.values():
                    writer.close()
                print(
                    f"  {d.name:<9} {d.answers:>10,} answers: {total:6.1f} s in all; writing "
                    f"took sqlite {spent['sqlite']:5.1f} s, cosmos {spent['cosmos']:5.1f} s"
                )

            for backend in ("sqlite", "cosmos"):
                results[backend] = await measure(
                    backend,
                    stores[backend],
                    expected,
                    args.runs,
                    args.warmup,
                    args.breakdown_runs,
                    cosmos if backend == "cosmos" else None,
                )
        finally:
            for opened in stores.values():
                for _, store in opened.values():
                    await store.close()

    print(
        "\nwhat one view reads and writes, per container: documents read / store calls, "
        f"median time in the store over {args.breakdown_runs} views (untimed runs)"
    )
    for d in sets:
        print(f"  {d.name}: {results['sqlite'][d.name].check}")
        for backend, by_name in results.items():
            print(f"    {backend:<7} {by_name[d.name].reads}")
    print(f"\n{args.runs} timed views per backend and data set, after {args.warmup} warm-ups")
    print(
        f"{'backend':<7} {'answers':>10} {'median ms':>10} {'p90 ms':>8} {'compute':>8} "
        f"{'rest':>7}  requests per view"
    )
    for backend, by_name in results.items():
        for d in sets:
            m = by_name[d.name]
            requests = "-"
            if m.requests is not None:
                detail = ", ".join(f"{k} {v}" for k, v in sorted(m.requests.items()))
                requests = f"{sum(m.requests.values())} ({detail})"
            print(
                f"{backend:<7} {d.answers:>10,} {m.median_ms():>10.1f} {m.p90_ms():>8.1f} "
                f"{m.compute_ms():>8.1f} {m.rest_ms():>7.1f}  {requests}"
            )
    print(
        "  compute: median time in domain.pulse.protected and view (table, suppression and "
        "audit: once per round, cached; the view per scope); rest: the median of the remainder "
        "(storage)"
    )
    same_depth = min(middle.rounds, TREND_ROUNDS) == min(big.rounds, TREND_ROUNDS)
    for over, label in (
        (small, "target < 1.5"),
        (middle, "the same trend depth" if same_depth else "a shallower trend"),
    ):
        print(f"\nratio {big.answers:,} / {over.answers:,} answers ({label})")
        for backend, by_name in results.items():
            a, b = by_name[over.name], by_name[big.name]
            print(
                f"  {backend:<7} median {b.median_ms() / a.median_ms():.2f}   "
                f"p90 {b.p90_ms() / a.p90_ms():.2f}   rest {b.rest_ms() / a.rest_ms():.2f}"
            )
    print(f"\ntotal {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--breakdown-runs", type=int, default=10, help="views timed per container (untimed runs)"
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=100, help="closed rounds of the big set")
    parser.add_argument(
        "--middle-rounds", type=int, default=10, help="closed rounds of the middle set"
    )
    parser.add_argument(
        "--baseline", type=int, default=1_000, help="answers in the baseline's one round"
    )
    asyncio.run(main(parser.parse_args()))
