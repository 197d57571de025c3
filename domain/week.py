"""The week plan: who plans to be at the office on which day (docs/product.md#the-week-plan).

A person's plan starts from their approved agreement (fixed days at home; flexible days left
open) and is changed for a given date in a tap. A team's leader sets the team's office days
("fellesdager"). Who may see a plan by name is each person's choice (`Visibility`); the rules
here decide what a viewer sees, so the cards, the Monday card and the calendar file cannot
differ on it. Nothing here knows about check-ins or health: the plan is only where someone
works.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from domain.agreement import WORKDAYS, Extent


class Where(StrEnum):
    OFFICE = "office"
    HOME = "home"
    OPEN = "open"  # a flexible day not decided yet


class Visibility(StrEnum):
    """Who sees someone's plan by name. Their leader sees the counts whatever they choose."""

    TEAM = "team"  # the default: the team (the leader's direct reports and the leader)
    UNIT = "unit"  # also colleagues of the same unit in other teams
    HIDDEN = "hidden"  # nobody by name; the leader counts them


class Viewer(StrEnum):
    """How the one looking is related to the one whose plan it is."""

    SELF = "self"
    LEADER = "leader"  # the person's own leader
    TEAM = "team"
    UNIT = "unit"


#: How far ahead a date can be changed: the coming weeks `min uke` pages through.
WEEKS_AHEAD = 4
#: How many weeks the calendar file holds.
ICS_WEEKS = 4


@dataclass(frozen=True)
class Plan:
    """One person's plan: the weekly pattern from their agreement and their changes by date."""

    person_id: str
    home_days: tuple[str, ...] = ()  # fixed weekdays at home (WORKDAYS)
    flexible: bool = False  # an agreement with flexible days: undecided days are open
    agreement: bool = False  # an approved agreement with an extent sets the pattern
    changes: Mapping[str, Where] = field(default_factory=dict)  # ISO date -> where
    visibility: Visibility = Visibility.TEAM

    @property
    def exists(self) -> bool:
        """Whether there is a plan at all: from an agreement, or a day set by hand."""
        return self.agreement or bool(self.changes)

    def on(self, day: date) -> Where | None:
        """Where the plan has them on `day`; None on a weekend."""
        weekday = weekday_of(day)
        if weekday is None:
            return None
        changed = self.changes.get(day.isoformat())
        if changed is not None:
            return changed
        if weekday in self.home_days:
            return Where.HOME
        return Where.OPEN if self.flexible else Where.OFFICE


def weekday_of(day: date) -> str | None:
    index = day.weekday()
    return WORKDAYS[index] if index < len(WORKDAYS) else None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def workdays(monday: date) -> list[date]:
    return [monday + timedelta(days=n) for n in range(len(WORKDAYS))]


def week_id(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def coming_workdays(today: date, count: int = len(WORKDAYS)) -> list[date]:
    """Today (if a workday) and the workdays after it, `count` in all."""
    days: list[date] = []
    day = today
    while len(days) < count:
        if weekday_of(day) is not None:
            days.append(day)
        day += timedelta(days=1)
    return days


def from_agreement(plan: Plan, extent: Extent | None) -> Plan:
    """The pattern of an approved agreement; the changes by date and the choice stay."""
    if extent is None:
        return replace(plan, home_days=(), flexible=False, agreement=False)
    fixed = tuple(day for day in WORKDAYS if day in extent.fixed_days)
    return replace(plan, home_days=fixed, flexible=extent.days > 0 and not fixed, agreement=True)


def next_where(current: Where) -> Where:
    """What one tap on a day makes of it: open -> office -> home -> office."""
    return Where.HOME if current is Where.OFFICE else Where.OFFICE


class Unchangeable(StrEnum):
    """Why a tap on a day changed nothing."""

    PAST = "past"  # the day is over (a card from last week)
    TOO_FAR = "too_far"
    WEEKEND = "weekend"


def change_day(plan: Plan, day: date, where: Where, today: date) -> Plan | Unchangeable:
    if weekday_of(day) is None:
        return Unchangeable.WEEKEND
    if day < today:
        return Unchangeable.PAST
    if day >= monday_of(today) + timedelta(weeks=WEEKS_AHEAD):
        return Unchangeable.TOO_FAR
    kept = {d: w for d, w in plan.changes.items() if d >= monday_of(today).isoformat()}
    default = replace(plan, changes={}).on(day)
    if where is default:
        kept.pop(day.isoformat(), None)  # back to the pattern: nothing to remember
    else:
        kept[day.isoformat()] = where
    return replace(plan, changes=kept)


def shows_name(plan: Plan, viewer: Viewer) -> bool:
    """Whether `viewer` may see this person's plan by name."""
    if viewer is Viewer.SELF:
        return True
    if plan.visibility is Visibility.HIDDEN:
        return False
    if viewer is Viewer.UNIT:
        return plan.visibility is Visibility.UNIT
    return True  # the team, and the leader


def counts_for(viewer: Viewer) -> bool:
    """Whether the viewer also counts the plans they may not see by name: only the leader."""
    return viewer is Viewer.LEADER


@dataclass(frozen=True)
class DayAtOffice:
    day: date
    team_day: bool
    names: tuple[str, ...]  # whom the viewer may see, sorted
    count: int | None  # everyone planning to be in (the leader's view); None for others
    me: Where | None = None  # the viewer's own plan that day, when they have one


@dataclass(frozen=True)
class WeekView:
    """One week as a person sees it: the team days, their own plan, who else is in."""

    monday: date
    days: tuple[DayAtOffice, ...]
    team_days: tuple[str, ...]
    mine: tuple[Where, ...]  # the person's plan, Monday to Friday; empty without a plan
    today: date  # days before it are over: no button changes them


@dataclass(frozen=True)
class Member:
    """Someone whose plan a view may show: their name and how the viewer relates to them."""

    person_id: str
    name: str
    viewer: Viewer


def at_office(
    days: Sequence[date],
    members: Iterable[Member],
    plans: Mapping[str, Plan],
    team_days: Iterable[str],
    me: str = "",
    leader_view: bool = False,
) -> list[DayAtOffice]:
    """For each day, who the viewer may see planning to be at the office.

    `me` is left out of the names (their own plan is shown apart). A person without a plan, or
    who hides theirs, is never named; the leader (`leader_view`) sees how many are in, hidden
    ones included.
    """
    fixed = frozenset(team_days)
    listed = [(m, plans[m.person_id]) for m in members if m.person_id in plans]
    listed = [(m, p) for m, p in listed if p.exists]
    result = []
    for day in days:
        inside = [(m, p) for m, p in listed if p.on(day) is Where.OFFICE]
        names = sorted(m.name for m, p in inside if m.person_id != me and shows_name(p, m.viewer))
        count = len([m for m, _ in inside if m.viewer is Viewer.LEADER]) if leader_view else None
        own = plans.get(me)
        result.append(
            DayAtOffice(
                day,
                weekday_of(day) in fixed,
                tuple(names),
                count,
                own.on(day) if own is not None and own.exists else None,
            )
        )
    return result


def home_on_team_days(extent: Extent | None, team_days: Iterable[str]) -> tuple[str, ...]:
    """The fixed home days of an agreement that fall on the team's office days."""
    if extent is None:
        return ()
    fixed = set(extent.fixed_days)
    return tuple(day for day in WORKDAYS if day in fixed and day in set(team_days))


def office_dates(plan: Plan, days: Iterable[date]) -> list[date]:
    return [day for day in days if plan.exists and plan.on(day) is Where.OFFICE]


def team_days_of(values: Iterable[object]) -> tuple[str, ...] | None:
    """The weekdays a leader chose, in week order; None when one is not a workday."""
    chosen = {str(v).strip() for v in values if str(v).strip()}
    if not chosen <= set(WORKDAYS):
        return None
    return tuple(day for day in WORKDAYS if day in chosen)


# --- the calendar file ----------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: date
    summary: str
    description: str


def ics(calendar_name: str, uid_seed: str, days: Sequence[CalendarDay]) -> str:
    """An iCalendar file (RFC 5545) of all-day events, one per office day.

    The events' UIDs come from the seed and the date, so importing a newer file updates the
    same days instead of doubling them; a day no longer at the office is not in the newer file
    (calendars keep what they imported: the README says so).
    """
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hjemmekontor-boten//week plan//NO",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(calendar_name)}",
    ]
    for entry in days:
        start = entry.day.strftime("%Y%m%d")
        end = (entry.day + timedelta(days=1)).strftime("%Y%m%d")
        lines += [
            "BEGIN:VEVENT",
            f"UID:office-{start}-{uid_seed}@hjemmekontor",
            f"DTSTAMP:{start}T000000Z",
            f"DTSTART;VALUE=DATE:{start}",
            f"DTEND;VALUE=DATE:{end}",
            f"SUMMARY:{_escape(entry.summary)}",
            *([f"DESCRIPTION:{_escape(entry.description)}"] if entry.description else []),
            "TRANSP:TRANSPARENT",
            "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1  # never split a UTF-8 character
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74
    return "\r\n ".join(parts)
