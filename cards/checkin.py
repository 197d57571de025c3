"""The check-in card, and what replaces it after a submit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from cards.command_words import Command
from cards.elements import (
    Card,
    Element,
    adaptive_card,
    choice_set,
    command_button,
    error_text,
    execute,
    text,
    title,
)
from cards.followup import ask_button
from cards.i18n import t, tn
from cards.refusals import FIELD_PROBLEMS
from domain.catalog import COMMENT_MAX_LENGTH, ITEMS_BY_ID, SCALE
from domain.checkin import CheckinAnswers, FieldError
from domain.language import Language
from domain.rounds import Round

SUBMIT_VERB = "checkin.submit"


def round_label(round_: Round, timezone: ZoneInfo) -> str:
    return round_.opened_at.astimezone(timezone).strftime("%d.%m.%Y")


def checkin_card(
    lang: Language,
    round_: Round,
    timezone: ZoneInfo,
    values: Mapping[str, str] | None = None,
    errors: list[FieldError] | None = None,
    reminder: bool = False,
) -> Card:
    """The card for `round_`; `values` and `errors` re-render a rejected submit."""
    values = values or {}
    errors_by_field = {e.field: e for e in errors or []}
    body: list[Element] = [
        title(t(lang, "checkin.title")),
        text(t(lang, "checkin.intro"), isSubtle=True),
        text(
            t(
                lang,
                "checkin.round",
                round=round_label(round_, timezone),
                closes=_local(round_.closes_at, timezone),
            ),
            size="Small",
            isSubtle=True,
        ),
    ]
    if reminder:
        body.insert(1, text(t(lang, "checkin.reminder"), weight="Bolder"))
    if errors:
        body.append(text(t(lang, "checkin.errors"), color="Attention", weight="Bolder"))
    scale = [(str(n), t(lang, f"scale.{n}")) for n in SCALE]
    for item_id in round_.items:
        kept = values.get(item_id)
        body.append(
            choice_set(
                item_id,
                t(lang, f"item.{item_id}"),
                scale,
                kept if kept in {v for v, _ in scale} else None,
                isRequired=True,
                errorMessage=t(lang, "error.required"),
            )
        )
        if item_id in errors_by_field:
            body.append(error_text(t(lang, FIELD_PROBLEMS[errors_by_field[item_id].problem])))
    body.append(
        {
            "type": "Input.Toggle",
            "id": "contact_me",
            "title": t(lang, "checkin.contact_me"),
            "valueOn": "true",
            "valueOff": "false",
            "value": "true" if values.get("contact_me") == "true" else "false",
        }
    )
    body.append(
        {
            "type": "Input.Text",
            "id": "comment",
            "label": t(lang, "checkin.comment"),
            "placeholder": t(lang, "checkin.comment.placeholder"),
            "isMultiline": True,
            "maxLength": COMMENT_MAX_LENGTH,
            "value": values.get("comment", "")[:COMMENT_MAX_LENGTH],
        }
    )
    if "comment" in errors_by_field:
        body.append(error_text(tn(lang, "error.too_long", COMMENT_MAX_LENGTH)))
    submit = execute(SUBMIT_VERB, t(lang, "checkin.submit"), {"round_id": round_.id})
    return adaptive_card(body, [submit])


def receipt_card(
    lang: Language,
    round_: Round,
    timezone: ZoneInfo,
    answers: CheckinAnswers,
    already: bool,
    extra: Sequence[Element] = (),
) -> Card:
    """Replaces the check-in card, so the same card cannot be sent twice; `extra` says what
    came of it for the follow-up (whether and why the leader was asked, self-help)."""
    label = round_label(round_, timezone)
    body: list[Element] = [
        title(t(lang, "receipt.title") if not already else t(lang, "checkin.title")),
        text(t(lang, "receipt.already" if already else "receipt.body", round=label)),
        {
            "type": "FactSet",
            "facts": [
                {"title": item_label(lang, item_id), "value": t(lang, f"scale.{score}")}
                for item_id, score in answers.scores.items()
            ],
        },
    ]
    body += extra
    return adaptive_card(body, [command_button(lang, Command.TREND, t(lang, "receipt.see_trend"))])


def item_label(lang: Language, item_id: str) -> str:
    """An item's short name with the end of the scale that is good: "agree" is good for most
    items, but bad for those worded as a complaint ("a lot of stress")."""
    good = ITEMS_BY_ID[item_id].good_end.value
    return t(lang, f"item.good.{good}", item=t(lang, f"item.short.{item_id}"))


def answered_card(lang: Language, round_: Round, timezone: ZoneInfo, next_round: datetime) -> Card:
    """`sjekk inn` once the round is answered: not a blank card whose answers would be refused
    (and its contact tick with them), but when the next round comes and the way to ask the
    leader for contact now."""
    opens = next_round.astimezone(timezone).strftime("%d.%m.%Y")
    return adaptive_card(
        [
            title(t(lang, "checkin.title")),
            text(t(lang, "receipt.answered", round=round_label(round_, timezone), next=opens)),
            text(t(lang, "receipt.answered.ask"), isSubtle=True),
        ],
        [
            ask_button(lang, round_.id),
            command_button(lang, Command.TREND, t(lang, "receipt.see_trend")),
        ],
    )


def notice_card(lang: Language, message: str, extra: Sequence[Element] = ()) -> Card:
    """A card that replaces a check-in card that can no longer be answered; `extra` says what
    came of a contact wish ticked on it."""
    return adaptive_card(
        [title(t(lang, "checkin.title")), text(message), *extra],
        [command_button(lang, Command.CHECKIN, t(lang, "action.checkin"))],
    )


def _local(moment: datetime, timezone: ZoneInfo) -> str:
    return moment.astimezone(timezone).strftime("%d.%m.%Y %H:%M")
