"""A clock for the retry policy that moves only when the code under test waits: a test of
minutes of backoff runs in milliseconds (storage/retrying.py's Timing)."""

from __future__ import annotations

import asyncio
from types import TracebackType

from storage.retrying import Timing


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
