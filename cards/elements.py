"""Small builders for the adaptive-card elements every card uses (schema 1.5, Teams)."""

from __future__ import annotations

import re
from typing import Any

Card = dict[str, Any]
Element = dict[str, Any]

SCHEMA_VERSION = "1.5"


def adaptive_card(body: list[Element], actions: list[Element] | None = None) -> Card:
    card: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": SCHEMA_VERSION,
        # Teams shows cards narrow unless told otherwise; check-ins read better wide.
        "msteams": {"width": "Full"},
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


_MARKDOWN = re.compile(r"([\\`*_\[\]()#+\-.!<>~|{}])")


def md(value: str) -> str:
    """User or directory text (a name, a unit, a reason, a comment) for a TextBlock or a fact.

    Teams renders Markdown there; escaped, `[klikk](https://…)` shows as typed instead of as a
    link in someone else's card, and `**` or `#` cannot dress it up as the bot's own words.
    """
    return _MARKDOWN.sub(r"\\\1", value)


def text(value: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def title(value: str) -> Element:
    return text(value, size="Large", weight="Bolder")


def error_text(value: str) -> Element:
    return text(value, color="Attention", size="Small", spacing="None")


def execute(verb: str, label: str, data: dict[str, Any]) -> Element:
    """`Action.Execute` with an `Action.Submit` fallback for clients without Universal Actions.

    Both carry `verb` in their data, so the bot routes the invoke and the fallback message
    the same way. No `style`: Teams ignores positive/destructive on card buttons.
    """
    payload = {"verb": verb, **data}
    return {
        "type": "Action.Execute",
        "verb": verb,
        "title": label,
        "data": payload,
        "fallback": {"type": "Action.Submit", "title": label, "data": payload},
    }


def command_button(label: str, command: str) -> Element:
    """A button that sends `command` as if the user typed it (Teams imBack)."""
    return {
        "type": "Action.Submit",
        "title": label,
        "data": {"msteams": {"type": "imBack", "value": command}},
    }


def table(rows: list[list[str]], widths: list[int]) -> Element:
    """A table whose first row is its header; small text, as Teams shows data tables."""
    return {
        "type": "Table",
        "firstRowAsHeaders": True,
        "gridStyle": "accent",
        "columns": [{"width": w} for w in widths],
        "rows": [
            {
                "type": "TableRow",
                "cells": [
                    {"type": "TableCell", "items": [text(cell, size="Small")]} for cell in row
                ],
            }
            for row in rows
        ],
    }
