"""Who may start a turn: botbuilder's own token validation, then the tenant allow-list.

With an app id, CloudAdapter validates the Bot Framework token of every request
(`JwtTokenValidation` → `ChannelValidation`: signature against the published keys, the key
endorsed for the channel, issuer, audience = the app id, `serviceurl` = the activity's, expiry)
and answers a `PermissionError` with 401. In botbuilder 4.17 only some failures are a
`PermissionError`, though: an expired token or a bad signature raises PyJWT's errors, a key id
the published keys lack an `IndexError`, a key not endorsed for the channel a bare `Exception`,
and each of those would be a 500. `InboundAuthentication` wraps the configured authentication
and makes every failure of the validation a `PermissionError`, so each is a 401.

Then the activity's tenant is checked against `ALLOWED_TENANTS` (empty: every tenant). A tenant
not in the list raises `TenantNotAllowed`, which web.py answers 403.

Both happen in `authenticate_request`, before CloudAdapter creates a turn context or a
connector client: a refused request runs nothing, stores nothing and sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from botbuilder.schema import Activity
from botframework.connector.auth import BotFrameworkAuthentication

from bot.handler import _tenant_id

log = logging.getLogger(__name__)


class TenantNotAllowed(Exception):
    """A valid request from a tenant the bot does not serve (not a PermissionError: 403)."""

    def __init__(self, tenant_id: str) -> None:
        super().__init__(f"tenant {tenant_id or '(none)'} is not allowed to use this bot")
        self.tenant_id = tenant_id


class InboundAuthentication(BotFrameworkAuthentication):
    """botbuilder's authentication, with every refusal a PermissionError, and the tenant check."""

    def __init__(self, inner: BotFrameworkAuthentication, allowed_tenants: Iterable[str]) -> None:
        self._inner = inner
        self._allowed = frozenset(t.strip().lower() for t in allowed_tenants if t.strip())

    async def authenticate_request(self, activity: Activity, auth_header: str) -> Any:
        try:
            result = await self._inner.authenticate_request(activity, auth_header)
        except PermissionError as error:
            log.warning("refused a request: %s", _reason(error))
            raise
        except Exception as error:
            # Expired, forged, unknown key, not endorsed, malformed, keys not reachable: the
            # token is not shown to be valid, so the request is refused like a missing one.
            log.warning("refused a request: invalid token (%s)", _reason(error))
            raise PermissionError("invalid Bot Framework token") from error
        if self._allowed:
            tenant = _tenant_id(activity).strip().lower()
            if tenant not in self._allowed:
                log.warning("refused a request from tenant %r (not in ALLOWED_TENANTS)", tenant)
                raise TenantNotAllowed(tenant)
        return result

    # The rest is botbuilder's, unchanged.

    async def authenticate_streaming_request(self, auth_header: str, channel_id: str) -> Any:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id)

    def create_connector_factory(self, claims_identity: Any) -> Any:
        return self._inner.create_connector_factory(claims_identity)

    async def create_user_token_client(self, claims_identity: Any) -> Any:
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self._inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> Any:
        return await self._inner.authenticate_channel_request(auth_header)


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(a) for a in error.args) or 'no detail'}"
