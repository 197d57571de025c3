"""Teams' proactive-messaging limits as sliding windows (docs/product.md#delivery-to-teams).

Microsoft gives them as a window and a count: per app and tenant 50 requests a second, and per
conversation 7 in a second, 8 in 2 s, 60 in 30 s and 1,800 an hour. Teams counts a request when
it *arrives*, which the sender cannot see; it knows only that the request had arrived when its
answer came. So a request is held in each window from its answer for the window's length: it
leaves a window only when Teams cannot be counting it there any more, however the network
delayed it. The windows are the documented ones, with no margin taken off them; what the
sender gives up is one round trip a window, which on a quick network is a few milliseconds.
`Retry-After` blocks one conversation until a time.
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
# A request without an answer this long after it left is let go: it has likely failed, and
# its own timeout settles it. Until then it holds its place, as if arriving any moment.
UNANSWERED = 10.0
# How far (in spacings) a paced sender behind its slots may catch up at once: a token bucket's
# depth. The windows above still hold each request until its answer, so a catch-up cannot put
# one more in a window than Teams allows, while a sleep that woke late costs no throughput.
CATCH_UP = 10


class Sent:
    """One request in the windows: the latest moment it can have arrived."""

    __slots__ = ("arrived_by",)

    def __init__(self, left: float) -> None:
        self.arrived_by = left + UNANSWERED

    def answered(self, now: float) -> None:
        """Its answer came: Teams has counted it by now."""
        self.arrived_by = min(self.arrived_by, now)


class SlidingWindows:
    """Requests in flight and recent ones per key, and how long until the next may leave.

    `paced` also spaces requests evenly (one per `seconds / count` of the first window), as a
    token bucket at the first window's rate with `CATCH_UP` tokens of depth: they arrive as a
    stream, and a window is not filled at its start and then waited out.
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
            while sent and sent[0].arrived_by <= now - self._longest:
                sent.popleft()
            for window in self._windows:
                # Those Teams may still count in this window, by when they arrived at the latest.
                latest = sorted(s.arrived_by for s in sent if s.arrived_by > now - window.seconds)
                if len(latest) >= window.count:
                    # One more may go once enough have left the window for it.
                    wait = max(wait, latest[len(latest) - window.count] + window.seconds - now)
        return wait

    def record(self, key: Hashable, now: float) -> Sent:
        """A request leaves now; tell the returned `Sent` when its answer comes."""
        request = Sent(now)
        self._sent.setdefault(key, deque()).append(request)
        if self._spacing:
            # Slots follow each other at the exact spacing, so a sleep that wakes late makes
            # the next waits shorter instead of slowing every send down. A sender further
            # behind than the bucket's depth starts afresh.
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
