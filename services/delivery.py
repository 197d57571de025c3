"""Proactive delivery of a card to many people: Teams' limits, retries, a ledger per person.

Up to `concurrency` sends are in flight; each first waits its turn with the limiter (the app's
50 a second and the conversation's own windows), then sends, then settles its ledger entry.
Sending and settling run shielded from cancellation, and a cancelled delivery waits for the
sends in flight to settle before it stops, so a stop (SIGTERM, a lost lease, Ctrl-C) never
leaves a card sent but unrecorded; a send still waiting its turn then is not made, and its
person stays pending for the next run. Only a hard kill between a send and its settling can; the
next run sends those few again (at least once, at most `concurrency` people).

A breaker watches the first sends (domain/delivery.py, `Breaker`): when they all fail the same
way, the fault is the bot's, so the delivery stops, leaves everyone it has not reached pending
and marks no one; the next run, after the cause is fixed, sends to them.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from domain.delivery import (
    BREAKER_AFTER,
    RETRY,
    Breaker,
    Decision,
    DeliveryCounts,
    LedgerState,
    Outcome,
    Recipient,
    Tripped,
    Verdict,
    decide,
)
from domain.logref import ref
from domain.ratelimit import TeamsLimiter, Ticket
from services.telemetry import NO_METRICS, RoundMetrics
from storage import retrying
from storage.ledger import DeliveryLedger, LedgerEntry
from storage.roster import RosterRepository

log = logging.getLogger(__name__)

Card = dict[str, Any]
# A delivery runs in the background: its storage calls may outlast a throttling spell that a
# user's turn (STORAGE_RETRY_BUDGET_SECONDS) must not wait for.
STORAGE_BUDGET = 60.0
# Sends in flight at once in one delivery (the limiter paces them to Teams' limits).
CONCURRENCY = 64

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
    stopped: Tripped | None = None  # the breaker stopped it: the rest are pending

    @property
    def per_hour(self) -> float:
        return self.counts.sent / self.seconds * 3600 if self.seconds else 0.0


@dataclass(frozen=True)
class _Ended:
    """A send that ended: what to write to the ledger and the roster."""

    entry: LedgerEntry
    recipient: Recipient
    outcome: Outcome
    result: SendResult
    attempt: int


@dataclass
class _Run:
    """One delivery's breaker, and the failures it holds unsettled while it watches."""

    breaker: Breaker
    held: list[_Ended] = field(default_factory=list)
    # Set when the delivery is stopped: a send still waiting its turn is not made, its person
    # left pending. Made after a lost lease, it could cross the next holder's send to the
    # same person (two hosts, one store, under throttling: cards twice).
    stopping: bool = False


class _Stopped(Exception):
    """The delivery stopped while this send waited its turn."""


def _due(recipient: Recipient, entry: LedgerEntry | None, again: bool) -> bool:
    if entry is None:
        return again or not recipient.dead
    if entry.state is LedgerState.SENDING:
        return True
    return again and entry.state is not LedgerState.SENT


class DeliveryService:
    def __init__(
        self,
        roster: RosterRepository,
        ledger: DeliveryLedger,
        sender: Sender,
        holder: str | None = None,
        concurrency: int = CONCURRENCY,
        limiter: TeamsLimiter | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_unreachable: Callable[[str], Awaitable[None]] | None = None,
        breaker_after: int = BREAKER_AFTER,
        metrics: RoundMetrics = NO_METRICS,
    ) -> None:
        self._roster = roster
        self._metrics = metrics
        self._on_unreachable = on_unreachable
        self._breaker_after = breaker_after
        self._ledger = ledger
        self._sender = sender
        self.holder = holder or uuid.uuid4().hex[:12]
        self._concurrency = concurrency
        self._limiter = limiter or TeamsLimiter()
        self._app_turn = asyncio.Lock()
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
        again: bool = False,
    ) -> DeliveryReport:
        """`log_as`: what the log calls the delivery, when `round_id` names a person.

        `again`: an operator's resend — also those whose send failed for good or who are
        marked unreachable, once each; a send that reaches someone marked unreachable takes
        the mark away.
        """
        started = self._monotonic()
        shown = log_as or f"round {round_id}"
        self._requests = self._throttled = 0
        seen = await self._ledger.entries(round_id, kind)
        stopped_before = await self._ledger.stop_of(round_id, kind)
        todo: asyncio.Queue[Recipient] = asyncio.Queue()
        for recipient in recipients:
            entry = seen.get(recipient.user_id)
            if _due(recipient, entry, again):
                todo.put_nowait(recipient)
        in_flight: set[asyncio.Task[None]] = set()
        run = _Run(Breaker(self._breaker_after))
        total = todo.qsize()
        self._metrics.invited(kind, total)
        log.info("%s %s: %d to deliver (%d settled before)", shown, kind, total, len(seen))

        async def worker() -> None:
            while not todo.empty() and run.breaker.tripped is None:
                recipient = todo.get_nowait()
                entry = await self._ledger.claim(
                    round_id,
                    kind,
                    recipient.user_id,
                    self.holder,
                    seen.get(recipient.user_id),
                    reopen=again,
                )
                if entry is None:
                    continue  # settled meanwhile, or another sender has it
                task = asyncio.create_task(self._deliver_one(entry, recipient, card_for, run))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
                await asyncio.shield(task)

        progress = asyncio.create_task(self._log_progress(shown, kind, total, todo, started))
        with retrying.budget(STORAGE_BUDGET):  # the claims and settlings, in tasks started here
            workers = [asyncio.create_task(worker()) for _ in range(self._concurrency)]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            run.stopping = True
            for w in workers:
                w.cancel()
            # Let every send in flight settle in the ledger before stopping.
            await asyncio.gather(*in_flight, return_exceptions=True)
            # The failures still watched were never settled: leave those people pending.
            await asyncio.shield(self._release(run))
            raise
        finally:
            progress.cancel()
        with retrying.budget(STORAGE_BUDGET):
            tripped = await self._finish(round_id, kind, shown, run, stopped_before)
        counts = await self._ledger.counts(round_id, kind)
        return DeliveryReport(
            counts, self._monotonic() - started, self._requests, self._throttled, tripped
        )

    async def _finish(
        self, round_id: str, kind: str, shown: str, run: _Run, stopped_before: Tripped | None
    ) -> Tripped | None:
        tripped = run.breaker.tripped
        if tripped is not None:
            log.warning("%s %s: %s; the rest stay pending", shown, kind, tripped.reason())
            self._metrics.breaker_tripped(kind)
            await self._ledger.stopped(round_id, kind, tripped)
            return tripped
        # Fewer failures than the breaker watches: they are the people's own.
        await self._settle_held(run)
        if stopped_before is not None:
            await self._ledger.resumed(round_id, kind)
        return None

    async def _deliver_one(
        self,
        entry: LedgerEntry,
        recipient: Recipient,
        card_for: Callable[[Recipient], Card],
        run: _Run,
    ) -> None:
        try:
            await self._try(entry, recipient, card_for, run)
        except _Stopped:
            await self._ledger.release(entry)

    async def _try(
        self,
        entry: LedgerEntry,
        recipient: Recipient,
        card_for: Callable[[Recipient], Card],
        run: _Run,
    ) -> None:
        attempt = entry.attempts
        waited = 0.0
        while True:
            attempt += 1
            if not recipient.conversation_id:
                result = await self._create_conversation(recipient, run)
                if result.conversation_id:
                    recipient = replace(recipient, conversation_id=result.conversation_id)
                    await self._roster.save(recipient)
                    result = await self._send(recipient, card_for(recipient), run)
            else:
                result = await self._send(recipient, card_for(recipient), run)
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
            self._limiter.conversations.forget(recipient.conversation_id)
            ended = _Ended(entry, recipient, decision.outcome, result, attempt)
            if decision.outcome is Outcome.SENT:
                run.breaker.sent()
                await self._settle(ended)
                if run.breaker.cleared:  # tripped, the held ones are being released instead
                    await self._settle_held(run)
                return
            match run.breaker.failed(result.status):
                case Verdict.WATCH:
                    run.held.append(ended)
                case Verdict.STOP:
                    run.held.append(ended)
                    await self._release(run)
                case Verdict.SETTLE:
                    await self._settle(ended)
                    await self._settle_held(run)
            return

    async def _settle(self, ended: _Ended) -> None:
        recipient, result = ended.recipient, ended.result
        await self._ledger.settle(ended.entry, _STATE[ended.outcome], result.status, ended.attempt)
        self._metrics.settled(ended.entry.kind, _STATE[ended.outcome].value)
        if ended.outcome is Outcome.SENT:
            if recipient.dead:  # an operator's resend reached them: reachable after all
                await self._roster.save(replace(recipient, dead=False))
        elif ended.outcome is Outcome.DEAD:
            await self._roster.save(replace(recipient, dead=True))
            if self._on_unreachable is not None:
                await self._on_unreachable(recipient.user_id)
            log.info(
                "%s is unreachable (%s %s): marked dead until they write again",
                ref(recipient.user_id),
                result.status,
                result.code,
            )
        else:
            log.warning(
                "gave up on %s after %d attempts (%s %s)",
                ref(recipient.user_id),
                ended.attempt,
                result.status,
                result.code,
            )

    async def _settle_held(self, run: _Run) -> None:
        while run.held:
            await self._settle(run.held.pop())

    async def _release(self, run: _Run) -> None:
        while run.held:
            await self._ledger.release(run.held.pop().entry)

    async def _send(self, recipient: Recipient, card: Card, run: _Run) -> SendResult:
        ticket = await self._wait_turn(recipient.conversation_id, run)
        return self._answered(ticket, await self._sender.send(recipient, card))

    async def _create_conversation(self, recipient: Recipient, run: _Run) -> SendResult:
        ticket = await self._wait_turn(recipient.user_id, run)
        return self._answered(ticket, await self._sender.create_conversation(recipient))

    async def _wait_turn(self, conversation: str, run: _Run) -> Ticket:
        # The conversation's own turn first, then the app's, one sender at a time: the others
        # would all wake for the same slot, and their wake-ups delay the answers that free it.
        while (wait := self._limiter.conversations.wait(conversation, self._monotonic())) > 0:
            await self._sleep(wait)
        async with self._app_turn:
            while (wait := self._limiter.wait(conversation, self._monotonic())) > 0:
                await self._sleep(wait)
            if run.stopping:
                raise _Stopped
            return self._limiter.record(conversation, self._monotonic())

    def _answered(self, ticket: Ticket, result: SendResult) -> SendResult:
        if result.status:  # an answer came: Teams has counted the request by now
            ticket.answered(self._monotonic())
        return self._count(result)

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
