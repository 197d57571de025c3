"""A fake Bot Connector service on loopback: where the bot's replies arrive in tests.

It speaks the public REST shape of the Bot Connector API v3 (send to conversation, reply to
activity, update activity, create conversation) and keeps every request for assertions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Received:
    method: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in self.body.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    @property
    def text(self) -> str:
        return str(self.body.get("text") or "")


@dataclass
class FakeConnector:
    received: list[Received] = field(default_factory=list)
    server: TestServer | None = None

    @property
    def service_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}/"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", self._member)
        return app

    async def start(self) -> None:
        self.server = TestServer(self.app(), host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server:
            await self.server.close()

    def clear(self) -> None:
        self.received.clear()

    def messages(self) -> list[Received]:
        return [r for r in self.received if r.body.get("type") == "message"]

    def cards(self) -> list[dict[str, Any]]:
        return [card for r in self.messages() for card in r.cards]

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(
            Received("POST", request.match_info["cid"], request.match_info.get("aid"), body)
        )
        return web.json_response({"id": uuid.uuid4().hex})

    async def _update(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(
            Received("PUT", request.match_info["cid"], request.match_info["aid"], body)
        )
        return web.json_response({"id": request.match_info["aid"]})

    async def _member(self, request: web.Request) -> web.Response:
        # TeamsActivityHandler looks up each added member; the shape of TeamsChannelAccount.
        member_id = request.match_info["mid"]
        return web.json_response({"id": member_id, "name": member_id, "aadObjectId": None})

    async def _create_conversation(self, request: web.Request) -> web.Response:
        body = await request.json()
        conversation_id = "a:" + uuid.uuid4().hex
        self.received.append(Received("CREATE", conversation_id, None, body))
        return web.json_response({"id": conversation_id, "serviceUrl": self.service_url})
