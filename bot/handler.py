"""The activity handler: install, commands, card actions.

Every turn starts by recording who wrote (profile and conversation reference, written only
when changed), then looks its command or verb up in the route table (bot/routes.py). Card
actions arrive two ways — an `adaptiveCard/action` invoke (`Action.Execute`) or a message with
a `value` (the `Action.Submit` fallback) — and both go through `_act`, so they behave the same.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, assert_never

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount
from botbuilder.schema.teams import TeamInfo
from opentelemetry.trace import Tracer

from bot.actions import (
    ActionResult,
    ReplaceCard,
    ShowCard,
    ShowMessage,
    bad_request_body,
    invoke_body,
)
from bot.activity import card_message, is_personal, language_of, tenant_id, user_id
from bot.commands import parse_command
from bot.routes import RouteTable, Turn
from bot.telemetry import OFF, name_route, turn_outcome, turn_span
from cards.elements import Card
from cards.i18n import t
from domain.profile import Profile
from domain.retry import TURN_BUDGET
from services.people import PeopleService
from storage import retrying
from storage.port import StorageError

log = logging.getLogger(__name__)

ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
# Text that is no command: the span says so, never what was typed.
UNKNOWN_COMMAND = "text"


# The greeting after install: the person's context, profile and first name.
Greet = Callable[[TurnContext, Profile, str], Awaitable[None]]


class HomeOfficeBot(TeamsActivityHandler):
    def __init__(
        self,
        people: PeopleService,
        routes: RouteTable,
        greet: Greet,
        budget: float = TURN_BUDGET,
        tracer: Tracer = OFF.tracer,
    ) -> None:
        self._people = people
        self._tracer = tracer
        self._routes = routes
        self._greet = greet
        self._budget = budget

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Every turn within its budget (TURN_BUDGET_SECONDS), below Teams' patience: storage
        retries stop when it is spent, and a turn still waiting then answers "busy"."""
        # The busy answer itself takes a moment to reach Teams (a reply to the connector, or the
        # invoke's response): the work stops a tenth early, so that the answer, too, lands
        # within the budget (the soak's slowest answers came at 10.1-10.2 s of 10).
        work = self._budget * 0.9
        with turn_span(self._tracer, turn_context.activity.type):
            deadline = asyncio.timeout(work)
            try:
                async with deadline:
                    with retrying.turn(work):
                        await super().on_turn(turn_context)
            except TimeoutError:
                if not deadline.expired():
                    raise  # another timeout (an HTTP client's): on_turn_error's to answer
                log.warning("a %s turn ran out of its %.1f s", turn_context.activity.type, work)
                turn_outcome("busy")
                await _busy(turn_context)

    # -- install ---------------------------------------------------------------------------

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._welcome(turn_context)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        await self._people.uninstalled(user_id(turn_context.activity))

    async def on_teams_members_added(
        self,
        teams_members_added: list[Any],
        team_info: TeamInfo,
        turn_context: TurnContext,
    ) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(member.id == bot_id for member in teams_members_added):
            await self._welcome(turn_context)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        # Outside Teams (e.g. a plain Bot Framework client) the same event takes this path.
        await self.on_teams_members_added(members_added, TeamInfo(), turn_context)

    async def _welcome(self, turn_context: TurnContext) -> None:
        if not is_personal(turn_context.activity):
            return
        profile = await self._seen(turn_context)
        # Teams announces one install twice (installationUpdate and conversationUpdate).
        if await self._people.installed(profile):
            # Teams' first installationUpdate carries no name.
            name = (
                profile.name
                or await self._people.directory_name(profile.user_id)
                or await _member_name(turn_context)
            )
            await self._greet(turn_context, profile, _first_name(name))
            # After the greeting, so that it comes first: it says what is about to arrive.
            await self._people.reachable.publish(profile.user_id)

    # -- messages ----------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        try:
            profile = await self._seen(turn_context)
            if not is_personal(activity):
                # Answers and trends are health data: a receipt or trend card in a group chat
                # or channel would show one person's answers to everyone there.
                await turn_context.send_activity(t(profile.effective_language, "personal_only"))
                return
            if isinstance(activity.value, dict) and activity.value.get("verb"):
                verb = str(activity.value["verb"])
                result = await self._act(turn_context, profile, verb, activity.value)
                await _answer_fallback_submit(turn_context, result)
                return
            command = parse_command(activity.text)
            name_route(command.value if command else UNKNOWN_COMMAND)
            handle = self._routes.command(command)
            await handle(Turn(turn_context, profile))
        except StorageError:
            log.exception("storage failed during a message turn")
            turn_outcome("storage")
            await turn_context.send_activity(t(language_of(turn_context), "error.busy"))

    # -- card actions --------------------------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        if turn_context.activity.name != ADAPTIVE_CARD_ACTION:
            response = await super().on_invoke_activity(turn_context)
            if response is not None and response.status == 501:
                # Teams sends nothing else to this bot (no message extensions, no task
                # modules): an invoke it has no handler for is the caller's mistake.
                return InvokeResponse(
                    status=400, body=bad_request_body("this bot does not take that invoke")
                )
            return response
        value = turn_context.activity.value
        action = value.get("action") if isinstance(value, dict) else None
        verb = action.get("verb") if isinstance(action, dict) else None
        if not isinstance(verb, str) or not verb:
            return InvokeResponse(status=200, body=bad_request_body("action.verb is missing"))
        data = action.get("data") if isinstance(action, dict) else None
        data = data if isinstance(data, dict) else {}
        try:
            profile = await self._seen(turn_context)
            if is_personal(turn_context.activity):
                result = await self._act(turn_context, profile, verb, data)
            else:
                result = ShowMessage(t(profile.effective_language, "personal_only"))
        except StorageError:
            log.exception("storage failed during a card action")
            turn_outcome("storage")
            result = ShowMessage(t(language_of(turn_context), "error.busy"))
        match result:
            case ReplaceCard(card):
                # Teams shows the answer only to the client that pressed; the chat's message
                # keeps the old card, with live buttons, on the user's other devices and after
                # a reload.
                await _replace_for_all(turn_context, card)
            case ShowCard() | ShowMessage():
                pass
            case _:
                assert_never(result)
        return InvokeResponse(status=200, body=invoke_body(result))

    async def _act(
        self, turn_context: TurnContext, profile: Profile, verb: str, data: dict[str, Any]
    ) -> ActionResult:
        handle = self._routes.action(verb)
        if handle is None:
            return ShowMessage(t(profile.effective_language, "error.unknown_action"))
        name_route(verb)  # a verb of the route table's, so no text a client made up
        return await handle(Turn(turn_context, profile, data))

    # -- helpers -------------------------------------------------------------------------

    async def _seen(self, turn_context: TurnContext) -> Profile:
        activity = turn_context.activity
        reference = TurnContext.get_conversation_reference(activity).serialize()
        reference.pop("activityId", None)  # changes every message; not part of the address
        sender = activity.from_property
        return await self._people.seen(
            user_id=user_id(activity),
            tenant_id=tenant_id(activity),
            name=(sender.name if sender else "") or "",
            teams_locale=activity.locale or "",
            reference=reference,
        )


async def _member_name(turn_context: TurnContext) -> str:
    """The sender's name as Teams' member lookup has it; "" when the lookup fails."""
    sender = turn_context.activity.from_property
    try:
        member = await TeamsInfo.get_member(turn_context, sender.id if sender else "")
    except Exception:
        log.warning("could not look up the name of a new user", exc_info=True)
        return ""
    return str(member.name or "")


def _first_name(name: str) -> str:
    return name.split()[0] if name.strip() else ""


async def _answer_fallback_submit(turn_context: TurnContext, result: ActionResult) -> None:
    """`Action.Submit` has no response body: update the card's message in place, or reply."""
    match result:
        case ShowMessage(text):
            await turn_context.send_activity(text)
        case ReplaceCard(card):
            if not await _replace_for_all(turn_context, card):
                await turn_context.send_activity(card_message(card))
        case ShowCard(card):
            await turn_context.send_activity(card_message(card))
        case _:
            assert_never(result)


async def _replace_for_all(turn_context: TurnContext, card: Card) -> bool:
    """Put `card` in place of the card message the action came from; False when there is
    none or Teams refused the update."""
    reply_to = turn_context.activity.reply_to_id
    if not reply_to:
        return False
    update = card_message(card)
    update.id = reply_to
    try:
        await turn_context.update_activity(update)
    except Exception:
        log.warning("could not update card message %s", reply_to)
        return False
    return True


async def _busy(turn_context: TurnContext) -> None:
    """The busy answer ("nothing lost, try again"): a card action gets it as its answer (a
    200), anything else as a message. The turn stopped where a storage error would have
    stopped it; trying again is safe because its writes are idempotent (a check-in by its
    response id), and a stored check-in is counted beyond the turn (services/checkins.py)."""
    text = t(language_of(turn_context), "error.busy")
    if turn_context.activity.type == ActivityTypes.invoke:
        response = InvokeResponse(status=200, body=invoke_body(ShowMessage(text)))
        await turn_context.send_activity(
            Activity(type=ActivityTypes.invoke_response, value=response)
        )
        return
    await turn_context.send_activity(text)


async def on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """Last resort: log, and tell the user something went wrong — never a traceback."""
    log.error("unhandled error in a turn", exc_info=error)
    lang = language_of(turn_context)
    try:
        if turn_context.activity.type == ActivityTypes.invoke:
            body = invoke_body(ShowMessage(t(lang, "error.unexpected")))
            await turn_context.send_activity(
                Activity(
                    type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body)
                )
            )
            return
        await turn_context.send_activity(t(lang, "error.unexpected"))
    except Exception:
        # The apology could not be sent either (the connector refused the reply): the
        # error is logged above, and the request must still end cleanly.
        log.warning("could not tell the user about the error", exc_info=True)
