"""The employee's data rights (docs/product.md#your-data): see all stored about them, erase it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.pseudonym import pseudonym
from storage.coffee import CoffeeRepository
from storage.personal_data import PersonalData
from storage.rounds import RoundRepository

# The id of a chat's dialog state, from its conversation reference: botbuilder's key format,
# which storage/bot_state.py knows and this service must not.
DialogStateOf = Callable[[dict[str, Any] | None], str | None]


class DataRightsService:
    def __init__(
        self,
        data: PersonalData,
        rounds: RoundRepository,
        pseudonym_key: bytes,
        dialog_state_of: DialogStateOf,
        coffee: CoffeeRepository | None = None,
    ) -> None:
        self._data = data
        self._coffee = coffee
        self._rounds = rounds
        self._key = pseudonym_key
        self._dialog_state_of = dialog_state_of

    async def export(self, user_id: str) -> dict[str, Any]:
        rounds = [r.id for r in sorted(await self._rounds.all(), key=lambda r: r.opened_at)]
        exported = await self._data.export(user_id, pseudonym(user_id, self._key), rounds)
        if self._coffee is not None:
            exported["kaffeprat"] = await self._coffee.export(user_id)
        return exported

    async def erase(self, user_id: str, reference: dict[str, Any] | None) -> dict[str, int]:
        """Every record of the person, and with the answers the only link from the pseudonym.

        Aggregates keep their numbers: they hold counts, nothing that leads back to anyone.
        """
        rounds = [r.id for r in await self._rounds.all()]
        erased: dict[str, int] = {}
        if self._coffee is not None:
            # Its rounds' send ledgers are erased with the check-in rounds' below.
            rounds += await self._coffee.round_ids()
            erased["kaffeprat"] = await self._coffee.erase(user_id)
        return erased | await self._data.erase(
            user_id, pseudonym(user_id, self._key), rounds, self._dialog_state_of(reference)
        )
