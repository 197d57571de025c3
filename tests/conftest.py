from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bootstrap import open_store
from bot.settings import Settings
from cli.serve import PARTS, build_web_app
from storage.port import DocumentStore
from tests.cosmos_server import CosmosTestServer, cosmos_server_fixture
from tests.fake_connector import FakeConnector

# Every test that asks for `settings`, `store` or `host` runs once per storage backend.
BACKENDS = ("sqlite", "cosmos")

cosmos_server = cosmos_server_fixture(name="cosmos_server", scope="session")


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(sqlite_path=str(tmp_path / "bot.sqlite3"), pseudonym_key="test-pseudonym-key")


def cosmos_settings(tmp_path: Path, server: CosmosTestServer) -> Settings:
    return replace(
        sqlite_settings(tmp_path),
        storage="cosmos",
        cosmos_endpoint=server.endpoint,
        cosmos_key=server.key,
        cosmos_database="test-" + uuid.uuid4().hex[:12],  # a fresh database per test
    )


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return sqlite_settings(tmp_path)
    return cosmos_settings(tmp_path, request.getfixturevalue("cosmos_server"))


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[DocumentStore]:
    """Each storage backend in turn, opened the way the host opens it."""
    backend = await open_store(settings)
    yield backend
    await backend.close()


@dataclass
class Host:
    """The real aiohttp app and botbuilder adapter on loopback, restartable on the same store."""

    settings: Settings
    connector: FakeConnector
    client: TestClient | None = None
    store: DocumentStore | None = None

    async def start(self) -> None:
        self.store = await open_store(self.settings)
        web_app = build_web_app(self.settings, self.store)
        self.client = TestClient(TestServer(web_app, host="127.0.0.1"))
        await self.client.start_server()

    async def stop(self) -> None:
        if self.client:
            await self.client.close()  # closes the store too (app cleanup)
            self.client = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def service_url(self) -> str:
        return self.connector.service_url

    async def send(self, activity: dict[str, Any], drain: bool = True) -> tuple[int, Any]:
        """The host's answer; with `drain`, once the cards the turn sent in the background
        have arrived too, so that a test sees them."""
        assert self.client is not None
        response = await self.client.post("/api/messages", json=activity)
        if activity.get("type") == "invoke" and response.content_type == "application/json":
            # The answer to a card action reaches the user through Teams, with its size limit.
            status, body = self.connector.answer_invoke(response.status, await response.read())
        else:
            status = response.status
            body = await response.json() if response.content_type == "application/json" else None
        if drain:
            await self.drain()
        return status, body

    async def drain(self) -> None:
        assert self.client is not None
        await self.client.app[PARTS].notifier.drain()


@pytest.fixture
async def host(settings: Settings, connector: FakeConnector) -> AsyncIterator[Host]:
    running = Host(settings, connector)
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
    settings: Settings, request: pytest.FixtureRequest
) -> Callable[[float], Awaitable[None]]:
    """Make the backend push back for a while: Cosmos answers 429, SQLite is locked by another
    process-like connection. Either way the writes under way must wait, not fail or double."""
    if settings.storage == "cosmos":
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
