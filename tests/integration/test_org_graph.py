"""The organisation sync from Microsoft Graph, against a local Graph and token endpoint over
HTTPS (tests/support/fake_graph.py), with msal itself fetching and caching the tokens."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.graph import MAX_ATTEMPTS, GraphDirectory, GraphError
from bot.scheduler import build_scheduler, next_fire
from bot.settings import ConfigError, Settings
from bot.telemetry import OtelRoundMetrics
from domain.org import Person
from services.org_directory import OrgDataError, OrgDirectoryService
from storage.directory import DirectoryRepository
from storage.leases import LeaseStore
from storage.port import DocumentStore
from storage.sqlite_store import SqliteStore
from tests.support.fake_graph import (
    CLIENT_ID,
    CLIENT_SECRET,
    IDENTITY_HEADER,
    TENANT,
    FakeGraph,
    Sleeps,
    config,
    graph_user,
    served,
)
from tests.support.org_csv import gid
from tests.support.telemetry import Recorded

ROOT = Path(__file__).resolve().parents[2]


# Two service areas, two levels of leaders, and two people the sync must leave out.
USERS = [
    graph_user(gid(1), "Ingrid Solberg", None, "Oppvekst", "Stab oppvekst"),
    graph_user(gid(2), "Lars Haugen", gid(1), "Oppvekst", "Fjellvik skole"),
    graph_user(gid(3), "Kari Nordmann", gid(2), "Oppvekst", "Fjellvik skole"),
    graph_user(gid(4), "Ole Bakken", gid(2), "Oppvekst", "Fjellvik skole", mail=None),
    graph_user(gid(5), "Erik Johansen", None, "Helse og omsorg", "Stab helse"),
    graph_user(gid(6), "Hanne Berg", gid(5), "Helse og omsorg", "Hjemmetjenesten"),
    graph_user(gid(7), "Gjest Konsulent", gid(5), "Helse og omsorg", "", userType="Guest"),
    graph_user(gid(8), "Sluttet Person", gid(5), "Helse og omsorg", "", accountEnabled=False),
]


@pytest.fixture
async def graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeGraph]:
    async with served(tmp_path, monkeypatch, users=list(USERS), page_size=3) as fake:
        yield fake


async def test_every_page_is_read_and_managers_resolved(graph: FakeGraph) -> None:
    # Teams' deep links take the sign-in name, which need not be the address.
    (kari,) = [u for u in graph.users if u["id"] == gid(3)]
    kari["userPrincipalName"] = "kari.nordmann@fjellvik.onmicrosoft.com"
    source = GraphDirectory(config(graph))
    try:
        people = await source.people()
    finally:
        await source.close()
    assert graph.users_requests == 3  # 8 users, 3 a page
    first, *more = graph.queries
    assert first["$expand"] == "manager($select=id)" and first["$top"] == "999"
    assert {"department", "officeLocation", "accountEnabled", "userType"} <= set(
        first["$select"].split(",")
    )
    assert [q.get("$skiptoken") for q in more] == ["3", "6"]
    by_id = {p.id: p for p in people}
    assert sorted(by_id) == [gid(n) for n in range(1, 7)]  # no guest, no disabled account
    assert by_id[gid(3)] == Person(
        gid(3),
        "Kari Nordmann",
        "kari@fjellvik.example",
        gid(2),
        "Oppvekst",
        "Fjellvik skole",
        "kari.nordmann@fjellvik.onmicrosoft.com",
    )
    assert by_id[gid(2)].manager_id == gid(1) and by_id[gid(1)].manager_id is None
    assert by_id[gid(6)].manager_id == gid(5)
    assert by_id[gid(4)].email == "ole@fjellvik.example"  # no mail: the user principal name


async def test_the_sync_replaces_the_directory(graph: FakeGraph, store: DocumentStore) -> None:
    source = GraphDirectory(config(graph))
    directory = DirectoryRepository(store)
    org = OrgDirectoryService(directory, LeaseStore(store), source)
    try:
        replaced = await org.sync()
        assert replaced is not None
        assert str(replaced.version.summary) == "6 people, 3 leaders, 2 service areas"
        assert replaced.version.source == "graph"
        assert sorted(p.name for p in await directory.direct_reports(gid(2))) == [
            "Kari Nordmann",
            "Ole Bakken",
        ]
        # Ole leaves; the next sync removes him.
        graph.users = [u for u in graph.users if u["id"] != gid(4)]
        again = await org.sync()
        assert again is not None and str(again.changes) == "0 added, 1 removed, 0 changed"
        assert await directory.person(gid(4)) is None
    finally:
        await source.close()


async def test_a_token_is_fetched_once_and_reused_until_it_expires(graph: FakeGraph) -> None:
    # msal treats a token as expired 5 minutes early: this one is good for 3 more seconds.
    graph.expires_in = 5 * 60 + 3
    source = GraphDirectory(config(graph))
    try:
        await source.people()
        issued = time.monotonic()
        assert graph.token_requests == 1
        await source.people()
        await source.people()
        assert graph.token_requests == 1  # from msal's cache
        assert graph.users_requests == 9
        await asyncio.sleep(max(0.0, issued + 3.5 - time.monotonic()))
        await source.people()
        assert graph.token_requests == 2  # expired: fetched again
        assert graph.unauthorized == 0  # never sent an expired token
    finally:
        await source.close()


async def test_throttling_is_waited_out_as_graph_asks(graph: FakeGraph) -> None:
    sleeps = Sleeps()
    source = GraphDirectory(config(graph), sleep=sleeps)
    graph.fail_next(429, count=2, retry_after="7")
    graph.fail_next(503, count=1, retry_after="3")
    try:
        people = await source.people()
    finally:
        await source.close()
    assert len(people) == 6
    assert sleeps.waits == [7.0, 7.0, 3.0]
    assert graph.users_requests == 3 + 3


async def test_retries_are_bounded_and_a_failed_sync_changes_nothing(
    graph: FakeGraph, tmp_path: Path
) -> None:
    store = await SqliteStore.open(tmp_path / "bot.sqlite3")
    sleeps = Sleeps()
    source = GraphDirectory(config(graph), sleep=sleeps)
    org = OrgDirectoryService(DirectoryRepository(store), LeaseStore(store), source)
    try:
        await org.sync()
        before = await org.current()
        graph.users_requests = 0
        graph.fail_next(503, count=50)  # no Retry-After: backoff
        with pytest.raises(GraphError, match=f"after {MAX_ATTEMPTS} tries"):
            await org.sync()
        assert graph.users_requests == MAX_ATTEMPTS
        assert len(sleeps.waits) == MAX_ATTEMPTS - 1
        assert all(0.5 <= w / 2**n <= 1.5 for n, w in enumerate(sleeps.waits))  # doubling
        assert await org.current() == before
        # The lease was given back: the next sync can run.
        assert await LeaseStore(store).acquire("directory", "someone", timedelta(seconds=5))
    finally:
        await source.close()
        await store.close()


async def test_a_refusal_is_not_retried_and_names_the_permission(graph: FakeGraph) -> None:
    source = GraphDirectory(config(graph), sleep=Sleeps())
    graph.fail_next(403)
    try:
        with pytest.raises(GraphError, match=r"User\.Read\.All"):
            await source.people()
    finally:
        await source.close()
    assert graph.users_requests == 1


async def test_a_wrong_secret_fails_with_the_token_endpoints_reason(graph: FakeGraph) -> None:
    source = GraphDirectory(config(graph, client_secret="wrong"))
    try:
        with pytest.raises(GraphError, match="invalid_client"):
            await source.people()
    finally:
        await source.close()
    assert graph.users_requests == 0


async def test_the_managed_identity_signs_in_on_app_service(
    graph: FakeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{graph.base}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", IDENTITY_HEADER)
    for name in ("IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT", "MSI_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    source = GraphDirectory(config(graph, client_secret="", managed_identity=True))
    try:
        assert len(await source.people()) == 6
        assert len(await source.people()) == 6
    finally:
        await source.close()
    assert (graph.identity_requests, graph.token_requests) == (1, 0)


async def test_a_next_page_on_another_host_is_not_followed(graph: FakeGraph) -> None:
    graph.next_link_base = "https://graph.example.net"  # the token must not go there
    source = GraphDirectory(config(graph))
    try:
        with pytest.raises(GraphError, match=r"another host: https://graph\.example\.net/"):
            await source.people()
    finally:
        await source.close()
    assert graph.users_requests == 1


class Fixed:
    name = "graph"

    def __init__(self, people: list[Person]) -> None:
        self._people = people

    async def people(self) -> list[Person]:
        return self._people


def person(n: int, manager: int | None = None) -> Person:
    return Person(gid(n), f"P{n}", "", gid(manager) if manager else None, "Oppvekst", "")


async def test_graph_data_with_a_cycle_is_refused_and_unknown_managers_dropped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = await SqliteStore.open(tmp_path / "bot.sqlite3")
    directory = DirectoryRepository(store)
    try:
        # A manager outside the directory (a disabled account): kept, without a manager.
        kept = OrgDirectoryService(
            directory, LeaseStore(store), Fixed([person(1), person(2, manager=9)])
        )
        assert await kept.sync() is not None
        assert (await directory.person(gid(2))) == person(2)

        tomorrow = datetime.now(UTC) + timedelta(days=1)
        recorded = Recorded()
        looped = OrgDirectoryService(
            directory,
            LeaseStore(store),
            Fixed([person(1, 2), person(2, 1), person(3)]),
            clock=lambda: tomorrow,
            schedule=next_fire("0 3 * * *", ZoneInfo("UTC")),
            metrics=OtelRoundMetrics(recorded.telemetry.meter),
        )
        with pytest.raises(OrgDataError, match="manager cycle"):
            await looped.sync()
        with caplog.at_level(logging.ERROR):
            await looped.scheduled_sync()  # the nightly job logs, and does not raise
        assert caplog.text.count("organisation sync failed") == 1
        assert len(await directory.everyone()) == 2
        # A failed sync waits for the next scheduled time, not the next tick.
        with caplog.at_level(logging.ERROR):
            await looped.scheduled_sync()
        assert caplog.text.count("organisation sync failed") == 1
        # The operators' alert counts the failed night once.
        assert recorded.total("homeoffice.directory.sync_failures") == 1

        empty = OrgDirectoryService(directory, LeaseStore(store), Fixed([]))
        with pytest.raises(OrgDataError, match="returned nobody"):
            await empty.sync()
        assert len(await directory.everyone()) == 2
    finally:
        await store.close()


async def test_a_sync_missed_while_no_host_ran_is_made_up_on_the_next_tick_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = await SqliteStore.open(tmp_path / "bot.sqlite3")
    directory = DirectoryRepository(store)
    now = [datetime(2026, 12, 6, 3, 0, tzinfo=UTC)]
    people = [person(1), person(2, manager=1)]
    source = Fixed(people)
    org = OrgDirectoryService(
        directory,
        LeaseStore(store),
        source,
        clock=lambda: now[0],
        schedule=next_fire("0 3 * * *", ZoneInfo("UTC")),
    )
    try:
        await org.scheduled_sync()  # Sunday 03:00, on the minute
        sunday = await org.current()
        assert sunday is not None and sunday.checked_at == now[0]
        now[0] = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)  # no host ran at Monday 03:00
        people.append(person(3, manager=1))
        with caplog.at_level(logging.WARNING, logger="services.org_directory"):
            await org.scheduled_sync()
            await org.scheduled_sync()  # the next tick: done already
        monday = await org.current()
        assert monday is not None and monday.checked_at == now[0]
        assert len(await directory.everyone()) == 3
        assert caplog.text.count("organisation sync for scheduled 2026-12-07T03:00") == 1
        assert "ran late at 2026-12-07T08:30" in caplog.text
    finally:
        await store.close()


# --- configuration and scheduling ------------------------------------------------------------

GRAPH_ENV = {
    "ORG_SOURCE": "graph",
    "MicrosoftAppId": CLIENT_ID,
    "MicrosoftAppPassword": "secret",
    "MicrosoftAppTenantId": TENANT,
    "PSEUDONYM_KEY": "k" * 32,
}


def test_graph_settings_are_checked_at_start() -> None:
    settings = Settings.from_env(GRAPH_ENV)
    assert settings.org_sync_cron == "0 3 * * *"
    assert settings.graph_endpoint == "https://graph.microsoft.com"
    assert settings.graph_authority == "https://login.microsoftonline.com"
    assert (settings.graph_service_area_field, settings.graph_unit_field) == (
        "department",
        "officeLocation",
    )
    local = Settings.from_env({**GRAPH_ENV, "GRAPH_AUTHORITY": "https://127.0.0.1:8443/"})
    assert local.graph_authority == "https://127.0.0.1:8443"
    bad = {
        "ORG_SOURCE": "ldap",
        "ORG_SYNC_CRON": "nightly",
        "GRAPH_ENDPOINT": "http://graph.microsoft.com",
        "GRAPH_UNIT_FIELD": "manager",
    }
    for name, value in bad.items():
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({**GRAPH_ENV, name: value})
    with pytest.raises(ConfigError, match="ORG_SOURCE=graph needs MicrosoftAppId"):
        Settings.from_env({"ORG_SOURCE": "graph"})


class NoRounds:
    async def open_round(self) -> None:
        return None

    async def tick(self) -> None:
        return None


async def test_the_nightly_sync_is_scheduled_only_for_graph() -> None:
    async def sync() -> None:
        return None

    settings = Settings()
    with_graph = build_scheduler(
        NoRounds(),  # type: ignore[arg-type]
        settings.checkin_cron,
        settings.timezone,
        300,
        org_sync=sync,
        org_sync_cron="30 2 * * *",
    )
    job = with_graph.get_job("org-sync")
    assert job is not None and job.func is sync
    assert str(job.trigger) == "cron[month='*', day='*', day_of_week='*', hour='2', minute='30']"
    # At the minute, and as a tick that makes up a sync missed while no host ran.
    assert [j.func for j in with_graph.get_jobs()].count(sync) == 2
    without = build_scheduler(NoRounds(), settings.checkin_cron, settings.timezone, 300)  # type: ignore[arg-type]
    assert without.get_job("org-sync") is None


@pytest.mark.slow
async def test_org_sync_from_the_command_line(graph: FakeGraph, tmp_path: Path) -> None:
    env = {
        **os.environ,  # with the CA bundle the fixture set
        **GRAPH_ENV,
        "MicrosoftAppPassword": CLIENT_SECRET,
        "GRAPH_AUTHORITY": graph.authority,
        "GRAPH_ENDPOINT": graph.base,
        "GRAPH_UNIT_FIELD": "jobTitle",
        "STORAGE": "sqlite",
        "SQLITE_PATH": str(tmp_path / "bot.sqlite3"),
    }
    graph.users[2]["jobTitle"] = "Lærer"

    async def app(*args: str) -> tuple[int, str, str]:
        # A child process, so that this event loop keeps serving the fake meanwhile.
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "app.py"),
            *args,
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    code, out, err = await app("org", "sync")
    assert code == 0, err
    assert out == (
        "synced from Microsoft Graph: 6 people, 3 leaders, 2 service areas "
        "(6 added, 0 removed, 0 changed)\n"
    )
    code, out, _ = await app("org", "status")
    assert code == 0 and "from graph" in out
    store = await SqliteStore.open(tmp_path / "bot.sqlite3")
    try:
        kari = await DirectoryRepository(store).person(gid(3))
        assert kari is not None and kari.unit == "Lærer"  # GRAPH_UNIT_FIELD was followed
    finally:
        await store.close()

    graph.fail_next(403)
    code, _, err = await app("org", "sync")
    assert code == 1 and "User.Read.All" in err and "directory is unchanged" in err
