"""Teams' renderer merges a card's input values into the data of the action pressed, and an
input overwrites a data key of the same name: a filled input named like a button's data key
would send the input's value instead of the button's. No card the bot sends may do that."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cards.data_rights import confirm_delete_card, deleted_card, kept_card, my_data_card
from cards.elements import Card
from tests.e2e.gallery import gallery


def _every_card() -> dict[str, Card]:
    return {
        **gallery(),
        "my-data": my_data_card("nb", {"profile": {}, "checkins": [{}]}, "https://x/data"),
        "confirm-delete": confirm_delete_card("nb"),
        "deleted": deleted_card("nb", {"checkins": 2}),
        "kept": kept_card("en"),
    }


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _input_ids(card: Card) -> set[str]:
    return {
        str(node["id"])
        for node in _walk(card)
        if str(node.get("type", "")).startswith("Input.") and "id" in node
    }


def _action_data_keys(card: Card) -> set[str]:
    return {
        key
        for node in _walk(card)
        if node.get("type") in ("Action.Execute", "Action.Submit")
        and isinstance(node.get("data"), dict)
        for key in node["data"]
    }


CARDS = _every_card()


@pytest.mark.parametrize("name", sorted(CARDS))
def test_no_input_shares_a_name_with_a_data_key_of_an_action_on_the_card(name: str) -> None:
    card = CARDS[name]
    assert not _input_ids(card) & _action_data_keys(card)


def test_the_rule_sees_the_team_cards_invite_dropdown_and_open_buttons() -> None:
    card = CARDS["team"]
    assert _input_ids(card) and _action_data_keys(card) >= {"verb", "employee"}


@pytest.mark.parametrize("name", sorted(CARDS))
def test_no_button_asks_for_a_style_teams_does_not_show(name: str) -> None:
    assert not [node for node in _walk(CARDS[name]) if "style" in node and "title" in node]
