"""The bot installs itself for people through Microsoft Graph (`app.py org install`), against a
local Graph over HTTPS (tests/support/fake_graph.py), on both storage backends."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.graph import GraphClient, GraphDirectory
from bot.graph_install import INSTALL_PERMISSION, GraphInstaller
from bot.settings import ConfigError, Settings
from domain.delivery import Recipient
from services.installs import InstallReport, InstallService
from services.org_directory import OrgDirectoryService
from storage.directory import DirectoryRepository
from storage.installs import InstallMarks
from storage.leases import LeaseStore
from storage.port import DocumentStore
from storage.roster import RosterRepository
from tests.support.fake_graph import (
    CATALOG_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    MANIFEST_ID,
    TENANT,
    FakeGraph,
    Sleeps,
    config,
    graph_user,
    served,
)
from tests.support.fake_time import FakeTime
from tests.support.org_csv import gid

ROOT = Path(__file__).resolve().parents[2]


USERS = [
    graph_user(gid(1), "Ingrid Solberg", None, "Oppvekst"),
    graph_user(gid(2), "Lars Haugen", gid(1), "Oppvekst"),
    graph_user(gid(3), "Kari Nordmann", gid(2), "Oppvekst"),
    graph_user(gid(4), "Ole Bakken", gid(2), "Oppvekst"),
    graph_user(gid(5), "Hanne Berg", gid(1), "Oppvekst"),
]


@pytest.fixture
async def graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeGraph]:
    async with served(tmp_path, monkeypatch, users=list(USERS)) as fake:
        yield fake


class Installs:
    """InstallService over the store and the fake, with the directory synced from it."""

    def __init__(self, graph: FakeGraph, store: DocumentStore) -> None:
        self.sleeps = Sleeps()
        self.time = FakeTime()
        self.client = GraphClient(config(graph), sleep=self.sleeps)
        self.roster = RosterRepository(store)
        self.marks = InstallMarks(store)
        self.directory = DirectoryRepository(store)
        self.service = InstallService(
            GraphInstaller(
                self.client,
                MANIFEST_ID,
                monotonic=self.time.timing().monotonic,
                sleep=self.time.sleep,
            ),
            self.roster,
            self.directory,
            self.marks,
        )
        self._org = OrgDirectoryService(
            self.directory, LeaseStore(store), GraphDirectory(config(graph), client=self.client)
        )

    async def sync(self) -> None:
        assert await self._org.sync() is not None

    async def reachable(self, n: int, dead: bool = False) -> None:
        """Teams announced an install of this person's before: the roster has them."""
        await self.roster.save(
            Recipient(gid(n), TENANT, "https://teams.invalid/", "bot", f"29:{n}", dead=dead)
        )


@pytest.fixture
async def installs(graph: FakeGraph, store: DocumentStore) -> AsyncIterator[Installs]:
    made = Installs(graph, store)
    await made.sync()
    yield made
    await made.client.close()


def counts(report: InstallReport) -> tuple[int, int, int, int]:
    return report.installed, report.had_it, report.removed_it, len(report.failed)


async def test_everyone_without_the_app_gets_it_once(graph: FakeGraph, installs: Installs) -> None:
    await installs.reachable(1)  # has the app: the roster says so, Graph is not asked
    await installs.reachable(5, dead=True)  # removed it: left alone
    graph.installed[gid(2)] = {MANIFEST_ID}  # has it, but the bot never heard: Graph says so

    report = await installs.service.install_everyone()

    assert counts(report) == (2, 2, 1, 0) and not report.refused
    assert graph.installed == {gid(n): {MANIFEST_ID} for n in (2, 3, 4)}
    asked = {user for _, user in graph.install_requests}
    assert asked == {gid(2), gid(3), gid(4)}
    assert ("POST", gid(2)) not in graph.install_requests
    # Paced: never more than ten requests in a second (a person costs two).
    assert sum(installs.time.waits) >= (len(graph.install_requests) - 10) / 10

    # A second run (stopped half-way or not) asks Graph nothing: what was done is marked.
    graph.install_requests.clear()
    again = await installs.service.install_everyone()
    assert counts(again) == (0, 4, 1, 0)
    assert graph.install_requests == []


async def test_throttling_is_waited_out_as_graph_asks(graph: FakeGraph, installs: Installs) -> None:
    graph.fail_installs_next(429, count=2, retry_after="7")
    report = await installs.service.install_everyone()
    assert counts(report) == (5, 0, 0, 0)
    assert installs.sleeps.waits == [7.0, 7.0]
    assert len(graph.installed) == 5


async def test_a_missing_permission_stops_the_run_and_names_it(
    graph: FakeGraph, installs: Installs
) -> None:
    graph.install_permission = False
    report = await installs.service.install_everyone()
    assert INSTALL_PERMISSION in report.refused and "admin consent" in report.refused
    assert counts(report) == (0, 0, 0, 0)
    assert len(graph.install_requests) == 1  # the first refusal ends it: all would be refused
    # Nothing is marked as done: the run after the consent installs for everyone.
    graph.install_permission = True
    assert counts(await installs.service.install_everyone()) == (5, 0, 0, 0)


async def test_one_person_failing_does_not_stop_the_others(
    graph: FakeGraph, installs: Installs
) -> None:
    graph.users = [u for u in graph.users if u["id"] != gid(4)]  # gone from Entra since the sync
    report = await installs.service.install_everyone()
    assert counts(report) == (4, 0, 0, 1)
    ((name, reason),) = report.failed
    assert name == "Ole Bakken" and "404" in reason


async def test_an_app_missing_from_the_catalog_is_named(
    graph: FakeGraph, installs: Installs
) -> None:
    graph.catalog = {}
    report = await installs.service.install_everyone()
    assert "app catalog" in report.refused and MANIFEST_ID in report.refused


async def test_a_catalog_id_in_the_settings_spares_the_lookup(graph: FakeGraph) -> None:
    client = GraphClient(config(graph))
    try:
        assert await GraphInstaller(client, MANIFEST_ID, CATALOG_ID).install(gid(3))
    finally:
        await client.close()
    assert graph.installed == {gid(3): {MANIFEST_ID}} and graph.catalog_lookups == 0


async def test_a_waiting_leader_is_installed_for_once(graph: FakeGraph, installs: Installs) -> None:
    await installs.service.request(gid(2))
    await installs.service.request(gid(2))
    assert graph.installed == {gid(2): {MANIFEST_ID}}
    assert graph.install_requests == [("POST", gid(2))]


async def test_a_failed_request_may_be_made_again(graph: FakeGraph, installs: Installs) -> None:
    graph.install_permission = False
    await installs.service.request(gid(2))
    graph.install_permission = True
    await installs.service.request(gid(2))
    assert graph.installed == {gid(2): {MANIFEST_ID}}


GRAPH_ENV = {
    "ORG_SOURCE": "graph",
    "MicrosoftAppId": CLIENT_ID,
    "MicrosoftAppPassword": CLIENT_SECRET,
    "MicrosoftAppTenantId": TENANT,
    "PSEUDONYM_KEY": "k" * 32,
    "STORAGE": "sqlite",
}


@pytest.mark.slow
async def test_org_install_from_the_command_line(graph: FakeGraph, tmp_path: Path) -> None:
    env = {
        **os.environ,  # with the CA bundle the fixture set
        **GRAPH_ENV,
        "GRAPH_AUTHORITY": graph.authority,
        "GRAPH_ENDPOINT": graph.base,
        "SQLITE_PATH": str(tmp_path / "bot.sqlite3"),
    }

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

    assert (await app("org", "sync"))[0] == 0
    graph.install_permission = False
    code, out, err = await app("org", "install")
    assert code == 1 and INSTALL_PERMISSION in err and "admin consent" in err
    graph.install_permission = True
    graph.installed[gid(1)] = {MANIFEST_ID}
    code, out, err = await app("org", "install")
    assert code == 0, err
    assert out == (
        "app installed: 4 installed, 1 had it already, 0 removed it themselves (left alone), "
        "0 failed\n"
    )


def test_auto_install_is_on_unless_switched_off() -> None:
    assert Settings.from_env(GRAPH_ENV).auto_install_for_leaders
    off = Settings.from_env({**GRAPH_ENV, "AUTO_INSTALL_FOR_LEADERS": "off"})
    assert not off.auto_install_for_leaders
    with pytest.raises(ConfigError, match="AUTO_INSTALL_FOR_LEADERS"):
        Settings.from_env({**GRAPH_ENV, "AUTO_INSTALL_FOR_LEADERS": "maybe"})
