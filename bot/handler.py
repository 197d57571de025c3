"""The activity handler: install, commands, card actions.

Every turn starts by recording who wrote (profile and conversation reference, written only
when changed), then routes. Card actions arrive two ways — an `adaptiveCard/action` invoke
(`Action.Execute`) or a message with a `value` (the `Action.Submit` fallback) — and both go
through `_act`, so they behave the same.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount
from botbuilder.schema.teams import TeamInfo

from bot.actions import (
    ActionResult,
    JsonData,
    ReplaceCard,
    ShowCard,
    ShowMessage,
    bad_request_body,
    invoke_body,
)
from bot.agreement_turns import VERBS as AGREEMENT_VERBS
from bot.agreement_turns import AgreementTurns
from bot.commands import Command, parse_command
from bot.data_turns import VERBS as DATA_VERBS
from bot.data_turns import DataTurns
from bot.followup_turns import VERBS as FOLLOWUP_VERBS
from bot.followup_turns import FollowUpTurns
from bot.pulse_turns import VERBS as PULSE_VERBS
from bot.pulse_turns import PulseTurns
from cards.checkin import SUBMIT_VERB, checkin_card, notice_card, receipt_card, round_label
from cards.elements import Card
from cards.help import greeting_card, help_card
from cards.i18n import t
from cards.settings import NO_AGE_BAND, SAVE_VERB, settings_card
from cards.trend import trend_card
from domain.language import LANGUAGES, Language, resolve_language
from domain.org import normalise_id
from domain.profile import AGE_BANDS, Profile
from services.checkins import (
    AlreadyReceived,
    CheckinService,
    Invalid,
    RoundClosed,
    Stored,
    UnknownRound,
)
from services.people import PeopleService
from storage.port import StorageError

log = logging.getLogger(__name__)

ADAPTIVE_CARD_ACTION = "adaptiveCard/action"


class HomeOfficeBot(TeamsActivityHandler):
    def __init__(
        self,
        people: PeopleService,
        checkins: CheckinService,
        agreements: AgreementTurns,
        followups: FollowUpTurns,
        pulse: PulseTurns,
        data: DataTurns,
    ) -> None:
        self._people = people
        self._checkins = checkins
        self._agreements = agreements
        self._followups = followups
        self._pulse = pulse
        self._data = data

    # -- install ---------------------------------------------------------------------------

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._welcome(turn_context)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        await self._people.uninstalled(_user_id(turn_context.activity))

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
        if not _is_personal(turn_context.activity):
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
            lang = profile.effective_language
            await _send_card(turn_context, greeting_card(lang, _first_name(name)))

    # -- messages ----------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        try:
            profile = await self._seen(turn_context)
            if not _is_personal(activity):
                # Answers and trends are health data: a receipt or trend card in a group chat
                # or channel would show one person's answers to everyone there.
                await turn_context.send_activity(t(profile.effective_language, "personal_only"))
                return
            if isinstance(activity.value, dict) and activity.value.get("verb"):
                verb = str(activity.value["verb"])
                result = await self._act(turn_context, profile, verb, activity.value)
                await _answer_fallback_submit(turn_context, result)
                return
            await self._command(turn_context, profile, parse_command(activity.text))
        except StorageError:
            log.exception("storage failed during a message turn")
            await turn_context.send_activity(t(_language_of(turn_context), "error.busy"))

    async def _command(
        self, turn_context: TurnContext, profile: Profile, command: Command | None
    ) -> None:
        lang = profile.effective_language
        if command is Command.CHECKIN:
            round_ = await self._checkins.round_for_checkin()
            await _send_card(turn_context, checkin_card(lang, round_, self._checkins.timezone))
        elif command is Command.TREND:
            await _send_card(
                turn_context, trend_card(lang, await self._checkins.trend(profile.user_id))
            )
        elif command is Command.SETTINGS:
            consent = await self._followups.consent(profile)
            await _send_card(turn_context, settings_card(lang, profile.age_band, consent.kinds))
        elif command is Command.AGREEMENT:
            await self._agreements.agreement(turn_context, profile)
        elif command is Command.ERGONOMICS:
            await self._agreements.part(turn_context, profile, "ergonomics")
        elif command is Command.EQUIPMENT:
            await self._agreements.part(turn_context, profile, "equipment")
        elif command is Command.TEAM:
            await self._agreements.team(turn_context, profile)
        elif command is Command.PULSE:
            for card in await self._pulse.cards(profile):
                await _send_card(turn_context, card)
        elif command is Command.MY_DATA:
            await _send_card(turn_context, await self._data.my_data(profile))
        elif command is Command.DELETE_DATA:
            await _send_card(turn_context, self._data.confirm(profile))
        else:
            leader = await self._agreements.is_leader(profile)
            pulse = await self._pulse.may_see(profile)
            lead = None if command is Command.HELP else t(lang, "unknown")
            await _send_card(turn_context, help_card(lang, lead=lead, leader=leader, pulse=pulse))

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
            if _is_personal(turn_context.activity):
                result = await self._act(turn_context, profile, verb, data)
            else:
                result = ShowMessage(t(profile.effective_language, "personal_only"))
        except StorageError:
            log.exception("storage failed during a card action")
            result = ShowMessage(t(_language_of(turn_context), "error.busy"))
        if isinstance(result, ReplaceCard):
            # Teams shows the answer only to the client that pressed; the chat's message keeps
            # the old card, with live buttons, on the user's other devices and after a reload.
            await _replace_for_all(turn_context, result.card)
        return InvokeResponse(status=200, body=invoke_body(result))

    async def _act(
        self, turn_context: TurnContext, profile: Profile, verb: str, data: dict[str, Any]
    ) -> ActionResult:
        lang = profile.effective_language
        if verb in AGREEMENT_VERBS:
            return await self._agreements.act(turn_context, profile, verb, data)
        if verb in FOLLOWUP_VERBS:
            return await self._followups.act(profile, verb, data)
        if verb in DATA_VERBS:
            return await self._data.act(profile, verb)
        if verb in PULSE_VERBS:
            return await self._pulse.act(profile)
        if verb == SUBMIT_VERB:
            return await self._submit_checkin(profile, data)
        if verb == SAVE_VERB:
            chosen, band = data.get("language"), data.get("age_band") or NO_AGE_BAND
            consent = await self._followups.consent(profile)
            if chosen not in LANGUAGES or band not in (NO_AGE_BAND, *AGE_BANDS):
                return ReplaceCard(
                    settings_card(lang, profile.age_band, consent.kinds, invalid=True)
                )
            updated = await self._people.save_settings(
                profile, resolve_language(chosen, None), "" if band == NO_AGE_BAND else str(band)
            )
            consent = await self._followups.save_consent(profile, data.get("share"))
            return ReplaceCard(
                settings_card(
                    updated.effective_language, updated.age_band, consent.kinds, saved=True
                )
            )
        return ShowMessage(t(lang, "error.unknown_action"))

    async def _submit_checkin(self, profile: Profile, data: dict[str, Any]) -> ActionResult:
        lang = profile.effective_language
        tz = self._checkins.timezone
        outcome = await self._checkins.submit(profile.user_id, data, profile.age_band)
        if isinstance(outcome, Stored):
            extra = self._followups.receipt_lines(lang, outcome.followup)
            return ReplaceCard(
                receipt_card(lang, outcome.round, tz, outcome.answers, already=False, extra=extra)
            )
        if isinstance(outcome, AlreadyReceived):
            return ReplaceCard(receipt_card(lang, outcome.round, tz, outcome.answers, already=True))
        if isinstance(outcome, Invalid):
            return ReplaceCard(
                checkin_card(lang, outcome.round, tz, outcome.values, outcome.errors)
            )
        if isinstance(outcome, RoundClosed):
            label = round_label(outcome.round, tz)
            return ReplaceCard(notice_card(lang, t(lang, "receipt.closed", round=label)))
        assert isinstance(outcome, UnknownRound)
        return ReplaceCard(notice_card(lang, t(lang, "receipt.unknown_round")))

    # -- helpers -------------------------------------------------------------------------

    async def _seen(self, turn_context: TurnContext) -> Profile:
        activity = turn_context.activity
        reference = TurnContext.get_conversation_reference(activity).serialize()
        reference.pop("activityId", None)  # changes every message; not part of the address
        sender = activity.from_property
        return await self._people.seen(
            user_id=_user_id(activity),
            tenant_id=_tenant_id(activity),
            name=(sender.name if sender else "") or "",
            teams_locale=activity.locale or "",
            reference=reference,
        )


def _user_id(activity: Activity) -> str:
    # Outside local mode bot/inbound.py lets in only senders with an Entra object id, so a
    # person is always keyed by it there; `from.id` is for the Agents Playground's user.
    sender = activity.from_property
    if sender is None or not (sender.aad_object_id or sender.id):
        raise ValueError("activity without a sender")
    # The directory's form, so that what a leader's card or an import names finds the same records.
    return normalise_id(str(sender.aad_object_id)) if sender.aad_object_id else str(sender.id)


def conversation_tenant(activity: Activity) -> str:
    """`conversation.tenantId`: botbuilder 4.17 maps `tenant_id` to "tenantID", so Teams'
    spelling lands among the conversation's additional properties."""
    conversation = activity.conversation
    if conversation is None:
        return ""
    extra = getattr(conversation, "additional_properties", None) or {}
    tenant = conversation.tenant_id or extra.get("tenantId")
    return tenant.strip() if isinstance(tenant, str) else ""


def _tenant_id(activity: Activity) -> str:
    tenant = conversation_tenant(activity)
    if tenant:
        return tenant
    data = (
        (activity.channel_data or {}).get("tenant")
        if isinstance(activity.channel_data, dict)
        else None
    )
    return str(data.get("id", "")) if isinstance(data, dict) else ""


def _is_personal(activity: Activity) -> bool:
    """A 1:1 chat with the bot (clients that send no conversation type are 1:1 too)."""
    conversation = activity.conversation
    return (conversation.conversation_type if conversation else None) in (None, "personal")


def _language_of(turn_context: TurnContext) -> Language:
    return resolve_language(None, turn_context.activity.locale)


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


async def _send_card(turn_context: TurnContext, card: Card) -> None:
    await turn_context.send_activity(_card_message(card))


def _card_message(card: Card) -> Activity:
    return MessageFactory.attachment(CardFactory.adaptive_card(JsonData(card)))


async def _answer_fallback_submit(turn_context: TurnContext, result: ActionResult) -> None:
    """`Action.Submit` has no response body: update the card's message in place, or reply."""
    if isinstance(result, ShowMessage):
        await turn_context.send_activity(result.text)
        return
    if isinstance(result, ShowCard) or not await _replace_for_all(turn_context, result.card):
        await turn_context.send_activity(_card_message(result.card))


async def _replace_for_all(turn_context: TurnContext, card: Card) -> bool:
    """Put `card` in place of the card message the action came from; False when there is
    none or Teams refused the update."""
    reply_to = turn_context.activity.reply_to_id
    if not reply_to:
        return False
    card_message = _card_message(card)
    card_message.id = reply_to
    try:
        await turn_context.update_activity(card_message)
    except Exception:
        log.warning("could not update card message %s", reply_to)
        return False
    return True


async def on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """Last resort: log, and tell the user something went wrong — never a traceback."""
    log.error("unhandled error in a turn", exc_info=error)
    lang = _language_of(turn_context)
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
