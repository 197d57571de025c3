"""How long to wait before trying a remote service again, and when to stop trying.

One policy for every call the bot makes to a service that may be busy: Cosmos DB
(storage/cosmos_store.py), Microsoft Graph (bot/graph.py) and the Bot Connector's proactive
sends (domain/delivery.py decides, services/delivery.py waits). What is worth retrying differs
per service and stays with each caller; the waiting is the same everywhere:

- the server's own wait (`Retry-After`, Cosmos DB's `x-ms-retry-after-ms`) when it gives one,
  up to `longest_retry_after`;
- otherwise exponential backoff, `base`, doubling, at most `cap`, spread by a jitter of
  0.5–1.5x so callers throttled together do not come back together;
- at most `attempts` tries, and no try that would start after `budget` seconds: a retry whose
  wait would end past the budget is not made. The budget is what lets a turn answer "busy,
  nothing lost" before Teams stops waiting for the bot (about 15 s).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

#: Seconds a user's turn may take (TURN_BUDGET_SECONDS), and one storage call in it, retries
#: included (STORAGE_RETRY_BUDGET_SECONDS): Teams stops waiting for a bot's answer after about
#: 15 s, and the turn must still say "busy, nothing lost".
TURN_BUDGET = 10.0
_RANDOM = random.Random()


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int  # tries in all, the first one included
    budget: float  # seconds from the first try after which none starts
    base: float  # the first backoff, in seconds
    cap: float  # the longest backoff
    longest_retry_after: float = math.inf  # the longest wait a server may ask for and get

    def backoff(self, retry: int, rng: random.Random | None = None) -> float:
        """The wait before retry number `retry` (from 1) when the server named none."""
        return min(self.cap, self.base * 2.0 ** (retry - 1)) * (rng or _RANDOM).uniform(0.5, 1.5)

    def wait(
        self, retry: int, retry_after: float | None, rng: random.Random | None = None
    ) -> float:
        """The wait before retry number `retry`: the server's, else the backoff."""
        if retry_after is not None:
            return min(retry_after, self.longest_retry_after)
        return self.backoff(retry, rng)

    def gives_up(self, tries: int, spent: float, wait: float) -> bool:
        """After `tries` tries and `spent` seconds, is a retry after `wait` seconds too many?"""
        return tries >= self.attempts or spent + wait >= self.budget


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` in seconds (Graph, the Bot Connector); None when absent or not a number.

    The HTTP-date form is not used by either service, so it reads as absent."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def retry_after_milliseconds(value: str | None) -> float | None:
    """Cosmos DB's `x-ms-retry-after-ms`, in seconds."""
    seconds = retry_after_seconds(value)
    return seconds / 1000.0 if seconds is not None else None
