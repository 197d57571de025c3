"""`mine data` and `slett mine data`: what is stored about the user, and erasing it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cards.command_words import Command
from cards.elements import Card, adaptive_card, command_button, download, execute, text, title
from cards.i18n import t, tn
from domain.language import Language

DELETE_VERB = "data.delete"
KEEP_VERB = "data.keep"
DOWNLOAD_VERB = "data.download"


def my_data_card(lang: Language, export: Mapping[str, Any], json_url: str = "") -> Card:
    """Without `json_url` the download button asks for a link; with it, the card opens it."""
    agreement = export.get("agreement")
    consent = export.get("standing_consent")
    facts = [
        (t(lang, "data.profile"), t(lang, "data.yes") if export.get("profile") else "–"),
        (t(lang, "data.checkins"), str(len(export.get("checkins", [])))),
        (
            t(lang, "data.consent"),
            ", ".join(t(lang, f"settings.share.{k}") for k in consent["kinds"])
            if consent and consent.get("kinds")
            else "–",
        ),
        (
            t(lang, "data.agreement"),
            tn(lang, "data.versions", len(export.get("agreement_versions", [])))
            if agreement
            else "–",
        ),
        (t(lang, "data.followups"), str(len(export.get("followups", [])))),
        (t(lang, "data.coffee"), _coffee(lang, export.get("kaffeprat"))),
    ]
    note, buttons = download(lang, DOWNLOAD_VERB, t(lang, "data.download"), json_url)
    return adaptive_card(
        [
            title(t(lang, "data.title")),
            text(t(lang, "data.intro")),
            {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in facts]},
            text(t(lang, "data.not_here"), size="Small", isSubtle=True),
            *note,
        ],
        [
            *buttons,
            command_button(lang, Command.DELETE_DATA, t(lang, "data.delete.button")),
        ],
    )


def confirm_delete_card(lang: Language) -> Card:
    return adaptive_card(
        [title(t(lang, "data.delete.title")), text(t(lang, "data.delete.what"))],
        [
            execute(DELETE_VERB, t(lang, "data.delete.yes"), {}),
            execute(KEEP_VERB, t(lang, "data.delete.no"), {}),
        ],
    )


def deleted_card(lang: Language, erased: Mapping[str, int]) -> Card:
    return adaptive_card(
        [
            title(t(lang, "data.deleted.title")),
            text(tn(lang, "data.deleted", erased.get("checkins", 0))),
            text(t(lang, "data.deleted.kept"), size="Small", isSubtle=True),
        ]
    )


def kept_card(lang: Language) -> Card:
    return adaptive_card([title(t(lang, "data.delete.title")), text(t(lang, "data.kept"))])


def _coffee(lang: Language, coffee: dict[str, Any] | None) -> str:
    """Whether they take part in kaffeprat, and in how many rounds they were paired."""
    if not coffee or (coffee["membership"] is None and not coffee["rounds"]):
        return "–"
    state = t(lang, "coffee.settings.on" if coffee["membership"] else "coffee.settings.off")
    return tn(lang, "data.coffee.rounds", len(coffee["rounds"]), state=state)
