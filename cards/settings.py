"""`innstillinger`: the user's own choices."""

from __future__ import annotations

from cards.elements import Card, Element, adaptive_card, execute, text, title
from cards.i18n import t
from domain.language import LANGUAGES, Language

SAVE_VERB = "settings.save"


def settings_card(lang: Language, saved: bool = False, invalid: bool = False) -> Card:
    body: list[Element] = [title(t(lang, "settings.title"))]
    if saved:
        body.append(text(t(lang, "settings.saved"), color="Good", weight="Bolder"))
    if invalid:
        body.append(text(t(lang, "settings.invalid"), color="Attention"))
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": "language",
            "label": t(lang, "settings.language"),
            "style": "expanded",
            "isRequired": True,
            "errorMessage": t(lang, "settings.invalid"),
            "value": lang,
            "choices": [
                {"title": t(lang, f"settings.language.{code}"), "value": code} for code in LANGUAGES
            ],
        }
    )
    return adaptive_card(body, [execute(SAVE_VERB, t(lang, "settings.save"), {}, "positive")])
