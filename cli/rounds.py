"""`round open`, `round status`, `round list`, `round close` and `round resend-failed`: the
same code paths as the scheduled jobs."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, TypeVar

from bootstrap import Parts, bootstrap
from bot.settings import Settings
from bot.telemetry import OFF, configure
from cli import Commands
from domain.clock import utc_now
from domain.leases import Lease
from domain.rounds import AlreadyClosed
from services.round_jobs import ROUND_LIST_HEADER, NoSuchRound, NotResent, Waiting

LEASE_HELD = "another instance is working on rounds right now (lease held); try later"
T = TypeVar("T")


def add_cli(commands: Commands) -> None:
    rounds = commands.add_parser(
        "round",
        help="check-in rounds: open one now, close one early, list them, show status, "
        "resend what failed",
    )
    rounds.add_argument("action", choices=("open", "status", "list", "close", "resend-failed"))
    rounds.add_argument(
        "round",
        nargs="?",
        help="a round id (close: default the open round; resend-failed: default the latest)",
    )
    rounds.add_argument("--round", dest="round_id", help="a round id (status; default: latest)")
    rounds.add_argument("--json", action="store_true", help="list: as JSON, for scripts")
    rounds.add_argument("--limit", type=int, default=10, help="list: how many (default 10)")


async def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    round_id: str | None = args.round_id
    sends = args.action in ("open", "resend-failed")
    if sends:
        settings.check_can_send(f"round {args.action}")
    # A round an operator opens counts for the "no round opened" alert like the host's; the
    # OpenTelemetry SDK sends what is left when the process exits.
    async with bootstrap(settings, configure() if sends else OFF) as parts:
        if args.action == "list":
            return await _list(parts, settings, args.limit, args.json)
        if args.action == "close":
            return await _close(parts, settings, args.round)
        if args.action == "resend-failed":
            return await _resend_failed(parts, args.round or round_id)
        if args.action == "open":
            status = await _waiting_for_the_lease(
                parts.jobs.open_round_waiting(_tell_waiting(settings))
            )
            if status is None:
                print("the round could not be opened")
                return 1
        else:
            status = await parts.jobs.status(round_id)
            if status is None:
                print("no such round" if round_id else "no round yet")
                return 1
        print(status.report(settings.timezone))
        return 0


async def _list(parts: Parts, settings: Settings, limit: int, as_json: bool) -> int:
    rows = await parts.jobs.recent(limit)
    now = utc_now()
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "id": row.round.id,
                        "opened": row.round.opened_at.isoformat(),
                        "closes": row.round.closes_at.isoformat(),
                        "delivered": row.delivered,
                        "answered": row.answered,
                        "status": row.round.state(now).value,
                    }
                    for row in rows
                ],
                indent=2,
            )
        )
        return 0
    if not rows:
        print("no round yet")
        return 0
    print(ROUND_LIST_HEADER)
    for row in rows:
        print(row.line(settings.timezone, now))
    return 0


async def _close(parts: Parts, settings: Settings, round_id: str | None) -> int:
    try:
        closed = await _waiting_for_the_lease(
            parts.jobs.close(round_id, getpass.getuser(), _tell_waiting(settings))
        )
    except NoSuchRound as error:
        print(f"{error}; nothing changed")
        return 1
    except AlreadyClosed as error:
        print(f"round {error} is closed already; nothing changed")
        return 1
    # The pulse may show it now: decide its hiding here rather than on the next tick.
    await parts.pulse.scheduled_tick()
    local = closed.closes_at.astimezone(settings.timezone).strftime("%d.%m.%Y %H:%M:%S")
    print(f"round {closed.id} closed early at {local}; it takes no more answers")
    return 0


def _tell_waiting(settings: Settings) -> Waiting:
    def tell(lease: Lease, now: datetime) -> None:
        until = lease.expires_at.astimezone(settings.timezone).strftime("%H:%M:%S")
        seconds = max(0, round((lease.expires_at - now).total_seconds()))
        print(
            f"another sender holds the round's lease until {until} ({seconds} s); waiting…",
            flush=True,
        )

    return tell


async def _waiting_for_the_lease(work: Coroutine[Any, Any, T]) -> T:
    """Ctrl-C stops the command, waiting or not: every step is idempotent, so it resumes."""
    try:
        return await work
    except asyncio.CancelledError:
        print("stopped; run the command again to finish", flush=True)
        raise


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
