"""Proactive sends to the Bot Connector REST API (v3), for scheduled rounds.

Straight HTTP rather than botbuilder's ConnectorClient: the delivery loop must see every
status code and `Retry-After` itself, and msrest would retry on its own, behind the
rate limiter's back. Tokens come from botbuilder's own credentials (client secret, or the
managed identity), which cache them until they expire.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp

from domain.delivery import Recipient
from domain.retry import retry_after_seconds
from services.delivery import Card, SendResult

log = logging.getLogger(__name__)

TokenSource = Callable[[], Awaitable[str | None]]


async def no_token() -> str | None:
    """Local mode: the Agents Playground and the test connector take no token."""
    return None


def botbuilder_token_source(config: Any) -> TokenSource:
    """A token for the Bot Connector from botbuilder's configured credentials."""
    from botbuilder.integration.aiohttp import ConfigurationServiceClientCredentialFactory
    from botframework.connector.auth import AuthenticationConstants

    factory = ConfigurationServiceClientCredentialFactory(config)
    credentials: Any = None

    async def token() -> str | None:
        nonlocal credentials
        if credentials is None:
            credentials = await factory.create_credentials(
                config.APP_ID,
                AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
                AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
                True,
            )
        # msal's token fetch is blocking (and cached): keep it off the event loop.
        return str(await asyncio.to_thread(credentials.get_access_token))

    return token


class ConnectorSender:
    def __init__(self, token: TokenSource = no_token, timeout: float = 30) -> None:
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None  # made on first use, in the loop

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, recipient: Recipient, card: Card) -> SendResult:
        url = f"{_base(recipient)}/v3/conversations/{quote(recipient.conversation_id)}/activities"
        activity = {
            "type": "message",
            "from": {"id": recipient.bot_id},
            "recipient": {"id": recipient.user_teams_id},
            "conversation": {"id": recipient.conversation_id},
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
            ],
        }
        status, retry_after, answer = await self._post(url, activity)
        return SendResult(status, retry_after, code=_error_code(answer))

    async def create_conversation(self, recipient: Recipient) -> SendResult:
        """Open the 1:1 chat with someone the bot knows only by id (and tenant)."""
        body = {
            "bot": {"id": recipient.bot_id},
            "members": [{"id": recipient.user_teams_id}],
            "isGroup": False,
            "tenantId": recipient.tenant_id,
            "channelData": {"tenant": {"id": recipient.tenant_id}},
        }
        status, retry_after, answer = await self._post(f"{_base(recipient)}/v3/conversations", body)
        conversation_id = str(answer.get("id", "")) if 200 <= status < 300 else ""
        return SendResult(status, retry_after, conversation_id, _error_code(answer))

    async def _post(
        self, url: str, body: dict[str, Any]
    ) -> tuple[int, float | None, dict[str, Any]]:
        token = await self._token()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if self._session is None:
            # Enough connections for the delivery's sends in flight.
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        try:
            async with self._session.post(
                url, json=body, headers=headers, timeout=self._timeout
            ) as response:
                answer: dict[str, Any] = {}
                if response.content_type == "application/json":
                    parsed = await response.json()
                    answer = parsed if isinstance(parsed, dict) else {}
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                return response.status, retry_after, answer
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("no answer from %s: %s", urlsplit(url).netloc, error)  # path: whose chat
            return 0, None, {}


def _base(recipient: Recipient) -> str:
    return recipient.service_url.rstrip("/")


def _error_code(answer: dict[str, Any]) -> str:
    """Teams' code in an error answer: `{"error": {"code": "ConversationBlockedByUser", ...}}`."""
    error = answer.get("error")
    return str(error.get("code") or "") if isinstance(error, dict) else ""
