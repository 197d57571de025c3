"""What the cards ask the user to press and choose: buttons say what they do, the agreement's
days step offers only what the rules allow, languages go by their own names, and the download
speaks plainly. Built by the real builders from the gallery's data."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cards.agreement import extent_card
from cards.data_rights import my_data_card
from cards.i18n import t
from cards.settings import settings_card
from domain.agreement import Mode, allowed_days
from domain.agreement_record import PARTS
from domain.language import LANGUAGES, Language
from tests.support.gallery import MY_DATA, elements, gallery

GALLERY = gallery()
DATE = re.compile(r"\d{2}\.\d{2}\.\d{4}")


def _buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in elements(card) if e.get("type", "").startswith("Action.")]


def _input(card: dict[str, Any], input_id: str) -> dict[str, Any]:
    (found,) = [e for e in elements(card["body"]) if e.get("id") == input_id]
    return found


@pytest.mark.parametrize("name", ["team", "team-en", "team-largest"])
def test_every_team_button_says_what_it_does_and_no_date_is_on_one(name: str) -> None:
    card = GALLERY[name]
    lang: Language = "en" if name.endswith("-en") else "nb"
    verbs = {
        "nb": ("Se ", "Vurder ", "Merk ", "Send ", "Neste", "Forrige"),
        "en": ("Open ", "Review ", "Mark ", "Send ", "Next", "Previous"),
    }[lang]
    titles = [b["title"] for b in _buttons(card)]
    assert titles and all(title.startswith(verbs) for title in titles), titles
    assert not any(DATE.search(title) for title in titles)
    # The dates still show, as text beside the names.
    facts = [
        f["value"] for e in elements(card["body"]) if e.get("type") == "FactSet" for f in e["facts"]
    ]
    assert any(DATE.search(value) for value in facts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_is_named_in_its_own_language(lang: Language) -> None:
    choices = _input(settings_card(lang), "language")["choices"]
    assert {c["value"]: c["title"] for c in choices} == {"nb": "Norsk (bokmål)", "en": "English"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_download_button_speaks_plainly_and_the_text_names_the_format(lang: Language) -> None:
    card = my_data_card(lang, MY_DATA)
    titles = [b["title"] for b in _buttons(card)]
    assert t(lang, "data.download") in titles
    assert not any("JSON" in title for title in titles)
    assert "JSON" in t(lang, "data.intro")


@pytest.mark.parametrize("mode", list(Mode))
def test_the_days_step_offers_the_days_the_rules_allow_and_no_weekday_boxes(mode: Mode) -> None:
    card = extent_card("nb", {}, mode)
    offered = [c["value"] for c in _input(card, "days")["choices"]]
    assert offered == [str(n) for n in allowed_days(mode)]
    assert not [e for e in elements(card["body"]) if e.get("id") == "weekdays"]


def test_the_summary_offers_a_change_for_each_part() -> None:
    summary = GALLERY["summary"]
    changes = [b for b in _buttons(summary) if b.get("data", {}).get("choice") == "edit"]
    parts = [b["data"]["part"] for b in changes if b["type"] == "Action.Execute"]
    assert parts == list(PARTS)
    titles = {b["data"]["part"]: b["title"] for b in changes}
    assert titles == {part: t("nb", f"agreement.summary.change.{part}") for part in PARTS}
