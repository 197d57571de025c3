"""`week send`: this week's Monday card now, or the rest of a send left unfinished; the same
code path as the scheduled job (services/weeks.py)."""

from __future__ import annotations

import argparse
import asyncio

from bootstrap import bootstrap
from bot.settings import Settings
from bot.telemetry import configure
from cli import Commands

#: How often a held lease is tried again; a crashed sender's lease runs out within a minute.
RETRY_SECONDS = 5.0


def add_cli(commands: Commands) -> None:
    week = commands.add_parser(
        "week", help="the week plan: send this week's Monday card now (or finish a send)"
    )
    week.add_argument("action", choices=("send",))


async def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    settings.check_can_send(f"week {args.action}")
    async with bootstrap(settings, configure()) as parts:
        waited = 0.0
        while True:
            sent = await parts.weeks.send_now()
            if sent is not None:
                break
            if waited > settings.lease_seconds * 2:
                print("another sender kept the week's lease; try again later")
                return 1
            print("another sender holds the week's lease; waiting…", flush=True)
            await asyncio.sleep(RETRY_SECONDS)
            waited += RETRY_SECONDS
        report = sent.report
        counts = report.counts
        print(
            f"week {sent.week}: {sent.invited} with a plan in teams that have the Monday card on; "
            f"delivered {counts.sent}, failed {counts.failed}, dead {counts.dead}, "
            f"pending {counts.pending}" + (f"\n{report.stopped.reason()}" if report.stopped else "")
        )
        return 0 if report.stopped is None else 1
