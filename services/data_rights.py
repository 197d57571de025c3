"""The employee's data rights (docs/product.md#your-data): see all stored about them, erase it."""

from __future__ import annotations

from typing import Any

from domain.pseudonym import pseudonym
from storage.bot_state import state_id
from storage.personal_data import PersonalData
from storage.rounds import RoundRepository


class DataRightsService:
    def __init__(self, data: PersonalData, rounds: RoundRepository, pseudonym_key: bytes) -> None:
        self._data = data
        self._rounds = rounds
        self._key = pseudonym_key

    async def export(self, user_id: str) -> dict[str, Any]:
        rounds = [r.id for r in sorted(await self._rounds.all(), key=lambda r: r.opened_at)]
        return await self._data.export(user_id, pseudonym(user_id, self._key), rounds)

    async def erase(self, user_id: str, reference: dict[str, Any] | None) -> dict[str, int]:
        """Every record of the person, and with the answers the only link from the pseudonym.

        Aggregates keep their numbers: they hold counts, nothing that leads back to anyone.
        """
        rounds = [r.id for r in await self._rounds.all()]
        return await self._data.erase(
            user_id, pseudonym(user_id, self._key), rounds, _dialog_state_id(reference)
        )


def _dialog_state_id(reference: dict[str, Any] | None) -> str | None:
    """Where botbuilder's ConversationState keeps this chat's dialog (its storage key)."""
    conversation = (reference or {}).get("conversation") or {}
    channel = (reference or {}).get("channelId")
    if not conversation.get("id") or not channel:
        return None
    return state_id(f"{channel}/conversations/{conversation['id']}")
