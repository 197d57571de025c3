"""cosmicpython's message bus, kept small: one event's handlers, registered at the composition
root, run in order on each publish. A handler deals with its own failures (the event has
happened: one handler failing must not undo it), and its answer comes back to the publisher."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

E = TypeVar("E")
R = TypeVar("R")


class Handlers(Generic[E, R]):
    def __init__(self) -> None:
        self._handlers: list[Callable[[E], Awaitable[R]]] = []

    def register(self, handler: Callable[[E], Awaitable[R]]) -> None:
        self._handlers.append(handler)

    async def publish(self, event: E) -> list[R]:
        return [await handler(event) for handler in self._handlers]
