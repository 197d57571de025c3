"""One proactive card to one person, exactly once per topic: an approval request, a decision,
a review reminder.

It is the round delivery's machinery for a single recipient — the same limiter (shared with the
rounds, so Teams' per-app limit holds for both), retries and send ledger — with the topic as the
ledger's partition, so a retry of the same event after a crash never sends the card twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.delivery import LedgerState
from domain.language import Language
from domain.logref import ref
from services.delivery import DeliveryService
from storage.ledger import DeliveryLedger
from storage.roster import RosterRepository

CardFor = Callable[[Language], dict[str, Any]]


class Notifier:
    def __init__(
        self, roster: RosterRepository, ledger: DeliveryLedger, delivery: DeliveryService
    ) -> None:
        self._roster = roster
        self._ledger = ledger
        self._delivery = delivery

    async def notify(self, topic: str, kind: str, user_id: str, card_for: CardFor) -> bool:
        """True when the card reached the person (now or on an earlier call for this topic).

        False when the bot cannot reach them: not installed, uninstalled, or Teams kept failing.
        """
        recipient = await self._roster.get(user_id)
        if recipient is None or recipient.dead:
            return False
        language: Language = "en" if recipient.language == "en" else "nb"
        # Topics name the person (agreement-<id>-v2, invite-<id>): the log gets a reference.
        await self._delivery.deliver(
            topic, kind, [recipient], lambda _: card_for(language), log_as=f"notice {ref(topic)}"
        )
        entry = (await self._ledger.entries(topic, kind)).get(user_id)
        return entry is not None and entry.state is LedgerState.SENT
