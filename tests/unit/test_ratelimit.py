"""The limiter and the retry decisions, on a virtual clock."""

from __future__ import annotations

import random

import pytest

from domain.delivery import MAX_ATTEMPTS, Outcome, decide
from domain.ratelimit import (
    CATCH_UP,
    PER_CONVERSATION,
    UNANSWERED,
    SlidingWindows,
    TeamsLimiter,
    Ticket,
    Window,
)


def drive(
    limiter: TeamsLimiter,
    conversations: list[str],
    seconds: float,
    round_trip: float,
    rng: random.Random | None = None,
) -> list[tuple[float, str, float]]:
    """Send as fast as the limiter allows, round-robin, for `seconds` of virtual time; each
    answer comes `round_trip` after its request. Returns for each request when it left, where
    to, and when it arrived: anywhere between leaving and its answer."""
    now, sent, i = 0.0, [], 0
    rng = rng or random.Random(0)
    answers: list[tuple[float, Ticket]] = []
    while now < seconds:
        while answers and answers[0][0] <= now:
            at, answered = answers.pop(0)
            answered.answered(at)
        conversation = conversations[i % len(conversations)]
        wait = limiter.wait(conversation, now)
        if wait > 0:
            now += min(wait, answers[0][0] - now) if answers else wait
            continue
        answers.append((now + round_trip, limiter.record(conversation, now)))
        sent.append((now, conversation, rng.uniform(now, now + round_trip)))
        i += 1
    return sent


def max_in_window(times: list[float], seconds: float) -> int:
    """The most requests in any window (t - seconds, t], as Teams counts them."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


@pytest.mark.parametrize("round_trip", [0.002, 0.05, 0.4])
def test_requests_arriving_anywhere_before_their_answer_never_make_51_in_a_second(
    round_trip: float,
) -> None:
    rng = random.Random(7)
    sent = drive(TeamsLimiter(), [f"c{n}" for n in range(10_000)], 60.0, round_trip, rng)
    assert max_in_window([arrived for _, _, arrived in sent], 1.0) <= 50
    # The documented rate less one round trip a window: no margin besides.
    assert len(sent) >= 50 * 60 / (1 + round_trip) * 0.995


def test_a_request_holds_its_place_in_the_window_until_its_answer() -> None:
    limiter = TeamsLimiter()
    tickets = [limiter.record(f"c{n}", n * 0.02) for n in range(50)]
    # The first has no answer yet: Teams may count it any moment, so the 51st waits.
    assert limiter.wait("c50", 1.0) == pytest.approx(UNANSWERED)
    tickets[0].answered(0.0)  # answered at once: it had arrived by then
    assert limiter.wait("c50", 1.0) == pytest.approx(0.0, abs=1e-9)


def test_a_late_wake_up_is_made_up_in_a_catch_up_no_deeper_than_the_bucket() -> None:
    limiter = TeamsLimiter()
    limiter.record("c0", 0.0).answered(0.001)
    late = limiter.wait("c1", 0.0) + 0.004  # the sleep overshot by 4 ms
    limiter.record("c1", late).answered(late)
    assert limiter.wait("c2", late) == pytest.approx(0.02 - 0.004, abs=1e-6)
    stalled = late + 1.0  # a second behind: the slot due and CATCH_UP more go at once
    for n in range(CATCH_UP + 1):
        assert limiter.wait(f"d{n}", stalled) == pytest.approx(0.0, abs=1e-9)
        limiter.record(f"d{n}", stalled).answered(stalled)
    assert limiter.wait("e", stalled) == pytest.approx(0.02, abs=1e-6)


@pytest.mark.parametrize("window", PER_CONVERSATION[:3])
def test_one_conversation_keeps_to_its_own_windows(window: Window) -> None:
    sent = drive(TeamsLimiter(), ["only"], 120.0, 0.05, random.Random(3))
    assert max_in_window([arrived for _, _, arrived in sent], window.seconds) <= window.count


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
