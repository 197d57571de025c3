"""The real host on loopback for a test: settings per backend, the aiohttp app and the
botbuilder adapter, restartable on the same store, and its parts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bootstrap import Parts, open_store
from bot.settings import Settings
from bot.telemetry import OFF, Telemetry
from cli.serve import PARTS, build_web_app
from storage.port import DocumentStore
from tests.support.cosmos_server import CosmosTestServer
from tests.support.fake_connector import FakeConnector

BACKENDS = ("sqlite", "cosmos")
#: The storage contract holds the in-memory fake of the unit tests to the same promises.
CONTRACT_BACKENDS = ("memory", *BACKENDS)


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


@dataclass
class Host:
    """The real aiohttp app and botbuilder adapter on loopback, restartable on the same store."""

    settings: Settings
    connector: FakeConnector
    client: TestClient[web.Request, web.Application] | None = None
    store: DocumentStore | None = None
    #: Puts something between the host and its store (a store that stalls).
    wrap: Callable[[DocumentStore], DocumentStore] = lambda store: store
    #: Where the host's spans and counters go (tests/support/telemetry.py records them).
    telemetry: Telemetry = OFF

    async def start(self) -> None:
        self.store = self.wrap(await open_store(self.settings))
        web_app = build_web_app(self.settings, self.store, self.telemetry)
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


def parts(host: Host) -> Parts:
    assert host.client is not None
    return host.client.app[PARTS]
