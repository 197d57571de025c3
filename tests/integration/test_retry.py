"""One retry policy (domain/retry.py) and its runner (storage/retrying.py) against Cosmos DB,
the local test server, with the SDK's own throttle retries off; time is a fake clock the runner
is given, so a 10 s budget is spent without waiting for it. The policy and the runner alone:
tests/unit/test_retry_policy.py."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from cards.i18n import t
from domain.pseudonym import pseudonym
from storage.cosmos_store import CosmosStore
from storage.port import StorageUnavailable
from tests.support.cosmos_server import CosmosTestServer
from tests.support.fake_connector import FakeConnector
from tests.support.fake_time import FakeTime
from tests.support.host import Host, cosmos_settings
from tests.support.teams import TeamsUser, card_action, message

# -- the policy -------------------------------------------------------------------------------


# -- the runner, on a fake clock --------------------------------------------------------------


# -- Cosmos DB ---------------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path, cosmos_server: CosmosTestServer) -> Settings:
    return cosmos_settings(tmp_path, cosmos_server)


async def open_store(settings: Settings, time: FakeTime) -> CosmosStore:
    return await CosmosStore.open(
        settings.cosmos_endpoint,
        settings.cosmos_key,
        settings.cosmos_database,
        retry_budget=10.0,
        timing=time.timing(),
    )


async def test_the_sdks_own_throttle_retries_are_off(settings: Settings) -> None:
    store = await open_store(settings, FakeTime())
    try:
        client: Any = store._client  # what the SDK was configured with
        assert client.client_connection.connection_policy.RetryOptions.MaxRetryAttemptCount == 0
    finally:
        await store.close()


@pytest.mark.parametrize("status", [429, 503])
async def test_a_busy_store_gives_up_within_the_budget_and_loses_nothing(
    settings: Settings, cosmos_server: CosmosTestServer, status: int
) -> None:
    time = FakeTime(patience=5.0)
    store = await open_store(settings, time)
    try:
        await store.create("users", {"id": "profile", "pk": "kari", "language": "nb"})
        cosmos_server.reset_stats()
        cosmos_server.inject(status, count=1000, retry_after_ms=3000)
        try:
            with pytest.raises(StorageUnavailable):
                await store.upsert("users", {"id": "profile", "pk": "kari", "language": "en"})
            requests = cosmos_server.stats()["total"]
        finally:
            cosmos_server.reset_faults()
        assert time.now <= 10.0
        assert time.waits == [3.0, 3.0, 3.0]  # tries at 0, 3, 6 and 9 s
        # Each of our tries is one request to a throttle: the SDK retried none of them. A 503
        # it tries once more itself, in the next region (the same one here), within our try.
        assert requests == (4 if status == 429 else 8)
        stored = await store.read("users", "kari", "profile")
        assert stored is not None and stored["language"] == "nb"
    finally:
        await store.close()


async def test_a_stalled_store_gives_up_when_the_budget_ends(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    time = FakeTime()
    store = await open_store(settings, time)

    async def stalls(**_: object) -> None:
        await asyncio.Event().wait()

    try:
        monkeypatch.setattr(store._container("users"), "read_item", stalls)
        with pytest.raises(StorageUnavailable, match="no answer"):
            await store.read("users", "kari", "profile")
        assert time.now == pytest.approx(10.0)
    finally:
        await store.close()


async def test_a_turn_on_a_busy_store_says_so_and_a_retry_stores_the_answer_once(
    tmp_path: Path, cosmos_server: CosmosTestServer, connector: FakeConnector
) -> None:
    # Real time here: a budget of 1 s against 429s asking for 0.4 s.
    settings = replace(cosmos_settings(tmp_path, cosmos_server), storage_retry_budget_seconds=1.0)
    host = Host(settings, connector)
    await host.start()
    try:
        kari = TeamsUser("00000000-0000-0000-0000-00000000ka05")
        await host.send(message(kari, host.service_url, "sjekk inn"))
        round_id = str(host.connector.cards()[0]["actions"][0]["data"]["round_id"])
        data = {"round_id": round_id, **{item: "3" for item in settings.checkin_items}}
        cosmos_server.inject(429, count=1000, retry_after_ms=400)
        try:
            _, body = await host.send(card_action(kari, host.service_url, "checkin.submit", data))
        finally:
            cosmos_server.reset_faults()
        assert body["value"] == t("nb", "error.busy")
        _, body = await host.send(card_action(kari, host.service_url, "checkin.submit", data))
        assert body["value"] != t("nb", "error.busy")
        store = await open_store(settings, FakeTime())
        try:
            mine = pseudonym(kari.aad_object_id, settings.load_pseudonym_key())
            assert len(await store.query("responses", mine)) == 1
        finally:
            await store.close()
    finally:
        await host.stop()
