"""The README's run command, as a person would use it: start, chat, restart, chat again."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from cards.data_rights import DOWNLOAD_VERB
from cards.i18n import t
from tests.support.fake_connector import FakeConnector
from tests.support.messages import shows
from tests.support.teams import TeamsUser, card_action, install, message

ROOT = Path(__file__).resolve().parents[2]
KARI = TeamsUser("00000000-0000-0000-0000-00000000ka02")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HostProcess:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.port = int(env["PORT"])
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self) -> subprocess.Popen[bytes]:
        # Output goes to a file: a pipe nobody reads would stall a chatty host.
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [str(ROOT / "dev"), "run"], cwd=ROOT, env=self.env, stdout=log, stderr=log
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    async def start(self) -> None:
        self.process = self._spawn()
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                if self.process.poll() is not None:
                    raise AssertionError(f"host exited early:\n{self.output()}")
                try:
                    async with session.get(self.url + "/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError("host did not answer /healthz within 30 s")

    def stop(self) -> str:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=15)
        return self.output()


@pytest.fixture
async def host_process(tmp_path: Path, connector: FakeConnector) -> AsyncIterator[HostProcess]:
    env = {
        **os.environ,
        "PORT": str(free_port()),
        "SQLITE_PATH": str(tmp_path / "data" / "bot.sqlite3"),
        "PSEUDONYM_KEY_FILE": str(tmp_path / "data" / "pseudonym.key"),
        "PYTHON": sys.executable,
        # The tick at start would open this week's round and race the install's welcome card.
        "CHECKIN_CRON": "off",
    }
    for name in ("MicrosoftAppId", "MicrosoftAppPassword", "STORAGE", "PSEUDONYM_KEY"):
        env.pop(name, None)
    running = HostProcess(env, tmp_path / "host.log")
    await running.start()
    yield running
    if running.process and running.process.poll() is None:
        running.stop()


async def post(
    session: aiohttp.ClientSession, host: HostProcess, activity: dict[str, Any]
) -> tuple[int, dict[str, Any] | None]:
    async with session.post(host.url + "/api/messages", json=activity) as response:
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body


@pytest.mark.slow
async def test_run_command_serves_and_keeps_answers_across_a_restart(
    host_process: HostProcess, connector: FakeConnector, tmp_path: Path
) -> None:
    url = connector.service_url
    async with aiohttp.ClientSession() as session:
        async with session.get(host_process.url + "/healthz") as health:
            assert health.status == 200

        connector.names[KARI.teams_id] = KARI.name  # the install names no one: Teams' lookup
        await post(session, host_process, install(KARI, url))
        assert "Hei Kari!" in str(connector.cards()[0])

        connector.clear()
        await post(session, host_process, message(KARI, url, "sjekk inn"))
        (card,) = connector.cards()
        ids = [e.get("id") for e in card["body"]]
        assert "stress" in ids and "social" in ids
        answers = {e["id"]: "2" for e in card["body"] if e["type"] == "Input.ChoiceSet"}
        data = {"round_id": card["actions"][0]["data"]["round_id"], **answers}
        status, body = await post(
            session, host_process, card_action(KARI, url, "checkin.submit", data)
        )
        assert status == 200 and body is not None
        assert t("nb", "receipt.title") in str(body["value"])
        _, again = await post(session, host_process, card_action(KARI, url, "checkin.submit", data))
        assert again is not None and shows(str(again["value"]), "nb", "receipt.already")

        async with session.post(
            host_process.url + "/api/messages",
            data=b"{oops",
            headers={"Content-Type": "application/json"},
        ) as bad:
            assert bad.status == 400

    output = host_process.stop()
    assert "Traceback" not in output
    assert (tmp_path / "data" / "bot.sqlite3").exists()

    await host_process.start()
    async with aiohttp.ClientSession() as session:
        connector.clear()
        await post(session, host_process, message(KARI, url, "min utvikling"))
        (trend,) = connector.cards()
        table = next(e for e in trend["body"] if e["type"] == "Table")
        assert len(table["rows"]) == 1 + len(answers)  # header + one row per item answered
        assert '"text": "2"' in str(table).replace("'", '"')


EXPOSED = {
    "all interfaces": {"HOST": "0.0.0.0"},
    "all IPv6 interfaces": {"HOST": "::"},
    "a LAN address": {"HOST": "192.168.1.10"},
    "Cosmos DB": {
        "STORAGE": "cosmos",
        "COSMOS_ENDPOINT": "https://acct.documents.azure.com/",
        "PSEUDONYM_KEY": "k" * 32,
    },
    "a public base URL": {"PUBLIC_BASE_URL": "https://hjemmekontor.example.no"},
}


@pytest.mark.parametrize("case", EXPOSED)
def test_local_mode_refuses_to_start_where_others_could_reach_it(tmp_path: Path, case: str) -> None:
    """Without an app id nothing checks a token, so a reachable host would serve anyone."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PORT": str(free_port()),
        "SQLITE_PATH": str(tmp_path / "bot.sqlite3"),
        "PSEUDONYM_KEY_FILE": str(tmp_path / "pseudonym.key"),
        **EXPOSED[case],
    }
    for name in ("MicrosoftAppId", "MicrosoftAppPassword", "LOCAL_MODE_UNSAFE_EXPOSE"):
        env.pop(name, None)
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "app.py"), "serve"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=20,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"local mode served with {EXPOSED[case]}") from None
    assert done.returncode == 2, done.stderr
    assert "local mode" in done.stderr and "MicrosoftAppId" in done.stderr
    assert next(iter(EXPOSED[case])) in done.stderr  # it names the setting
    assert "serving on" not in done.stderr


def test_local_mode_serves_loopback_and_an_explicit_override() -> None:
    from bot.settings import Settings

    for env in (
        {"HOST": "127.0.0.2"},
        {"HOST": "::1"},
        {"HOST": "localhost", "PUBLIC_BASE_URL": "http://localhost:3978"},
        {"PUBLIC_BASE_URL": "http://127.0.0.1:8080/"},
        {"HOST": "0.0.0.0", "MicrosoftAppId": "x", "MicrosoftAppType": "UserAssignedMSI"}
        | {"MicrosoftAppTenantId": "t", "PSEUDONYM_KEY": "k"},
        {"STORAGE": "cosmos", "COSMOS_ENDPOINT": "https://127.0.0.1:8081/"}
        | {"LOCAL_MODE_UNSAFE_EXPOSE": "yes-i-know", "PSEUDONYM_KEY": "k"},
    ):
        Settings.from_env(env).check_servable()


@pytest.mark.slow
async def test_no_log_line_holds_a_download_token_or_whom_it_is_for(
    tmp_path: Path, connector: FakeConnector
) -> None:
    """Everything the host logs at DEBUG, the access log too, over making and using links."""
    env = {
        **os.environ,
        "PORT": str(free_port()),
        "SQLITE_PATH": str(tmp_path / "data" / "bot.sqlite3"),
        "PSEUDONYM_KEY_FILE": str(tmp_path / "data" / "pseudonym.key"),
        "PYTHON": sys.executable,
        "LOG_LEVEL": "DEBUG",
    }
    for name in ("MicrosoftAppId", "MicrosoftAppPassword", "STORAGE", "PSEUDONYM_KEY"):
        env.pop(name, None)
    host = HostProcess(env, tmp_path / "host.log")
    await host.start()
    # A personal chat's id in Teams is opaque ("a:1…"), not made of the user's object id.
    chat = {"id": "a:1" + os.urandom(12).hex(), "conversationType": "personal"}
    tokens: list[str] = []
    try:
        async with aiohttp.ClientSession() as session:
            await post(
                session, host, {**install(KARI, connector.service_url), "conversation": chat}
            )
            for _ in range(2):  # two links: one used, one only made
                press = card_action(KARI, connector.service_url, DOWNLOAD_VERB, {})
                _, answer = await post(session, host, {**press, "conversation": chat})
                assert answer is not None
                actions = answer["value"]["actions"]
                url = next(a["url"] for a in actions if a["type"] == "Action.OpenUrl")
                assert url.startswith(host.url + "/my-data.json?t=")
                tokens.append(url.split("?t=", 1)[1])
                assert KARI.aad_object_id not in url + _decoded(tokens[-1])  # opaque
            async with session.head(url) as head:
                assert head.status == 405  # a link checker's HEAD does not use it up
            async with session.get(url) as first:
                assert first.status == 200 and KARI.aad_object_id in await first.text()
            async with session.get(url) as again:
                assert again.status == 403  # single use
    finally:
        output = host.stop()
    assert "GET /my-data.json" in output  # the access log is there, with the path
    for secret in (*tokens, KARI.aad_object_id, KARI.teams_id):
        assert secret not in output, [line for line in output.splitlines() if secret in line][:3]


def _decoded(token: str) -> str:
    import base64

    return base64.urlsafe_b64decode(token.split(".")[0] + "==").decode("latin-1")
