"""Through the command line (cli.main, as `python app.py` runs it): a sending command refuses to
run against Cosmos DB without the bot's identity, and every host and command refuses a pseudonym
key that is not the store's (docs/privacy.md#the-key)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from bootstrap import open_store
from bot.settings import Settings
from cli.main import main
from domain.delivery import Recipient
from domain.pseudonym import pseudonym
from storage.keys import CONTAINER, KeyFingerprint
from storage.roster import RosterRepository
from tests.support.cosmos_server import CosmosTestServer
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, cosmos_settings
from tests.support.teams import BOT_ID, TENANT_ID, TeamsUser, card_action, message

KARI = TeamsUser("00000000-0000-0000-0000-00000000ka03")
UNSET = (
    "MicrosoftAppId",
    "MicrosoftAppPassword",
    "MicrosoftAppType",
    "PSEUDONYM_KEY",
    "PSEUDONYM_KEY_OLD",
    "ADMINS",
)


def use(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> Path:
    """The environment `python app.py` would read for these settings; the key file it may use."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    key_file = tmp_path / "pseudonym.key"
    values = {
        "STORAGE": settings.storage,
        "SQLITE_PATH": settings.sqlite_path,
        "COSMOS_ENDPOINT": settings.cosmos_endpoint,
        "COSMOS_KEY": settings.cosmos_key,
        "COSMOS_DATABASE": settings.cosmos_database,
        "PSEUDONYM_KEY_FILE": str(key_file),
        "PORT": "9",  # never bound: these hosts refuse before they listen
        "LOCAL_MODE_UNSAFE_EXPOSE": "yes-i-know",  # local mode on the local Cosmos server
        **env,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return key_file


async def enrol_kari(settings: Settings, service_url: str) -> None:
    store = await open_store(settings)
    await RosterRepository(store).save(
        Recipient(
            KARI.aad_object_id, TENANT_ID, service_url, BOT_ID, KARI.teams_id, KARI.conversation_id
        )
    )
    await store.close()


async def run(*argv: str) -> int:
    """On its own thread: main runs its own event loop, and the test's connector keeps serving."""
    return await asyncio.to_thread(main, list(argv))


async def test_round_open_refuses_without_the_bots_identity_and_marks_nothing(
    tmp_path: Path,
    cosmos_server: CosmosTestServer,
    connector: FakeConnector,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = cosmos_settings(tmp_path, cosmos_server)
    await enrol_kari(settings, connector.service_url)
    use(settings, monkeypatch, tmp_path, PSEUDONYM_KEY="k" * 32)

    assert await run("round", "open") == 2
    refusal = capsys.readouterr().err
    assert "MicrosoftAppId" in refusal and "az webapp ssh" in refusal
    assert connector.delivered == {}  # nothing sent
    store = await open_store(settings)
    assert await store.query("rounds", "rounds") == []  # no round, so no ledger to mark failed
    await store.close()
    # What sends nothing still runs without the bot: the operator's view of the rounds.
    assert await run("round", "status") == 1
    assert "no round yet" in capsys.readouterr().out


async def test_round_open_in_local_sqlite_use_still_sends(
    tmp_path: Path,
    connector: FakeConnector,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Local mode on SQLite sends without a token, to the Agents Playground or a test connector."""
    settings = Settings(sqlite_path=str(tmp_path / "bot.sqlite3"))
    await enrol_kari(settings, connector.service_url)
    key_file = use(settings, monkeypatch, tmp_path)
    assert await run("round", "open") == 0
    assert "delivered 1" in capsys.readouterr().out
    assert connector.delivered[KARI.conversation_id] == 1
    assert key_file.exists()  # local SQLite use: the one place a key is made


async def test_cosmos_without_a_key_refuses_and_makes_none(
    tmp_path: Path,
    cosmos_server: CosmosTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key_file = use(cosmos_settings(tmp_path, cosmos_server), monkeypatch, tmp_path)
    for command in (("round", "status"), ("serve",), ("key", "check")):
        assert await run(*command) == 2
        assert "PSEUDONYM_KEY" in capsys.readouterr().err
    assert not key_file.exists()


async def test_a_different_key_refuses_to_start_and_the_same_key_starts(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use(settings, monkeypatch, tmp_path, PSEUDONYM_KEY="the-first-key-" * 3)
    assert await run("key", "check") == 0
    assert "no key fingerprint yet" in capsys.readouterr().out
    assert await run("roles", "list") == 0  # the first use records the key
    assert await run("key", "check") == 0
    assert "matches" in capsys.readouterr().out

    monkeypatch.setenv("PSEUDONYM_KEY", "a-regenerated-key-" * 3)
    for command in (("roles", "list"), ("round", "status"), ("serve",)):
        assert await run(*command) == 2
        refusal = capsys.readouterr().err
        assert "pseudonym key" in refusal and "key check" in refusal
        assert "docs/privacy.md#rotating-the-key" in refusal
    assert await run("key", "check") == 1
    assert "NOT the one" in capsys.readouterr().out

    monkeypatch.setenv("PSEUDONYM_KEY", "the-first-key-" * 3)
    assert await run("roles", "list") == 0
    store = await open_store(settings)
    (recorded,) = await store.query(CONTAINER, "meta")
    await store.close()
    assert "first-key" not in str(recorded)


async def test_a_lost_local_key_file_is_not_silently_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Local SQLite makes its key once; a new one later would split the local data too."""
    key_file = use(Settings(sqlite_path=str(tmp_path / "bot.sqlite3")), monkeypatch, tmp_path)
    assert await run("roles", "list") == 0
    key_file.unlink()
    assert await run("roles", "list") == 2
    assert "pseudonym key" in capsys.readouterr().err


async def test_a_rotation_keeps_everyones_trend_and_only_the_new_key_starts(
    host: Host,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    host.connector.clear()
    await host.send(message(KARI, host.service_url, "sjekk inn"))
    card = host.connector.cards()[0]
    answers = {e["id"]: "2" for e in card["body"] if e["type"] == "Input.ChoiceSet"}
    data = {"round_id": card["actions"][0]["data"]["round_id"], **answers}
    await host.send(card_action(KARI, host.service_url, "checkin.submit", data))
    await host.stop()  # a rotation runs with every host stopped
    old, new = settings.pseudonym_key, "a-new-key-after-a-leak-" * 2
    use(settings, monkeypatch, tmp_path, PSEUDONYM_KEY=old)
    assert await run("roles", "list") == 0  # the store knows the old key

    monkeypatch.setenv("PSEUDONYM_KEY", new)
    assert await run("key", "rotate") == 2  # which key it replaces must be said
    assert "PSEUDONYM_KEY_OLD" in capsys.readouterr().err
    monkeypatch.setenv("PSEUDONYM_KEY_OLD", "not-the-old-key")
    assert await run("key", "rotate") == 2
    assert "nothing was changed" in capsys.readouterr().err
    monkeypatch.setenv("PSEUDONYM_KEY_OLD", old)
    assert await run("key", "rotate") == 0
    assert "1 responses of 1 people" in capsys.readouterr().out
    assert await run("key", "check") == 0
    monkeypatch.setenv("PSEUDONYM_KEY", old)
    assert await run("roles", "list") == 2  # the old key no longer starts anything

    store = await open_store(settings)
    assert await store.query("responses", pseudonym(KARI.aad_object_id, old.encode())) == []
    (moved,) = await store.query("responses", pseudonym(KARI.aad_object_id, new.encode()))
    await store.close()
    assert 0 < moved["ttl"] <= settings.response_ttl_days * 24 * 3600  # no retention gained
    host.settings = replace(settings, pseudonym_key=new)
    await host.start()
    host.connector.clear()
    await host.send(message(KARI, host.service_url, "min utvikling"))
    (trend,) = host.connector.cards()
    table = next(e for e in trend["body"] if e["type"] == "Table")
    assert len(table["rows"]) == 1 + len(answers)  # her answers, read under the new key


async def test_an_interrupted_rotation_stops_every_start_until_it_is_run_again(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old, new = b"the-old-key-" * 3, b"the-new-key-" * 3
    store = await open_store(settings)
    await KeyFingerprint(store).require(old)
    await KeyFingerprint(store).begin_rotation(old, new)  # and then the machine stopped
    await store.close()
    use(settings, monkeypatch, tmp_path, PSEUDONYM_KEY=new.decode())
    for key in (old, new):
        monkeypatch.setenv("PSEUDONYM_KEY", key.decode())
        assert await run("round", "status") == 2
        assert "rotation" in capsys.readouterr().err
    monkeypatch.setenv("PSEUDONYM_KEY_OLD", old.decode())
    assert await run("key", "rotate") == 0
    assert await run("round", "status") == 1  # started: there is just no round yet
    assert await run("key", "rotate") == 2
    assert "the rotation is done" in capsys.readouterr().err
