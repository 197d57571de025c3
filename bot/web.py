"""The HTTP side: `POST /api/messages`, `GET /healthz`, and the access log.

CloudAdapter answers malformed requests with a 500 (a missing Content-Type is a KeyError,
bad JSON an exception), so requests are checked here first and refused with a 4xx that says
what is wrong; the host keeps serving.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from botbuilder.core import Bot
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema.teams import TeamsChannelData
from msrest.exceptions import DeserializationError  # type: ignore[attr-defined]

from bot.inbound import NotServed

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


#: An id as Teams sends them: printable ASCII, no spaces or braces. It goes into the reply's
#: URL and headers, where anything else makes the reply (and the error reply) fail.
_PLAIN_ID = re.compile(r"[!-z|~]{1,1000}")
_SENDER_ID = re.compile(r"[A-Za-z0-9._:@-]{1,128}")
_MEMBER_ID = re.compile(r"[!-z|~]{1,256}")
#: Bot Framework's channel names ("msteams", "emulator", "webchat"): every reply carries it back,
#: so a long or odd one would make the reply fail (Teams refuses a message over ~28 KB).
_CHANNEL_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def activity_problem(body: Any) -> str | None:
    """Why `body` is not an activity the bot can answer, or None when it is."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if not isinstance(body.get("type"), str) or not body["type"]:
        return "the activity has no type"
    if not isinstance(body.get("serviceUrl"), str) or not body["serviceUrl"]:
        return "the activity has no serviceUrl"
    if not isinstance(body.get("channelId"), str) or not body["channelId"]:
        return "the activity has no channelId"
    if not _CHANNEL_ID.fullmatch(body["channelId"]):
        return "channelId is not a channel name"
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not conversation.get("id"):
        return "the activity has no conversation id"
    for name, value in (
        ("conversation.id", conversation.get("id")),
        ("id", body.get("id")),
        ("replyToId", body.get("replyToId")),
    ):
        if value is not None and not (isinstance(value, str) and _PLAIN_ID.fullmatch(value)):
            return f"{name} is not an id"
    sender = body.get("from")
    if not isinstance(sender, dict) or not (sender.get("id") or sender.get("aadObjectId")):
        return "the activity has no sender"
    aad = sender.get("aadObjectId")
    if aad is not None and not (isinstance(aad, str) and _SENDER_ID.fullmatch(aad)):
        return "from.aadObjectId is not an Entra object id"
    member = sender.get("id")
    # Without an Entra id, `from.id` keys the person's documents: no slash, "?" or "#" there.
    if not aad and not (isinstance(member, str) and _SENDER_ID.fullmatch(member)):
        return "from.id is not an id"
    # Teams' member lookup puts it in a URL, where a long one overflows the request line.
    if member is not None and not (isinstance(member, str) and _MEMBER_ID.fullmatch(member)):
        return "from.id is not an id"
    if body["channelId"] == "msteams" and body["type"] == "conversationUpdate":
        # Teams' own shape, which the SDK reads without checking: an object, and a team (when
        # there is one) with an id.
        data = body.get("channelData")
        team = data.get("team") if isinstance(data, dict) else None
        if not isinstance(data, dict) or (
            team is not None and not (isinstance(team, dict) and isinstance(team.get("id"), str))
        ):
            return "channelData is not Teams' channel data"
        try:
            TeamsChannelData().deserialize(data)
        except DeserializationError:
            # A list where Teams sends an object (tenant, channel, meeting…) fails in the SDK.
            return "channelData is not Teams' channel data"
    try:
        # Lone surrogates ("\ud800") parse, but no store can encode them.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "the activity holds text that is not valid Unicode"
    return None


def messages_endpoint(adapter: CloudAdapter, bot: Bot) -> Handler:
    async def messages(request: web.Request) -> web.StreamResponse:
        if "application/json" not in request.headers.get("Content-Type", ""):
            return problem(415, "Content-Type must be application/json")
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return problem(400, "the body is not valid JSON")
        reason = activity_problem(body)
        if reason:
            return problem(400, reason)
        try:
            response = await adapter.process(request, bot)
        except DeserializationError as error:
            # A field of the wrong type; the turn never started (errors in a turn are
            # handled by on_turn_error), so nothing ran and nothing was stored.
            return problem(400, f"the activity does not parse: {error}")
        except NotServed as error:
            # The token was valid; the channel, sender or tenant is not one this bot serves.
            return problem(403, str(error))
        return response if response is not None else web.Response(status=201)

    return messages


class AccessLog(AbstractAccessLogger):
    """aiohttp's access log without the query string: a download link's token travels there."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s %.3fs',
            request.remote,
            request.method,
            request.path,
            response.status,
            time,
        )


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})
