from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bootstrap import open_store
from bot.proactive import ConnectorSender
from bot.settings import Settings
from bot.telemetry import OFF, Telemetry
from storage.port import DocumentStore
from tests.support.cosmos_server import cosmos_server_fixture
from tests.support.fake_connector import FakeConnector
from tests.support.host import BACKENDS, Host, cosmos_settings, sqlite_settings
from tests.support.memory_store import InMemoryStore

cosmos_server = cosmos_server_fixture(name="cosmos_server", scope="session")


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


# Every test that asks for `settings`, `store` or `host` runs once per storage backend.
@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The storage backend a test runs on; a module may widen the set (CONTRACT_BACKENDS)."""
    return str(request.param)


@pytest.fixture
def settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if backend == "sqlite":
        return sqlite_settings(tmp_path)
    if backend == "cosmos":
        return cosmos_settings(tmp_path, request.getfixturevalue("cosmos_server"))
    raise ValueError(f"no host runs on the {backend!r} backend")


@pytest.fixture
async def store(backend: str, request: pytest.FixtureRequest) -> AsyncIterator[DocumentStore]:
    """Each storage backend in turn, opened the way the host opens it."""
    opened: DocumentStore
    if backend == "memory":
        opened = InMemoryStore()
    else:
        opened = await open_store(request.getfixturevalue("settings"))
    yield opened
    await opened.close()


@pytest.fixture
def telemetry() -> Telemetry:
    """Where the host's spans and counters go: nowhere, unless a module records them."""
    return OFF


@pytest.fixture
async def host(
    settings: Settings, connector: FakeConnector, telemetry: Telemetry
) -> AsyncIterator[Host]:
    running = Host(settings, connector, telemetry=telemetry)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def small_k_host(settings: Settings, connector: FakeConnector) -> AsyncIterator[Host]:
    """A host with k = 3, so that a team of three (Lars Haugen's) is counted."""
    running = Host(replace(settings, anonymity_k=3), connector)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
def throttle(
    backend: str, request: pytest.FixtureRequest
) -> Callable[[float], Coroutine[Any, Any, None]]:
    """Make the backend push back for a while: Cosmos answers 429, SQLite is locked by another
    process-like connection. Either way the writes under way must wait, not fail or double."""
    if backend == "memory":
        return asyncio.sleep  # nothing in memory pushes back: the writes just run meanwhile
    settings: Settings = request.getfixturevalue("settings")
    if backend == "cosmos":
        server = request.getfixturevalue("cosmos_server")

        async def cosmos_burst(seconds: float) -> None:
            server.inject(429, count=int(seconds * 100), retry_after_ms=20)
            await asyncio.sleep(seconds)

        request.addfinalizer(server.reset_faults)
        return cosmos_burst

    async def sqlite_lock(seconds: float) -> None:
        def hold() -> None:
            other = sqlite3.connect(settings.sqlite_path, isolation_level=None)
            other.execute("BEGIN EXCLUSIVE")
            time.sleep(seconds)
            other.execute("COMMIT")
            other.close()

        await asyncio.to_thread(hold)

    return sqlite_lock


# The Bot Connector with Teams' rate limits, and the bot's sender to it, for delivery tests.
@pytest.fixture
async def teams() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector(enforce_limits=True, retry_after=1.0)
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def sender() -> AsyncIterator[ConnectorSender]:
    connector_sender = ConnectorSender()
    yield connector_sender
    await connector_sender.close()
