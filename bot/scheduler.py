"""APScheduler 3.x in the host: the weekly round, a tick for reminders and catch-up, and the
nightly organisation sync (with ORG_SOURCE=graph).

The jobs themselves take the storage lease, so every host instance may run this scheduler;
a tick (rather than one date job per reminder) means a restart loses nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from domain.rounds import NextScheduled
from services.round_jobs import RoundJobs


def next_fire(cron: str, timezone: ZoneInfo) -> NextScheduled:
    """When the round job below next fires after a moment: what `sjekk inn` tells someone who
    answered the current round."""
    trigger = CronTrigger.from_crontab(cron, timezone=timezone)

    def after(now: datetime) -> datetime | None:
        fire: datetime | None = trigger.get_next_fire_time(None, now)
        return fire

    return after


def build_scheduler(
    jobs: RoundJobs,
    cron: str,
    timezone: ZoneInfo,
    tick_seconds: int,
    org_sync: Callable[[], Awaitable[None]] | None = None,
    org_sync_cron: str = "0 3 * * *",
    ticks: Sequence[Callable[[], Awaitable[None]]] = (),
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=timezone)
    # A host that was down at 09:00 still opens the round when it comes up that morning.
    scheduler.add_job(
        jobs.open_round,
        CronTrigger.from_crontab(cron, timezone=timezone),
        id="open-round",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
    )
    scheduler.add_job(
        jobs.tick,
        IntervalTrigger(seconds=tick_seconds, timezone=timezone),
        id="rounds-tick",
        coalesce=True,
        max_instances=1,
    )
    for n, tick in enumerate(ticks):
        # Agreement reviews, follow-up reminders and the like: ticks, so a restart loses nothing.
        scheduler.add_job(
            tick,
            IntervalTrigger(seconds=tick_seconds, timezone=timezone),
            id=f"tick-{n}",
            coalesce=True,
            max_instances=1,
        )
    if org_sync is not None:
        # Nightly, so that leaders and service areas follow Entra by the next working day; a
        # host that was down at the hour still syncs when it comes up in the morning.
        scheduler.add_job(
            org_sync,
            CronTrigger.from_crontab(org_sync_cron, timezone=timezone),
            id="org-sync",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=6 * 3600,
        )
    return scheduler
