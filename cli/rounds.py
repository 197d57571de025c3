"""`round open`, `round status` and `round resend-failed`: the same code path as the scheduled
job."""

from __future__ import annotations

import argparse

from bootstrap import Parts, bootstrap
from bot.settings import Settings
from cli import Commands
from services.round_jobs import NotResent

LEASE_HELD = "another instance is working on rounds right now (lease held); try later"


def add_cli(commands: Commands) -> None:
    rounds = commands.add_parser(
        "round", help="check-in rounds: open one now, show status, resend what failed"
    )
    rounds.add_argument("action", choices=("open", "status", "resend-failed"))
    rounds.add_argument(
        "round", nargs="?", help="a round id (resend-failed; default: the latest round)"
    )
    rounds.add_argument("--round", dest="round_id", help="a round id (status; default: latest)")


async def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    round_id: str | None = args.round_id
    if args.action in ("open", "resend-failed"):
        settings.check_can_send(f"round {args.action}")
    async with bootstrap(settings) as parts:
        if args.action == "resend-failed":
            return await _resend_failed(parts, args.round or round_id)
        if args.action == "open":
            status = await parts.jobs.open_round()
            if status is None:
                print(LEASE_HELD)
                return 1
        else:
            status = await parts.jobs.status(round_id)
            if status is None:
                print("no such round" if round_id else "no round yet")
                return 1
        print(status.report(settings.timezone))
        return 0


async def _resend_failed(parts: Parts, round_id: str | None) -> int:
    """Once each: whoever it reaches is settled, so running it again resends only new failures."""
    resent = await parts.jobs.resend_failed(round_id)
    if resent is None:
        print(LEASE_HELD)
        return 1
    if isinstance(resent, NotResent):
        print(resent.reason)
        return 1
    print(resent.report())
    return 0
