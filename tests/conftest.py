from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

import app as host_app
from bot.settings import Settings
from storage.port import DocumentStore
from storage.sqlite_store import SqliteStore
from tests.fake_connector import FakeConnector


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        sqlite_path=str(tmp_path / "bot.sqlite3"),
        pseudonym_key="test-pseudonym-key",
    )


@dataclass
class Host:
    """The real aiohttp app and botbuilder adapter on loopback, restartable on the same store."""

    settings: Settings
    connector: FakeConnector
    client: TestClient | None = None
    stores: list[SqliteStore] = field(default_factory=list)

    async def start(self) -> None:
        store = await SqliteStore.open(self.settings.sqlite_path)
        self.stores.append(store)
        web_app = host_app.build_web_app(self.settings, store)
        self.client = TestClient(TestServer(web_app, host="127.0.0.1"))
        await self.client.start_server()

    async def stop(self) -> None:
        if self.client:
            await self.client.close()
            self.client = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def service_url(self) -> str:
        return self.connector.service_url

    async def send(self, activity: dict[str, Any]) -> tuple[int, Any]:
        assert self.client is not None
        response = await self.client.post("/api/messages", json=activity)
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body


@pytest.fixture
async def host(settings: Settings, connector: FakeConnector) -> AsyncIterator[Host]:
    running = Host(settings, connector)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture(params=["sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DocumentStore]:
    """Each storage backend in turn: tests using it are the storage contract."""
    backend = await SqliteStore.open(tmp_path / "contract.sqlite3")
    yield backend
    await backend.close()
