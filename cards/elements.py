"""Small builders for the adaptive-card elements every card uses (schema 1.5, Teams)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from cards.command_words import Command, command_word
from cards.i18n import t
from domain.language import Language

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
        "speak": speak(body),
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def speak(body: list[Element]) -> str:
    """What a screen reader or a voice client says for the card: its title and the sentence
    after it, in the card's language since they are the card's own words (Markdown escapes and
    emphasis marks dropped, as they are not read)."""
    blocks = [e["text"] for e in _text_blocks(body) if e["text"].strip()]
    titles = [e["text"] for e in _text_blocks(body) if e.get("size") == "Large"]
    start = blocks.index(titles[0]) if titles else 0
    spoken = [_spoken(b).strip() for b in blocks[start : start + 2]]
    # A pause after a title that has no stop of its own.
    return " ".join(
        f"{s}." if n < len(spoken) - 1 and s[-1] not in ".!?:" else s for n, s in enumerate(spoken)
    )


def _text_blocks(elements: list[Element]) -> Iterator[Element]:
    """TextBlocks in reading order, in containers and columns too (not a chart's fallback,
    which repeats what is shown)."""
    for element in elements:
        if element.get("type") == "TextBlock":
            yield element
        for key in ("items", "columns"):
            yield from _text_blocks(element.get(key, []))


_ESCAPE = re.compile(r"\\(.)|\*\*")


def _spoken(value: str) -> str:
    return _ESCAPE.sub(lambda m: m.group(1) or "", value)


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


def choice_set(
    input_id: str,
    label: str,
    choices: list[tuple[str, str]],
    value: str | None = None,
    **extra: Any,
) -> Element:
    """One answer from a few, as radio buttons: every choice in sight, one tap to answer (a
    dropdown hides them until opened and takes two). `choices` are (value, title) pairs."""
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "style": "expanded",
        "choices": [{"title": title, "value": v} for v, title in choices],
        **extra,
    }
    if value is not None:
        element["value"] = value
    return element


def date_input(input_id: str, label: str, value: str = "") -> Element:
    """A date picker; `value` an ISO date or "" for none. Teams' renderer refuses the whole card
    over an empty `value`, so a date not chosen has no value at all."""
    element: Element = {"type": "Input.Date", "id": input_id, "label": label}
    if value:
        element["value"] = value
    return element


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


def download(
    lang: Language, verb: str, label: str, url: str = "", data: dict[str, Any] | None = None
) -> tuple[list[Element], list[Element]]:
    """A download's note and buttons. A link lives 15 minutes (bot/links.py) and a card stays in
    the chat for good, so the card carries no link: its button asks the bot for a fresh one
    (with `data`: whose file), and the answer (for the pressing client only) opens `url`, with
    the button beside it."""
    fetch = execute(verb, t(lang, "download.again") if url else label, data or {})
    if not url:
        return [], [fetch]
    note = text(t(lang, "download.ready"), weight="Bolder")
    return [note], [{"type": "Action.OpenUrl", "title": label, "url": url}, fetch]


def command_button(lang: Language, command: Command, label: str) -> Element:
    """A button that sends `command`'s word in `lang` as if the user typed it (Teams imBack)."""
    return {
        "type": "Action.Submit",
        "title": label,
        "data": {"msteams": {"type": "imBack", "value": command_word(lang, command)}},
    }


#: Columns a table may have: more are unreadable in Teams on a phone held upright.
MAX_COLUMNS = 4


def table(rows: list[list[str]], widths: Sequence[int | str]) -> Element:
    """A table whose first row is its header, in bold: Teams ignores `firstRowAsHeaders`.
    Small text, as Teams shows data tables; at most `MAX_COLUMNS` columns. A width is a
    weight of the room left (an int) or fixed ("52px", for a short number and its header)."""
    return {
        "type": "Table",
        "gridStyle": "accent",
        "columns": [{"width": w} for w in widths],
        "rows": [
            {
                "type": "TableRow",
                "cells": [
                    {
                        "type": "TableCell",
                        "items": [
                            text(cell, size="Small", **({"weight": "Bolder"} if n == 0 else {}))
                        ],
                    }
                    for cell in row
                ],
            }
            for n, row in enumerate(rows)
        ],
    }


def chart(element: Element, facts: list[tuple[str, str]]) -> Element:
    """A `Chart.*` element, and the same numbers as facts where Teams cannot draw it (Teams on
    iOS draws no `Chart.Line`; an older client no chart at all)."""
    return {
        **element,
        "fallback": {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in facts]},
    }
