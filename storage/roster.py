"""Everyone the bot can reach, in one partition of `users`: what a round is delivered to.

One partition keeps "everyone" a single-partition query (no cross-partition fan-out); an
entry is a few hundred bytes, so even 100,000 people stay far below a partition's limit.
"""

from __future__ import annotations

from domain.delivery import Recipient
from storage.port import Document, DocumentStore

CONTAINER = "users"
PARTITION = "roster"


class RosterRepository:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def save(self, recipient: Recipient) -> None:
        await self._store.upsert(
            CONTAINER,
            {
                "id": recipient.user_id,
                "pk": PARTITION,
                "tenant_id": recipient.tenant_id,
                "service_url": recipient.service_url,
                "bot_id": recipient.bot_id,
                "user_teams_id": recipient.user_teams_id,
                "conversation_id": recipient.conversation_id,
                "language": recipient.language,
                "dead": recipient.dead,
            },
        )

    async def get(self, user_id: str) -> Recipient | None:
        doc = await self._store.read(CONTAINER, PARTITION, user_id)
        return _recipient(doc) if doc else None

    async def everyone(self) -> list[Recipient]:
        return [_recipient(doc) for doc in await self._store.query(CONTAINER, PARTITION)]


def _recipient(doc: Document) -> Recipient:
    return Recipient(
        user_id=doc["id"],
        tenant_id=doc.get("tenant_id", ""),
        service_url=doc["service_url"],
        bot_id=doc.get("bot_id", ""),
        user_teams_id=doc.get("user_teams_id", ""),
        conversation_id=doc.get("conversation_id", ""),
        language=doc.get("language", "nb"),
        dead=bool(doc.get("dead", False)),
    )
