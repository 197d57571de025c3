"""The unit layer reaches rules and services with in-memory fakes only: a test here that opens
a socket or starts a process fails, and belongs in tests/integration."""

from __future__ import annotations

import socket
import subprocess
from typing import NoReturn

import pytest


def _refused(*_: object, **__: object) -> NoReturn:
    raise AssertionError("a unit test opens no socket and starts no process: tests/integration")


@pytest.fixture(autouse=True)
def no_sockets_or_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _refused)
    monkeypatch.setattr(socket.socket, "connect_ex", _refused)
    monkeypatch.setattr(socket.socket, "bind", _refused)
    monkeypatch.setattr(subprocess.Popen, "__init__", _refused)
