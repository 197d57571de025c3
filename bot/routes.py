"""The route table: which handler answers each typed command and each card action's verb.

Every feature contributes its routes (`routes()` on its `*Turns`), and the composition root
builds one table from all of them at start-up. Two handlers for one command or verb, or a
command nobody answers, stop the start with `RouteError`: with an `if` chain the first match
silently won and the other handler was dead.

All handlers take one `Turn`. A command's handler sends its answer (some send several cards or
start a dialog); an action's handler returns the `ActionResult` that answers the press.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, assert_never

from botbuilder.core import TurnContext

from bot.actions import ActionResult
from bot.commands import Command
from domain.language import Language
from domain.profile import Profile


@dataclass(frozen=True)
class Turn:
    context: TurnContext
    profile: Profile
    #: The card action's data (the card's inputs and the button's data); empty for a command.
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def lang(self) -> Language:
        return self.profile.effective_language


CommandHandler = Callable[[Turn], Awaitable[None]]
ActionHandler = Callable[[Turn], Awaitable[ActionResult]]


@dataclass(frozen=True)
class CommandRoute:
    command: Command
    handle: CommandHandler


@dataclass(frozen=True)
class ActionRoute:
    verb: str
    handle: ActionHandler


Route = CommandRoute | ActionRoute


class RouteError(ValueError):
    """The routes do not make one table: an overlap, or a command without a handler."""


class RouteTable:
    def __init__(self, routes: Iterable[Route], unknown_command: CommandHandler) -> None:
        """`unknown_command` answers text that is no command."""
        self._commands: dict[Command, CommandHandler] = {}
        self._actions: dict[str, ActionHandler] = {}
        self._unknown = unknown_command
        overlaps: list[str] = []
        for route in routes:
            match route:
                case CommandRoute(command, handle):
                    if command in self._commands:
                        overlaps.append(
                            _overlap(f"command {command.name}", self._commands[command], handle)
                        )
                    self._commands[command] = handle
                case ActionRoute(verb, handle):
                    if verb in self._actions:
                        overlaps.append(_overlap(f"verb {verb!r}", self._actions[verb], handle))
                    self._actions[verb] = handle
                case _:
                    assert_never(route)
        missing = [command.name for command in Command if command not in self._commands]
        if overlaps or missing:
            problems = [*overlaps]
            if missing:
                problems.append(f"no handler for command {', '.join(missing)}")
            raise RouteError("; ".join(problems))

    def command(self, command: Command | None) -> CommandHandler:
        return self._unknown if command is None else self._commands[command]

    def action(self, verb: str) -> ActionHandler | None:
        return self._actions.get(verb)

    def __len__(self) -> int:
        return len(self._commands) + len(self._actions)


def _overlap(what: str, first: Callable[..., Any], second: Callable[..., Any]) -> str:
    return f"two handlers for {what}: {_name(first)} and {_name(second)}"


def _name(handler: Callable[..., Any]) -> str:
    return str(getattr(handler, "__qualname__", None) or repr(handler))
