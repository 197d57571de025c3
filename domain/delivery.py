"""After a proactive send: done, retry when, or give up (docs/product.md#delivery-to-teams)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

from domain.retry import RetryPolicy


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"  # the bot was uninstalled or the user is gone: never send again
    FAILED = "failed"  # gave up on this one for this round
    RECREATE = "recreate"  # the conversation is gone: create the 1:1 chat again, then send


RETRYABLE = frozenset({412, 429, 502, 503, 504})
GONE = frozenset({403, 404})
# The codes Teams puts in a 403 or 404 (Microsoft Teams docs, "Status codes from bot
# conversational APIs"), each with its own handling.
BLOCKED_BY_USER = "ConversationBlockedByUser"  # stop until the user writes again
DISABLED_BY_ADMIN = "BotDisabledByAdmin"  # not the user's doing; an admin may enable it again
CONVERSATION_NOT_FOUND = "ConversationNotFound"  # a stale conversation id: recreate it
MAX_ATTEMPTS = 6
# The waits between sends to one person; the budget is the waiting a round spends on them.
RETRY = RetryPolicy(attempts=MAX_ATTEMPTS, budget=600.0, base=0.5, cap=30.0)


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    delay: float = 0.0


def decide(
    status: int,
    attempt: int,
    retry_after: float | None = None,
    rng: random.Random | None = None,
    code: str = "",
) -> Decision:
    """`status` 0 means no answer at all (connection failed, timed out); `attempt` counts from 1;
    `code` is the error code of Teams' answer."""
    if 200 <= status < 300:
        return Decision(Outcome.SENT)
    if status == 404 and code == CONVERSATION_NOT_FOUND and attempt < MAX_ATTEMPTS:
        return Decision(Outcome.RECREATE)
    if status == 403 and code == DISABLED_BY_ADMIN:
        return Decision(Outcome.FAILED)
    if status in GONE:
        return Decision(Outcome.DEAD)
    if (status in RETRYABLE or status == 0) and attempt < MAX_ATTEMPTS:
        asked = retry_after if status == 429 else None
        return Decision(Outcome.RETRY, RETRY.wait(attempt, asked, rng))
    return Decision(Outcome.FAILED)


@dataclass(frozen=True)
class Recipient:
    """Where a proactive card goes: a person and what Teams needs to reach them."""

    user_id: str  # Entra object id
    tenant_id: str
    service_url: str
    bot_id: str
    user_teams_id: str  # "29:..." in Teams
    conversation_id: str = ""  # empty: the 1:1 chat must be created first
    language: str = "nb"
    dead: bool = False


class LedgerState(Enum):
    SENDING = "sending"  # claimed; a crash here leaves it to be sent again
    SENT = "sent"
    DEAD = "dead"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryCounts:
    invited: int
    sent: int
    failed: int
    dead: int

    @property
    def pending(self) -> int:
        return self.invited - self.sent - self.failed - self.dead
