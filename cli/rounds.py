"""`round open` and `round status`: the same code path as the scheduled job."""

from __future__ import annotations

import argparse

from bootstrap import bootstrap
from bot.settings import Settings
from cli import Commands


def add_cli(commands: Commands) -> None:
    rounds = commands.add_parser("round", help="check-in rounds: open one now, or show status")
    rounds.add_argument("action", choices=("open", "status"))
    rounds.add_argument("--round", dest="round_id", help="a round id (status; default: latest)")


async def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    round_id: str | None = args.round_id
    if args.action == "open":
        settings.check_can_send("round open")
    async with bootstrap(settings) as parts:
        if args.action == "open":
            status = await parts.jobs.open_round()
            if status is None:
                print("another instance is working on rounds right now (lease held); try later")
                return 1
        else:
            status = await parts.jobs.status(round_id)
            if status is None:
                print("no such round" if round_id else "no round yet")
                return 1
        print(status.report(settings.timezone))
        return 0
