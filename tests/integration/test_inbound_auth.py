"""Inbound authentication through botbuilder's own validation, with tokens signed by a local key.

The host runs as it does in production: `MicrosoftAppId` set, `MicrosoftAppType=UserAssignedMSI`,
`ConfigurationBotFrameworkAuthentication` (public cloud) behind CloudAdapter. botbuilder
validates each request's token in `JwtTokenValidation.authenticate_request` →
`ChannelValidation.authenticate_channel_token_with_service_url` → `JwtTokenExtractor`: it reads
the OpenID metadata, then the JWKS it names, checks the signature with the key of the token's
`kid`, that key's endorsements for the channel (`msteams`), the issuer
(https://api.botframework.com), the audience (the app id), the `serviceurl` claim against the
activity's serviceUrl, and the expiry. `ChannelValidation.open_id_metadata_endpoint`,
botbuilder's setting for that metadata address (empty: login.botframework.com), points it at
`LocalBotFramework` here, which publishes the test's RSA keys. Nothing else is replaced.

The same local server is App Service's managed-identity endpoint (`IDENTITY_ENDPOINT`): the
bot's replies to the fake connector get their token from it, so nothing leaves loopback.

botbuilder fetches the keys (and msal the reply token) with blocking `requests` calls on the
event loop, so the server runs in a thread with its own loop; on the test's loop the fetch
would wait for a server that cannot run.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import ChannelValidation
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.settings import Settings
from storage.roster import RosterRepository
from storage.users import UserRepository
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host
from tests.support.stored import every_document
from tests.support.teams import TENANT_ID, TeamsUser, card_action, message

APP_ID = "5d2f0c3a-7b1e-4c9d-8a6f-2e4b1c0d9f7a"  # the bot's managed identity (client id)
APP_TENANT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
FOREIGN_TENANT = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
BOT_FRAMEWORK = "https://api.botframework.com"  # the issuer of channel tokens, and the audience
IDENTITY_HEADER = "local-identity-header"

KARI = TeamsUser("3c8e5a1f-2b7d-4e9a-8f6c-1d2e3f4a5b6c")


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(key: rsa.RSAPrivateKey, kid: str, endorsements: list[str]) -> dict[str, Any]:
    """The public half as the Bot Framework publishes it: a JWK with its endorsements."""
    public: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**public, "kid": kid, "use": "sig", "endorsements": endorsements}


@dataclass
class LocalBotFramework:
    """OpenID metadata, JWKS and a managed-identity token endpoint on 127.0.0.1, in a thread."""

    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    kid: str = field(default_factory=lambda: "teams-" + uuid.uuid4().hex[:8])
    # A second published key, endorsed for Web Chat only (not for msteams).
    webchat_key: rsa.RSAPrivateKey = field(default_factory=new_key)
    webchat_kid: str = field(default_factory=lambda: "webchat-" + uuid.uuid4().hex[:8])
    metadata_requests: int = 0
    key_requests: int = 0
    identity_requests: int = 0
    port: int = 0
    # botbuilder caches keys per metadata address for the whole process: a fresh path each time.
    _prefix: str = field(default_factory=lambda: "/" + uuid.uuid4().hex)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _runner: web.AppRunner | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}{self._prefix}"

    @property
    def metadata_url(self) -> str:
        return f"{self.base}/v1/.well-known/openidconfiguration"

    @property
    def identity_endpoint(self) -> str:
        return f"{self.base}/msi/token"

    def start(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)

    def stop(self) -> None:
        assert self._loop is not None and self._thread is not None
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get(f"{self._prefix}/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get(f"{self._prefix}/v1/keys", self._keys)
        app.router.add_get(f"{self._prefix}/msi/token", self._identity)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def _metadata(self, _: web.Request) -> web.Response:
        self.metadata_requests += 1
        return web.json_response(
            {
                "issuer": BOT_FRAMEWORK,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": f"{self.base}/v1/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, _: web.Request) -> web.Response:
        self.key_requests += 1
        return web.json_response(
            {
                "keys": [
                    jwk(self.key, self.kid, ["msteams", "webchat", "directline"]),
                    jwk(self.webchat_key, self.webchat_kid, ["webchat"]),
                ]
            }
        )

    async def _identity(self, request: web.Request) -> web.Response:
        """App Service's managed-identity endpoint: a token for the Bot Connector."""
        self.identity_requests += 1
        query = request.query
        if request.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
            return web.json_response({"statusCode": 401, "message": "bad header"}, status=401)
        if query.get("resource") != BOT_FRAMEWORK or query.get("client_id") != APP_ID:
            return web.json_response({"statusCode": 400, "message": "bad resource"}, status=400)
        return web.json_response(
            {
                "access_token": "outbound-" + uuid.uuid4().hex,
                "expires_on": str(int(time.time()) + 3600),
                "resource": BOT_FRAMEWORK,
                "token_type": "Bearer",
            }
        )

    def token(
        self,
        service_url: str,
        *,
        audience: str = APP_ID,
        issuer: str = BOT_FRAMEWORK,
        expires_in: int = 3600,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
    ) -> str:
        """A channel token as the Bot Framework signs it for a bot, by default a valid one."""
        now = int(time.time())
        claims = {
            "serviceurl": service_url,
            "nbf": now - 60,
            "exp": now + expires_in,
            "iss": issuer,
            "aud": audience,
        }
        return jwt.encode(
            claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )


@pytest.fixture(scope="module")
def bot_framework_server() -> Iterator[LocalBotFramework]:
    server = LocalBotFramework()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bot_framework(
    bot_framework_server: LocalBotFramework, monkeypatch: pytest.MonkeyPatch
) -> LocalBotFramework:
    """botbuilder's key source and msal's managed identity, both the local server."""
    monkeypatch.setattr(
        ChannelValidation, "open_id_metadata_endpoint", bot_framework_server.metadata_url
    )
    monkeypatch.setenv("IDENTITY_ENDPOINT", bot_framework_server.identity_endpoint)
    monkeypatch.setenv("IDENTITY_HEADER", IDENTITY_HEADER)
    return bot_framework_server


def production(settings: Settings, allowed_tenants: tuple[str, ...] = ()) -> Settings:
    """The deployment's authentication: the managed identity is the bot's app."""
    return replace(
        settings,
        app_id=APP_ID,
        app_type="UserAssignedMSI",
        app_tenant_id=APP_TENANT,
        allowed_tenants=allowed_tenants,
    )


@asynccontextmanager
async def running(settings: Settings, connector: FakeConnector) -> AsyncIterator[Host]:
    host = Host(settings, connector)
    await host.start()
    try:
        yield host
    finally:
        await host.stop()


async def post(host: Host, activity: dict[str, Any], token: str | None) -> tuple[int, Any]:
    assert host.client is not None
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    response = await host.client.post("/api/messages", json=activity, headers=headers)
    body = await response.json() if response.content_type == "application/json" else None
    return response.status, body


async def stored_nothing_for(host: Host, user: TeamsUser) -> bool:
    assert host.store is not None
    profile = await UserRepository(host.store).get(user.aad_object_id)
    recipient = await RosterRepository(host.store).get(user.aad_object_id)
    return profile is None and recipient is None


def from_tenant(activity: dict[str, Any], tenant: str) -> dict[str, Any]:
    return {
        **activity,
        "conversation": {**activity["conversation"], "tenantId": tenant},
        "channelData": {"tenant": {"id": tenant}},
    }


# --- a valid token -------------------------------------------------------------------------


async def test_a_valid_token_runs_the_turn_and_the_reply_goes_out(
    settings: Settings, connector: FakeConnector, bot_framework: LocalBotFramework
) -> None:
    async with running(production(settings), connector) as host:
        activity = message(KARI, host.service_url, "sjekk inn")
        status, _ = await post(host, activity, bot_framework.token(host.service_url))
        assert status in (200, 201)
        (card,) = connector.cards()  # the reply reached the connector: the turn ran
        assert card["type"] == "AdaptiveCard"
        assert host.store is not None
        profile = await UserRepository(host.store).get(KARI.aad_object_id)
        assert profile is not None and profile.tenant_id == TENANT_ID
    # The keys came from the local metadata (botbuilder caches them for a day per address),
    # the reply's token from the local managed identity (msal caches it for the process).
    assert bot_framework.metadata_requests >= 1 and bot_framework.key_requests >= 1
    assert bot_framework.identity_requests >= 1


async def test_a_valid_token_on_an_invoke_answers_200_with_the_bots_body(
    settings: Settings, connector: FakeConnector, bot_framework: LocalBotFramework
) -> None:
    async with running(production(settings), connector) as host:
        activity = card_action(KARI, host.service_url, "no.such.verb", {})
        status, body = await post(host, activity, bot_framework.token(host.service_url))
        assert status == 200
        assert isinstance(body, dict) and body.get("statusCode") == 200


# --- refused: 401, and nothing runs --------------------------------------------------------

HOUR = 3600


def no_token(_: LocalBotFramework, __: str) -> str | None:
    return None


REFUSALS: dict[str, Any] = {
    "no token": no_token,
    "expired": lambda bf, url: bf.token(url, expires_in=-HOUR),
    "wrong audience": lambda bf, url: bf.token(url, audience=str(uuid.uuid4())),
    "audience of the Bot Framework itself": lambda bf, url: bf.token(url, audience=BOT_FRAMEWORK),
    "unknown key": lambda bf, url: bf.token(url, key=new_key(), kid="unknown-" + uuid.uuid4().hex),
    "published key id, other key's signature": lambda bf, url: bf.token(url, key=new_key()),
    "key not endorsed for msteams": lambda bf, url: bf.token(
        url, key=bf.webchat_key, kid=bf.webchat_kid
    ),
    "wrong issuer": lambda bf, url: bf.token(url, issuer="https://sts.windows.net/other/"),
    "serviceurl of another service": lambda bf, url: bf.token("https://smba.example/amer/"),
    "not a JWT": lambda bf, url: "not-a-token",
    "unsigned (alg none)": lambda bf, url: jwt.encode(
        {"iss": BOT_FRAMEWORK, "aud": APP_ID, "serviceurl": url, "exp": int(time.time()) + HOUR},
        "",  # PyJWT's "none" algorithm takes no key: an empty one stands for none
        algorithm="none",
        headers={"kid": bf.kid},
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
async def test_a_request_without_a_valid_token_is_refused_and_nothing_runs(
    settings: Settings, connector: FakeConnector, bot_framework: LocalBotFramework, case: str
) -> None:
    async with running(production(settings), connector) as host:
        token = REFUSALS[case](bot_framework, host.service_url)
        status, _ = await post(host, message(KARI, host.service_url, "sjekk inn"), token)
        assert status == 401
        assert connector.received == []
        assert await stored_nothing_for(host, KARI)


# --- ALLOWED_TENANTS ----------------------------------------------------------------------


async def test_an_allowed_tenant_with_a_valid_token_runs(
    settings: Settings, connector: FakeConnector, bot_framework: LocalBotFramework
) -> None:
    allowed = (FOREIGN_TENANT, TENANT_ID.upper())  # tenant ids compare without case
    async with running(production(settings, allowed), connector) as host:
        activity = message(KARI, host.service_url, "sjekk inn")
        status, _ = await post(host, activity, bot_framework.token(host.service_url))
        assert status in (200, 201)
        assert len(connector.cards()) == 1
        assert not await stored_nothing_for(host, KARI)


async def test_a_foreign_tenant_with_a_valid_token_is_refused_and_nothing_runs(
    settings: Settings, connector: FakeConnector, bot_framework: LocalBotFramework
) -> None:
    async with running(production(settings, (TENANT_ID,)), connector) as host:
        activity = from_tenant(message(KARI, host.service_url, "sjekk inn"), FOREIGN_TENANT)
        status, body = await post(host, activity, bot_framework.token(host.service_url))
        assert status == 403
        assert body == {"error": f"tenant {FOREIGN_TENANT} is not allowed to use this bot"}
        assert connector.received == []
        assert await stored_nothing_for(host, KARI)


async def test_the_token_is_checked_before_the_tenant(
    settings: Settings, connector: FakeConnector, bot_framework: LocalBotFramework
) -> None:
    """An unauthenticated caller learns nothing about the allow-list: 401, not 403."""
    async with running(production(settings, (TENANT_ID,)), connector) as host:
        activity = from_tenant(message(KARI, host.service_url, "sjekk inn"), FOREIGN_TENANT)
        status, _ = await post(host, activity, None)
        assert status == 401
        status, _ = await post(host, activity, bot_framework.token(host.service_url, kid="nope"))
        assert status == 401
        assert connector.received == []


async def test_without_allowed_tenants_every_tenant_is_served(
    settings: Settings, connector: FakeConnector, bot_framework: LocalBotFramework
) -> None:
    async with running(production(settings), connector) as host:
        activity = from_tenant(message(KARI, host.service_url, "sjekk inn"), FOREIGN_TENANT)
        status, _ = await post(host, activity, bot_framework.token(host.service_url))
        assert status in (200, 201)
        assert len(connector.cards()) == 1


async def test_allowed_tenants_apply_in_local_mode_too(
    settings: Settings, connector: FakeConnector
) -> None:
    local = replace(settings, allowed_tenants=(TENANT_ID,))
    async with running(local, connector) as host:
        foreign = from_tenant(message(KARI, host.service_url, "sjekk inn"), FOREIGN_TENANT)
        status, _ = await post(host, foreign, None)
        assert status == 403
        assert connector.received == []
        status, _ = await post(host, message(KARI, host.service_url, "sjekk inn"), None)
        assert status in (200, 201)
        assert len(connector.cards()) == 1


# --- only Teams, only Entra users, the conversation's tenant ---------------------------------


def forged_web_chat(activity: dict[str, Any]) -> dict[str, Any]:
    """The issue's request: Web Chat, Kari's object id as `from.id`, her tenant in channelData."""
    forged = {
        **activity,
        "channelId": "webchat",
        "from": {"id": KARI.aad_object_id, "name": KARI.name},
        "conversation": {"id": "forged-" + uuid.uuid4().hex},
    }
    return forged


def without_aad_object_id(activity: dict[str, Any]) -> dict[str, Any]:
    return {**activity, "from": {"id": KARI.aad_object_id, "name": KARI.name}}


def only_channel_data_tenant(activity: dict[str, Any]) -> dict[str, Any]:
    conversation = {k: v for k, v in activity["conversation"].items() if k != "tenantId"}
    return {**activity, "conversation": conversation}


async def stored(settings: Settings) -> list[str]:
    return sorted(json.dumps(doc, sort_keys=True) for doc in await every_document(settings))


NOT_SERVED: dict[str, Any] = {
    "Web Chat, object id as from.id, tenant in channelData": forged_web_chat,
    "Direct Line": lambda a: {**a, "channelId": "directline"},
    "Teams, but no from.aadObjectId": without_aad_object_id,
    "Teams, aadObjectId not a GUID": lambda a: {
        **a,
        "from": {**a["from"], "aadObjectId": "29:" + KARI.aad_object_id.replace("-", "")},
    },
    "Teams, tenant only in channelData": only_channel_data_tenant,
    "Teams, channelData names another tenant": lambda a: {
        **a,
        "channelData": {"tenant": {"id": FOREIGN_TENANT}},
    },
}


@pytest.mark.parametrize("case", NOT_SERVED)
async def test_a_valid_token_serves_only_teams_users_and_nothing_runs_otherwise(
    settings: Settings, connector: FakeConnector, bot_framework: LocalBotFramework, case: str
) -> None:
    """Her own request first; then the forged one gets a 403, no card, no link, no write."""
    async with running(production(settings, (TENANT_ID,)), connector) as host:
        token = bot_framework.token(host.service_url)
        status, _ = await post(host, message(KARI, host.service_url, "mine data"), token)
        assert status in (200, 201) and len(connector.cards()) == 1
        connector.clear()
        before = await stored(settings)

        forged = NOT_SERVED[case](message(KARI, host.service_url, "mine data"))
        status, body = await post(host, forged, token)
        assert status == 403, body
        assert connector.received == []
        assert await stored(settings) == before
