"""APScheduler 3.x in the host: the weekly round, and a tick for reminders and catch-up.

The jobs themselves take the storage lease, so every host instance may run this scheduler;
a tick (rather than one date job per reminder) means a restart loses nothing.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from services.round_jobs import RoundJobs


def build_scheduler(
    jobs: RoundJobs, cron: str, timezone: ZoneInfo, tick_seconds: int
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
    return scheduler
