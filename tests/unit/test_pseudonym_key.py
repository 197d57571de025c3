"""The pseudonym key is never made up outside local SQLite use, the store recognises its own
key by a fingerprint that gives nothing away, and commands that send run as the bot."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, Settings
from domain.checkin import CheckinAnswers, CheckinResponse
from domain.pseudonym import at_rest_key, fingerprint, pseudonym
from storage.keys import CONTAINER, KeyFingerprint, KeyMismatch, KeyState
from storage.responses import ResponseRepository, refile
from tests.support.memory_store import InMemoryStore

COSMOS = {"STORAGE": "cosmos", "COSMOS_ENDPOINT": "https://acct.documents.azure.com:443/"}
BOT = {"MicrosoftAppId": "a", "MicrosoftAppTenantId": "t", "PSEUDONYM_KEY": "k" * 32}
KARI = "00000000-0000-0000-0000-00000000ka03"


def test_cosmos_without_a_key_is_a_configuration_error_that_makes_no_key(tmp_path: Path) -> None:
    key_file = tmp_path / "pseudonym.key"
    with pytest.raises(ConfigError, match="PSEUDONYM_KEY"):
        Settings.from_env({**COSMOS, "PSEUDONYM_KEY_FILE": str(key_file)})
    with pytest.raises(ConfigError, match="PSEUDONYM_KEY"):
        Settings(storage="cosmos", pseudonym_key_file=str(key_file)).load_pseudonym_key()
    assert not key_file.exists()


def test_only_local_sqlite_use_generates_a_key(tmp_path: Path) -> None:
    key_file = tmp_path / "pseudonym.key"
    assert Settings(pseudonym_key_file=str(key_file)).load_pseudonym_key()
    assert key_file.exists()
    with pytest.raises(ConfigError, match="PSEUDONYM_KEY"):
        Settings(app_id="a", pseudonym_key_file=str(tmp_path / "other.key")).load_pseudonym_key()
    assert not (tmp_path / "other.key").exists()


def test_sending_against_cosmos_needs_the_bots_identity() -> None:
    local = Settings.from_env({**COSMOS, "PSEUDONYM_KEY": "k" * 32})
    with pytest.raises(ConfigError) as refused:
        local.check_can_send("round open")
    # What is missing, and where operators run such commands instead.
    assert "MicrosoftAppId" in str(refused.value)
    assert "az webapp ssh" in str(refused.value)
    assert "cosmosOperatorPrincipalIds" in str(refused.value)
    for identity in (
        {"MicrosoftAppType": "UserAssignedMSI"},
        {"MicrosoftAppPassword": "secret"},
    ):
        Settings.from_env({**COSMOS, **BOT, **identity}).check_can_send("round open")
    Settings.from_env({}).check_can_send("round open")  # local SQLite: the Playground


def test_the_fingerprint_tells_keys_apart_and_gives_nothing_away() -> None:
    key = b"k" * 32
    print_ = fingerprint(key)
    assert print_ == fingerprint(key) != fingerprint(b"j" * 32)
    derived = {pseudonym(KARI, key), at_rest_key(key).hex(), key.hex(), key.decode()}
    assert not any(value in print_ or print_[:40] in value for value in derived)
    # No id whatever hashes to it: pseudonyms hash lower-cased ids, the label has capitals.
    assert print_[:40] != pseudonym("Pseudonym key fingerprint v1", key)[1:]
    with pytest.raises(ValueError, match="empty"):
        fingerprint(b"")


async def test_the_first_use_records_the_key_and_another_key_is_refused() -> None:
    store = InMemoryStore()
    keys = KeyFingerprint(store)
    assert await keys.state(b"first") is KeyState.UNRECORDED
    await keys.require(b"first")
    (doc,) = await store.query(CONTAINER, "meta")
    assert "first" not in str(doc) and doc["fingerprint"] == fingerprint(b"first")
    await keys.require(b"first")  # the same key starts, again and again
    assert await keys.state(b"first") is KeyState.MATCHES
    with pytest.raises(KeyMismatch, match="key check"):
        await keys.require(b"second")
    assert await keys.state(b"second") is KeyState.DIFFERS
    assert (await store.query(CONTAINER, "meta")) == [doc]  # the refusal recorded nothing


async def test_refiling_keeps_the_rest_of_the_ttl_and_leaves_what_the_key_cannot_open() -> None:
    now = [1_000_000.0]
    store = InMemoryStore(clock=lambda: now[0])
    old, new = b"old-key", b"new-key"
    mine, theirs = pseudonym(KARI, old), pseudonym(KARI, new)
    answers = CheckinAnswers(scores={"stress": 2}, contact_me=True, comment="tungt")
    await ResponseRepository(store, old, ttl_seconds=1000).add(CheckinResponse("r1", mine, answers))
    await store.create("responses", {"id": "r0", "pk": mine, "sealed": "bm90IG91cnM=", "ttl": 9999})
    now[0] += 300
    assert await refile(store, (mine, old), (theirs, new), now[0]) == 1
    (moved,) = await store.query("responses", theirs)
    assert moved["ttl"] == 700  # what was left of it, not a fresh 1000
    assert await ResponseRepository(store, new).get(theirs, "r1") == CheckinResponse(
        "r1", theirs, answers
    )
    assert [d["id"] for d in await store.query("responses", mine)] == ["r0"]  # not the key's
