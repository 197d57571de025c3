"""The language a user is spoken to in: bokmål first, English second (docs/product.md#language)."""

from __future__ import annotations

from typing import Literal

Language = Literal["nb", "en"]
LANGUAGES: tuple[Language, ...] = ("nb", "en")


def resolve_language(chosen: str | None, teams_locale: str | None) -> Language:
    """The user's own choice wins; else English for an English Teams client; else bokmål."""
    if chosen == "en":
        return "en"
    if chosen == "nb":
        return "nb"
    if teams_locale and teams_locale.lower().startswith("en"):
        return "en"
    return "nb"
