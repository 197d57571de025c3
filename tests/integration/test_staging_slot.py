"""The staging slot shares production's store and must not act on it: with its slot-sticky
SCHEDULER=off (infra/modules/webapp.bicep) it opens no round, sends nothing and refuses the
commands that send, while the production slot, SCHEDULER=on, does the same work at once.

Both hosts run through the deployed start command against one SQLite store in local mode, with
a round whose minute passed just before they start (a host that is on opens it at start).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from storage.sqlite_store import SqliteStore
from tests.integration.test_delivery import enrol, people
from tests.integration.test_graceful_stop import StartCommand, host_env
from tests.support.fake_connector import FakeConnector

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 5
TICK = 1  # seconds: SCHEDULER_TICK_SECONDS, so that a quiet staging host has ticked often


def app(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "app.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def rounds(env: dict[str, str]) -> list[object]:
    listed = await asyncio.to_thread(app, env, "round", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    assert isinstance(found, list)
    return found


@pytest.mark.slow
async def test_the_staging_slot_opens_and_sends_nothing_and_production_does(
    connector: FakeConnector, tmp_path: Path
) -> None:
    env = {**host_env(tmp_path), "SCHEDULER_TICK_SECONDS": str(TICK)}
    store = await SqliteStore.open(env["SQLITE_PATH"])
    await enrol(store, people(PEOPLE, connector.service_url))
    await store.close()

    staging_env = {**env, "SCHEDULER": "off"}
    staging = StartCommand(staging_env, tmp_path / "staging.log")
    await staging.start()
    try:
        await asyncio.sleep(3 * TICK)
        refused = await asyncio.to_thread(app, staging_env, "round", "open")
        assert await rounds(env) == []
        assert connector.delivered == {}
    finally:
        output = await asyncio.to_thread(staging.stop)
    assert staging.process is not None and staging.process.returncode == 0, output
    assert "SCHEDULER=off" in output
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "SCHEDULER=off" in refused.stderr and "production slot" in refused.stderr

    # After a swap the code runs with production's sticky SCHEDULER=on: the round opens at once.
    production = StartCommand({**env, "SCHEDULER": "on"}, tmp_path / "production.log")
    await production.start()
    try:
        for _ in range(300):
            if len(connector.delivered) == PEOPLE:
                break
            await asyncio.sleep(0.1)
    finally:
        output = await asyncio.to_thread(production.stop)
    assert len(connector.delivered) == PEOPLE, output
    assert set(connector.delivered.values()) == {1}
    assert len(await rounds(env)) == 1
