"""The week plan's rules (domain/week.py): what a plan says on a day, what a tap changes, who
sees a plan by name, and the calendar file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.agreement import Extent
from domain.week import (
    CalendarDay,
    Member,
    Plan,
    Unchangeable,
    Viewer,
    Visibility,
    Where,
    at_office,
    change_day,
    coming_workdays,
    from_agreement,
    home_on_team_days,
    ics,
    next_where,
    shows_name,
    team_days_of,
    week_id,
    workdays,
)

MONDAY = date(2026, 12, 7)
WEEK = workdays(MONDAY)


def test_the_agreement_sets_the_pattern_fixed_days_home_flexible_days_open() -> None:
    fixed = from_agreement(Plan("kari"), Extent(2, ("wed", "mon")))
    assert [fixed.on(d) for d in WEEK] == ["home", "office", "home", "office", "office"]
    flexible = from_agreement(Plan("ole"), Extent(2))
    assert {flexible.on(d) for d in WEEK} == {Where.OPEN}
    none = from_agreement(Plan("per"), Extent(0))
    assert {none.on(d) for d in WEEK} == {Where.OFFICE} and none.exists
    assert fixed.on(MONDAY + timedelta(days=5)) is None  # Saturday
    assert not Plan("sigrid").exists  # no agreement, no day set: no plan


def test_a_tap_changes_one_date_and_a_second_tap_goes_back_to_the_pattern() -> None:
    plan = from_agreement(Plan("kari"), Extent(2, ("mon", "wed")))
    wednesday = WEEK[2]
    once = change_day(plan, wednesday, next_where(Where.HOME), MONDAY)
    assert isinstance(once, Plan) and once.on(wednesday) is Where.OFFICE
    assert once.on(wednesday + timedelta(weeks=1)) is Where.HOME  # only that week
    twice = change_day(once, wednesday, next_where(Where.OFFICE), MONDAY)
    assert isinstance(twice, Plan) and twice.changes == {}  # the pattern again, nothing kept
    # An open (flexible) day: one tap to the office, a second one home.
    assert next_where(Where.OPEN) is Where.OFFICE and next_where(Where.OFFICE) is Where.HOME


def test_a_day_gone_at_a_weekend_or_too_far_ahead_is_refused() -> None:
    plan = Plan("kari")
    today = WEEK[2]
    assert change_day(plan, WEEK[1], Where.HOME, today) is Unchangeable.PAST
    assert change_day(plan, MONDAY + timedelta(days=5), Where.HOME, today) is Unchangeable.WEEKEND
    far = MONDAY + timedelta(weeks=4)
    assert change_day(plan, far, Where.HOME, today) is Unchangeable.TOO_FAR
    assert isinstance(change_day(plan, today, Where.HOME, today), Plan)  # today still counts


def test_changes_of_past_weeks_are_dropped_on_the_next_change() -> None:
    old = Plan("kari", changes={(MONDAY - timedelta(weeks=2)).isoformat(): Where.HOME})
    changed = change_day(old, WEEK[1], Where.HOME, MONDAY)
    assert isinstance(changed, Plan) and list(changed.changes) == [WEEK[1].isoformat()]


@pytest.mark.parametrize(
    ("visibility", "viewer", "shown"),
    [
        (Visibility.TEAM, Viewer.TEAM, True),
        (Visibility.TEAM, Viewer.UNIT, False),
        (Visibility.TEAM, Viewer.LEADER, True),
        (Visibility.UNIT, Viewer.UNIT, True),
        (Visibility.UNIT, Viewer.TEAM, True),
        (Visibility.HIDDEN, Viewer.TEAM, False),
        (Visibility.HIDDEN, Viewer.UNIT, False),
        (Visibility.HIDDEN, Viewer.LEADER, False),
        (Visibility.HIDDEN, Viewer.SELF, True),
    ],
)
def test_who_sees_a_plan_by_name(visibility: Visibility, viewer: Viewer, shown: bool) -> None:
    assert shows_name(Plan("x", visibility=visibility), viewer) is shown


def test_the_office_view_names_whom_it_may_and_only_the_leader_counts_the_rest() -> None:
    plans = {
        "a": Plan("a", agreement=True),
        "b": Plan("b", agreement=True, visibility=Visibility.HIDDEN),
        "c": Plan("c"),  # no plan: never listed
        "me": Plan("me", agreement=True),
    }
    names = {"a": "Anne", "b": "Bjørn", "c": "Cecilie", "me": "Meg"}
    colleague = [Member(i, names[i], Viewer.TEAM) for i in plans]
    (day,) = at_office(WEEK[:1], colleague, plans, ("mon",), me="me")
    assert day.names == ("Anne",) and day.count is None and day.team_day
    assert day.me is Where.OFFICE
    leader = [Member(i, names[i], Viewer.LEADER) for i in plans if i != "me"]
    (day,) = at_office(WEEK[:1], leader, plans, (), me="me", leader_view=True)
    assert day.names == ("Anne",) and day.count == 2 and not day.team_day


def test_a_fixed_home_day_on_a_team_day_is_found() -> None:
    assert home_on_team_days(Extent(2, ("mon", "thu")), ("tue", "thu")) == ("thu",)
    assert home_on_team_days(Extent(2), ("tue",)) == ()
    assert home_on_team_days(None, ("tue",)) == ()


def test_team_days_are_workdays_in_week_order() -> None:
    assert team_days_of(["thu", " tue", ""]) == ("tue", "thu")
    assert team_days_of(["sat"]) is None
    assert team_days_of([]) == ()


def test_weeks_and_coming_days() -> None:
    assert week_id(MONDAY) == "2026-W50"
    friday = MONDAY + timedelta(days=4)
    assert coming_workdays(friday, 3) == [
        friday,
        MONDAY + timedelta(weeks=1),
        WEEK[1] + timedelta(weeks=1),
    ]


def test_the_calendar_file_is_rfc_5545_with_folded_lines_and_escaped_text() -> None:
    names = "Marte-Sølvi Æsøy Bjørnstad-Håland, Ola; Kari\\ " * 4
    body = ics("Kontordager", "seed", [CalendarDay(WEEK[1], "På kontoret", names)])
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "DTSTART;VALUE=DATE:20261208" in lines and "DTEND;VALUE=DATE:20261209" in lines
    unfolded = body.replace("\r\n ", "")
    assert "Bjørnstad-Håland\\, Ola\\; Kari\\\\" in unfolded
    assert "UID:office-20261208-seed@hjemmekontor" in unfolded
