"""What a card shows, as text, for assertions on what a user reads."""

from __future__ import annotations

from typing import Any


def texts(card: dict[str, Any]) -> str:
    """Every piece of text a card shows, joined, for assertions on what a user reads."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "label", "value"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return "\n".join(found)
