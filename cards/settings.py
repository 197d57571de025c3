"""`innstillinger`: the user's own choices."""

from __future__ import annotations

from collections.abc import Iterable

from cards.elements import Card, Element, adaptive_card, execute, text, title
from cards.i18n import t
from domain.followup import SHAREABLE
from domain.language import LANGUAGES, Language
from domain.profile import AGE_BANDS
from domain.week import Visibility

SAVE_VERB = "settings.save"
NO_AGE_BAND = "none"
WEEK_VISIBILITY = "week_visibility"


def settings_card(
    lang: Language,
    age_band: str = "",
    share: Iterable[str] = (),
    saved: bool = False,
    invalid: bool = False,
    visibility: Visibility = Visibility.TEAM,
    extra: Iterable[Element] = (),
) -> Card:
    """`extra`: the settings other features keep themselves, each with its own button
    (kaffeprat)."""
    body: list[Element] = [title(t(lang, "settings.title"))]
    if saved:
        body.append(text(t(lang, "settings.saved"), weight="Bolder"))
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
            # Each language in its own words: someone who cannot read this card's language
            # still finds theirs.
            "choices": [
                {"title": t(code, "settings.language.name"), "value": code} for code in LANGUAGES
            ],
        }
    )
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": "age_band",
            "label": t(lang, "settings.age_band"),
            "style": "compact",
            "value": age_band or NO_AGE_BAND,
            # A choice needs a non-empty value, so "prefer not to say" has its own.
            "choices": [{"title": t(lang, "settings.age_band.none"), "value": NO_AGE_BAND}]
            + [
                {"title": t(lang, f"settings.age_band.{band}"), "value": band} for band in AGE_BANDS
            ],
        }
    )
    body.append(text(t(lang, "settings.age_band.why"), size="Small", isSubtle=True))
    chosen = set(share)
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": "share",
            "label": t(lang, "settings.share"),
            "style": "expanded",
            "isMultiSelect": True,
            "value": ",".join(kind for kind in SHAREABLE if kind in chosen),
            "choices": [
                {"title": t(lang, f"settings.share.{kind}"), "value": kind} for kind in SHAREABLE
            ],
        }
    )
    body.append(text(t(lang, "settings.share.why"), size="Small", isSubtle=True))
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": WEEK_VISIBILITY,
            "label": t(lang, "settings.week_visibility"),
            "style": "expanded",
            "value": visibility.value,
            "choices": [
                {"title": t(lang, f"settings.week_visibility.{v.value}"), "value": v.value}
                for v in Visibility
            ],
        }
    )
    body.append(text(t(lang, "settings.week_visibility.why"), size="Small", isSubtle=True))
    body += extra
    return adaptive_card(body, [execute(SAVE_VERB, t(lang, "settings.save"), {})])
