"""The week plan through the real host, on both backends: team days, `min uke`, `kontoret`, the
Monday card and the calendar file (examples/org.csv: Lars Haugen leads Kari Nordmann, Ole
Bakken and Sigrid Lunde).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest

from bot.settings import Settings
from cards.i18n import t, tn
from cards.settings import WEEK_VISIBILITY
from cards.week import (
    ICS_VERB,
    MONDAY_CARD,
    OFFICE_VERB,
    SET_VERB,
    SHOW_VERB,
    TEAM_DAYS,
    TEAM_DAYS_SHOW_VERB,
    TEAM_DAYS_VERB,
    UNIT,
)
from cli import week as week_cli
from cli.main import parser
from domain.week import monday_of
from tests.support.answers import TASKS
from tests.support.card_text import texts
from tests.support.example_org import EXAMPLE, INGRID, KARI, LARS, OLE, SIGRID
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.teams import TeamsUser
from tests.support.turns import cards_to, fill_in, press, reorganise, say, setup_org, step

NEXT_MONDAY = monday_of(date.today()) + timedelta(weeks=1)


def inputs(card: dict[str, Any]) -> dict[str, Any]:
    return {e["id"]: e.get("value") for e in card["body"] if "id" in e}


def facts(card: dict[str, Any]) -> dict[str, str]:
    return {
        f["title"]: f["value"]
        for e in card["body"]
        if e.get("type") == "FactSet"
        for f in e["facts"]
    }


def day_buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The buttons that change a day, by the day they change."""
    return {
        a["data"]["day"]: a["data"]
        for e in card["body"]
        if e.get("type") == "ActionSet"
        for a in e["actions"]
        if a.get("verb") == SET_VERB
    }


async def team_days(host: Host, days: str, monday: bool = False) -> dict[str, Any]:
    """Lars saves his team's office days (and the Monday card switch) in `mitt team`."""
    data = {TEAM_DAYS: days, MONDAY_CARD: "true" if monday else "false"}
    return await press(host, LARS, TEAM_DAYS_VERB, data)


async def approved(host: Host, user: TeamsUser) -> dict[str, Any]:
    """`user`'s agreement (fixed days at home: Monday and Wednesday) approved by Lars; the
    approval card Lars got."""
    await fill_in(host, user)
    host.connector.clear()
    await step(host, user, "summary", {"choice": "send"})
    (approval,) = [c for c in cards_to(host, LARS) if shows(texts(c), "nb", "approval.title")]
    await press(host, LARS, "agreement.decide", {**approval["actions"][0]["data"], "comment": ""})
    return approval


async def next_week(host: Host, user: TeamsUser) -> dict[str, Any]:
    answer = await press(host, user, SHOW_VERB, {"monday": NEXT_MONDAY.isoformat()})
    return dict(answer["value"])


async def ics_of(host: Host, user: TeamsUser) -> str:
    answer = await press(host, user, ICS_VERB, {})
    (url,) = [a["url"] for a in answer["value"]["actions"] if a["type"] == "Action.OpenUrl"]
    assert host.client is not None
    response = await host.client.get(re.sub(r"^https?://[^/]+", "", url))
    assert response.status == 200 and response.content_type == "text/calendar"
    return await response.text()


async def test_team_days_set_in_mitt_team_show_in_the_conversation_and_the_week(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS, OLE)
    team = await say(host, LARS, "mitt team")
    assert t("nb", "week.team_days.none") in texts(team)
    (button,) = [
        a
        for e in team["body"]
        if e.get("type") == "ActionSet"
        for a in e["actions"]
        if a["verb"] == TEAM_DAYS_SHOW_VERB
    ]
    days = (await press(host, LARS, TEAM_DAYS_SHOW_VERB, button["data"]))["value"]
    assert inputs(days)[TEAM_DAYS] == "" and inputs(days)[MONDAY_CARD] == "false"

    saved = (await team_days(host, "thu,tue"))["value"]
    assert t("nb", "week.team.saved") in texts(saved)
    assert inputs(saved)[TEAM_DAYS] == "tue,thu"
    shown_to_lars = t("nb", "week.team_days", days="tirsdag, torsdag")
    assert shown_to_lars in texts(await say(host, LARS, "mitt team"))

    shown = t("nb", "agreement.weekdays.team_days", days="tirsdag, torsdag")
    await say(host, KARI, "avtale")
    extent = await step(host, KARI, "tasks", TASKS)
    assert shown in texts(extent)
    weekdays = await step(host, KARI, "extent", {"days": "1", "fixed": "fixed", "reason": ""})
    assert shown in texts(weekdays)
    week = await say(host, KARI, "min uke")
    assert t("nb", "week.team_days", days="tirsdag, torsdag") in texts(week)
    # The leader's week shows the days of the team they lead too.
    assert shown_to_lars in texts(await say(host, LARS, "min uke"))

    # Only the team's leader sets them; a day that is no workday changes nothing.
    refused = await press(host, OLE, TEAM_DAYS_VERB, {TEAM_DAYS: "mon", MONDAY_CARD: "true"})
    assert refused["value"] == t("nb", "team.not_leader")
    bad = await team_days(host, "tue,sun")
    assert bad["value"] == t("nb", "error.unknown_action")
    assert (await parts(host).weeks.team_settings(LARS.aad_object_id)).team_days == ("tue", "thu")


async def test_a_fixed_home_day_on_a_team_day_is_flagged_for_the_leader(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    flag = t("nb", "agreement.flag.team_day")
    summary = await fill_in(host, KARI)  # at home on Monday and Wednesday
    assert flag not in texts(summary)  # no team days yet

    await team_days(host, "wed,thu")
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    assert flag in texts(approval)

    await team_days(host, "tue,thu")  # no clash: the card Lars opens now has no flag
    opened = await press(host, LARS, "team.open", {"employee": KARI.aad_object_id})
    assert flag not in texts(opened["value"])


async def test_one_day_of_the_week_is_changed_in_a_tap_and_the_pattern_stays(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS)
    await approved(host, KARI)
    week = await next_week(host, KARI)
    wednesday = (NEXT_MONDAY + timedelta(days=2)).isoformat()
    values = list(facts(week).values())
    assert values[0].startswith(t("nb", "week.where.home"))  # Monday, from the agreement
    assert values[2].startswith(t("nb", "week.where.home"))  # Wednesday
    assert values[1].startswith(t("nb", "week.where.office"))

    button = day_buttons(week)[wednesday]
    assert button["where"] == "office"
    changed = (await press(host, KARI, SET_VERB, button))["value"]
    assert t("nb", "week.saved") in texts(changed)
    assert list(facts(changed).values())[2].startswith(t("nb", "week.where.office"))
    planned = await parts(host).weeks.planned_office_days([KARI.aad_object_id], NEXT_MONDAY)
    assert [d.weekday() for d in planned[KARI.aad_object_id]] == [1, 2, 3, 4]

    # Only that week: the week after keeps the agreement's Wednesday at home.
    after = await parts(host).weeks.planned_office_days(
        [KARI.aad_object_id], NEXT_MONDAY + timedelta(weeks=1)
    )
    assert [d.weekday() for d in after[KARI.aad_object_id]] == [1, 3, 4]
    # A second tap takes it back home.
    again = (await press(host, KARI, SET_VERB, day_buttons(changed)[wednesday]))["value"]
    assert list(facts(again).values())[2].startswith(t("nb", "week.where.home"))

    # A stale or made-up press changes nothing and says why.
    last_week = (monday_of(date.today()) - timedelta(days=7)).isoformat()
    past = await press(host, KARI, SET_VERB, {"day": last_week, "where": "office"})
    assert past["value"] == t("nb", "week.unchangeable.past")
    sunday = (NEXT_MONDAY + timedelta(days=6)).isoformat()
    weekend = await press(host, KARI, SET_VERB, {"day": sunday, "where": "office"})
    assert weekend["value"] == t("nb", "week.unchangeable.weekend")
    odd = await press(host, KARI, SET_VERB, {"day": wednesday, "where": "garage"})
    assert odd["value"] == t("nb", "error.unknown_action")


async def hide(host: Host, user: TeamsUser, choice: str = "hidden") -> None:
    data = {"language": "nb", "age_band": "none", "share": "", WEEK_VISIBILITY: choice}
    body = await press(host, user, "settings.save", data)
    assert t("nb", "settings.saved") in texts(body["value"])
    assert inputs(body["value"])[WEEK_VISIBILITY] == choice


async def test_a_hidden_plan_never_shows_a_name(host: Host) -> None:
    await setup_org(host, KARI, LARS, OLE, SIGRID)
    await approved(host, KARI)
    # Ole has no agreement: a tap gives him a plan (at the office, but next Tuesday at home).
    week = await next_week(host, OLE)
    await press(host, OLE, SET_VERB, day_buttons(week)[(NEXT_MONDAY + timedelta(1)).isoformat()])
    await team_days(host, "tue", monday=True)

    office = await say(host, KARI, "kontoret")
    assert "Ole Bakken" in texts(office)
    assert "Ole Bakken" in await ics_of(host, KARI)
    count_before = (await parts(host).weeks.office(LARS.aad_object_id)).days

    await hide(host, OLE)
    assert "Ole Bakken" not in texts(await say(host, KARI, "kontoret"))
    assert "Ole Bakken" not in texts(await say(host, SIGRID, "kontoret"))
    unit = await press(host, KARI, OFFICE_VERB, {UNIT: True})
    assert "Ole Bakken" not in texts(unit["value"])
    assert "Ole Bakken" not in await ics_of(host, KARI)
    assert "Ole Bakken" not in texts(await next_week(host, KARI))
    # The leader sees no name, but still counts him.
    lars = await say(host, LARS, "kontoret")
    assert "Ole Bakken" not in texts(lars)
    counts = (await parts(host).weeks.office(LARS.aad_object_id)).days
    assert [d.count for d in counts] == [d.count for d in count_before]
    assert any(tn("nb", "week.office.count", d.count or 0) in texts(lars) for d in counts)
    # The Monday card to Kari does not name him either; Ole's own card is his.
    host.connector.clear()
    await parts(host).weeks.send_now()
    (kari,) = cards_to(host, KARI)
    assert "Ole Bakken" not in texts(kari)
    (ole,) = cards_to(host, OLE)
    assert "Kari Nordmann" in texts(ole)  # Kari shares hers with the team (the default)
    # His own week still shows him his plan.
    assert t("nb", "week.visibility.hidden") in texts(await say(host, OLE, "min uke"))


@pytest.fixture
async def two_hosts(
    settings: Settings, connector: FakeConnector
) -> AsyncIterator[tuple[Host, Host]]:
    first, second = Host(settings, connector), Host(settings, connector)
    await first.start()
    await second.start()
    yield first, second
    await second.stop()
    await first.stop()


def monday_cards(connector: FakeConnector) -> dict[str, int]:
    got: dict[str, int] = {}
    for received in connector.messages():
        for card in received.cards:
            if card["body"] and shows(card["body"][0]["text"], "nb", "week.monday.title"):
                got[received.conversation_id] = got.get(received.conversation_id, 0) + 1
    return got


async def test_the_monday_card_goes_once_per_person_with_a_plan_across_hosts_and_a_restart(
    two_hosts: tuple[Host, Host], connector: FakeConnector
) -> None:
    first, second = two_hosts
    await setup_org(first, KARI, LARS, OLE, SIGRID)
    await approved(first, KARI)
    week = await next_week(first, SIGRID)
    await press(first, SIGRID, SET_VERB, day_buttons(week)[NEXT_MONDAY.isoformat()])
    connector.clear()
    # Off until the leader turns it on.
    assert (await parts(first).weeks.send_now()) is not None
    assert monday_cards(connector) == {}

    await team_days(first, "tue,thu", monday=True)
    connector.clear()
    await asyncio.gather(parts(first).weeks.send_now(), parts(second).weeks.send_now())
    await asyncio.gather(parts(first).weeks.send_now(), parts(second).weeks.scheduled_tick())
    await first.restart()
    await parts(first).weeks.send_now()
    await parts(first).weeks.scheduled_tick()
    # Kari (an agreement) and Sigrid (a day set) have a plan; Ole has none; Lars leads.
    assert monday_cards(connector) == {KARI.conversation_id: 1, SIGRID.conversation_id: 1}
    (card,) = cards_to(first, KARI)
    assert t("nb", "week.team_days", days="tirsdag, torsdag") in texts(card)


async def test_people_who_left_the_directory_drop_out(host: Host) -> None:
    await setup_org(host, KARI, LARS, OLE)
    await approved(host, KARI)
    week = await next_week(host, OLE)
    await press(host, OLE, SET_VERB, day_buttons(week)[NEXT_MONDAY.isoformat()])
    await team_days(host, "tue", monday=True)
    assert "Ole Bakken" in texts(await say(host, KARI, "kontoret"))

    without_ole = "\n".join(
        line
        for line in EXAMPLE.read_text(encoding="utf-8").splitlines()
        if not line.startswith(OLE.aad_object_id)
    )
    outcome = await parts(host).directory.import_csv(without_ole.encode())
    assert not getattr(outcome, "errors", None)
    assert "Ole Bakken" not in texts(await say(host, KARI, "kontoret"))
    planned = await parts(host).weeks.planned_office_days(
        [KARI.aad_object_id, OLE.aad_object_id], NEXT_MONDAY
    )
    assert OLE.aad_object_id not in planned and KARI.aad_object_id in planned
    host.connector.clear()
    await parts(host).weeks.send_now()
    assert cards_to(host, OLE) == [] and len(cards_to(host, KARI)) == 1
    gone = await say(host, OLE, "min uke")
    assert t("nb", "week.not_in_directory") in texts(gone)


@pytest.mark.parametrize("backend", ["sqlite"])  # against Cosmos it needs the bot's identity
async def test_week_send_sends_this_weeks_card_now_and_a_second_run_sends_nothing_again(
    host: Host, capsys: pytest.CaptureFixture[str]
) -> None:
    await setup_org(host, KARI, LARS, OLE)
    await approved(host, KARI)
    await team_days(host, "tue", monday=True)
    host.connector.clear()

    async def week_send() -> tuple[int, str]:
        code = await week_cli.run_cli(host.settings, parser().parse_args(["week", "send"]))
        return code, capsys.readouterr().out

    code, printed = await week_send()
    assert code == 0 and "1 with a plan" in printed and "delivered 1" in printed, printed
    assert monday_cards(host.connector) == {KARI.conversation_id: 1}
    code, printed = await week_send()
    assert code == 0 and "delivered 1" in printed
    assert monday_cards(host.connector) == {KARI.conversation_id: 1}  # not a second time


async def test_the_unit_sees_only_plans_shared_with_the_unit(host: Host) -> None:
    await setup_org(host, KARI, LARS, SIGRID)
    # Sigrid moves to Ingrid's team but stays in Fjellvik skole: Kari's unit, not her team.
    await reorganise(host, {SIGRID: INGRID})
    await approved(host, KARI)
    team_only = await press(host, SIGRID, OFFICE_VERB, {UNIT: True})
    assert t("nb", "week.office.unit", unit="Fjellvik skole") in texts(team_only["value"])
    assert "Kari Nordmann" not in texts(team_only["value"])  # her plan is for her team
    assert "Kari Nordmann" not in texts(await say(host, SIGRID, "kontoret"))

    await hide(host, KARI, "unit")
    unit = await press(host, SIGRID, OFFICE_VERB, {UNIT: True})
    assert "Kari Nordmann" in texts(unit["value"])
    assert "Kari Nordmann" not in texts(await say(host, SIGRID, "kontoret"))  # the team alone
