"""Cards for everyone (issue 14): every card has a `speak` for screen readers and voice clients
— its title and the sentence after it, in the card's language — and no text is drawn in the
colours that are hard to read on Teams' light theme (yellow "Warning", light-green "Good");
a colour that stays (Attention) is on words that say the same without it."""

from __future__ import annotations

import pytest

from cards.i18n import t
from cards.settings import settings_card
from tests.support.gallery import elements, gallery

GALLERY = gallery()
LOW_CONTRAST = {"warning", "good", "light"}


@pytest.mark.parametrize("name", list(GALLERY))
def test_every_card_speaks_its_title_and_key_sentence(name: str) -> None:
    card = GALLERY[name]
    speak = card.get("speak", "")
    assert speak.strip(), f"{name}: no speak"
    shown = [e["text"].replace("\\", "") for e in elements(card["body"]) if "text" in e]
    titles = [
        e["text"].replace("\\", "")
        for e in elements(card["body"])
        if e.get("type") == "TextBlock" and e.get("size") == "Large"
    ]
    # The card's own words, so its language; the title first where it has one.
    assert speak.startswith(titles[0] if titles else shown[0]), (name, speak)
    assert "\\" not in speak and "**" not in speak, (name, speak)


def test_speak_is_in_the_cards_language() -> None:
    for lang in ("nb", "en"):
        speak = settings_card(lang, "", [])["speak"]
        assert speak.startswith(t(lang, "settings.title")), speak
    english = [n for n in GALLERY if n.endswith("-en")]
    assert english and all(not set("æøåÆØÅ") & set(GALLERY[n]["speak"]) for n in english)


@pytest.mark.parametrize("name", list(GALLERY))
def test_no_text_in_low_contrast_colours(name: str) -> None:
    coloured = [
        e for e in elements(GALLERY[name]["body"]) if e.get("type") in ("TextBlock", "TextRun")
    ]
    bad = [e["text"] for e in coloured if str(e.get("color", "")).lower() in LOW_CONTRAST]
    assert not bad, f"{name}: {bad}"
