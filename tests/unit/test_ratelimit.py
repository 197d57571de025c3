"""The limiter and the retry decisions, on a virtual clock."""

from __future__ import annotations

import itertools
import random

import pytest

from domain.delivery import MAX_ATTEMPTS, Outcome, decide
from domain.ratelimit import PER_CONVERSATION, SlidingWindows, TeamsLimiter, Window


def drive(
    limiter: TeamsLimiter, conversations: list[str], seconds: float
) -> list[tuple[float, str]]:
    """Send as fast as the limiter allows, round-robin, for `seconds` of virtual time."""
    now, sent, i = 0.0, [], 0
    while now < seconds:
        conversation = conversations[i % len(conversations)]
        wait = limiter.wait(conversation, now)
        if wait > 0:
            now += wait
            continue
        limiter.record(conversation, now)
        sent.append((now, conversation))
        i += 1
    return sent


def max_in_window(times: list[float], seconds: float) -> int:
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_many_conversations_run_at_49_a_second_and_never_50() -> None:
    sent = drive(TeamsLimiter(), [f"c{n}" for n in range(10_000)], 60.0)
    times = [t for t, _ in sent]
    assert max_in_window(times, 1.0) <= 50
    assert 0.97 * 50 * 60 <= len(sent) <= 50 * 60
    # Paced, not in bursts: a burst handled late by Teams would spill into the next second.
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.0204 * 0.75 - 1e-9


def test_a_late_wake_up_is_made_up_without_a_burst() -> None:
    limiter = TeamsLimiter()
    limiter.record("c0", 0.0)
    late = limiter.wait("c1", 0.0) + 0.004  # the sleep overshot by 4 ms
    limiter.record("c1", late)
    assert limiter.wait("c2", late) == pytest.approx(0.0204 - 0.004, abs=1e-6)
    far_behind = late + 1.0
    limiter.record("c2", far_behind)
    assert limiter.wait("c3", far_behind) == pytest.approx(0.0204 * 0.75, abs=1e-6)


@pytest.mark.parametrize("window", PER_CONVERSATION[:3])
def test_one_conversation_keeps_to_its_own_windows(window: Window) -> None:
    sent = drive(TeamsLimiter(), ["only"], 120.0)
    times = [t for t, _ in sent]
    assert max_in_window(times, window.seconds) <= window.count


def test_retry_after_blocks_only_that_conversation() -> None:
    windows = SlidingWindows((Window(100, 1.0),))
    windows.block("a", until=5.0)
    assert windows.wait("a", 1.0) == pytest.approx(4.0)
    assert windows.wait("b", 1.0) == 0.0
    windows.forget("a")
    assert windows.wait("a", 1.0) == 0.0


def test_retry_decisions() -> None:
    rng = random.Random(1)
    assert decide(201, 1).outcome is Outcome.SENT
    assert decide(403, 1).outcome is Outcome.DEAD
    assert decide(404, 3).outcome is Outcome.DEAD
    assert decide(400, 1).outcome is Outcome.FAILED
    throttled = decide(429, 1, retry_after=2.5)
    assert (throttled.outcome, throttled.delay) == (Outcome.RETRY, 2.5)
    for status in (412, 502, 503, 504, 0):
        first, later = decide(status, 1, rng=rng), decide(status, 4, rng=rng)
        assert first.outcome is later.outcome is Outcome.RETRY
        assert 0.25 <= first.delay <= 0.75 and later.delay > first.delay
    assert decide(503, MAX_ATTEMPTS).outcome is Outcome.FAILED  # bounded
