"""A local Microsoft Graph and Entra token endpoint, over HTTPS on 127.0.0.1, for sync tests.

It serves what the sync uses, strictly enough that a wrong client fails:

- `GET /{tenant}/v2.0/.well-known/openid-configuration` — the authority metadata msal reads;
- `POST /{tenant}/oauth2/v2.0/token` — client credentials: checks the client id, the secret
  and the scope, and issues a token valid for `expires_in` seconds;
- `GET /msi/token` — App Service's managed-identity endpoint (`IDENTITY_ENDPOINT`), checking
  `X-IDENTITY-HEADER`, the resource and the client id;
- `GET /v1.0/users` — the users, `page_size` at most per page, with `@odata.nextLink`;
  honours `$select` and `$expand=manager($select=id)`; answers 401 to a missing, unknown or
  expired token; `fail_next(status, count, retry_after)` makes the next requests fail;
- the app's own installation in Teams, as Graph shapes it: `GET /v1.0/appCatalogs/teamsApps`
  (`$filter=externalId eq '…'`), `GET /v1.0/users/{id}/teamwork/installedApps`
  (`$expand=teamsApp`, `$filter=teamsApp/externalId eq '…'`) and `POST` there with
  `teamsApp@odata.bind` (201; 409 when it is installed already; 404 for an unknown user).
  `installed` holds who has which app (by manifest id); `fail_installs_next` makes the next
  requests to these fail; `install_permission=False` answers 403 as Graph does without consent.

The certificate is self-signed for 127.0.0.1 (made with `cryptography`). Clients trust it
through a bundle of the system CAs plus it (`write_ca_bundle`), named in REQUESTS_CA_BUNDLE
and SSL_CERT_FILE: `requests` (msal's HTTP) lets REQUESTS_CA_BUNDLE override its `verify`.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import ssl
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.graph import GraphConfig

TENANT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
CLIENT_ID = "3f2b8c1e-5d4a-4e6b-9c7d-0a1b2c3d4e5f"
CLIENT_SECRET = "fake-graph-secret"
IDENTITY_HEADER = "fake-identity-header"
# The bot's Teams app: its manifest id (the bot's app id) and its id in the tenant's catalog.
MANIFEST_ID = CLIENT_ID
CATALOG_ID = "a7b1c2d3-0000-4e5f-8a9b-0c1d2e3f4a5b"


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake graph")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        # Its own trust anchor: the extensions a strict verifier (Python 3.13) wants of a CA.
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fake-graph-cert.pem", directory / "fake-graph-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def graph_user(
    object_id: str,
    name: str,
    manager: str | None = None,
    department: str = "",
    office: str = "",
    **more: Any,
) -> dict[str, Any]:
    """A user as the fake stores it (every property; `$select` picks from these)."""
    first = name.split()[0].lower()
    return {
        "id": object_id,
        "displayName": name,
        "mail": f"{first}@fjellvik.example",
        "userPrincipalName": f"{first}@fjellvik.example",
        "accountEnabled": True,
        "userType": "Member",
        "department": department or None,
        "officeLocation": office or None,
        "jobTitle": None,
        "_manager": manager,
        **more,
    }


@dataclass
class FakeGraph:
    directory: Path
    users: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 100
    expires_in: int = 3600
    tenant: str = TENANT
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    # What happened, for the tests to check.
    token_requests: int = 0
    identity_requests: int = 0
    users_requests: int = 0
    unauthorized: int = 0
    queries: list[dict[str, str]] = field(default_factory=list)
    _tokens: dict[str, float] = field(default_factory=dict)
    _faults: list[tuple[int, str | None]] = field(default_factory=list)
    next_link_base: str | None = None  # where `@odata.nextLink` points; default: here
    # The app catalog: manifest (external) id -> catalog id.
    catalog: dict[str, str] = field(default_factory=lambda: {MANIFEST_ID: CATALOG_ID})
    installed: dict[str, set[str]] = field(default_factory=dict)  # user id -> manifest ids
    install_permission: bool = True
    catalog_lookups: int = 0
    install_requests: list[tuple[str, str]] = field(default_factory=list)  # (method, user id)
    _install_faults: list[tuple[int, str | None]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    port: int = 0
    cert_path: Path | None = None

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def authority(self) -> str:
        """GRAPH_AUTHORITY: the host, without the tenant."""
        return self.base

    async def start(self) -> None:
        self.cert_path, key_path = make_certificate(self.directory)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_path, key_path)
        app = web.Application()
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._metadata)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_get("/msi/token", self._identity)
        app.router.add_get("/v1.0/users", self._users)
        app.router.add_get("/v1.0/appCatalogs/teamsApps", self._catalog)
        app.router.add_get("/v1.0/users/{user}/teamwork/installedApps", self._installed_apps)
        app.router.add_post("/v1.0/users/{user}/teamwork/installedApps", self._install)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def write_ca_bundle(self, dest: Path) -> Path:
        """The system CAs plus this server's certificate, for REQUESTS_CA_BUNDLE / SSL_CERT_FILE."""
        assert self.cert_path is not None
        system = os.environ.get("SSL_CERT_FILE") or ssl.get_default_verify_paths().cafile
        parts = [Path(system).read_text()] if system and Path(system).is_file() else []
        parts.append(self.cert_path.read_text())
        dest.write_text("\n".join(parts))
        return dest

    def fail_next(self, status: int, count: int = 1, retry_after: str | None = None) -> None:
        """The next `count` user requests answer `status` (with `Retry-After` if given)."""
        self._faults += [(status, retry_after)] * count

    def fail_installs_next(
        self, status: int, count: int = 1, retry_after: str | None = None
    ) -> None:
        """The next `count` requests to the app catalog or installations answer `status`."""
        self._install_faults += [(status, retry_after)] * count

    def expire_tokens(self) -> None:
        """Tokens issued so far are refused from now on (as if revoked)."""
        self._tokens.clear()

    # -- handlers ---------------------------------------------------------------------------

    async def _metadata(self, request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"]
        if tenant != self.tenant:
            return web.json_response({"error": "invalid_tenant"}, status=400)
        prefix = f"{self.base}/{tenant}"
        return web.json_response(
            {
                "issuer": f"{prefix}/v2.0",
                "authorization_endpoint": f"{prefix}/oauth2/v2.0/authorize",
                "token_endpoint": f"{prefix}/oauth2/v2.0/token",
                "device_authorization_endpoint": f"{prefix}/oauth2/v2.0/devicecode",
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        form = await request.post()
        if request.match_info["tenant"] != self.tenant:
            return web.json_response({"error": "invalid_tenant"}, status=400)
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        if form.get("client_id") != self.client_id or form.get("client_secret") != (
            self.client_secret
        ):
            return web.json_response(
                {"error": "invalid_client", "error_description": "AADSTS7000215: bad secret"},
                status=401,
            )
        if form.get("scope") != f"{self.base}/.default":
            return web.json_response(
                {"error": "invalid_scope", "error_description": f"scope {form.get('scope')!r}"},
                status=400,
            )
        return web.json_response(
            {"token_type": "Bearer", "expires_in": self.expires_in, "access_token": self._issue()}
        )

    async def _identity(self, request: web.Request) -> web.Response:
        self.identity_requests += 1
        query = request.query
        if request.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
            return web.json_response({"statusCode": 401, "message": "bad header"}, status=401)
        if query.get("resource") != self.base or query.get("client_id") != self.client_id:
            return web.json_response({"statusCode": 400, "message": "bad resource"}, status=400)
        token = self._issue()
        return web.json_response(
            {
                "access_token": token,
                "expires_on": str(int(self._tokens[token])),
                "resource": self.base,
                "token_type": "Bearer",
            }
        )

    async def _users(self, request: web.Request) -> web.Response:
        self.users_requests += 1
        self.queries.append(dict(request.query))
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        if not auth.startswith("Bearer ") or self._tokens.get(token, 0) < time.time():
            self.unauthorized += 1
            return web.json_response({"error": {"code": "InvalidAuthenticationToken"}}, status=401)
        if self._faults:
            status, retry_after = self._faults.pop(0)
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            return web.json_response(
                {"error": {"code": "TooManyRequests" if status == 429 else "ServiceUnavailable"}},
                status=status,
                headers=headers,
            )
        select = [s for s in request.query.get("$select", "").split(",") if s]
        if not select:
            return web.json_response({"error": {"code": "no $select"}}, status=400)
        expand = request.query.get("$expand", "")
        top = min(int(request.query.get("$top", "100")), 999, self.page_size)
        start = int(request.query.get("$skiptoken", "0"))
        page = self.users[start : start + top]
        value = []
        for user in page:
            shown = {k: user.get(k) for k in select}
            if expand == "manager($select=id)" and user["_manager"]:
                shown["manager"] = {"@odata.type": "#microsoft.graph.user", "id": user["_manager"]}
            value.append(shown)
        body: dict[str, Any] = {"value": value}
        if start + top < len(self.users):
            # Like Graph's: the whole query again, and an opaque token for where to go on.
            query = {"$select": ",".join(select), "$expand": expand, "$top": str(top)}
            body["@odata.nextLink"] = (
                f"{self.next_link_base or self.base}/v1.0/users?{urlencode(query)}"
                f"&$skiptoken={start + top}"
            )
        return web.json_response(body)

    async def _catalog(self, request: web.Request) -> web.Response:
        self.catalog_lookups += 1
        if refused := self._install_refusal(request):
            return refused
        wanted = _equals(request.query.get("$filter", ""), "externalId")
        value = [
            {
                "id": catalog_id,
                "externalId": external,
                "displayName": "Hjemmekontor",
                "distributionMethod": "organization",
            }
            for external, catalog_id in self.catalog.items()
            if wanted is None or external == wanted
        ]
        return web.json_response({"value": value})

    async def _installed_apps(self, request: web.Request) -> web.Response:
        user = request.match_info["user"]
        self.install_requests.append(("GET", user))
        if refused := self._install_refusal(request):
            return refused
        if not self._known(user):
            return _graph_error(404, "NotFound", f"user {user} not found")
        wanted = _equals(request.query.get("$filter", ""), "teamsApp/externalId")
        expand = request.query.get("$expand") == "teamsApp"
        value = []
        for external in sorted(self.installed.get(user, set())):
            if wanted is not None and external != wanted:
                continue
            entry: dict[str, Any] = {"id": f"{user}##{self.catalog.get(external, external)}"}
            if expand:
                entry["teamsApp"] = {
                    "id": self.catalog.get(external, external),
                    "externalId": external,
                    "displayName": "Hjemmekontor",
                    "distributionMethod": "organization",
                }
            value.append(entry)
        return web.json_response({"value": value})

    async def _install(self, request: web.Request) -> web.Response:
        user = request.match_info["user"]
        self.install_requests.append(("POST", user))
        if refused := self._install_refusal(request):
            return refused
        if not self._known(user):
            return _graph_error(404, "NotFound", f"user {user} not found")
        body = await request.json()
        bind = str(body.get("teamsApp@odata.bind", ""))
        prefix = f"{self.base}/v1.0/appCatalogs/teamsApps/"
        by_catalog = {catalog_id: external for external, catalog_id in self.catalog.items()}
        external = by_catalog.get(bind.removeprefix(prefix)) if bind.startswith(prefix) else None
        if external is None:
            return _graph_error(400, "BadRequest", f"teamsApp@odata.bind {bind!r}")
        apps = self.installed.setdefault(user, set())
        if external in apps:
            return _graph_error(409, "Conflict", "App is already installed for this user.")
        apps.add(external)
        return web.Response(status=201)

    def _known(self, user: str) -> bool:
        return any(u["id"] == user for u in self.users)

    def _install_refusal(self, request: web.Request) -> web.Response | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self._tokens.get(token, 0) < time.time():
            self.unauthorized += 1
            return _graph_error(401, "InvalidAuthenticationToken", "no valid token")
        if self._install_faults:
            status, retry_after = self._install_faults.pop(0)
            response = _graph_error(status, "TooManyRequests", "throttled")
            if retry_after is not None:
                response.headers["Retry-After"] = retry_after
            return response
        if not self.install_permission:
            return _graph_error(403, "Forbidden", "Missing role permissions on the request.")
        return None

    def _issue(self) -> str:
        token = f"token-{uuid.uuid4().hex}"
        self._tokens[token] = time.time() + self.expires_in
        return token


def _graph_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def _equals(odata_filter: str, name: str) -> str | None:
    """The value of `name eq '…'` in an OData filter; None when the filter has no such term."""
    prefix = f"{name} eq '"
    if not odata_filter.startswith(prefix) or not odata_filter.endswith("'"):
        return None
    return odata_filter[len(prefix) : -1]


@contextlib.asynccontextmanager
async def served(
    directory: Path, monkeypatch: pytest.MonkeyPatch, **fields: Any
) -> AsyncIterator[FakeGraph]:
    """A fake Graph running, and trusted by msal (requests) and aiohttp for the test."""
    fake = FakeGraph(directory, **fields)
    await fake.start()
    # requests (msal) lets REQUESTS_CA_BUNDLE override its `verify`; the client's
    # aiohttp session reads SSL_CERT_FILE. Both name the system CAs plus the fake's cert.
    bundle = fake.write_ca_bundle(directory / "ca-bundle.pem")
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(name, str(bundle))
    try:
        yield fake
    finally:
        await fake.close()


def config(fake: FakeGraph, **overrides: Any) -> GraphConfig:
    """The bot's Graph settings, pointed at `fake`."""
    return replace(
        GraphConfig(
            tenant_id=TENANT,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            authority=fake.authority,
            endpoint=fake.base,
        ),
        **overrides,
    )


class Sleeps:
    """Records the waits instead of waiting them."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
