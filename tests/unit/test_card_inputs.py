"""Teams' renderer merges a card's input values into the data of the action pressed, and an
input overwrites a data key of the same name: a filled input named like a button's data key
would send the input's value instead of the button's. No card the bot sends may do that."""

from __future__ import annotations

import pytest

from cards.elements import Card
from tests.support.gallery import elements, gallery


def _input_ids(card: Card) -> set[str]:
    return {
        str(node["id"])
        for node in elements(card)
        if str(node.get("type", "")).startswith("Input.") and "id" in node
    }


def _action_data_keys(card: Card) -> set[str]:
    return {
        key
        for node in elements(card)
        if node.get("type") in ("Action.Execute", "Action.Submit")
        and isinstance(node.get("data"), dict)
        for key in node["data"]
    }


CARDS = gallery()


@pytest.mark.parametrize("name", sorted(CARDS))
def test_no_input_shares_a_name_with_a_data_key_of_an_action_on_the_card(name: str) -> None:
    card = CARDS[name]
    assert not _input_ids(card) & _action_data_keys(card)


def test_the_rule_sees_the_team_cards_invite_dropdown_and_open_buttons() -> None:
    card = CARDS["team"]
    assert _input_ids(card) and _action_data_keys(card) >= {"verb", "employee"}


@pytest.mark.parametrize("name", sorted(CARDS))
def test_no_button_asks_for_a_style_teams_does_not_show(name: str) -> None:
    assert not [node for node in elements(CARDS[name]) if "style" in node and "title" in node]


@pytest.mark.parametrize("name", sorted(CARDS))
def test_no_date_or_time_input_carries_an_empty_value(name: str) -> None:
    # Teams' renderer refuses the whole card over `"value": ""` on a date or time input
    # (InvalidPropertyValue); an input with nothing chosen has no value at all.
    assert not [
        node
        for node in elements(CARDS[name])
        if node.get("type") in ("Input.Date", "Input.Time") and node.get("value") == ""
    ]
