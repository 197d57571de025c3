"""Proactive delivery of a card to many people: Teams' limits, retries, a ledger per person.

Up to `concurrency` sends are in flight; each first waits its turn with the limiter (the app's
50 a second and the conversation's own windows), then sends, then settles its ledger entry.
Sending and settling run shielded from cancellation, and a cancelled delivery waits for the
sends in flight to settle before it stops, so a stop (SIGTERM, a lost lease, Ctrl-C) never
leaves a card sent but unrecorded. Only a hard kill between a send and its settling can; the
next run sends those few again (at least once, at most `concurrency` people).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from domain.delivery import (
    BLOCKED_BY_USER,
    RETRY,
    Decision,
    DeliveryCounts,
    LedgerState,
    Outcome,
    Recipient,
    decide,
)
from domain.logref import ref
from domain.ratelimit import TeamsLimiter
from storage import retrying
from storage.ledger import DeliveryLedger, LedgerEntry
from storage.roster import RosterRepository

log = logging.getLogger(__name__)

Card = dict[str, Any]
# A delivery runs in the background: its storage calls may outlast a throttling spell that a
# user's turn (STORAGE_RETRY_BUDGET_SECONDS) must not wait for.
STORAGE_BUDGET = 60.0

_STATE = {
    Outcome.SENT: LedgerState.SENT,
    Outcome.DEAD: LedgerState.DEAD,
    Outcome.FAILED: LedgerState.FAILED,
}


@dataclass(frozen=True)
class SendResult:
    status: int  # HTTP status; 0 when no answer came (connection refused, timeout)
    retry_after: float | None = None
    conversation_id: str = ""  # from createConversation
    code: str = ""  # the error code of Teams' answer, e.g. ConversationBlockedByUser


class Sender(Protocol):
    async def send(self, recipient: Recipient, card: Card) -> SendResult: ...

    async def create_conversation(self, recipient: Recipient) -> SendResult: ...


@dataclass(frozen=True)
class DeliveryReport:
    counts: DeliveryCounts
    seconds: float
    requests: int
    throttled: int  # 429 answers

    @property
    def per_hour(self) -> float:
        return self.counts.sent / self.seconds * 3600 if self.seconds else 0.0


class DeliveryService:
    def __init__(
        self,
        roster: RosterRepository,
        ledger: DeliveryLedger,
        sender: Sender,
        holder: str | None = None,
        concurrency: int = 64,
        limiter: TeamsLimiter | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_blocked: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._roster = roster
        self._on_blocked = on_blocked
        self._ledger = ledger
        self._sender = sender
        self.holder = holder or uuid.uuid4().hex[:12]
        self._concurrency = concurrency
        self._limiter = limiter or TeamsLimiter()
        self._monotonic = monotonic
        self._sleep = sleep
        self._requests = 0
        self._throttled = 0

    async def deliver(
        self,
        round_id: str,
        kind: str,
        recipients: list[Recipient],
        card_for: Callable[[Recipient], Card],
        log_as: str = "",
    ) -> DeliveryReport:
        """`log_as`: what the log calls the delivery, when `round_id` names a person."""
        started = self._monotonic()
        shown = log_as or f"round {round_id}"
        self._requests = self._throttled = 0
        seen = await self._ledger.entries(round_id, kind)
        todo: asyncio.Queue[Recipient] = asyncio.Queue()
        for recipient in recipients:
            entry = seen.get(recipient.user_id)
            if not recipient.dead and (entry is None or entry.state is LedgerState.SENDING):
                todo.put_nowait(recipient)
        in_flight: set[asyncio.Task[None]] = set()
        total = todo.qsize()
        log.info("%s %s: %d to deliver (%d settled before)", shown, kind, total, len(seen))

        async def worker() -> None:
            while not todo.empty():
                recipient = todo.get_nowait()
                entry = await self._ledger.claim(
                    round_id, kind, recipient.user_id, self.holder, seen.get(recipient.user_id)
                )
                if entry is None:
                    continue  # settled meanwhile, or another sender has it
                task = asyncio.create_task(self._deliver_one(entry, recipient, card_for))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
                await asyncio.shield(task)

        progress = asyncio.create_task(self._log_progress(shown, kind, total, todo, started))
        with retrying.budget(STORAGE_BUDGET):  # the claims and settlings, in tasks started here
            workers = [asyncio.create_task(worker()) for _ in range(self._concurrency)]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            for w in workers:
                w.cancel()
            # Let every send in flight settle in the ledger before stopping.
            await asyncio.gather(*in_flight, return_exceptions=True)
            raise
        finally:
            progress.cancel()
        counts = await self._ledger.counts(round_id, kind)
        return DeliveryReport(counts, self._monotonic() - started, self._requests, self._throttled)

    async def _deliver_one(
        self, entry: LedgerEntry, recipient: Recipient, card_for: Callable[[Recipient], Card]
    ) -> None:
        attempt = entry.attempts
        waited = 0.0
        while True:
            attempt += 1
            if not recipient.conversation_id:
                result = await self._create_conversation(recipient)
                if result.conversation_id:
                    recipient = replace(recipient, conversation_id=result.conversation_id)
                    await self._roster.save(recipient)
                    result = await self._send(recipient, card_for(recipient))
            else:
                result = await self._send(recipient, card_for(recipient))
            decision = decide(result.status, attempt, result.retry_after, code=result.code)
            if decision.outcome is Outcome.RECREATE:
                log.info("conversation of %s not found: creating it again", ref(recipient.user_id))
                recipient = replace(recipient, conversation_id="")
                continue
            if decision.outcome is Outcome.RETRY and RETRY.gives_up(
                attempt, waited, decision.delay
            ):
                decision = Decision(Outcome.FAILED)  # the waiting budget is spent
            if decision.outcome is Outcome.RETRY:
                key = recipient.conversation_id or recipient.user_id
                self._limiter.conversations.block(key, self._monotonic() + decision.delay)
                waited += decision.delay
                continue
            await self._ledger.settle(entry, _STATE[decision.outcome], result.status, attempt)
            if decision.outcome is Outcome.DEAD:
                await self._roster.save(replace(recipient, dead=True))
                if result.code == BLOCKED_BY_USER and self._on_blocked is not None:
                    await self._on_blocked(recipient.user_id)
                log.info(
                    "%s is unreachable (%s %s): marked dead",
                    ref(recipient.user_id),
                    result.status,
                    result.code,
                )
            elif decision.outcome is Outcome.FAILED:
                log.warning(
                    "gave up on %s after %d attempts (%s %s)",
                    ref(recipient.user_id),
                    attempt,
                    result.status,
                    result.code,
                )
            self._limiter.conversations.forget(recipient.conversation_id)
            return

    async def _send(self, recipient: Recipient, card: Card) -> SendResult:
        await self._wait_turn(recipient.conversation_id)
        result = await self._sender.send(recipient, card)
        return self._count(result)

    async def _create_conversation(self, recipient: Recipient) -> SendResult:
        await self._wait_turn(recipient.user_id)
        return self._count(await self._sender.create_conversation(recipient))

    async def _wait_turn(self, conversation: str) -> None:
        while (wait := self._limiter.wait(conversation, self._monotonic())) > 0:
            await self._sleep(wait)
        self._limiter.record(conversation, self._monotonic())

    def _count(self, result: SendResult) -> SendResult:
        self._requests += 1
        if result.status == 429:
            self._throttled += 1
        return result

    async def _log_progress(
        self, shown: str, kind: str, total: int, todo: asyncio.Queue[Recipient], started: float
    ) -> None:
        while True:
            await asyncio.sleep(10)
            done = total - todo.qsize()
            elapsed = self._monotonic() - started
            rate = done / elapsed if elapsed else 0.0
            eta = (total - done) / rate if rate else float("inf")
            log.info(
                "%s %s: %d/%d (%.1f/s, %d throttled, ETA %.0f s)",
                shown, kind, done, total, rate, self._throttled, eta,
            )  # fmt: skip
