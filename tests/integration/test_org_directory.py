"""The organisation directory: the repository on every backend, the import service and the
`org` command line. The CSV rules alone: tests/unit/test_org_csv.py."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from domain.org import Person, fingerprint
from services.org_directory import OrgDirectoryService
from storage.directory import CONTAINER, DirectoryConflict, DirectoryRepository, people_pk
from storage.leases import LeaseStore
from storage.port import Document, DocumentStore
from tests.support.example_org import EXAMPLE
from tests.support.org_csv import csv_text, gid, person, row
from tests.support.processes import run_app

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


# --- the repository, on every backend --------------------------------------------------------

SCHOOL = [
    person(1, "Ingrid"),
    person(2, "Lars", manager=1),
    person(3, "Kari", manager=2),
    person(4, "Ole", manager=2),
    person(5, "Erik", area="Helse og omsorg"),
]


async def test_lookups_of_an_imported_directory(store: DocumentStore) -> None:
    directory = DirectoryRepository(store)
    assert await directory.current() is None
    assert await directory.person(gid(1)) is None
    assert await directory.everyone() == []

    replaced = await directory.replace_all(SCHOOL, "csv", NOW)
    assert replaced.changed and str(replaced.changes) == "5 added, 0 removed, 0 changed"
    current = await directory.current()
    assert current is not None and current.version == fingerprint(SCHOOL)
    assert (current.source, str(current.summary)) == ("csv", "5 people, 2 leaders, 2 service areas")
    assert current.updated_at == current.checked_at == NOW

    assert await directory.person(gid(3)) == SCHOOL[2]
    assert sorted(p.name for p in await directory.direct_reports(gid(2))) == ["Kari", "Ole"]
    assert await directory.direct_reports(gid(3)) == []
    assert await directory.is_leader(gid(1)) and await directory.is_leader(gid(2))
    assert not await directory.is_leader(gid(3)) and not await directory.is_leader(gid(99))
    assert sorted(await directory.everyone(), key=lambda p: p.id) == SCHOOL


async def test_a_new_import_replaces_everything_and_the_old_version_is_deleted(
    store: DocumentStore,
) -> None:
    directory = DirectoryRepository(store)
    await directory.replace_all(SCHOOL, "csv", NOW)
    old = fingerprint(SCHOOL)
    # Ole leaves, Kari moves to report to Ingrid, Per arrives.
    new = [SCHOOL[0], SCHOOL[1], person(3, "Kari", manager=1), SCHOOL[4], person(6, "Per")]
    replaced = await directory.replace_all(new, "csv", NOW + timedelta(days=1))
    assert str(replaced.changes) == "1 added, 1 removed, 1 changed"
    assert await directory.person(gid(4)) is None
    assert [p.name for p in await directory.direct_reports(gid(2))] == []
    assert not await directory.is_leader(gid(2))
    assert sorted(p.name for p in await directory.direct_reports(gid(1))) == ["Kari", "Lars"]
    assert len(await directory.everyone()) == 5
    assert await store.query(CONTAINER, people_pk(old)) == []
    pointer = await store.read(CONTAINER, "directory", "current")
    assert pointer is not None and pointer["retired"] == [] and pointer["staging"] is None


async def test_importing_the_same_content_again_writes_no_people(store: DocumentStore) -> None:
    directory = DirectoryRepository(store)
    await directory.replace_all(SCHOOL, "csv", NOW)
    before = await store.query(CONTAINER, people_pk(fingerprint(SCHOOL)))
    replaced = await directory.replace_all(list(reversed(SCHOOL)), "graph", NOW + timedelta(1))
    assert not replaced.changed and str(replaced.changes) == "0 added, 0 removed, 0 changed"
    assert replaced.version.updated_at == NOW
    assert replaced.version.checked_at == NOW + timedelta(1)
    assert replaced.version.source == "graph"
    after = await store.query(CONTAINER, people_pk(fingerprint(SCHOOL)))
    assert [d["_etag"] for d in after] == [d["_etag"] for d in before]


class Stopped(Exception):
    pass


class StopAfter:
    """A store that fails (like a killed process) after `writes` upserts of people."""

    def __init__(self, store: DocumentStore, writes: int) -> None:
        self._store = store
        self.left = writes
        self._one_at_a_time = asyncio.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def upsert(self, container: str, doc: Document) -> Document:
        async with self._one_at_a_time:  # so that exactly `writes` land
            if self.left == 0:
                raise Stopped("stopped half-way")
            self.left -= 1
            return await self._store.upsert(container, doc)


async def test_an_import_stopped_half_way_is_invisible_then_resumed_or_swept(
    store: DocumentStore,
) -> None:
    directory = DirectoryRepository(store)
    await directory.replace_all(SCHOOL[:2], "csv", NOW)
    new = [*SCHOOL, person(6, "Per")]

    with pytest.raises(Stopped):
        await DirectoryRepository(StopAfter(store, 3)).replace_all(new, "csv", NOW)
    # Half written, nothing of it visible: the old directory answers as before.
    assert len(await store.query(CONTAINER, people_pk(fingerprint(new)))) == 3
    assert sorted(await directory.everyone(), key=lambda p: p.id) == SCHOOL[:2]
    assert await directory.person(gid(3)) is None
    assert await directory.direct_reports(gid(2)) == []

    # The same file again finishes the job.
    replaced = await directory.replace_all(new, "csv", NOW)
    assert replaced.changed and len(await directory.everyone()) == 6

    # Stopped again with other content; the next import sweeps it away, also when that one
    # brings the content that is live already.
    abandoned = [*new, person(7, "Siv")]
    with pytest.raises(Stopped):
        await DirectoryRepository(StopAfter(store, 2)).replace_all(abandoned, "csv", NOW)
    assert len(await store.query(CONTAINER, people_pk(fingerprint(abandoned)))) == 2
    assert not (await directory.replace_all(new, "csv", NOW)).changed
    assert await store.query(CONTAINER, people_pk(fingerprint(abandoned))) == []
    await directory.replace_all(SCHOOL, "csv", NOW)
    assert await store.query(CONTAINER, people_pk(fingerprint(new))) == []
    assert sorted(await directory.everyone(), key=lambda p: p.id) == SCHOOL


class InterruptedBy:
    """Runs another import right after the first person is written: the lease was lost."""

    def __init__(self, store: DocumentStore, other: list[Person]) -> None:
        self._store = store
        self._other: list[Person] | None = other

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def upsert(self, container: str, doc: Document) -> Document:
        written = await self._store.upsert(container, doc)
        if self._other is not None:
            other, self._other = self._other, None
            await DirectoryRepository(self._store).replace_all(other, "graph", NOW)
        return written


async def test_the_pointer_etag_keeps_an_overtaken_import_from_flipping(
    store: DocumentStore,
) -> None:
    directory = DirectoryRepository(store)
    await directory.replace_all(SCHOOL[:1], "csv", NOW)
    overtaken = DirectoryRepository(InterruptedBy(store, SCHOOL[:3]))
    with pytest.raises(DirectoryConflict):
        await overtaken.replace_all(SCHOOL, "csv", NOW)
    current = await directory.current()
    assert current is not None and current.version == fingerprint(SCHOOL[:3])
    assert len(await directory.everyone()) == 3


# --- the import service ----------------------------------------------------------------------


def service(store: DocumentStore) -> OrgDirectoryService:
    return OrgDirectoryService(DirectoryRepository(store), LeaseStore(store), clock=lambda: NOW)


async def test_a_file_with_errors_changes_nothing_and_a_good_one_replaces(
    store: DocumentStore,
) -> None:
    org = service(store)
    first = await org.import_csv(EXAMPLE.read_bytes())
    assert first.errors == [] and first.replaced is not None
    before = await org.current()

    good_rows = [row(1, "Ingrid"), row(2, "Lars", manager=1)]
    bad = await org.import_csv(csv_text(*good_rows, row(3, "Kari", manager=42)).encode())
    assert [str(e) for e in bad.errors] == [
        f"line 4: unknown manager {gid(42)}: nobody here has that id"
    ]
    assert bad.replaced is None and not bad.busy
    assert await org.current() == before
    assert len(await DirectoryRepository(store).everyone()) == 17

    good = await org.import_csv(csv_text(*good_rows).encode())
    assert good.replaced is not None
    assert str(good.replaced.changes) == "2 added, 17 removed, 0 changed"
    assert [p.name for p in await DirectoryRepository(store).everyone()] == ["Ingrid", "Lars"]


async def test_an_import_waits_for_no_one_while_another_holds_the_lease(
    store: DocumentStore,
) -> None:
    assert await LeaseStore(store).acquire("directory", "the nightly sync", timedelta(minutes=1))
    outcome = await service(store).import_csv(EXAMPLE.read_bytes())
    assert outcome.busy
    assert await DirectoryRepository(store).current() is None


# --- the command line ------------------------------------------------------------------------


@pytest.mark.slow
def test_org_import_from_the_command_line(tmp_path: Path) -> None:
    env = {"STORAGE": "sqlite", "SQLITE_PATH": str(tmp_path / "data" / "bot.sqlite3")}
    status = run_app(["org", "status"], env, tmp_path)
    assert status.returncode == 1 and "no organisation directory yet" in status.stdout

    done = run_app(["org", "import", str(EXAMPLE)], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"imported {EXAMPLE}: 17 people, 7 leaders, 3 service areas "
        "(17 added, 0 removed, 0 changed)\n"
    )
    again = run_app(["org", "import", str(EXAMPLE)], env, tmp_path)
    assert again.returncode == 0 and "holds exactly this already" in again.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text(
        csv_text(row(1, "Ingrid", manager=2), row(2, "Lars", manager=1), ",Tom,t@x,,A,B"),
        encoding="utf-8",
    )
    refused = run_app(["org", "import", str(bad)], env, tmp_path)
    assert refused.returncode == 1
    assert refused.stdout.splitlines() == [
        "line 2: manager cycle: Ingrid (line 2) → Lars (line 3) → Ingrid (line 2)",
        "line 3: manager cycle: Lars (line 3) → Ingrid (line 2) → Lars (line 3)",
        "line 4: empty aad_object_id",
        f"{bad}: 3 errors; nothing was imported",
    ]
    status = run_app(["org", "status"], env, tmp_path)
    assert status.returncode == 0
    assert status.stdout.splitlines()[0] == "17 people, 7 leaders, 3 service areas"

    smaller = tmp_path / "smaller.csv"
    smaller.write_text(csv_text(row(1, "Ingrid"), row(2, "Lars", manager=1)), encoding="utf-8")
    replaced = run_app(["org", "import"], {**env, "ORG_CSV": str(smaller)}, tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    assert "2 people, 1 leader, 1 service area (2 added, 17 removed, 0 changed)" in (
        replaced.stdout
    )

    missing = run_app(["org", "import", str(tmp_path / "nope.csv")], env, tmp_path)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
