"""SCHEDULER: on by default, off in a staging slot, nothing else."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError, Settings


def test_scheduler_is_on_unless_switched_off() -> None:
    assert Settings.from_env({}).scheduler is True
    assert Settings.from_env({"SCHEDULER": "off"}).scheduler is False
    with pytest.raises(ConfigError, match="SCHEDULER must be 'on' or 'off'"):
        Settings.from_env({"SCHEDULER": "staging"})


def test_a_host_with_the_scheduler_off_refuses_to_send() -> None:
    with pytest.raises(ConfigError, match="production slot"):
        Settings.from_env({"SCHEDULER": "off"}).check_can_send("round resend-failed")
    Settings.from_env({"SCHEDULER": "on"}).check_can_send("round resend-failed")
