"""The route table (bot/routes.py): one handler per command and verb, checked when it is built."""

from __future__ import annotations

import pytest

from bot.actions import ActionResult, ShowMessage
from bot.commands import Command
from bot.routes import ActionRoute, CommandRoute, Route, RouteError, RouteTable, Turn


async def answer(turn: Turn) -> None:
    del turn


async def other_answer(turn: Turn) -> None:
    del turn


async def act(turn: Turn) -> ActionResult:
    del turn
    return ShowMessage("done")


async def other_act(turn: Turn) -> ActionResult:
    del turn
    return ShowMessage("also done")


def every_command(but: Command | None = None) -> list[Route]:
    return [CommandRoute(command, answer) for command in Command if command is not but]


def test_each_command_and_verb_finds_its_handler() -> None:
    table = RouteTable(
        [*every_command(), ActionRoute("x.press", act)], unknown_command=other_answer
    )
    assert table.command(Command.TREND) is answer
    assert table.action("x.press") is act
    assert len(table) == len(Command) + 1


def test_text_that_is_no_command_and_an_unknown_verb() -> None:
    table = RouteTable(every_command(), unknown_command=other_answer)
    assert table.command(None) is other_answer
    assert table.action("nobody.answers") is None


def test_two_handlers_for_one_verb_stop_the_start() -> None:
    routes = [*every_command(), ActionRoute("x.press", act), ActionRoute("x.press", other_act)]
    with pytest.raises(RouteError, match=r"two handlers for verb 'x.press': act and other_act"):
        RouteTable(routes, unknown_command=answer)


def test_two_handlers_for_one_command_stop_the_start() -> None:
    routes = [*every_command(), CommandRoute(Command.PULSE, other_answer)]
    with pytest.raises(RouteError, match="two handlers for command PULSE: answer and other_answer"):
        RouteTable(routes, unknown_command=answer)


def test_a_command_without_a_handler_stops_the_start() -> None:
    with pytest.raises(RouteError, match="no handler for command TEAM"):
        RouteTable(every_command(but=Command.TEAM), unknown_command=answer)
