"""`roster revive`: take the unreachable marks away (docs/product.md#delivery-to-teams)."""

from __future__ import annotations

import argparse
import sys

from bootstrap import bootstrap
from bot.settings import Settings
from cli import Commands


def add_cli(commands: Commands) -> None:
    roster = commands.add_parser("roster", help="everyone the bot can reach")
    actions = roster.add_subparsers(dest="roster_action", required=True)
    revive = actions.add_parser(
        "revive", help="send to people marked unreachable again, from the next round on"
    )
    who = revive.add_mutually_exclusive_group(required=True)
    who.add_argument("--all", action="store_true", help="everyone marked unreachable")
    who.add_argument("user_ids", nargs="*", default=[], metavar="USER_ID", help="Entra object id")


async def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    async with bootstrap(settings) as parts:
        revived = await parts.people.revive(None if args.all else args.user_ids)
    if revived.unknown:
        print(f"not in the roster: {', '.join(revived.unknown)}", file=sys.stderr)
    print(f"revived {revived.count}")
    return 0
