"""A stop in the middle of a round, as App Service stops the app, loses and doubles nothing.

The host runs through the deployed start command (startup.sh, App Service's appCommandLine)
against SQLite in local mode; a slow Teams keeps many sends in flight; SIGTERM goes to the
process the script started, which is Python itself because the script execs it. Then the
operator's `round open` resumes the round, and everyone has exactly one card.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from storage.sqlite_store import SqliteStore
from tests.integration.test_delivery import enrol, people
from tests.integration.test_host_process import HostProcess, free_port
from tests.support.fake_connector import FakeConnector

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 300


class SlowTeams(FakeConnector):
    """Teams taking its time over each send, so that a stop finds many in flight."""

    async def _send(self, request: web.Request) -> web.Response:
        await asyncio.sleep(0.5)
        return await super()._send(request)


@pytest.fixture
async def slow_teams() -> AsyncIterator[SlowTeams]:
    fake = SlowTeams()
    await fake.start()
    yield fake
    await fake.close()


def host_env(tmp_path: Path) -> dict[str, str]:
    """Local mode on SQLite, with a round whose minute passed just before the host starts."""
    missed = datetime.now(UTC) - timedelta(minutes=2)
    env = {
        **os.environ,
        # startup.sh runs `python`: this interpreter's, as App Service's generated script
        # activates the deployment's virtualenv first.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PORT": str(free_port()),
        "SQLITE_PATH": str(tmp_path / "bot.sqlite3"),
        "PSEUDONYM_KEY_FILE": str(tmp_path / "pseudonym.key"),
        "TIMEZONE": "UTC",
        "CHECKIN_CRON": f"{missed.minute} {missed.hour} {missed.day} {missed.month} *",
    }
    for name in ("MicrosoftAppId", "MicrosoftAppPassword", "STORAGE", "PSEUDONYM_KEY"):
        env.pop(name, None)
    return env


class StartCommand(HostProcess):
    """The host started as App Service starts it: `sh startup.sh` in the app's directory."""

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(
                ["sh", "startup.sh"], cwd=ROOT, env=self.env, stdout=log, stderr=log
            )


def pid_command(pid: int) -> list[str]:
    """The command line of a running process."""
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process's command in /proc")
async def test_a_stop_mid_round_through_the_start_command_loses_and_doubles_nothing(
    slow_teams: SlowTeams, tmp_path: Path
) -> None:
    env = host_env(tmp_path)
    store = await SqliteStore.open(env["SQLITE_PATH"])
    await enrol(store, people(PEOPLE, slow_teams.service_url))
    await store.close()

    host = StartCommand(env, tmp_path / "host.log")
    await host.start()
    try:
        # exec: the process App Service signals is Python running app.py, not a shell.
        assert host.process is not None
        command = pid_command(host.process.pid)
        assert Path(command[0]).name.startswith("python") and command[1:] == ["app.py"]

        while sum(slow_teams.delivered.values()) < 64:  # noqa: ASYNC110 - the fake's count
            await asyncio.sleep(0.05)
        output = await asyncio.to_thread(host.stop)  # SIGTERM, as App Service stops it
    finally:
        if host.process is not None and host.process.poll() is None:
            host.process.kill()
    assert host.process.returncode == 0, output
    assert "Traceback" not in output and "stopped" in output
    stopped_at = sum(slow_teams.delivered.values())
    assert stopped_at < PEOPLE, "the round ended before the stop: nothing was tested"
    assert set(slow_teams.delivered.values()) == {1}

    resume = await asyncio.create_subprocess_exec(
        sys.executable,
        "app.py",
        "round",
        "open",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    said, _ = await resume.communicate()
    assert resume.returncode == 0, said.decode()
    assert "another sender holds" not in said.decode()  # the stopped host released its lease
    assert len(slow_teams.delivered) == PEOPLE
    assert set(slow_teams.delivered.values()) == {1}, "someone got the card twice"
