"""The organisation directory in the `directory` container, replaced whole by each import.

Partitions (container `directory`, partition key `/pk`):

| pk                   | documents                                   | access pattern                    |
|----------------------|---------------------------------------------|-----------------------------------|
| `"directory"`        | `current`: the pointer to the live version  | point read before every lookup    |
| `"people:<version>"` | one per person (id = Entra object id)       | person by id: point read; direct  |
|                      | with `manager_id` and `reports` (a count)   | reports: query of this partition  |
|                      |                                             | on `manager_id`; everyone: query  |
|                      |                                             | of the whole partition            |
| `"roles"`            | reserved for assigned roles (issue 7)       | outside the versions: an import   |
|                      |                                             | never touches them                |

Why one partition per version: all three lookups stay inside one partition (a point read, or
a query with an equality filter), and a whole version can be written, found and deleted
without a cross-partition query. A person is about 300 bytes, so 100,000 people are 30 MB,
far below a logical partition's 20 GB; a partition serves up to 10,000 RU/s, i.e. 10,000
point reads a second. `reports` (the number of direct reports) is stored on each person so
that "is this person a leader?" is one point read.

Import atomicity: a version is named by the fingerprint of its content (`domain.org`). An
import writes every person under the new version first, and only then flips the pointer to
it, with the pointer's ETag; readers follow the pointer, so they see the old directory or the
new one, never a mix of the two and never half of one. (One caveat on Cosmos DB at Session
consistency: a host other than the importer reads from any replica, and one that lags may for
a moment show the new version incomplete; it never shows people of another version.)

The pointer also records the version being written (`staging`) and versions to delete
(`retired`). An import stopped half-way is resumed by importing the same content again (same
fingerprint, same partition, upserts) and is swept away by any other import. Importing the
content that is live already writes nothing but the pointer's `checked_at`. Imports run under
the `directory` lease (services/org_directory.py); the ETag on the pointer stops one that
lost its lease from flipping anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from domain.org import Changes, Person, Summary, changes, direct_reports, fingerprint, summarize
from storage.port import (
    Conflict,
    Document,
    DocumentStore,
    NotFound,
    PreconditionFailed,
    StorageError,
)

CONTAINER = "directory"
POINTER_PK = "directory"
POINTER_ID = "current"
ROLES_PK = "roles"  # issue 7
# A person is looked up on every check-in (their service area and leader). A version never
# changes once written (it is named by its content), so what was read of it is kept; only the
# pointer can move, and a host follows an import within this many seconds. Until then it counts
# an answer into the cell the previous import gave the person: the number of answers, which the
# pulse and its recount keep, does not change.
POINTER_CACHE_SECONDS = 30.0
_PEOPLE_KEPT = 4096  # about 1.5 MB of people; a host of a larger organisation reads a few again
# Writes in flight during an import: enough to hide round trips, few enough not to be
# throttled at once (the backends retry throttled writes themselves).
_CONCURRENCY = 16

T = TypeVar("T")


class DirectoryConflict(StorageError):
    """Another import changed the pointer meanwhile (this one lost its lease)."""


@dataclass(frozen=True)
class DirectoryVersion:
    version: str
    source: str  # "csv" or "graph"
    summary: Summary
    updated_at: datetime  # when this content was imported
    checked_at: datetime  # when an import last found this content (the same or new)


@dataclass(frozen=True)
class Replaced:
    version: DirectoryVersion
    changes: Changes
    changed: bool  # False: the content was the live one already


def people_pk(version: str) -> str:
    return f"people:{version}"


class DirectoryRepository:
    def __init__(
        self, store: DocumentStore, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._store = store
        self._monotonic = monotonic
        self._pointed: tuple[float, str | None] | None = None  # (until when, version)
        self._pointing = asyncio.Lock()  # one read of the pointer for the lookups waiting on it
        self._people_read: OrderedDict[tuple[str, str], Document] = OrderedDict()

    # -- reading --------------------------------------------------------------------------

    async def current(self) -> DirectoryVersion | None:
        pointer = await self._pointer()
        return _version(pointer) if pointer and pointer.get("version") else None

    async def person(self, person_id: str) -> Person | None:
        doc = await self._person_doc(person_id)
        return _person(doc) if doc else None

    async def is_leader(self, person_id: str) -> bool:
        doc = await self._person_doc(person_id)
        return bool(doc and doc.get("reports", 0) > 0)

    async def team_size(self, leader_id: str) -> int:
        """How many report directly to the person: one point read."""
        doc = await self._person_doc(leader_id)
        return int(doc.get("reports", 0)) if doc else 0

    async def direct_reports(self, leader_id: str) -> list[Person]:
        version = await self._live()
        if version is None:
            return []
        docs = await self._store.query(CONTAINER, people_pk(version), {"manager_id": leader_id})
        return [_person(doc) for doc in docs]

    async def in_unit(self, unit: str) -> list[Person]:
        """Everyone of one unit (enhet): one query of the live version's partition."""
        version = await self._live()
        if version is None or not unit:
            return []
        docs = await self._store.query(CONTAINER, people_pk(version), {"unit": unit})
        return [_person(doc) for doc in docs]

    async def everyone(self) -> list[Person]:
        version = await self._live()
        return await self._people(version) if version else []

    # -- replacing ------------------------------------------------------------------------

    async def replace_all(self, people: Sequence[Person], source: str, now: datetime) -> Replaced:
        """Make `people` the directory, all at once; the caller has checked them and holds
        the `directory` lease."""
        version = fingerprint(people)
        pointer = await self._pointer()
        live = pointer.get("version") if pointer else None
        # An import stopped half-way left its version as `staging`: it goes with the retired
        # ones, unless this import is of the same content and takes it up again.
        leftovers = [*(pointer.get("retired", []) if pointer else [])]
        leftovers.append(pointer.get("staging") if pointer else None)
        retired = [v for v in leftovers if v and v not in (version, live)]
        if pointer and live == version:
            pointer = await self._write_pointer(
                pointer, source=source, checked_at=now.isoformat(), staging=None, retired=retired
            )
            await self._sweep(pointer)
            return Replaced(_version(pointer), Changes(0, 0, 0), changed=False)

        before = await self._people(live) if live else []  # for the counts of what changed
        # Say what is being written before writing it, so that a stop half-way is taken up
        # or swept away by the next import.
        pointer = await self._write_pointer(pointer, staging=version, retired=retired)
        pointer = await self._sweep(pointer)
        await self._write_people(version, people)

        stamp = now.isoformat()
        pointer = await self._write_pointer(
            pointer,
            version=version,
            staging=None,
            retired=[*pointer.get("retired", []), *([live] if live else [])],
            source=source,
            summary=_summary_doc(summarize(people)),
            updated_at=stamp,
            checked_at=stamp,
        )
        await self._sweep(pointer)
        return Replaced(_version(pointer), changes(before, people), changed=True)

    async def _write_people(self, version: str, people: Sequence[Person]) -> None:
        reports = direct_reports(people)
        pk = people_pk(version)

        async def write(person: Person) -> None:
            await self._store.upsert(
                CONTAINER,
                {
                    "id": person.id,
                    "pk": pk,
                    "name": person.name,
                    "email": person.email,
                    "upn": person.upn,
                    "manager_id": person.manager_id,
                    "service_area": person.service_area,
                    "unit": person.unit,
                    "reports": reports.get(person.id, 0),
                },
            )

        await _each(people, write)

    async def _sweep(self, pointer: Document) -> Document:
        """Delete the retired versions' people, then forget them."""
        retired: list[str] = pointer.get("retired", [])
        if not retired:
            return pointer
        for version in retired:
            docs = await self._store.query(CONTAINER, people_pk(version))

            async def delete(doc: Document, pk: str = people_pk(version)) -> None:
                with contextlib.suppress(NotFound):
                    await self._store.delete(CONTAINER, pk, doc["id"])

            await _each(docs, delete)
        return await self._write_pointer(pointer, retired=[])

    async def _write_pointer(self, pointer: Document | None, **fields: Any) -> Document:
        try:
            if pointer is None:
                written = await self._store.create(
                    CONTAINER,
                    {"id": POINTER_ID, "pk": POINTER_PK, "version": None, "retired": [], **fields},
                )
            else:
                written = await self._store.replace(
                    CONTAINER, {**pointer, **fields}, etag=pointer["_etag"]
                )
        except (PreconditionFailed, Conflict, NotFound) as error:
            raise DirectoryConflict(
                "the directory was changed by another import meanwhile; this import is not "
                "visible: run it again"
            ) from error
        self._pointed = None  # this host follows its own import at once
        return written

    # -- helpers --------------------------------------------------------------------------

    async def _pointer(self) -> Document | None:
        return await self._store.read(CONTAINER, POINTER_PK, POINTER_ID)

    async def _live(self) -> str | None:
        pointer = await self._pointer()
        version = pointer.get("version") if pointer else None
        return str(version) if version else None

    async def _person_doc(self, person_id: str) -> Document | None:
        version = await self._pointed_version(fresh=False)
        doc = await self._versioned(version, person_id)
        if doc is None and version is not None:
            # Someone new, or a version an import has swept away since: ask the pointer.
            newer = await self._pointed_version(fresh=True)
            if newer != version:
                doc = await self._versioned(newer, person_id)
        return doc

    async def _pointed_version(self, fresh: bool) -> str | None:
        asked = self._monotonic()
        async with self._pointing:
            pointed = self._pointed
            # A read that began after this lookup asked is fresh enough for it.
            if (pointed and pointed[0] - POINTER_CACHE_SECONDS >= asked) or (
                not fresh and pointed and pointed[0] > self._monotonic()
            ):
                return pointed[1]
            read_at = self._monotonic()
            version = await self._live()
            self._pointed = (read_at + POINTER_CACHE_SECONDS, version)
            return version

    async def _versioned(self, version: str | None, person_id: str) -> Document | None:
        if version is None:
            return None
        key = (version, person_id)
        if key in self._people_read:
            self._people_read.move_to_end(key)
            return self._people_read[key]
        doc = await self._store.read(CONTAINER, people_pk(version), person_id)
        if doc is not None:  # someone missing may be added by the next import: not kept
            self._people_read[key] = doc
            if len(self._people_read) > _PEOPLE_KEPT:
                self._people_read.popitem(last=False)
        return doc

    async def _people(self, version: str) -> list[Person]:
        return [_person(doc) for doc in await self._store.query(CONTAINER, people_pk(version))]


async def _each(items: Iterable[T], work: Callable[[T], Awaitable[None]]) -> None:
    """`work` on every item, `_CONCURRENCY` at a time; the first error stops the rest and is
    raised as itself (callers catch StorageError, not an ExceptionGroup)."""
    pending = iter(items)  # shared by the workers: each item is taken once

    async def worker() -> None:
        for item in pending:
            await work(item)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(_CONCURRENCY):
                group.create_task(worker())
    except ExceptionGroup as errors:
        raise errors.exceptions[0] from None


def _person(doc: Document) -> Person:
    return Person(
        id=doc["id"],
        name=doc.get("name", ""),
        email=doc.get("email", ""),
        upn=doc.get("upn", ""),
        manager_id=doc.get("manager_id") or None,
        service_area=doc.get("service_area", ""),
        unit=doc.get("unit", ""),
    )


def _summary_doc(summary: Summary) -> dict[str, int]:
    return {
        "people": summary.people,
        "leaders": summary.leaders,
        "service_areas": summary.service_areas,
    }


def _version(pointer: Document) -> DirectoryVersion:
    counts = pointer.get("summary") or {}
    return DirectoryVersion(
        version=pointer["version"],
        source=pointer.get("source", ""),
        summary=Summary(
            people=int(counts.get("people", 0)),
            leaders=int(counts.get("leaders", 0)),
            service_areas=int(counts.get("service_areas", 0)),
        ),
        updated_at=datetime.fromisoformat(pointer["updated_at"]),
        checked_at=datetime.fromisoformat(pointer["checked_at"]),
    )
