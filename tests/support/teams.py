"""The JSON Teams sends to a bot, for integration tests (personal scope)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

BOT_ID = "28:bot-app-id"
TENANT_ID = "72f988bf-0000-0000-0000-000000000001"


@dataclass(frozen=True)
class TeamsUser:
    aad_object_id: str
    name: str = "Kari Nordmann"
    locale: str = "nb-NO"

    @property
    def teams_id(self) -> str:
        return "29:" + self.aad_object_id

    @property
    def conversation_id(self) -> str:
        return "a:personal-" + self.aad_object_id


def _base(user: TeamsUser, service_url: str, activity_type: str) -> dict[str, Any]:
    return {
        "type": activity_type,
        "id": uuid.uuid4().hex,
        "timestamp": "2026-11-26T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": user.teams_id, "name": user.name, "aadObjectId": user.aad_object_id},
        "conversation": {
            "id": user.conversation_id,
            "conversationType": "personal",
            "tenantId": TENANT_ID,
        },
        "recipient": {"id": BOT_ID, "name": "Hjemmekontor"},
        "channelData": {"tenant": {"id": TENANT_ID}},
        "locale": user.locale,
    }


def install(user: TeamsUser, service_url: str) -> dict[str, Any]:
    """Teams' first `installationUpdate` names no one: `from` carries the ids only."""
    activity = {**_base(user, service_url, "installationUpdate"), "action": "add"}
    activity["from"] = {k: v for k, v in activity["from"].items() if k != "name"}
    return activity


def uninstall(user: TeamsUser, service_url: str) -> dict[str, Any]:
    return {**_base(user, service_url, "installationUpdate"), "action": "remove"}


def bot_added(user: TeamsUser, service_url: str) -> dict[str, Any]:
    return {
        **_base(user, service_url, "conversationUpdate"),
        "membersAdded": [{"id": BOT_ID}, {"id": user.teams_id, "aadObjectId": user.aad_object_id}],
    }


def message(user: TeamsUser, service_url: str, text: str) -> dict[str, Any]:
    return {**_base(user, service_url, "message"), "text": text, "textFormat": "plain"}


def card_action(
    user: TeamsUser,
    service_url: str,
    verb: str,
    data: dict[str, Any],
    card_activity_id: str | None = None,
) -> dict[str, Any]:
    """An `adaptiveCard/action` invoke: Teams merges the card's inputs into `action.data`, and
    names the message the card is in (`replyToId`) when there is one."""
    reply_to = {"replyToId": card_activity_id} if card_activity_id else {}
    return {
        **_base(user, service_url, "invoke"),
        **reply_to,
        "name": "adaptiveCard/action",
        "value": {
            "action": {"type": "Action.Execute", "verb": verb, "data": {"verb": verb, **data}},
            "trigger": "manual",
        },
    }


def submit_fallback(
    user: TeamsUser, service_url: str, card_activity_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    """What an `Action.Submit` sends: a message whose `value` holds the data and inputs."""
    return {**_base(user, service_url, "message"), "value": data, "replyToId": card_activity_id}
