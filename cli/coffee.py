"""`coffee pair` and `coffee status`: kaffeprat's rounds, on the same code path as the
scheduled job (services/coffee.py)."""

from __future__ import annotations

import argparse

from bootstrap import bootstrap
from bot.settings import Settings
from bot.telemetry import OFF, configure
from cli import Commands

LEASE_HELD = "another instance is pairing kaffeprat right now (lease held); try again in a minute"


def add_cli(commands: Commands) -> None:
    coffee = commands.add_parser(
        "coffee",
        help="kaffeprat: pair a round now (or finish one left unfinished), show the last one",
    )
    coffee.add_argument("action", choices=("pair", "status"))


async def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    sends = args.action == "pair"
    if sends:
        settings.check_can_send("coffee pair")
    async with bootstrap(settings, configure() if sends else OFF) as parts:
        if sends:
            status = await parts.coffee.pair_now()
            if status is None:
                print(LEASE_HELD)
                return 1
        else:
            status = await parts.coffee.status()
            if status is None:
                print("no kaffeprat round yet")
                return 1
        print(status.report(settings.timezone))
        return 0
