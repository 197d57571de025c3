"""A dialog step that is an adaptive card: show it, wait for its submit, check it, end with the
value.

botbuilder's own prompts read typed text and ignore card actions (an `adaptiveCard/action`
invoke never reaches them), so this step reads the submitted data the bot puts in the turn
state, whichever way the card was submitted. A submit from an older card than the current step
shows the current step again instead of being taken; invalid input shows the card again with
the user's values kept and the rule that refused them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogInstance, DialogTurnResult

from cards.agreement_submit import Parsed
from cards.elements import Card
from cards.i18n import t
from cards.refusals import Problem
from domain.language import Language

#: turn_state keys the bot fills before it runs a dialog.
SUBMITTED = "homeoffice.submitted"  # the card action's data, when the turn is one
LANGUAGE = "homeoffice.language"
REPLIES = "homeoffice.replies"  # a list: cards are kept there to answer a card action
USER = "homeoffice.user"

#: (language, the inputs' values, the problems, a note, the step's context) -> the card
Render = Callable[[Language, dict[str, Any], list[Problem], str, dict[str, Any]], Card]
#: (the submitted data, the step's context) -> the value, or the errors
Parse = Callable[[dict[str, Any], dict[str, Any]], Parsed[Any]]


def language_of(context: TurnContext) -> Language:
    lang: Language = context.turn_state.get(LANGUAGE, "nb")
    return lang


def user_of(context: TurnContext) -> str:
    return str(context.turn_state[USER])


def step_id(step: str) -> str:
    return f"step.{step}"


class CardStep(Dialog):
    def __init__(self, step: str, render: Render, parse: Parse) -> None:
        super().__init__(step_id(step))
        self.step = step
        self._render = render
        self._parse = parse

    async def begin_dialog(
        self, dialog_context: DialogContext, options: object = None
    ) -> DialogTurnResult:
        given = options if isinstance(options, dict) else {}
        state = dialog_context.active_dialog.state
        state["values"] = dict(given.get("values") or {})
        state["context"] = dict(given.get("context") or {})
        await self._show(dialog_context.context, state)
        return Dialog.end_of_turn

    async def continue_dialog(self, dialog_context: DialogContext) -> DialogTurnResult:
        context = dialog_context.context
        state = dialog_context.active_dialog.state
        data = context.turn_state.get(SUBMITTED)
        if not isinstance(data, dict):
            await self._show(context, state)  # typed: show where the user is
            return Dialog.end_of_turn
        if data.get("step") != self.step:
            await self._show(context, state, note=t(language_of(context), "agreement.stale"))
            return Dialog.end_of_turn
        parsed = self._parse(data, state["context"])
        if parsed.errors or parsed.value is None:
            # Keep what the user entered; a refusal must not cost them their answers.
            state["values"] = {k: v for k, v in data.items() if k not in ("verb", "step")}
            await self._show(context, state, errors=parsed.errors or ["agreement.choose_one"])
            return Dialog.end_of_turn
        return await dialog_context.end_dialog(parsed.value)

    async def reprompt_dialog(self, context: TurnContext, instance: DialogInstance) -> None:
        await self._show(context, instance.state)

    async def _show(
        self,
        context: TurnContext,
        state: dict[str, Any],
        errors: list[Problem] | None = None,
        note: str = "",
    ) -> None:
        card = self._render(
            language_of(context), state["values"], errors or [], note, state["context"]
        )
        await send_card(context, card)


async def send_card(context: TurnContext, card: Card) -> None:
    """Send `card`, or keep it as the answer when the turn is a card action (see REPLIES)."""
    replies = context.turn_state.get(REPLIES)
    if isinstance(replies, list):
        replies.append(card)
        return
    await context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(card)))
