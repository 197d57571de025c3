"""The host on STORAGE=cosmos against the local Cosmos DB server: where a submit lands, and
that throttling and outages lose or double nothing."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from azure.cosmos.aio import CosmosClient

from bootstrap import open_store
from bot.settings import Settings
from cards.i18n import t
from cli.main import main
from domain.pseudonym import pseudonym
from storage.cosmos_store import CosmosStore, StorageSetupError
from tests.support.cosmos_server import CosmosTestServer
from tests.support.host import Host, cosmos_settings
from tests.support.messages import shows
from tests.support.teams import TeamsUser, card_action, message

ANSWERS = {"stress": "3", "social": "3", "focus": "3", "workload": "3", "balance": "3",
           "leader": "3", "learning": "3", "strain": "3"}  # fmt: skip


@pytest.fixture
def settings(tmp_path: Path, cosmos_server: CosmosTestServer) -> Settings:
    """This module is about Cosmos DB alone."""
    return cosmos_settings(tmp_path, cosmos_server)


async def open_round(host: Host, user: TeamsUser) -> str:
    host.connector.clear()
    await host.send(message(user, host.service_url, "sjekk inn"))
    return str(host.connector.cards()[0]["actions"][0]["data"]["round_id"])


async def all_documents(settings: Settings, container: str) -> list[dict[str, Any]]:
    async with CosmosClient(settings.cosmos_endpoint, settings.cosmos_key) as client:
        proxy = client.get_database_client(settings.cosmos_database).get_container_client(container)
        return [doc async for doc in proxy.query_items("SELECT * FROM c")]


async def test_submit_lands_in_the_documented_containers_and_partitions(
    host: Host, settings: Settings
) -> None:
    kari = TeamsUser("00000000-0000-0000-0000-00000000ka03")
    round_id = await open_round(host, kari)
    data = {"round_id": round_id, **ANSWERS}
    await host.send(card_action(kari, host.service_url, "checkin.submit", data))

    (response,) = await all_documents(settings, "responses")
    assert response["id"] == round_id
    assert response["pk"] == pseudonym(kari.aad_object_id, b"test-pseudonym-key")
    assert kari.aad_object_id not in str(response)  # stored under the pseudonym only
    assert response["ttl"] == 730 * 24 * 3600
    (round_doc,) = await all_documents(settings, "rounds")
    assert (round_doc["id"], round_doc["pk"]) == (round_id, "rounds")
    users = await all_documents(settings, "users")
    assert {(d["id"], d["pk"]) for d in users} == {
        ("profile", kari.aad_object_id),
        (kari.aad_object_id, "roster"),
    }
    counters = {doc["id"]: doc for doc in await all_documents(settings, "counters")}
    participation = counters.pop("participation")
    assert (participation["pk"], participation["answered"]) == (round_id, 1)
    # The pulse's service area x age band cell: numbers only.
    (cell,) = [doc for doc in counters.values() if doc["id"].startswith("cell:")]
    assert (cell["pk"], cell["n"], cell["stress_3"]) == (round_id, 1, 1)
    assert kari.aad_object_id not in str(cell)
    # The sealed entry the round is recounted from at close: nothing readable about Kari.
    (entry,) = [doc for doc in counters.values() if "sealed" in doc]
    assert entry["pk"] == round_id
    assert kari.aad_object_id not in str(entry)
    assert response["pk"] not in str(entry)  # not even her pseudonym
    assert set(counters) == {cell["id"], entry["id"]}

    await host.restart()
    host.connector.clear()
    await host.send(message(kari, host.service_url, "min utvikling"))
    assert "Table" in str(host.connector.cards()[0])


async def test_concurrent_submits_under_429_and_503_bursts_store_each_exactly_once(
    host: Host, settings: Settings, cosmos_server: CosmosTestServer
) -> None:
    users = [TeamsUser(f"00000000-0000-0000-0000-{n:012d}") for n in range(200)]
    round_id = await open_round(host, users[0])

    async def bursts() -> None:
        for n in range(8):
            if n % 3 == 2:
                cosmos_server.inject(503, count=3)
            else:
                cosmos_server.inject(429, count=40, retry_after_ms=20)
            await asyncio.sleep(0.15)

    async def submit(user: TeamsUser) -> str:
        data = {"round_id": round_id, **ANSWERS}
        status, body = await host.send(card_action(user, host.service_url, "checkin.submit", data))
        assert status == 200
        return str(body["value"])

    try:
        results, _ = await asyncio.gather(asyncio.gather(*(submit(u) for u in users)), bursts())
    finally:
        cosmos_server.reset_faults()
    stats = cosmos_server.stats()
    assert stats["faulted"] > 0
    assert all(t("nb", "receipt.title") in r for r in results)
    stored = await all_documents(settings, "responses")
    assert len(stored) == 200
    assert len({d["pk"] for d in stored}) == 200
    # A second wave of the same submits is answered from what is stored, adding nothing.
    again = await asyncio.gather(*(submit(u) for u in users[:20]))
    assert all(shows(r, "nb", "receipt.already") for r in again)
    assert len(await all_documents(settings, "responses")) == 200


async def test_sustained_outage_is_a_clear_message_and_nothing_is_stored(
    host: Host, settings: Settings, cosmos_server: CosmosTestServer
) -> None:
    kari = TeamsUser("00000000-0000-0000-0000-00000000ka04")
    round_id = await open_round(host, kari)
    cosmos_server.inject(503, count=1000)
    try:
        data = {"round_id": round_id, **ANSWERS}
        _, body = await host.send(card_action(kari, host.service_url, "checkin.submit", data))
    finally:
        cosmos_server.reset_faults()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert body["value"] == t("nb", "error.busy")
    assert await all_documents(settings, "responses") == []


async def test_wrong_key_and_unreachable_account_say_what_is_wrong(
    settings: Settings,
) -> None:
    with pytest.raises(StorageSetupError, match="refused the credentials"):
        await open_store(replace(settings, cosmos_key="d3Jvbmcta2V5"))
    with pytest.raises(StorageSetupError, match="cannot reach Cosmos DB"):
        await CosmosStore.open("https://127.0.0.1:9/", settings.cosmos_key, "x", retry_total=0)


def test_host_exits_with_the_reason_when_the_key_is_wrong(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "STORAGE": "cosmos",
        "COSMOS_ENDPOINT": settings.cosmos_endpoint,
        "COSMOS_KEY": "d3Jvbmcta2V5",
        "COSMOS_DATABASE": "x",
        "PSEUDONYM_KEY": "k" * 32,
        "LOCAL_MODE_UNSAFE_EXPOSE": "yes-i-know",  # local mode on Cosmos: the test server
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["serve"]) == 2
    assert "refused the credentials" in capsys.readouterr().err
