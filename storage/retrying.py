"""Calls to a busy remote service, retried under domain/retry.py's policy with tenacity.

Every adapter that talks to a service over the network uses this one runner: Cosmos DB here in
storage/, Microsoft Graph in bot/graph.py. It lives in storage/, the lowest adapter layer, so
that each of them may import it.

A call is tried until it succeeds, fails in a way the caller says is not worth retrying (that
error propagates as it is), or the policy gives up: then `GaveUp` is raised from the last
error. No try runs past the budget: each one is cut off when the budget ends, so a service
that stalls costs the budget and no more. Within a user's turn the budget is at most what is
left of the turn's (`turn`). The clock, the sleep and that cut-off are injected,
so tests can spend the budget without waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Protocol, TypeVar

from tenacity import AsyncRetrying, RetryCallState, RetryError, retry_if_exception
from tenacity.stop import stop_base

from domain.retry import RetryPolicy

log = logging.getLogger(__name__)
T = TypeVar("T")


class Deadline(Protocol):
    """What `asyncio.timeout` gives: a context that cancels its body when time is up."""

    async def __aenter__(self) -> object: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None: ...

    def expired(self) -> bool: ...


@dataclass(frozen=True)
class Timing:
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    deadline: Callable[[float], Deadline] = asyncio.timeout


REAL_TIME = Timing()


@dataclass(frozen=True)
class Refusal:
    """A retryable failure, as the caller reads it: what happened and the server's wait."""

    reason: str  # e.g. "429", "no answer"
    retry_after: float | None = None


class GaveUp(Exception):
    """The policy's tries or budget were spent; the last refusal is in the message."""


class _NoAnswer(Exception):
    """A try was cut off when the budget ended."""


_budget: ContextVar[float | None] = ContextVar("retry_budget", default=None)


@contextlib.contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Calls made in this context (and in tasks started from it) get `seconds` in all,
    whatever their policy's own budget.

    Background work uses it to outlast a throttling spell that a user's turn must not wait for.
    """
    token = _budget.set(seconds)
    try:
        yield
    finally:
        _budget.reset(token)


_turn_ends: ContextVar[float | None] = ContextVar("turn_ends", default=None)


@contextlib.contextmanager
def turn(seconds: float) -> Iterator[None]:
    """Calls made in this context share a user's turn's `seconds`: each gets what is left of
    them at most, and none is tried once they are spent, so that the turn can still answer
    "busy, nothing lost" before Teams stops waiting."""
    token = _turn_ends.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _turn_ends.reset(token)


def beyond_the_turn() -> contextvars.Context:
    """The current context without the turn's deadline: for a task a turn starts that carries
    on after the turn has answered (a card on its way, the counting of a stored answer)."""
    context = contextvars.copy_context()
    context.run(_turn_ends.set, None)
    return context


def _turn_left() -> float | None:
    ends = _turn_ends.get()
    return None if ends is None else ends - time.monotonic()


async def call(
    operation: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    refusal: Callable[[BaseException], Refusal | None],
    what: str,
    timing: Timing = REAL_TIME,
    rng: random.Random | None = None,
) -> T:
    """`refusal` reads an error as retryable (a Refusal) or not (None: it propagates)."""
    spend = _budget.get()
    if spend is not None:
        policy = replace(policy, budget=spend)
    left = _turn_left()
    if left is not None:
        if left <= 0:
            raise GaveUp(f"{what}: the turn's time is spent")
        policy = replace(policy, budget=min(policy.budget, left))
    started = timing.monotonic()

    def remaining() -> float:
        return max(0.0, policy.budget - (timing.monotonic() - started))

    def read(error: BaseException) -> Refusal | None:
        return Refusal("no answer") if isinstance(error, _NoAnswer) else refusal(error)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        seen = read(error) if error else None
        return policy.wait(state.attempt_number, seen.retry_after if seen else None, rng)

    class _Spent(stop_base):
        """tenacity's stop_before_delay and stop_after_attempt, on the injected clock."""

        def __call__(self, state: RetryCallState) -> bool:
            spent = timing.monotonic() - started
            return policy.gives_up(state.attempt_number, spent, state.upcoming_sleep)

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        seen = read(error) if error else None
        log.warning(
            "%s: %s, retry %d in %.2f s",
            what,
            seen.reason if seen else "refused",
            state.attempt_number,
            state.upcoming_sleep,
        )

    async def attempt() -> T:
        deadline = timing.deadline(remaining())
        try:
            async with deadline:
                return await operation()
        except TimeoutError as error:
            if deadline.expired():
                raise _NoAnswer(what) from error
            raise

    retrying = AsyncRetrying(
        stop=_Spent(),
        wait=wait,
        retry=retry_if_exception(lambda error: read(error) is not None),
        sleep=timing.sleep,
        before_sleep=before_sleep,
    )
    try:
        return await retrying(attempt)
    except RetryError as gave_up:
        last = gave_up.last_attempt
        error = last.exception()
        seen = read(error) if error else None
        raise GaveUp(
            f"{what}: {seen.reason if seen else 'refused'} after {last.attempt_number} tries "
            f"in {timing.monotonic() - started:.1f} s"
        ) from error
