"""A fake Bot Connector service on loopback: where the bot's replies arrive in tests.

It speaks the public REST shape of the Bot Connector API v3 (send to conversation, reply to
activity, update activity, create conversation) and keeps every request for assertions.

With `enforce_limits` it behaves like Teams under load: it counts every request by arrival
against the per-app limit (50 a second) and the per-conversation limits (7 a second, 8 in
2 s, 60 in 30 s, 1,800 an hour), answers 429 with `Retry-After` when one is exceeded, and
notes every request that arrives inside a conversation's `Retry-After` window. Tests can
also make the next requests fail (`inject`), and make a conversation answer as Teams does with
its error codes: 403 `ConversationBlockedByUser` (`gone`), 404 `ConversationNotFound` (`lost`,
until a new conversation is created), or any status and code (`refuse`). `hold` keeps every
send waiting until `release`: a slow Teams.

Always, as Teams does, it refuses a message over `MESSAGE_LIMIT` bytes with 413
`MessageSizeTooBig`: a send, a reply, an update, and (through `answer_invoke`, which the test
host calls) the bot's answer to a card action, which Teams refuses the same way.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter, deque
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


APP_LIMITS = ((50, 1.0),)
CONVERSATION_LIMITS = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
# Teams' limit on a bot's message: the request body, the whole activity with its attachments.
MESSAGE_LIMIT = 28 * 1024
TOO_BIG = {"error": {"code": "MessageSizeTooBig", "message": "Message size too big."}}


def _over(arrivals: deque[float], limits: tuple[tuple[int, float], ...], now: float) -> bool:
    """Would one more request now exceed a limit, counting the requests that arrived before?"""
    while arrivals and arrivals[0] <= now - limits[-1][1]:
        arrivals.popleft()
    return any(
        sum(1 for t in reversed(arrivals) if t > now - seconds) >= count
        if len(arrivals) >= count
        else False
        for count, seconds in limits
    )


@dataclass
class FakeConnector:
    received: list[Received] = field(default_factory=list)
    server: TestServer | None = None
    enforce_limits: bool = False
    retry_after: float = 1.0  # seconds, as Teams sends it
    gone: set[str] = field(default_factory=set)  # the user blocked the bot: 403
    lost: set[str] = field(default_factory=set)  # Teams no longer knows the conversation: 404
    refuse: dict[str, tuple[int, str]] = field(default_factory=dict)  # status and error code
    refuse_all: tuple[int, str] | None = None  # every send and create: a wrong app password
    names: dict[str, str] = field(default_factory=dict)  # the member lookup's names, by "29:" id
    delivered: Counter[str] = field(default_factory=Counter)  # accepted messages per conversation
    # Of those, the proactive ones (a send to the conversation, not a reply to a turn).
    proactive: Counter[str] = field(default_factory=Counter)
    requests: Counter[int] = field(default_factory=Counter)  # answers by status code
    violations: list[tuple[str, float]] = field(default_factory=list)  # early by seconds
    too_big: list[int] = field(default_factory=list)  # sizes of the messages refused with 413
    _faults: list[int] = field(default_factory=list)
    _app: deque[float] = field(default_factory=deque)
    _conversations: dict[str, deque[float]] = field(default_factory=dict)
    _blocked: dict[str, float] = field(default_factory=dict)
    _gate: asyncio.Event | None = None

    def hold(self) -> None:
        """Sends wait, unanswered, until `release`."""
        self._gate = asyncio.Event()

    def release(self) -> None:
        if self._gate is not None:
            self._gate.set()
            self._gate = None

    def inject(self, status: int, count: int) -> None:
        """The next `count` sends to any conversation answer `status`."""
        self._faults.extend([status] * count)

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

    def _refuse_size(self, size: int) -> web.Response | None:
        if size <= MESSAGE_LIMIT:
            return None
        self.too_big.append(size)
        self.requests[413] += 1
        return web.json_response(TOO_BIG, status=413)

    def answer_invoke(self, status: int, raw: bytes) -> tuple[int, Any]:
        """What the client that pressed a button gets of the bot's invoke answer."""
        refused = len(raw) > MESSAGE_LIMIT
        if refused:
            self.too_big.append(len(raw))
        return (413, TOO_BIG) if refused else (status, json.loads(raw) if raw else None)

    async def _send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body = json.loads(raw)
        if self._gate is not None:
            await self._gate.wait()
        too_big = self._refuse_size(len(raw))
        if too_big is not None:
            return too_big
        conversation = request.match_info["cid"]
        status, code = self._admit(conversation)
        self.requests[status] += 1
        if status == 429:
            return web.json_response(
                {"error": {"code": "Throttled"}},
                status=429,
                headers={"Retry-After": f"{self.retry_after:g}"},
            )
        if status != 201:
            return web.json_response({"error": {"code": code, "message": code}}, status=status)
        self.received.append(Received("POST", conversation, request.match_info.get("aid"), body))
        self.delivered[conversation] += 1
        if "aid" not in request.match_info:
            self.proactive[conversation] += 1
        return web.json_response({"id": uuid.uuid4().hex}, status=201)

    def _admit(self, conversation: str) -> tuple[int, str]:
        """The status of a send, and the error code of a refusal."""
        now = time.monotonic()
        blocked_until = self._blocked.get(conversation, 0.0)
        if now < blocked_until:
            self.violations.append((conversation, blocked_until - now))
        if conversation in self.gone:
            return 403, "ConversationBlockedByUser"
        if conversation in self.lost:
            return 404, "ConversationNotFound"
        if conversation in self.refuse:
            return self.refuse[conversation]
        if self.refuse_all is not None:
            return self.refuse_all
        if self._faults:
            status = self._faults.pop(0)
            if status == 429:
                self._blocked[conversation] = now + self.retry_after
            return status, "Injected"
        if not self.enforce_limits:
            return 201, ""
        arrivals = self._conversations.setdefault(conversation, deque())
        over = _over(self._app, APP_LIMITS, now) or _over(arrivals, CONVERSATION_LIMITS, now)
        self._app.append(now)
        arrivals.append(now)
        if over or now < blocked_until:
            self._blocked[conversation] = now + self.retry_after
            return 429, "Throttled"
        return 201, ""

    async def _update(self, request: web.Request) -> web.Response:
        raw = await request.read()
        too_big = self._refuse_size(len(raw))
        if too_big is not None:
            return too_big
        body = json.loads(raw)
        self.received.append(
            Received("PUT", request.match_info["cid"], request.match_info["aid"], body)
        )
        return web.json_response({"id": request.match_info["aid"]})

    async def _member(self, request: web.Request) -> web.Response:
        # TeamsActivityHandler looks up each added member; the shape of TeamsChannelAccount.
        member_id = request.match_info["mid"]
        return web.json_response({"id": member_id, "name": self.names.get(member_id)})

    async def _create_conversation(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.refuse_all is not None:
            status, code = self.refuse_all
            self.requests[status] += 1
            return web.json_response({"error": {"code": code, "message": code}}, status=status)
        conversation_id = "a:" + uuid.uuid4().hex
        self.received.append(Received("CREATE", conversation_id, None, body))
        return web.json_response({"id": conversation_id, "serviceUrl": self.service_url})
