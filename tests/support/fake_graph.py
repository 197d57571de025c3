"""A local Microsoft Graph and Entra token endpoint, over HTTPS on 127.0.0.1, for sync tests.

It serves what the sync uses, strictly enough that a wrong client fails:

- `GET /{tenant}/v2.0/.well-known/openid-configuration` — the authority metadata msal reads;
- `POST /{tenant}/oauth2/v2.0/token` — client credentials: checks the client id, the secret
  and the scope, and issues a token valid for `expires_in` seconds;
- `GET /msi/token` — App Service's managed-identity endpoint (`IDENTITY_ENDPOINT`), checking
  `X-IDENTITY-HEADER`, the resource and the client id;
- `GET /v1.0/users` — the users, `page_size` at most per page, with `@odata.nextLink`;
  honours `$select` and `$expand=manager($select=id)`; answers 401 to a missing, unknown or
  expired token; `fail_next(status, count, retry_after)` makes the next requests fail.

The certificate is self-signed for 127.0.0.1 (made with `cryptography`). Clients trust it
through a bundle of the system CAs plus it (`write_ca_bundle`), named in REQUESTS_CA_BUNDLE
and SSL_CERT_FILE: `requests` (msal's HTTP) lets REQUESTS_CA_BUNDLE override its `verify`.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TENANT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
CLIENT_ID = "3f2b8c1e-5d4a-4e6b-9c7d-0a1b2c3d4e5f"
CLIENT_SECRET = "fake-graph-secret"
IDENTITY_HEADER = "fake-identity-header"


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

    def _issue(self) -> str:
        token = f"token-{uuid.uuid4().hex}"
        self._tokens[token] = time.time() + self.expires_in
        return token
