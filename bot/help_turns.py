"""`hjelp`, the answer to text that is no command, and the greeting after install: the help card,
with what this user may do. A leader something waits for (a proposal to decide on, an open
follow-up) sees that first, with a button for each."""

from __future__ import annotations

from botbuilder.core import TurnContext

from bot.activity import send_card
from bot.agreement_turns import AgreementTurns
from bot.commands import Command
from bot.pulse_turns import PulseTurns
from bot.routes import CommandRoute, Route, Turn
from cards.help import greeting_card, help_card
from cards.i18n import t
from domain.profile import Profile


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

    async def greet(self, context: TurnContext, profile: Profile, name: str) -> None:
        waiting = await self._agreements.waiting(profile)
        await send_card(context, greeting_card(profile.effective_language, name, waiting))

    async def _send(self, turn: Turn, lead: str | None) -> None:
        leader = await self._agreements.is_leader(turn.profile)
        waiting = await self._agreements.waiting(turn.profile) if leader else None
        pulse = await self._pulse.may_see(turn.profile)
        card = help_card(turn.lang, lead=lead, leader=leader, pulse=pulse, waiting=waiting)
        await send_card(turn.context, card)
