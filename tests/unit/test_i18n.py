"""The translation table: complete in both languages, placeholders alike."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.agreement_turns import VERBS as AGREEMENT_VERBS
from cards.i18n import TEXTS
from domain.agreement import BODY_AREAS, EQUIPMENT, WORKDAYS, Network, Package, Place
from domain.agreement_record import HOME_TASKS, OFFICE_TASKS, PARTS, Status
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


KEY_FAMILIES = ("agreement", "approval", "decision", "team", "extent", "equipment", "ergonomics")
_LITERAL_KEY = re.compile(r'"((?:' + "|".join(KEY_FAMILIES) + r')\.[a-z_.]*[a-z_])"')
SOURCES = ("bot", "cards", "dialogs", "domain", "services")


def test_every_key_the_code_names_is_in_the_table() -> None:
    root = Path(__file__).resolve().parents[2]
    named = {
        (path.relative_to(root), key)
        for folder in SOURCES
        for path in (root / folder).rglob("*.py")
        for key in _LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
    }
    assert len(named) > 50  # the pattern finds the keys at all
    prefixes = {key.rsplit(".", 1)[0] for key in TEXTS}  # "agreement.task" + ".<task>"
    unknown = [
        (str(path), key)
        for path, key in named
        if key not in TEXTS and key not in prefixes and key not in AGREEMENT_VERBS
    ]
    assert unknown == []


def test_every_key_the_agreement_builds_from_values_is_in_the_table() -> None:
    built = [f"weekday.{day}" for day in WORKDAYS]
    built += [f"agreement.task.{task}" for task in (*HOME_TASKS, *OFFICE_TASKS)]
    built += [f"agreement.place.{place.value}" for place in Place]
    built += [f"agreement.item.{item}" for item in EQUIPMENT]
    built += [f"agreement.body.{area}" for area in BODY_AREAS]
    built += [f"agreement.network.{network.value}" for network in Network]
    built += [f"agreement.missing.{part}" for part in PARTS]
    built += [f"agreement.{step}.title" for step in (*PARTS[:-1], "occupational_health")]
    for package in Package:
        built += [f"agreement.package.{package.value}", f"agreement.package.short.{package.value}"]
    for status in Status:
        built += [
            f"agreement.card.draft.{status.value}",
            f"team.status.{status.value}",
            f"approval.decided.{status.value}",
        ]
    built += [
        f"decision.{status.value}"
        for status in Status
        if status.value in ("approved", "changes_requested", "talk_proposed")
    ]
    assert [key for key in built if key not in TEXTS] == []
