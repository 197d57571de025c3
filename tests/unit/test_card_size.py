"""Teams refuses a bot's message over about 28 KB (413 `MessageSizeTooBig`), and the answer to
a card action too. Every card the bot can send, with the most data it can carry (the gallery,
tests/support/gallery.py), stays within a budget; what the fake Teams refuses and how a long
team is paged is in tests/integration/test_message_size.py.
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from botbuilder.core import CardFactory, MessageFactory

from bot.actions import JsonData
from cards.agreement import (
    advice_card,
    equipment_card,
    equipment_items_card,
    ergonomics_card,
    extent_card,
    network_card,
    tasks_card,
)
from cards.checkin import checkin_card
from cards.elements import Card
from domain.agreement import Amounts, Mode, Package
from tests.support.card_data import DATA_KEYS
from tests.support.gallery import _round, gallery

# What a card may take of Teams' limit: the rest is the activity's envelope (ids, addresses of
# the conversation and both parties, replyToId), well under a kilobyte in Teams.
BUDGET = 25_000
GALLERY = gallery()
ROUND = _round()


def message_size(card: Card) -> int:
    """The card's message activity as the Bot Connector client puts it on the wire."""
    activity = MessageFactory.attachment(CardFactory.adaptive_card(JsonData(card)))
    return len(json.dumps(activity.serialize()).encode())


@pytest.mark.parametrize("name", list(GALLERY))
def test_every_card_fits_the_size_budget(name: str) -> None:
    size = message_size(GALLERY[name])
    assert size <= BUDGET, f"{name}: {size} bytes, budget {BUDGET}"


def test_a_forged_submit_put_back_into_its_card_stays_within_the_budget() -> None:
    """A refused step comes back with the user's input in it; a forged submit's values (no
    client sends them, the fuzzer did) must not carry the card over the limit (hypothesis
    found a 413 in test_a_refused_or_stale_step_changes_no_agreement_and_shows_the_step_again)."""
    forged: dict[str, Any] = {key: "0\x1f\U00010000" * 5000 for key in DATA_KEYS}
    for card in (
        tasks_card("nb", forged),
        extent_card("nb", forged, Mode.ORDINARY),
        ergonomics_card("nb", forged),
        advice_card("nb", [], forged),
        equipment_card("nb", forged, Amounts()),
        *(equipment_items_card("nb", package, forged, Amounts()) for package in Package),
        network_card("nb", forged),
        checkin_card("nb", ROUND, ZoneInfo("Europe/Oslo"), forged),
    ):
        assert message_size(card) <= BUDGET, card["body"][1]["text"]
