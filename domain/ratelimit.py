"""Teams' proactive-messaging limits as sliding windows (docs/product.md#delivery-to-teams).

About 50 requests a second per app and tenant, and per conversation 7 a second, 8 in 2 s,
60 in 30 s and 1,800 an hour. Teams counts requests when they *arrive*; a request recorded
here is still on its way, so each window is widened by a small margin to keep a late arrival
from landing inside the next window. `Retry-After` blocks one conversation until a time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    count: int
    seconds: float


PER_APP: tuple[Window, ...] = (Window(50, 1.0),)
PER_CONVERSATION: tuple[Window, ...] = (
    Window(7, 1.0),
    Window(8, 2.0),
    Window(60, 30.0),
    Window(1800, 3600.0),
)
# 2 % wider windows: 49 a second instead of 50, still 0.98 of the ceiling.
ARRIVAL_MARGIN = 0.02
# How far (in spacings) a paced sender may make up for a sleep that woke late.
CATCH_UP = 0.25


class SlidingWindows:
    """Timestamps of recent sends per key, and how long until the next send may start.

    `paced` also spaces sends evenly (one per `seconds / count` of the first window): a
    window's worth sent at once arrives as a burst, and a burst that the receiver handles
    late runs into its next window — the cause of most 429s at full speed.
    """

    def __init__(
        self, windows: tuple[Window, ...], margin: float = ARRIVAL_MARGIN, paced: bool = False
    ) -> None:
        self._windows = tuple(Window(w.count, w.seconds * (1 + margin)) for w in windows)
        self._longest = max(w.seconds for w in self._windows)
        first = self._windows[0]
        self._spacing = first.seconds / first.count if paced else 0.0
        self._sent: dict[Hashable, deque[float]] = {}
        self._blocked: dict[Hashable, float] = {}
        self._next_slot: dict[Hashable, float] = {}

    def wait(self, key: Hashable, now: float) -> float:
        """Seconds until `key` may send again; 0 when it may send now."""
        wait = max(0.0, self._blocked.get(key, 0.0) - now, self._next_slot.get(key, 0.0) - now)
        sent = self._sent.get(key)
        if sent:
            while sent and sent[0] <= now - self._longest:
                sent.popleft()
            for window in self._windows:
                if len(sent) >= window.count:
                    # The send that must leave the window before another may enter it.
                    oldest = sent[len(sent) - window.count]
                    wait = max(wait, oldest + window.seconds - now)
        return wait

    def record(self, key: Hashable, now: float) -> None:
        self._sent.setdefault(key, deque()).append(now)
        if self._spacing:
            # Slots follow each other at the exact spacing, so a sleep that wakes a little
            # late makes the next wait shorter instead of slowing every send down. A sender
            # further behind starts afresh: catching up would send a burst.
            slot = max(self._next_slot.get(key, now), now - self._spacing * CATCH_UP)
            self._next_slot[key] = slot + self._spacing

    def block(self, key: Hashable, until: float) -> None:
        """Nothing for `key` before `until` (a Retry-After)."""
        self._blocked[key] = max(self._blocked.get(key, 0.0), until)

    def forget(self, key: Hashable) -> None:
        """A conversation that is done needs no history (10,000 deques add up)."""
        self._sent.pop(key, None)
        self._blocked.pop(key, None)
        self._next_slot.pop(key, None)


class TeamsLimiter:
    """Both levels at once: the app's overall rate and each conversation's."""

    def __init__(self, margin: float = ARRIVAL_MARGIN) -> None:
        self.app = SlidingWindows(PER_APP, margin, paced=True)
        self.conversations = SlidingWindows(PER_CONVERSATION, margin)

    def wait(self, conversation: str, now: float) -> float:
        return max(self.app.wait("app", now), self.conversations.wait(conversation, now))

    def record(self, conversation: str, now: float) -> None:
        self.app.record("app", now)
        self.conversations.record(conversation, now)
