"""Start and drive the local Cosmos DB test server (tools/cosmos-server/server.mjs).

The server is @vercel/cosmosdb-server (npm) with the fixes described at the top of
server.mjs: an in-memory Cosmos DB that ``azure-cosmos`` talks to over HTTPS on
127.0.0.1, checking the master key like the real service. It needs Node.js 20+ and
the repository's npm packages (``npm ci`` at the repository root).

Typical use, in a conftest.py::

    from tests.support.cosmos_server import cosmos_server_fixture

    cosmos = cosmos_server_fixture(name="cosmos", scope="session")

    def test_something(cosmos):
        client = cosmos.client()       # or CosmosClient(cosmos.endpoint, cosmos.key)
        cosmos.inject(429, count=3, retry_after_ms=10)   # next 3 requests are throttled
        ...

or without pytest: ``with running_cosmos_server() as server: ...``.
"""

from __future__ import annotations

import collections
import http.client
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from typing import IO, TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from azure.cosmos import CosmosClient
    from azure.cosmos.aio import CosmosClient as AsyncCosmosClient

Scope = Literal["session", "package", "module", "class", "function"]

REPO_ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = REPO_ROOT / "tools" / "cosmos-server" / "server.mjs"
LIBRARY_PACKAGE = REPO_ROOT / "node_modules" / "@vercel" / "cosmosdb-server" / "package.json"

#: The well-known, public key of the Cosmos DB emulator; the server's default.
EMULATOR_KEY = (
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
)


class CosmosServerError(RuntimeError):
    """The test server could not be started or refused a control request."""


@dataclass
class CosmosTestServer:
    """A running test server. ``endpoint``, ``key`` and ``cert_path`` are what a
    client needs; the methods drive the server's /_test endpoints."""

    endpoint: str  # "https://127.0.0.1:PORT/"
    key: str  # master key the server checks signatures with
    cert_path: str  # PEM of the server's self-signed certificate
    port: int
    process: subprocess.Popen[str]
    _tmpdir: str | None = None
    _log: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=200))

    # -- fault injection ------------------------------------------------------

    def inject(
        self,
        status: int,
        count: int,
        retry_after_ms: int | None = None,
        substatus: int | None = None,
    ) -> None:
        """Make the next ``count`` requests (after the auth check) answer ``status``
        with a Cosmos error body. For 429 the server sends ``x-ms-retry-after-ms``
        (``retry_after_ms``, default 100) and ``x-ms-substatus`` (default 3200)."""
        body: dict[str, Any] = {"status": status, "count": count}
        if retry_after_ms is not None:
            body["retryAfterMs"] = retry_after_ms
        if substatus is not None:
            body["substatus"] = substatus
        self._control("POST", "/_test/faults", body)

    def reset_faults(self) -> None:
        """Cancel any pending injected fault."""
        self._control("DELETE", "/_test/faults")

    # -- request counters -----------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Requests since the last reset: ``total``, ``byVerb``, ``byResource``,
        ``byVerbResource`` (e.g. ``{"POST docs": 4}``), ``faulted``,
        ``unauthorized`` and ``connections`` (new connections that carried requests)."""
        stats: dict[str, Any] = self._control("GET", "/_test/stats")
        return stats

    def reset_stats(self) -> None:
        self._control("POST", "/_test/stats/reset")

    def reset(self) -> None:
        """Cancel faults and zero the counters (the data stays)."""
        self.reset_faults()
        self.reset_stats()

    def clear_data(self) -> None:
        """Drop every database."""
        self._control("DELETE", "/_test/data")

    # -- lifecycle --------------------------------------------------------------

    def log_tail(self) -> str:
        """The server's last stderr lines, for failure messages."""
        return "\n".join(self._log)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None  # started with a pipe
                self.process.stdin.close()  # the server exits when its stdin closes
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=5)
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def client(self, **kwargs: Any) -> CosmosClient:
        """A sync ``azure.cosmos.CosmosClient`` for this server that verifies its
        certificate (without ``ssl_config`` the SDK skips verification for 127.0.0.1)."""
        from azure.cosmos import CosmosClient, SSLConfiguration

        kwargs.setdefault("connection_verify", self.cert_path)
        kwargs.setdefault("ssl_config", SSLConfiguration())
        return CosmosClient(self.endpoint, self.key, **kwargs)

    def async_client(self, **kwargs: Any) -> AsyncCosmosClient:
        """An ``azure.cosmos.aio.CosmosClient`` for this server (use ``async with``).
        The async SDK cannot be given a CA for 127.0.0.1; it skips verification there."""
        from azure.cosmos.aio import CosmosClient as AsyncCosmosClient

        return AsyncCosmosClient(self.endpoint, self.key, **kwargs)

    def ssl_context(self) -> ssl.SSLContext:
        """An SSL context that trusts the server's certificate (and checks it)."""
        return ssl.create_default_context(cafile=self.cert_path)

    def write_ca_bundle(self, dest: str | os.PathLike[str]) -> Path:
        """Write the system CA bundle plus this server's certificate to ``dest``, for
        SSL_CERT_FILE / REQUESTS_CA_BUNDLE when other HTTPS must keep working too."""
        system = os.environ.get("SSL_CERT_FILE") or ssl.get_default_verify_paths().cafile
        parts = [Path(system).read_text()] if system and Path(system).is_file() else []
        parts.append(Path(self.cert_path).read_text())
        dest = Path(dest)
        dest.write_text("\n".join(parts))
        return dest

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.ssl_context(), timeout=10
        )
        try:
            payload = None if body is None else json.dumps(body)
            conn.request(method, path, body=payload, headers={"content-type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
        except OSError as exc:
            raise CosmosServerError(f"{method} {path} failed: {exc}\n{self.log_tail()}") from exc
        finally:
            conn.close()
        if resp.status >= 400:
            raise CosmosServerError(
                f"{method} {path} -> {resp.status} {data.decode(errors='replace')}"
            )
        return json.loads(data) if data else None


def _node_binary() -> str:
    node = os.environ.get("NODE") or shutil.which("node")
    if not node:
        raise CosmosServerError(
            "Node.js (20 or later) is needed for the Cosmos test server: `node` is not on PATH."
        )
    return node


def start_cosmos_server(
    *,
    port: int = 0,
    key: str = EMULATOR_KEY,
    auth: bool = True,
    stock: bool = False,
    log_requests: bool = False,
    startup_timeout: float = 60.0,  # node on a loaded 2-core machine can take a while
) -> CosmosTestServer:
    """Start the server as a subprocess and wait until it is ready (well under 3 s).

    ``port=0`` picks a free port. ``auth=False`` accepts any key. ``stock=True``
    serves the unfixed library (to show a test fails without the fixes).
    Call ``stop()`` on the result, or use ``running_cosmos_server()``.
    """
    if not LIBRARY_PACKAGE.is_file():
        raise CosmosServerError(
            f"@vercel/cosmosdb-server is not installed in {REPO_ROOT / 'node_modules'}: "
            f"run `npm ci` in {REPO_ROOT} first."
        )
    tmpdir = tempfile.mkdtemp(prefix="cosmos-test-server-")
    cert_path = os.path.join(tmpdir, "cert.pem")
    cmd = [
        _node_binary(),
        str(LAUNCHER),
        "--port",
        str(port),
        "--cert-out",
        cert_path,
        "--key",
        key,
        "--exit-with-stdin",
    ]
    if not auth:
        cmd.append("--no-auth")
    if stock:
        cmd.append("--stock")
    if log_requests:
        cmd.append("--log-requests")
    process = subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: collections.deque[str] = collections.deque(maxlen=200)
    ready: Queue[str] = Queue()
    # Drain both pipes for the server's whole life, so it never blocks on a full pipe.
    threading.Thread(target=_pump, args=(process.stdout, ready.put), daemon=True).start()
    threading.Thread(target=_pump, args=(process.stderr, log.append), daemon=True).start()

    deadline = time.monotonic() + startup_timeout
    while True:
        try:
            line = ready.get(timeout=0.05)
        except Empty:
            line = None
        if line:
            info = json.loads(line)
            return CosmosTestServer(
                endpoint=info["endpoint"],
                key=info["key"],
                cert_path=info["cert"],
                port=int(info["endpoint"].rsplit(":", 1)[1].strip("/")),
                process=process,
                _tmpdir=tmpdir,
                _log=log,
            )
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            shutil.rmtree(tmpdir, ignore_errors=True)
            time.sleep(0.1)  # let the stderr pump catch up
            raise CosmosServerError(
                f"Cosmos test server did not start (exit code {process.returncode}):\n"
                + "\n".join(log)
            )


def _pump(stream: IO[str], sink: Callable[[str], None]) -> None:
    for line in stream:
        sink(line.rstrip("\n"))


@contextmanager
def running_cosmos_server(**kwargs: Any) -> Iterator[CosmosTestServer]:
    """``with running_cosmos_server() as server:`` — start_cosmos_server() and stop()."""
    server = start_cosmos_server(**kwargs)
    try:
        yield server
    finally:
        server.stop()


def cosmos_server_fixture(
    *, name: str = "cosmos_server", scope: Scope = "session", **kwargs: Any
) -> Callable[..., object]:
    """A pytest fixture named ``name`` that yields a running CosmosTestServer;
    ``kwargs`` go to start_cosmos_server(). Assign it in a conftest or test module:
    ``cosmos = cosmos_server_fixture(name="cosmos")``. Faults and data persist across
    tests sharing it: call ``reset()`` / ``clear_data()`` where a test needs a clean slate."""
    import pytest

    @pytest.fixture(scope=scope, name=name)
    def _fixture() -> Iterator[CosmosTestServer]:
        with running_cosmos_server(**kwargs) as server:
            yield server

    return _fixture
