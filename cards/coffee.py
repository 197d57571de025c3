"""Kaffeprat's cards: joining (and changing or leaving), the pairing, the check-back, the
suggestion on a check-in receipt, and the numbers in `puls`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from cards.command_words import Command
from cards.elements import (
    Card,
    Element,
    adaptive_card,
    choice_set,
    command_button,
    date_input,
    execute,
    md,
    table,
    text,
    title,
)
from cards.i18n import t
from domain.coffee import (
    NOT_WITH_MAX,
    Answer,
    CoffeeReport,
    Frequency,
    Meeting,
    Membership,
    Width,
    met_share,
)
from domain.language import Language
from domain.org import Person

SAVE_VERB = "coffee.save"
LEAVE_VERB = "coffee.leave"
MET_VERB = "coffee.met"


def _names(lang: Language, people: Sequence[Person]) -> str:
    joined = [md(p.name) for p in people]
    if len(joined) <= 1:
        return "".join(joined)
    return t(lang, "coffee.and", first=", ".join(joined[:-1]), last=joined[-1])


def coffee_card(
    lang: Language,
    membership: Membership | None,
    not_with: Sequence[Person] = (),
    note: str = "",
    error: str = "",
    values: Mapping[str, str] | None = None,
) -> Card:
    """Join, or change how, or leave. `values`: what the user submitted, kept on a refusal."""
    m = membership or Membership("")
    given = dict(values or {})

    def value(key: str, default: str) -> str:
        return str(given.get(key, default))

    body: list[Element] = [title(t(lang, "coffee.title")), text(t(lang, "coffee.intro"))]
    if membership is not None:
        body.append(text(t(lang, "coffee.member"), weight="Bolder"))
    if note:
        body.append(text(note, weight="Bolder"))
    if error:
        body.append(text(error, color="Attention"))
    body += [
        choice_set(
            "frequency",
            t(lang, "coffee.frequency"),
            [(f.value, t(lang, f"coffee.frequency.{f.value}")) for f in Frequency],
            value("frequency", m.frequency.value),
            isRequired=True,
            errorMessage=t(lang, "coffee.invalid"),
        ),
        choice_set(
            "meeting",
            t(lang, "coffee.meeting"),
            [(x.value, t(lang, f"coffee.meeting.{x.value}")) for x in Meeting],
            value("meeting", m.meeting.value),
            isRequired=True,
            errorMessage=t(lang, "coffee.invalid"),
        ),
        choice_set(
            "width",
            t(lang, "coffee.width"),
            [(w.value, t(lang, f"coffee.width.{w.value}")) for w in Width],
            value("width", m.width.value),
            isRequired=True,
            errorMessage=t(lang, "coffee.invalid"),
        ),
        date_input(
            "paused_until",
            t(lang, "coffee.pause"),
            value("paused_until", m.paused_until.isoformat() if m.paused_until else ""),
        ),
        {
            "type": "Input.Text",
            "id": "not_with",
            "label": t(lang, "coffee.not_with"),
            "placeholder": t(lang, "coffee.not_with.placeholder"),
            "maxLength": NOT_WITH_MAX,
            "value": value("not_with", ", ".join(p.teams_login for p in not_with)),
        },
        text(t(lang, "coffee.not_with.why"), size="Small", isSubtle=True),
    ]
    label = "coffee.save" if membership is not None else "coffee.join"
    actions = [execute(SAVE_VERB, t(lang, label), {})]
    if membership is not None:
        actions.append(execute(LEAVE_VERB, t(lang, "coffee.leave"), {}))
    return adaptive_card(body, actions)


def left_card(lang: Language) -> Card:
    body = [title(t(lang, "coffee.title")), text(t(lang, "coffee.left"))]
    return adaptive_card(body, [command_button(lang, Command.COFFEE, t(lang, "coffee.join"))])


def chat_link(people: Sequence[Person], lang: Language) -> str:
    """Teams' deep link to a chat with them (a group chat for three), with a first line."""
    users = ",".join(quote(p.teams_login) for p in people)
    topic = quote(t(lang, "coffee.title"))
    message = quote(t(lang, "coffee.match.hello"))
    return (
        f"https://teams.microsoft.com/l/chat/0/0?users={users}&topicName={topic}&message={message}"
    )


def matched_card(
    lang: Language, partners: Sequence[Person], day: str, at_office: bool, starter: int
) -> Card:
    body: list[Element] = [
        title(t(lang, "coffee.match.title")),
        text(t(lang, "coffee.match.body", names=_names(lang, partners))),
        {
            "type": "FactSet",
            "facts": [
                {"title": t(lang, "coffee.match.day"), "value": t(lang, f"weekday.{day}")},
                {
                    "title": t(lang, "coffee.match.how"),
                    "value": t(lang, "coffee.match.office" if at_office else "coffee.match.call"),
                },
            ],
        },
        text(t(lang, "coffee.match.starter"), weight="Bolder", spacing="Medium"),
        text(t(lang, f"coffee.starter.{starter}")),
    ]
    actions: list[Element] = []
    if partners:
        actions.append(
            {
                "type": "Action.OpenUrl",
                "title": t(lang, "coffee.match.chat"),
                "url": chat_link(partners, lang),
            }
        )
    actions.append(command_button(lang, Command.COFFEE, t(lang, "coffee.match.settings")))
    return adaptive_card(body, actions)


def checkback_card(lang: Language, round_id: str, partners: Sequence[Person]) -> Card:
    body = [
        title(t(lang, "coffee.checkback.title")),
        text(t(lang, "coffee.checkback.body", names=_names(lang, partners))),
        text(t(lang, "coffee.checkback.why"), size="Small", isSubtle=True),
    ]
    actions = [
        execute(
            MET_VERB, t(lang, f"coffee.checkback.{a.value}"), {"round": round_id, "answer": a.value}
        )
        for a in Answer
    ]
    return adaptive_card(body, actions)


def checkback_answered(lang: Language, key: str) -> Card:
    """What replaces the check-back: thanks, already answered, closed, not yours."""
    return adaptive_card([title(t(lang, "coffee.checkback.title")), text(t(lang, key))])


def suggestion(lang: Language) -> list[Element]:
    """On a check-in receipt with little social contact: for the employee alone."""
    return [
        text(t(lang, "coffee.suggest"), spacing="Medium"),
        {
            "type": "ActionSet",
            "actions": [command_button(lang, Command.COFFEE, t(lang, "coffee.suggest.button"))],
        },
    ]


def settings_lines(lang: Language, membership: Membership | None) -> list[Element]:
    """The kaffeprat line of `innstillinger`, with the button to change it there."""
    if membership is None:
        state = t(lang, "coffee.settings.off")
    elif membership.paused_until is not None:
        state = t(lang, "coffee.settings.paused", date=_date(membership.paused_until))
    else:
        state = t(lang, "coffee.settings.on")
    return [
        text(t(lang, "coffee.title"), weight="Bolder", spacing="Medium"),
        text(state, size="Small"),
        {
            "type": "ActionSet",
            "actions": [command_button(lang, Command.COFFEE, t(lang, "coffee.settings.change"))],
        },
    ]


def _date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _share(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)} %"


def pulse_card(
    lang: Language, report: CoffeeReport, scope: str, k: int, timezone: ZoneInfo
) -> Card:
    """Participants, pairs made and the share who met, per service area: numbers under k and
    numbers that would give a hidden one away show "too few"; never who met whom."""
    few = t(lang, "coffee.pulse.few")
    body: list[Element] = [title(t(lang, "coffee.pulse.title"))]
    met = report.met
    if met is None or report.opened is None:
        body.append(text(t(lang, "coffee.pulse.none")))
        return adaptive_card(body)
    opened: datetime = report.opened
    body.append(
        text(
            t(
                lang,
                "coffee.pulse.round",
                scope=scope,
                date=_date(opened.astimezone(timezone).date()),
            )
        )
    )

    def number(value: int | None) -> str:
        return few if value is None else str(value)

    facts = [(t(lang, "coffee.pulse.participants"), number(report.participants))]
    if report.scope.areas is None:
        facts.append((t(lang, "coffee.pulse.groups"), number(report.groups)))
    total = met.scope_total
    facts.append(
        (
            t(lang, "coffee.pulse.met"),
            few if total is None else _share(met_share(total.mean("met"))),
        )
    )
    body.append({"type": "FactSet", "facts": [{"title": a, "value": b} for a, b in facts]})
    rows = [
        [
            t(lang, "coffee.pulse.area"),
            t(lang, "coffee.pulse.participants"),
            t(lang, "coffee.pulse.answered"),
            t(lang, "coffee.pulse.met"),
        ]
    ]
    for area in sorted(set(report.participants_by_area) | set(met.by_area)):
        cell = met.by_area.get(area)
        rows.append(
            [
                md(area),
                number(report.participants_by_area.get(area)),
                few if cell is None else str(cell.n),
                few if cell is None else _share(met_share(cell.mean("met"))),
            ]
        )
    if len(rows) > 1:
        body.append(table(rows, [3, 2, 2, 2]))
    body.append(text(t(lang, "coffee.pulse.why", k=k), size="Small", isSubtle=True))
    return adaptive_card(body)
