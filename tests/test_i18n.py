"""The translation table: complete in both languages, placeholders alike."""

from __future__ import annotations

import string

from cards.i18n import TEXTS
from domain.catalog import CATALOG


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_string_exists_in_bokmal_and_english_with_the_same_placeholders() -> None:
    for key, by_language in TEXTS.items():
        assert set(by_language) == {"nb", "en"}, key
        assert all(by_language.values()), key
        assert _fields(by_language["nb"]) == _fields(by_language["en"]), key


def test_every_catalog_item_has_a_statement_and_a_short_name() -> None:
    for item in CATALOG:
        assert f"item.{item.id}" in TEXTS
        assert f"item.short.{item.id}" in TEXTS
