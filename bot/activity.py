"""What a turn's activity says about its sender and conversation, and sending a card into it.

Shared by the activity handler and the inbound check (bot/inbound.py), which reads the tenant
before a turn exists.
"""

from __future__ import annotations

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity

from bot.actions import JsonData
from cards.elements import Card
from domain.language import Language, resolve_language
from domain.org import normalise_id


def user_id(activity: Activity) -> str:
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


def tenant_id(activity: Activity) -> str:
    """The conversation's tenant, else the one `channelData` names."""
    tenant = conversation_tenant(activity)
    if tenant:
        return tenant
    data = (
        (activity.channel_data or {}).get("tenant")
        if isinstance(activity.channel_data, dict)
        else None
    )
    return str(data.get("id", "")) if isinstance(data, dict) else ""


def is_personal(activity: Activity) -> bool:
    """A 1:1 chat with the bot (clients that send no conversation type are 1:1 too)."""
    conversation = activity.conversation
    return (conversation.conversation_type if conversation else None) in (None, "personal")


def language_of(turn_context: TurnContext) -> Language:
    """The language of the sender's Teams client, for answers before (or without) a profile."""
    return resolve_language(None, turn_context.activity.locale)


def card_message(card: Card) -> Activity:
    return MessageFactory.attachment(CardFactory.adaptive_card(JsonData(card)))


async def send_card(turn_context: TurnContext, card: Card) -> None:
    await turn_context.send_activity(card_message(card))
