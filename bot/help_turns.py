"""`hjelp`, and the answer to text that is no command: the help card, with what this user may do."""

from __future__ import annotations

from bot.activity import send_card
from bot.agreement_turns import AgreementTurns
from bot.commands import Command
from bot.pulse_turns import PulseTurns
from bot.routes import CommandRoute, Route, Turn
from cards.help import help_card
from cards.i18n import t


class HelpTurns:
    def __init__(self, agreements: AgreementTurns, pulse: PulseTurns) -> None:
        self._agreements = agreements
        self._pulse = pulse

    def routes(self) -> list[Route]:
        return [CommandRoute(Command.HELP, self.help)]

    async def help(self, turn: Turn) -> None:
        await self._send(turn, lead=None)

    async def unknown(self, turn: Turn) -> None:
        await self._send(turn, lead=t(turn.lang, "unknown"))

    async def _send(self, turn: Turn, lead: str | None) -> None:
        leader = await self._agreements.is_leader(turn.profile)
        pulse = await self._pulse.may_see(turn.profile)
        card = help_card(turn.lang, lead=lead, leader=leader, pulse=pulse)
        await send_card(turn.context, card)
