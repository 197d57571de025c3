"""One proactive card to one person, exactly once per topic: an approval request, a decision,
a review reminder.

It is the round delivery's machinery for a single recipient — the same limiter (shared with the
rounds, so Teams' per-app limit holds for both), retries and send ledger — with the topic as the
ledger's partition, so a retry of the same event after a crash never sends the card twice.

The send runs in the background: a card action that notifies someone (a check-in that asks the
leader, an approval, an invitation) is answered at once, not after up to six attempts with
backoff behind a running round. The tasks are kept, their errors logged, and `drain` awaits
them (the host drains before it closes).

A card that waits for a leader's action (an approval, a follow-up prompt) to someone the bot
cannot reach yet asks for the app to be installed for them (`install`, services/installs.py;
None when off). It waits meanwhile: PeopleService.reachable sends it when Teams announces the
install. Nobody the roster holds as unreachable (removed or blocked the app) is installed for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

from domain.delivery import LedgerState, Recipient
from domain.language import Language
from domain.logref import ref
from domain.messages import ApprovalRequested, FollowUpPrompt, Message
from services.delivery import Card, DeliveryService
from storage import retrying
from storage.ledger import DeliveryLedger
from storage.roster import RosterRepository

log = logging.getLogger(__name__)

Sent = Callable[[], Awaitable[None]]
# A message in the recipient's language as a card: cards/render.py, given at the composition root.
Render = Callable[[Message, Language], Card]
Install = Callable[[str], Coroutine[Any, Any, None]]
# What waits for its recipient to act: worth installing the app for them.
WAITING = (ApprovalRequested, FollowUpPrompt)


class Notifications(Protocol):
    """The port the use cases send through: they say what happened, not how it looks."""

    async def notify(
        self, topic: str, kind: str, user_id: str, message: Message, then: Sent | None = None
    ) -> bool: ...


class Notifier:
    def __init__(
        self,
        roster: RosterRepository,
        ledger: DeliveryLedger,
        delivery: DeliveryService,
        render: Render,
        install: Install | None = None,
    ) -> None:
        self._roster = roster
        self._install = install
        self._ledger = ledger
        self._delivery = delivery
        self._render = render
        self._sending: set[asyncio.Task[None]] = set()

    async def notify(
        self, topic: str, kind: str, user_id: str, message: Message, then: Sent | None = None
    ) -> bool:
        """True when the person can be reached, and the message's card is on its way; `then` runs once
        it has arrived. False when the bot cannot reach them: not installed or uninstalled."""
        recipient = await self._roster.get(user_id)
        if recipient is None and self._install is not None and isinstance(message, WAITING):
            self._background(self._install(user_id))
        if recipient is None or recipient.dead:
            return False
        self._background(self._send(topic, kind, recipient, message, then))
        return True

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        # It outlives the turn that started it, so the turn's deadline is not its own.
        task = asyncio.create_task(work, context=retrying.beyond_the_turn())
        self._sending.add(task)
        task.add_done_callback(self._settled)

    async def drain(self) -> None:
        """Wait until every card on its way has arrived or been given up."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def _send(
        self, topic: str, kind: str, recipient: Recipient, message: Message, then: Sent | None
    ) -> None:
        language: Language = "en" if recipient.language == "en" else "nb"
        # Topics name the person (agreement-<id>-v2, invite-<id>): the log gets a reference.
        await self._delivery.deliver(
            topic,
            kind,
            [recipient],
            lambda _: self._render(message, language),
            log_as=f"notice {ref(topic)}",
        )
        entry = (await self._ledger.entries(topic, kind)).get(recipient.user_id)
        if entry is not None and entry.state is LedgerState.SENT:
            if then is not None:
                await then()
        else:
            log.warning("notice %s %s did not reach %s", ref(topic), kind, ref(recipient.user_id))

    def _settled(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a notification failed", exc_info=task.exception())
