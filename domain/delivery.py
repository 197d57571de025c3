"""After a proactive send: done, retry when, or give up (docs/product.md#delivery-to-teams)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum
from http import HTTPStatus

from domain.retry import RetryPolicy


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"  # the bot was uninstalled or the user is gone: no more until they come back
    FAILED = "failed"  # gave up on this one for this round
    RECREATE = "recreate"  # the conversation is gone: create the 1:1 chat again, then send


RETRYABLE = frozenset({412, 429, 502, 503, 504})
GONE = frozenset({403, 404})
# The codes Teams puts in a 403 or 404 (Microsoft Teams docs, "Status codes from bot
# conversational APIs") that need their own handling. The rest (ConversationBlockedByUser, the
# app removed, the user gone) mark the person unreachable until they come back.
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


# How many sends a delivery watches before it trusts its failures to be the people's own. When
# all of the first ones fail the same way, the cause is the bot's (a wrong app password, a
# Teams policy that blocks the app), not thousands of people at once: the delivery stops and
# leaves everyone pending. Twenty is far more than the same answer by chance in a real
# organisation (a few per cent block or remove the app), and few enough that a wrong secret
# costs twenty requests, not a round. A delivery to fewer people never trips.
BREAKER_AFTER = 20
# What an operator checks when every send got this status.
BREAKER_HINTS = {
    401: "check MicrosoftAppId/password",
    403: "check the Teams app policies and that the app is allowed in the tenant",
    404: "check the service URL and the Teams app id",
}


class Verdict(Enum):
    WATCH = "watch"  # too early to tell: keep this failure unsettled
    SETTLE = "settle"  # the failures are the people's own: settle them as decided
    STOP = "stop"  # the bot's fault: stop, leave the watched and the rest pending


@dataclass(frozen=True)
class Tripped:
    """Why a delivery stopped early (the log and `round status` say it)."""

    status: int  # 0: no answer at all
    sends: int

    def reason(self) -> str:
        hint = BREAKER_HINTS.get(self.status)
        return f"stopped: the first {self.sends} sends all got {_answer(self.status)}" + (
            f" — {hint}" if hint else ""
        )


def _answer(status: int) -> str:
    if status == 0:
        return "no answer"
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@dataclass
class Breaker:
    """Watches how a delivery's first sends end, in the order they end: all `after` failing
    with one status trips it; a send that reaches someone, or a different failure, before
    that means the failures are the people's own."""

    after: int = BREAKER_AFTER
    tripped: Tripped | None = None
    _watched: int = 0
    _status: int | None = None
    _decided: bool = False

    @property
    def watching(self) -> bool:
        return not self._decided and self.tripped is None

    @property
    def cleared(self) -> bool:
        """Decided that the failures are the people's own."""
        return self._decided and self.tripped is None

    def sent(self) -> None:
        if self.tripped is None:
            self._decided = True

    def failed(self, status: int) -> Verdict:
        """A send ended without reaching the person; `status` is Teams' last answer."""
        if self.tripped is not None:
            return Verdict.STOP
        if self._decided or (self._status is not None and status != self._status):
            self._decided = True
            return Verdict.SETTLE
        self._status = status
        self._watched += 1
        if self._watched >= self.after:
            self.tripped = Tripped(status, self._watched)
            return Verdict.STOP
        return Verdict.WATCH


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
