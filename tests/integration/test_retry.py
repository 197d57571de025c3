"""One retry policy (domain/retry.py) and its runner (storage/retrying.py): the server's wait
honoured, otherwise backoff with jitter, and no call outlasting its budget. Time is a fake
clock the runner is given, so a 10 s budget is spent without waiting for it; Cosmos DB is the
local test server, with the SDK's own throttle retries off."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from bot.settings import ConfigError, Settings
from cards.i18n import t
from domain.pseudonym import pseudonym
from domain.retry import RetryPolicy, retry_after_milliseconds, retry_after_seconds
from storage.cosmos_store import CosmosStore
from storage.port import StorageUnavailable
from storage.retrying import GaveUp, Refusal, Timing, budget, call
from tests.support.cosmos_server import CosmosTestServer
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, cosmos_settings
from tests.support.teams import TeamsUser, card_action, message

POLICY = RetryPolicy(attempts=10, budget=10.0, base=0.2, cap=5.0, longest_retry_after=120.0)


class FakeTime:
    """A monotonic clock that moves only when the code under test sleeps or is cut off."""

    def __init__(self, patience: float = 0.05) -> None:
        self.now = 0.0
        self.waits: list[float] = []
        self.patience = patience  # real seconds a try may take before it counts as stalled

    def timing(self) -> Timing:
        return Timing(monotonic=lambda: self.now, sleep=self.sleep, deadline=self.deadline)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    def deadline(self, seconds: float) -> FakeDeadline:
        return FakeDeadline(self, seconds)


class FakeDeadline:
    """Cuts its body off after `patience` real seconds, as if all of `seconds` had passed."""

    def __init__(self, time: FakeTime, seconds: float) -> None:
        self._time = time
        self._seconds = seconds
        self._real = asyncio.timeout(time.patience)

    async def __aenter__(self) -> FakeDeadline:
        await self._real.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            await self._real.__aexit__(exc_type, exc, traceback)
        finally:
            if self._real.expired():
                self._time.now += self._seconds

    def expired(self) -> bool:
        return self._real.expired()


class Answered(Exception):
    def __init__(self, status: int, retry_after: float | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


def refusal(error: BaseException) -> Refusal | None:
    if isinstance(error, Answered) and error.status in (429, 503):
        return Refusal(str(error.status), error.retry_after)
    return None


# -- the policy -------------------------------------------------------------------------------


def test_the_servers_wait_is_honoured_up_to_its_limit() -> None:
    assert POLICY.wait(1, 7.0) == 7.0
    assert POLICY.wait(4, 0.0) == 0.0
    assert POLICY.wait(1, 600.0) == 120.0


def test_without_a_servers_wait_the_backoff_doubles_with_jitter_up_to_its_cap() -> None:
    rng = random.Random(7)
    for retry in range(1, 12):
        nominal = min(5.0, 0.2 * 2 ** (retry - 1))
        assert 0.5 * nominal <= POLICY.backoff(retry, rng) <= 1.5 * nominal


def test_the_policy_gives_up_on_tries_or_on_a_wait_that_ends_past_the_budget() -> None:
    assert not POLICY.gives_up(tries=9, spent=0.0, wait=0.0)
    assert POLICY.gives_up(tries=10, spent=0.0, wait=0.0)
    assert not POLICY.gives_up(tries=1, spent=6.0, wait=3.9)
    assert POLICY.gives_up(tries=1, spent=6.0, wait=4.0)


def test_retry_after_headers_are_read_in_their_units() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("-3") == 0.0
    assert retry_after_seconds("Wed, 21 Oct 2026 07:28:00 GMT") is None
    assert retry_after_seconds(None) is None
    assert retry_after_milliseconds("250") == 0.25


# -- the runner, on a fake clock --------------------------------------------------------------


async def test_a_throttled_call_waits_as_asked_and_gives_up_within_its_budget() -> None:
    time = FakeTime()
    tries: list[float] = []

    async def throttled() -> None:
        tries.append(time.now)
        raise Answered(429, retry_after=3.0)

    with pytest.raises(GaveUp, match="429 after 4 tries"):
        await call(throttled, POLICY, refusal, "read", time.timing())
    assert tries == [0.0, 3.0, 6.0, 9.0]  # a fifth would start at 12 s: not made
    assert time.now <= POLICY.budget


async def test_an_unavailable_service_is_backed_off_and_given_up_within_the_budget() -> None:
    time = FakeTime()
    tries: list[float] = []

    async def unavailable() -> None:
        tries.append(time.now)
        raise Answered(503)

    with pytest.raises(GaveUp, match="503 after"):
        await call(unavailable, POLICY, refusal, "read", time.timing(), random.Random(1))
    assert 2 < len(tries) <= POLICY.attempts
    assert time.now < POLICY.budget
    for retry, wait in enumerate(time.waits, 1):
        nominal = min(POLICY.cap, POLICY.base * 2 ** (retry - 1))
        assert 0.5 * nominal <= wait <= 1.5 * nominal


async def test_a_stalled_call_is_cut_off_when_the_budget_ends() -> None:
    time = FakeTime()

    async def stalls() -> None:
        await asyncio.Event().wait()

    with pytest.raises(GaveUp, match="no answer after 1 tries"):
        await call(stalls, POLICY, refusal, "read", time.timing())
    assert time.now == pytest.approx(POLICY.budget)


async def test_a_call_that_recovers_returns_its_answer() -> None:
    time = FakeTime()
    answers = iter([Answered(429, 0.5), Answered(429, 0.5)])

    async def recovers() -> str:
        error = next(answers, None)
        if error:
            raise error
        return "stored"

    assert await call(recovers, POLICY, refusal, "write", time.timing()) == "stored"
    assert time.waits == [0.5, 0.5]


async def test_a_failure_not_worth_retrying_propagates_at_once() -> None:
    time = FakeTime()
    tries = 0

    async def refused() -> None:
        nonlocal tries
        tries += 1
        raise Answered(403)

    with pytest.raises(Answered):
        await call(refused, POLICY, refusal, "read", time.timing())
    assert (tries, time.now) == (1, 0.0)


async def test_background_work_may_take_a_longer_budget() -> None:
    time = FakeTime()

    async def throttled() -> None:
        raise Answered(429, retry_after=5.0)

    with budget(60.0), pytest.raises(GaveUp, match="429 after 10 tries"):
        await call(throttled, POLICY, refusal, "claim", time.timing())
    assert time.now == 45.0  # the attempts ran out first, past the turn's 10 s


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


def test_the_storage_budget_is_a_setting_under_teams_patience() -> None:
    assert Settings.from_env({}).storage_retry_budget_seconds == 10.0
    env = {"STORAGE_RETRY_BUDGET_SECONDS": "4.5"}
    assert Settings.from_env(env).storage_retry_budget_seconds == 4.5
    for bad in ("0", "15", "soon", "nan"):
        with pytest.raises(ConfigError, match="STORAGE_RETRY_BUDGET_SECONDS"):
            Settings.from_env({"STORAGE_RETRY_BUDGET_SECONDS": bad})
