"""What a card action (an `Action.Execute` invoke or its `Action.Submit` fallback) answers.

Either a card that replaces the one the user pressed, a card for the pressing client alone
(the chat's message keeps its card), or a short message while the card stays as it is (so
nothing the user typed into it is lost).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, assert_never

from msrest.serialization import Model

from cards.elements import Card


@dataclass(frozen=True)
class ReplaceCard:
    card: Card


@dataclass(frozen=True)
class ShowCard:
    """Shown where the user pressed, never written into the chat: a download link lives 15
    minutes, and in the chat's history it would be dead the next day."""

    card: Card


@dataclass(frozen=True)
class ShowMessage:
    text: str


ActionResult = ReplaceCard | ShowCard | ShowMessage

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
ERROR_TYPE = "application/vnd.microsoft.error"


class JsonData(dict[str, Any]):
    """A card on its way through botbuilder, which deep-copies every outgoing activity.

    `copy.deepcopy` walks a card node by node (about 0.7 ms for a check-in card); a card is
    plain JSON data, so a JSON round trip gives the same copy several times faster.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> JsonData:
        return JsonData(json.loads(json.dumps(self)))


class InvokeBody(Model):
    """The `adaptiveCard/action` response body.

    CloudAdapter serializes invoke bodies with msrest, so the body must be a model; the
    SDK's own AdaptiveCardInvokeResponse types `value` as a dict and cannot carry the text
    of a message response, hence this one with `value` of any JSON type.
    """

    _attribute_map = {  # noqa: RUF012 - msrest reads this class attribute
        "status_code": {"key": "statusCode", "type": "int"},
        "type": {"key": "type", "type": "str"},
        "value": {"key": "value", "type": "object"},
    }

    def __init__(self, *, status_code: int, type: str, value: Any) -> None:
        super().__init__()
        self.status_code = status_code
        self.type = type
        self.value = value


def invoke_body(result: ActionResult) -> InvokeBody:
    match result:
        case ReplaceCard(card) | ShowCard(card):
            return InvokeBody(status_code=200, type=CARD_TYPE, value=JsonData(card))
        case ShowMessage(text):
            return InvokeBody(status_code=200, type=MESSAGE_TYPE, value=text)
        case _:
            assert_never(result)


def bad_request_body(message: str) -> InvokeBody:
    return InvokeBody(
        status_code=400, type=ERROR_TYPE, value={"code": "BadRequest", "message": message}
    )
