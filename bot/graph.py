"""Everyone in the tenant from Microsoft Graph: the organisation directory's sync source.

Sign-in is the app's own (no user): `msal` client credentials with the bot's app id and secret,
or, with `MicrosoftAppType=UserAssignedMSI`, the managed identity. Either msal object keeps its
token cache for the life of the process, so a token is fetched once and reused until it nears
its expiry. msal is blocking (requests), so it runs in a worker thread.

The users come from `GET /v1.0/users` with the manager expanded, 999 a page (Graph's largest
page), following `@odata.nextLink` until there is none. Mapping (README, "Organisation
directory"):

| Person        | Graph user property                                       |
|---------------|-----------------------------------------------------------|
| id            | `id` (the Entra object id Teams sends as `aadObjectId`)   |
| name          | `displayName`                                             |
| email         | `mail`, else `userPrincipalName`                          |
| upn           | `userPrincipalName` (Teams' deep links take it)           |
| manager_id    | `manager.id` (through `$expand=manager($select=id)`)      |
| service_area  | `department` (setting `GRAPH_SERVICE_AREA_FIELD`)         |
| unit          | `officeLocation` (setting `GRAPH_UNIT_FIELD`)             |

Disabled accounts and guests are left out. Graph throttles with 429 (and sheds load with 503)
and says how long to wait in `Retry-After`: domain/retry.py's policy honours it, otherwise the
wait doubles with jitter; a bounded number of tries within a budget, then the sync fails and the
directory stays as it was.
The application permission `User.Read.All` (admin-consented) is needed.

GraphClient is the HTTP side both the sync and the app installer (bot/graph_install.py) use:
one token cache, one session, one retry policy.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import aiohttp
import msal

from domain.org import Person, normalise_id
from domain.retry import RetryPolicy, retry_after_seconds
from storage.retrying import GaveUp, Refusal, Timing, call

log = logging.getLogger(__name__)

PAGE_SIZE = 999
MAX_ATTEMPTS = 5
# A nightly sync nobody waits on: room for Graph's Retry-After (seconds, rarely minutes).
RETRY = RetryPolicy(
    attempts=MAX_ATTEMPTS, budget=600.0, base=1.0, cap=60.0, longest_retry_after=120.0
)
RETRYABLE = frozenset({429, 500, 502, 503, 504})
# Microsoft's own sign-in hosts: their authority is validated against the instance metadata.
# Any other (a local test authority) cannot be, and is used as given.
MICROSOFT_LOGIN_HOSTS = (
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
)

Sleep = Callable[[float], Awaitable[None]]


class GraphError(Exception):
    """Graph or the token endpoint could not give the users; nothing was changed."""


@dataclass(frozen=True)
class GraphConfig:
    tenant_id: str
    client_id: str
    client_secret: str = ""  # empty with a managed identity
    managed_identity: bool = False
    authority: str = "https://login.microsoftonline.com"
    endpoint: str = "https://graph.microsoft.com"
    service_area_field: str = "department"
    unit_field: str = "officeLocation"


class GraphTokens:
    """App-only tokens for Graph from msal, cached by msal until they are about to expire."""

    def __init__(self, config: GraphConfig) -> None:
        self._config = config
        self._app: msal.ConfidentialClientApplication | msal.ManagedIdentityClient | None = None
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:  # one msal object, one fetch at a time
            result = await asyncio.to_thread(self._acquire)
        token = result.get("access_token")
        if not token:
            raise GraphError(
                f"no Graph token: {result.get('error')}: {result.get('error_description')}"
            )
        return str(token)

    def _acquire(self) -> dict[str, Any]:
        config = self._config
        try:
            if config.managed_identity:
                if self._app is None:
                    self._app = msal.ManagedIdentityClient(
                        msal.UserAssignedManagedIdentity(client_id=config.client_id),
                        http_client=_requests_session(),
                    )
                assert isinstance(self._app, msal.ManagedIdentityClient)
                result = self._app.acquire_token_for_client(resource=config.endpoint)
            else:
                if self._app is None:
                    # Building the app fetches the authority's metadata (network).
                    self._app = _confidential_client(config)
                assert isinstance(self._app, msal.ConfidentialClientApplication)
                result = self._app.acquire_token_for_client(scopes=[f"{config.endpoint}/.default"])
        except (ValueError, OSError) as error:  # requests' errors are OSErrors
            raise GraphError(f"no Graph token: {error}") from error
        return dict(result or {})


def _confidential_client(config: GraphConfig) -> msal.ConfidentialClientApplication:
    microsoft = urlparse(config.authority).hostname in MICROSOFT_LOGIN_HOSTS
    return msal.ConfidentialClientApplication(
        config.client_id,
        client_credential=config.client_secret,
        authority=f"{config.authority}/{config.tenant_id}",
        validate_authority=microsoft,
        instance_discovery=microsoft,
    )


def _requests_session() -> Any:
    import requests  # msal's own dependency

    return requests.Session()


class GraphClient:
    """App-only requests to Graph: the token, one HTTPS session, and the shared retry policy.

    The directory sync and the app installer (bot/graph_install.py) both talk through it, so
    429/503 are waited out the same way (`Retry-After`, else doubling backoff) everywhere."""

    def __init__(
        self,
        config: GraphConfig,
        tokens: GraphTokens | None = None,
        sleep: Sleep = asyncio.sleep,
        timeout: float = 60,
    ) -> None:
        self.config = config
        self._tokens = tokens or GraphTokens(config)
        self._timing = Timing(sleep=sleep)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(
        self,
        method: str,
        url: str,
        what: str,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Graph's status and JSON body once it answers with anything but a retryable status;
        GraphError when it kept failing."""
        if self._session is None:
            # Made here rather than relying on aiohttp's default, which reads the trusted CAs
            # once at import: this one honours SSL_CERT_FILE as it is when the work starts.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=ssl.create_default_context())
            )
        session = self._session

        async def attempt() -> tuple[int, dict[str, Any]]:
            headers = {"Authorization": f"Bearer {await self._tokens.token()}"}
            async with session.request(
                method, url, params=params, json=body, headers=headers, timeout=self._timeout
            ) as response:
                if response.status in RETRYABLE:
                    raise _Answer(
                        response.status,
                        (await response.text())[:300],
                        retry_after_seconds(response.headers.get("Retry-After")),
                    )
                text = await response.text()
                try:
                    parsed = json.loads(text) if text else {}
                except ValueError:
                    parsed = {"error": {"message": text[:300]}}
                return response.status, parsed if isinstance(parsed, dict) else {}

        try:
            return await call(attempt, RETRY, _retryable, what, self._timing)
        except GaveUp as error:
            raise GraphError(f"Graph kept failing: {error}") from error


class GraphDirectory:
    """The directory source of a sync: every enabled member user of the tenant."""

    name = "graph"

    def __init__(
        self,
        config: GraphConfig,
        tokens: GraphTokens | None = None,
        sleep: Sleep = asyncio.sleep,
        timeout: float = 60,
        client: GraphClient | None = None,
    ) -> None:
        self._config = config
        self._client = client or GraphClient(config, tokens, sleep, timeout)

    async def close(self) -> None:
        await self._client.close()

    async def people(self) -> list[Person]:
        config = self._config
        select = ["id", "displayName", "mail", "userPrincipalName", "accountEnabled", "userType"]
        for field in (config.service_area_field, config.unit_field):
            select.append(
                "onPremisesExtensionAttributes" if field.startswith("extensionAttribute") else field
            )
        url: str | None = f"{config.endpoint}/v1.0/users"
        params: dict[str, str] | None = {
            "$select": ",".join(dict.fromkeys(select)),
            "$expand": "manager($select=id)",
            "$top": str(PAGE_SIZE),
        }
        people: list[Person] = []
        pages = 0
        while url:
            status, page = await self._client.request("GET", url, "Graph users page", params)
            if status != 200:
                raise GraphError(_refusal(status, error_detail(page)))
            pages += 1
            people += [self._person(user) for user in page.get("value", []) if _member(user)]
            url, params = page.get("@odata.nextLink"), None  # the link carries the query
            if url and not _same_origin(url, config.endpoint):
                # The bearer token goes only to the Graph endpoint configured.
                raise GraphError(f"Graph's next page is on another host: {url}")
        log.info("Graph: %d people in %d pages", len(people), pages)
        return people

    def _person(self, user: dict[str, Any]) -> Person:
        manager = user.get("manager") or {}
        return Person(
            id=normalise_id(str(user["id"])),
            name=str(user.get("displayName") or ""),
            email=str(user.get("mail") or user.get("userPrincipalName") or ""),
            upn=str(user.get("userPrincipalName") or ""),
            manager_id=normalise_id(str(manager["id"])) if manager.get("id") else None,
            service_area=_field(user, self._config.service_area_field),
            unit=_field(user, self._config.unit_field),
        )


class _Answer(Exception):
    """Graph answered with a status worth another try (throttled, busy)."""

    def __init__(self, status: int, detail: str, retry_after: float | None) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


def error_detail(body: dict[str, Any]) -> str:
    """Graph's error as it explains it: `{"error": {"code", "message"}}`."""
    error = body.get("error")
    if isinstance(error, dict):
        return " ".join(str(error[k]) for k in ("code", "message") if error.get(k))[:300]
    return str(body)[:300]


def _retryable(error: BaseException) -> Refusal | None:
    if isinstance(error, _Answer):
        return Refusal(str(error.status), error.retry_after) if error.status in RETRYABLE else None
    if isinstance(error, aiohttp.ClientError | TimeoutError):
        return Refusal("no answer")
    return None


def _member(user: dict[str, Any]) -> bool:
    return user.get("accountEnabled") is not False and user.get("userType") != "Guest"


def _field(user: dict[str, Any], name: str) -> str:
    if name.startswith("extensionAttribute"):
        value = (user.get("onPremisesExtensionAttributes") or {}).get(name)
    else:
        value = user.get(name)
    return str(value).strip() if value else ""


def _same_origin(url: str, endpoint: str) -> bool:
    a, b = urlparse(url), urlparse(endpoint)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _refusal(status: int, detail: str) -> str:
    if status == 403:
        return (
            "Graph refused to list users (403): the app needs the application permission "
            f"User.Read.All with admin consent. {detail}"
        )
    return f"Graph answered {status}: {detail}"
