"""The one retry policy on a fake clock: the server's wait honoured up to a limit, backoff with
jitter, a total budget that ends before Teams gives up; the runner gives up, cuts off a stall and
lets a recovered call answer. Against the local Cosmos DB server: tests/integration/test_retry.py.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.settings import ConfigError, Settings
from domain.retry import RetryPolicy, retry_after_milliseconds, retry_after_seconds
from storage.retrying import GaveUp, Refusal, beyond_the_turn, budget, call, turn
from tests.support.fake_time import FakeTime

POLICY = RetryPolicy(attempts=10, budget=10.0, base=0.2, cap=5.0, longest_retry_after=120.0)


class Answered(Exception):
    def __init__(self, status: int, retry_after: float | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


def refusal(error: BaseException) -> Refusal | None:
    if isinstance(error, Answered) and error.status in (429, 503):
        return Refusal(str(error.status), error.retry_after)
    return None


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


async def test_a_call_in_a_turn_gets_no_more_than_what_is_left_of_the_turn() -> None:
    time = FakeTime()
    tries: list[float] = []

    async def throttled() -> None:
        tries.append(time.now)
        raise Answered(429, retry_after=3.0)

    with turn(4.0), pytest.raises(GaveUp, match="429 after 2 tries"):
        await call(throttled, POLICY, refusal, "read", time.timing())
    assert tries == [0.0, 3.0]  # a third would start at 6 s, past the turn's 4 s


async def test_a_call_once_the_turns_time_is_spent_is_not_tried_and_later_work_is_free() -> None:
    tries = 0

    async def fine() -> str:
        nonlocal tries
        tries += 1
        return "ok"

    with turn(0.0):
        with pytest.raises(GaveUp, match="the turn's time is spent"):
            await call(fine, POLICY, refusal, "read")
        assert tries == 0
        # A card on its way, started by the turn, has its own time.
        left_behind = asyncio.create_task(
            call(fine, POLICY, refusal, "send"), context=beyond_the_turn()
        )
        assert await left_behind == "ok"
    assert tries == 1


def test_the_turn_budget_is_a_setting_under_teams_patience() -> None:
    assert Settings.from_env({}).turn_budget_seconds == 10.0
    assert Settings.from_env({"TURN_BUDGET_SECONDS": "0.5"}).turn_budget_seconds == 0.5
    for bad in ("0", "15", "soon", "nan"):
        with pytest.raises(ConfigError, match="TURN_BUDGET_SECONDS"):
            Settings.from_env({"TURN_BUDGET_SECONDS": bad})


def test_the_storage_budget_is_a_setting_under_teams_patience() -> None:
    assert Settings.from_env({}).storage_retry_budget_seconds == 10.0
    env = {"STORAGE_RETRY_BUDGET_SECONDS": "4.5"}
    assert Settings.from_env(env).storage_retry_budget_seconds == 4.5
    for bad in ("0", "15", "soon", "nan"):
        with pytest.raises(ConfigError, match="STORAGE_RETRY_BUDGET_SECONDS"):
            Settings.from_env({"STORAGE_RETRY_BUDGET_SECONDS": bad})
