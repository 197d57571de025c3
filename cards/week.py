"""`min uke`, the Monday card, `kontoret` and the leader's team days in `mitt team`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from cards.elements import Card, Element, adaptive_card, download, execute, md, text, title
from cards.i18n import t, tn
from domain.agreement import WORKDAYS
from domain.language import Language
from domain.week import DayAtOffice, Visibility, WeekView, Where, next_where, weekday_of

SET_VERB = "week.set"
SHOW_VERB = "week.show"
ICS_VERB = "week.ics"
OFFICE_VERB = "office.show"
TEAM_DAYS_SHOW_VERB = "week.team"
TEAM_DAYS_VERB = "week.team.save"
TEAM_DAYS = "team_days"
MONDAY_CARD = "monday_card"
DAY, WHERE, MONDAY, UNIT = "day", "where", "monday", "unit"
#: Names shown for one day: a team of 300 must stay inside Teams' message size limit.
MAX_NAMES = 12


def day_label(lang: Language, day: date) -> str:
    weekday = weekday_of(day) or WORKDAYS[0]
    return t(lang, "week.day", weekday=t(lang, f"weekday.{weekday}"), day=day.day, month=day.month)


def _names(lang: Language, names: Sequence[str]) -> str:
    shown = ", ".join(md(n) for n in names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        shown += " " + t(lang, "week.more", n=len(names) - MAX_NAMES)
    return shown


def _team_days_line(lang: Language, team_days: Sequence[str]) -> Element:
    if not team_days:
        return text(t(lang, "week.team_days.none"), isSubtle=True, size="Small")
    days = ", ".join(t(lang, f"weekday.{d}") for d in team_days)
    return text(t(lang, "week.team_days", days=days), weight="Bolder")


def week_card(
    lang: Language,
    view: WeekView,
    visibility: Visibility | None = None,
    monday_card: bool = False,
    ics_url: str = "",
    message: str = "",
) -> Card:
    """One week: the person's plan day by day, a button per day that changes it (one tap to
    the office, a second to home), and who else is in. The Monday card is the same week without
    paging and settings (`monday_card`)."""
    number = view.monday.isocalendar()[1]
    heading = "week.monday.title" if monday_card else "week.title"
    body: list[Element] = [title(t(lang, heading, week=number))]
    if message:
        body.append(text(message, weight="Bolder"))
    body.append(_team_days_line(lang, view.team_days))
    facts = []
    buttons = []
    for n, day in enumerate(view.days):
        where = view.mine[n] if view.mine else None
        label = day_label(lang, day.day) + (" ★" if day.team_day else "")
        value = t(lang, f"week.where.{where.value}") if where else "–"
        if day.names:
            value += " · " + t(lang, "week.also", names=_names(lang, day.names))
        facts.append({"title": label, "value": value})
        if where is not None and day.day >= view.today:
            becomes = next_where(where)
            buttons.append(
                execute(
                    SET_VERB,
                    t(
                        lang,
                        f"week.set.{becomes.value}",
                        weekday=t(lang, f"weekday.{weekday_of(day.day)}"),
                    ),
                    {DAY: day.day.isoformat(), WHERE: becomes.value},
                )
            )
    body.append({"type": "FactSet", "facts": facts})
    if view.team_days:
        body.append(text(t(lang, "week.star"), size="Small", isSubtle=True, spacing="None"))
    if buttons:
        body.append(text(t(lang, "week.tap"), size="Small", isSubtle=True))
        body.append({"type": "ActionSet", "actions": buttons})
    actions: list[Element] = []
    if not monday_card:
        if visibility is not None:
            body.append(
                text(t(lang, f"week.visibility.{visibility.value}"), size="Small", isSubtle=True)
            )
        note, fetch = download(lang, ICS_VERB, t(lang, "week.ics"), ics_url)
        body += note
        turns = [(-1, "week.previous"), (1, "week.next")]
        actions += [
            execute(
                SHOW_VERB,
                t(lang, key),
                {MONDAY: date.fromordinal(view.monday.toordinal() + 7 * step).isoformat()},
            )
            for step, key in turns
        ]
        actions += fetch
    return adaptive_card(body, actions or None)


def office_card(
    lang: Language, days: Sequence[DayAtOffice], unit: bool, leader: bool, unit_name: str
) -> Card:
    """Who plans to be at the office on the coming days, by name where they allow it."""
    scope = t(lang, "week.office.unit", unit=md(unit_name)) if unit else t(lang, "week.office.team")
    body: list[Element] = [title(t(lang, "week.office.title")), text(scope, isSubtle=True)]
    facts = []
    for day in days:
        label = day_label(lang, day.day) + (" ★" if day.team_day else "")
        value = _names(lang, day.names) if day.names else t(lang, "week.office.nobody")
        if day.count is not None:
            value += " · " + tn(lang, "week.office.count", day.count)
        if day.me is Where.OFFICE:
            value = t(lang, "week.office.you") + " · " + value
        facts.append({"title": label, "value": value})
    body.append({"type": "FactSet", "facts": facts})
    if any(d.team_day for d in days):
        body.append(text(t(lang, "week.star"), size="Small", isSubtle=True, spacing="None"))
    body.append(text(t(lang, "week.office.note"), size="Small", isSubtle=True))
    if leader:
        body.append(text(t(lang, "week.office.leader_note"), size="Small", isSubtle=True))
    toggle = "week.office.show_team" if unit else "week.office.show_unit"
    return adaptive_card(body, [execute(OFFICE_VERB, t(lang, toggle), {UNIT: not unit})])


def team_days_line(lang: Language, team_days: Sequence[str]) -> list[Element]:
    """The team days in `mitt team`, and the button to the card that changes them."""
    return [
        text(
            t(lang, "week.team.title"),
            weight="Bolder",
            size="Medium",
            spacing="Large",
            separator=True,
        ),
        _team_days_line(lang, team_days),
        {
            "type": "ActionSet",
            "actions": [execute(TEAM_DAYS_SHOW_VERB, t(lang, "week.team.change"), {})],
        },
    ]


def team_days_card(
    lang: Language, team_days: Sequence[str], monday_card: bool, message: str = ""
) -> Card:
    """The leader's team days and the Monday card switch."""
    body: list[Element] = [title(t(lang, "week.team.title"))]
    if message:
        body.append(text(message, weight="Bolder"))
    body += [
        text(t(lang, "week.team.intro")),
        {
            "type": "Input.ChoiceSet",
            "id": TEAM_DAYS,
            "label": t(lang, "week.team.days"),
            "style": "expanded",
            "isMultiSelect": True,
            "value": ",".join(team_days),
            "choices": [{"title": t(lang, f"weekday.{d}"), "value": d} for d in WORKDAYS],
        },
        {
            "type": "Input.Toggle",
            "id": MONDAY_CARD,
            "title": t(lang, "week.team.monday"),
            "value": "true" if monday_card else "false",
            "valueOn": "true",
            "valueOff": "false",
        },
    ]
    return adaptive_card(body, [execute(TEAM_DAYS_VERB, t(lang, "week.team.save"), {})])


def parse_day(data: Mapping[str, Any]) -> tuple[date, Where] | None:
    """The day and place a day's button asks for; None for anything a button never sends."""
    try:
        day = date.fromisoformat(str(data.get(DAY)))
        where = Where(str(data.get(WHERE)))
    except ValueError:
        return None
    return (day, where) if where is not Where.OPEN else None


def parse_monday(data: Mapping[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(data.get(MONDAY)))
    except ValueError:
        return None
