"""Who may start a turn: botbuilder's own token validation, then the tenant allow-list.

With an app id, CloudAdapter validates the Bot Framework token of every request
(`JwtTokenValidation` → `ChannelValidation`: signature against the published keys, the key
endorsed for the channel, issuer, audience = the app id, `serviceurl` = the activity's, expiry)
and answers a `PermissionError` with 401. In botbuilder 4.17 only some failures are a
`PermissionError`, though: an expired token or a bad signature raises PyJWT's errors, a key id
the published keys lack an `IndexError`, a key not endorsed for the channel a bare `Exception`,
and each of those would be a 500. `InboundAuthentication` wraps the configured authentication
and makes every failure of the validation a `PermissionError`, so each is a 401.

Outside local mode a valid token is not enough: the Azure Bot resource also has the Web Chat
and Direct Line channels, whose callers choose `from.id` and `channelData` themselves. Only a
Teams activity (`channelId` msteams) from an Entra user (`from.aadObjectId`, a GUID) is served,
and its tenant is `conversation.tenantId` (the same as `channelData.tenant.id` where both are
there); anything else raises `NotServed`. Then the tenant is checked against `ALLOWED_TENANTS`
(empty: every tenant); a tenant not in the list raises `TenantNotAllowed`. web.py answers
both 403.

Both happen in `authenticate_request`, before CloudAdapter creates a turn context or a
connector client: a refused request runs nothing, stores nothing and sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from botbuilder.schema import Activity
from botframework.connector.auth import BotFrameworkAuthentication

from bot.activity import conversation_tenant, tenant_id
from domain.org import is_object_id

log = logging.getLogger(__name__)


class NotServed(Exception):
    """A request with a valid token that this bot does not serve (not a PermissionError: 403)."""


class TenantNotAllowed(NotServed):
    def __init__(self, tenant_id: str) -> None:
        super().__init__(f"tenant {tenant_id or '(none)'} is not allowed to use this bot")
        self.tenant_id = tenant_id


class InboundAuthentication(BotFrameworkAuthentication):
    """botbuilder's authentication, with every refusal a PermissionError, and the tenant check."""

    def __init__(
        self,
        inner: BotFrameworkAuthentication,
        allowed_tenants: Iterable[str],
        *,
        teams_only: bool,
    ) -> None:
        self._inner = inner
        self._allowed = frozenset(t.strip().lower() for t in allowed_tenants if t.strip())
        self._teams_only = teams_only

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
        # Local mode has no channel to trust: the Agents Playground's user has no Entra id.
        tenant = teams_tenant(activity) if self._teams_only else tenant_id(activity)
        tenant = tenant.strip().lower()
        if self._allowed and tenant not in self._allowed:
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


def teams_tenant(activity: Activity) -> str:
    """The tenant of a Teams activity from an Entra user; NotServed for anything else."""
    if activity.channel_id != "msteams":
        reason = "only Microsoft Teams is served"
    elif not is_object_id(str(getattr(activity.from_property, "aad_object_id", "") or "")):
        reason = "the sender has no Entra object id"
    else:
        tenant = conversation_tenant(activity)
        data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        named = data.get("tenant")
        other = named.get("id") if isinstance(named, dict) else None
        if not tenant:
            reason = "the conversation has no tenant"
        elif other is not None and str(other).strip().lower() != tenant.lower():
            reason = "channelData names another tenant than the conversation"
        else:
            return tenant
    log.warning("refused a request with a valid token: %s", reason)
    raise NotServed(reason)


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(a) for a in error.args) or 'no detail'}"
