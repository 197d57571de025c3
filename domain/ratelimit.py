"""Teams' proactive-messaging limits as sliding windows (docs/product.md#delivery-to-teams).

Microsoft gives them as a window and a count: per app and tenant 50 requests a second, and per
conversation 7 in a second, 8 in 2 s, 60 in 30 s and 1,800 an hour. Teams counts a request when
it *arrives*, which the sender cannot see; it knows only that the request arrived before its
answer came. So a request is held in each window from its answer for the window's length (and
while it has none, as if arriving now): it leaves a window only once Teams cannot be counting it
there any more, however late or early the network delivered it. That is the documented rate
less one round trip per window — on a quick network all of it — instead of a margin taken off
every window that a slow moment of the network can still outrun. `Retry-After` blocks one
conversation until a time.
"""

from __future__ import annotations

import math
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
# How often a sender waiting on a request that has no answer yet looks again.
UNANSWERED_POLL = 0.005
# How far (in spacings) a paced sender may make up for a sleep that woke late.
CATCH_UP = 0.25


class Sent:
    """One request in the windows: when it left, and when its answer came (None: not yet)."""

    __slots__ = ("answered_at", "left")

    def __init__(self, left: float) -> None:
        self.left = left
        self.answered_at: float | None = None

    def answered(self, now: float) -> None:
        """Its answer came (or the sender stopped waiting for one): Teams has counted it."""
        if self.answered_at is None:
            self.answered_at = now


def _answered_by(request: Sent, now: float) -> float:
    return now if request.answered_at is None else request.answered_at


class SlidingWindows:
    """Requests in flight and recent ones per key, and how long until the next may leave.

    `paced` also spaces requests evenly (one per `seconds / count` of the first window): a
    window's worth sent at once arrives as a burst, and a burst that the receiver handles
    late runs into its next window.
    """

    def __init__(self, windows: tuple[Window, ...], paced: bool = False) -> None:
        self._windows = windows
        self._longest = max(w.seconds for w in windows)
        first = windows[0]
        self._spacing = first.seconds / first.count if paced else 0.0
        self._sent: dict[Hashable, deque[Sent]] = {}
        self._blocked: dict[Hashable, float] = {}
        self._next_slot: dict[Hashable, float] = {}

    def wait(self, key: Hashable, now: float) -> float:
        """Seconds until `key` may send again; 0 when it may send now."""
        wait = max(0.0, self._blocked.get(key, 0.0) - now, self._next_slot.get(key, 0.0) - now)
        sent = self._sent.get(key)
        if sent:
            while sent and _answered_by(sent[0], now) <= now - self._longest:
                sent.popleft()
            for window in self._windows:
                # When each request Teams may still count in this window arrived at the latest.
                latest = sorted(
                    at
                    for s in sent
                    if (at := s.answered_at if s.answered_at is not None else math.inf)
                    > now - window.seconds
                )
                if len(latest) >= window.count:
                    # One more may go once enough have left the window for it.
                    leaves = latest[len(latest) - window.count]
                    wait = max(
                        wait,
                        UNANSWERED_POLL if leaves == math.inf else leaves + window.seconds - now,
                    )
        return wait

    def record(self, key: Hashable, now: float) -> Sent:
        """A request leaves now; tell the returned `Sent` when its answer comes."""
        request = Sent(now)
        self._sent.setdefault(key, deque()).append(request)
        if self._spacing:
            # Slots follow each other at the exact spacing, so a sleep that wakes a little
            # late makes the next wait shorter instead of slowing every send down. A sender
            # further behind starts afresh: catching up would send a burst.
            slot = max(self._next_slot.get(key, now), now - self._spacing * CATCH_UP)
            self._next_slot[key] = slot + self._spacing
        return request

    def block(self, key: Hashable, until: float) -> None:
        """Nothing for `key` before `until` (a Retry-After)."""
        self._blocked[key] = max(self._blocked.get(key, 0.0), until)

    def forget(self, key: Hashable) -> None:
        """A conversation that is done needs no history (10,000 deques add up)."""
        self._sent.pop(key, None)
        self._blocked.pop(key, None)
        self._next_slot.pop(key, None)


@dataclass(frozen=True)
class Ticket:
    """One request as both levels hold it."""

    app: Sent
    conversation: Sent

    def answered(self, now: float) -> None:
        self.app.answered(now)
        self.conversation.answered(now)


class TeamsLimiter:
    """Both levels at once: the app's overall rate and each conversation's."""

    def __init__(self) -> None:
        self.app = SlidingWindows(PER_APP, paced=True)
        self.conversations = SlidingWindows(PER_CONVERSATION)

    def wait(self, conversation: str, now: float) -> float:
        return max(self.app.wait("app", now), self.conversations.wait(conversation, now))

    def record(self, conversation: str, now: float) -> Ticket:
        return Ticket(self.app.record("app", now), self.conversations.record(conversation, now))
