"""APScheduler 3.x in the host: the weekly round, a tick for reminders and catch-up, and the
nightly organisation sync (with ORG_SOURCE=graph).

The jobs themselves take the storage lease, so every host instance may run this scheduler;
a tick (rather than one date job per reminder) means a restart loses nothing. APScheduler
plans from its own start and keeps no memory of the minutes it was not running, so the cron
jobs only make the work punctual: what is due is decided by the tick from the store
(domain/schedule.py), which runs at start too, so a host that comes up after the scheduled
minute does that work at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.settings import SCHEDULE_OFF
from domain.rounds import NextScheduled, no_schedule
from services.round_jobs import RoundJobs


def next_fire(cron: str, timezone: ZoneInfo) -> NextScheduled:
    """When the round job below next fires after a moment: what `sjekk inn` tells someone who
    answered the current round."""
    if cron == SCHEDULE_OFF:
        return no_schedule
    trigger = CronTrigger.from_crontab(cron, timezone=timezone)

    def after(now: datetime) -> datetime | None:
        fire: datetime | None = trigger.get_next_fire_time(None, now)
        return fire

    return after


def _stopped_is_no_error(record: logging.LogRecord) -> bool:
    """APScheduler logs a job cancelled by the host's stop as an error with a traceback; it is
    an ordinary stop (the job wound down first), so it says so at INFO instead."""
    if record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError):
        record.msg = 'Job "%s" stopped with the host'
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.exc_info = record.exc_text = None
    return True


class _Executor(AsyncIOExecutor):
    def start(self, scheduler: Any, alias: str) -> None:
        super().start(scheduler, alias)
        self._logger.addFilter(_stopped_is_no_error)

    def running(self) -> set[asyncio.Future[Any]]:
        # APScheduler 3.x keeps the running jobs here (requirements.txt pins it).
        return {f for f in self._pending_futures if not f.done()}


class HostScheduler(AsyncIOScheduler):
    def __init__(self, timezone: ZoneInfo) -> None:
        self._executor = _Executor()
        super().__init__(timezone=timezone, executors={"default": self._executor})

    async def stop(self) -> None:
        """Cancel the running jobs and wait until they have wound down: a delivery lets its
        sends in flight settle in the ledger and releases its lease, so the store and the
        connector it uses must stay open until this returns. (APScheduler's shutdown cancels
        them but cannot wait: it is not a coroutine.) A host with SCHEDULER=off never started it."""
        if not self.running:
            return
        running = self._executor.running()
        self.shutdown(wait=False)
        await asyncio.gather(*running, return_exceptions=True)


def build_scheduler(
    jobs: RoundJobs,
    cron: str,
    timezone: ZoneInfo,
    tick_seconds: int,
    org_sync: Callable[[], Awaitable[None]] | None = None,
    org_sync_cron: str = "0 3 * * *",
    ticks: Sequence[Callable[[], Awaitable[None]]] = (),
    timed: Sequence[tuple[str, str, Callable[[], Awaitable[None]]]] = (),
) -> HostScheduler:
    """`timed`: (id, crontab or SCHEDULE_OFF, job) of other weekly work (the Monday card,
    kaffeprat's pairing); each is also ticked, so that it catches up what a host missed, as
    the rounds do."""
    scheduler = HostScheduler(timezone)
    started = datetime.now(timezone)
    if cron != SCHEDULE_OFF:
        # At the minute, the tick finds the round due and opens it.
        scheduler.add_job(
            jobs.tick,
            CronTrigger.from_crontab(cron, timezone=timezone),
            id="open-round",
            coalesce=True,
            max_instances=1,
        )
    catch_up = [jobs.tick, *ticks]
    for job_id, job_cron, job in timed:
        if job_cron != SCHEDULE_OFF:
            scheduler.add_job(
                job,
                CronTrigger.from_crontab(job_cron, timezone=timezone),
                id=job_id,
                coalesce=True,
                max_instances=1,
            )
        catch_up.append(job)
    if org_sync is not None:
        # Nightly, so that leaders and service areas follow Entra by the next working day.
        scheduler.add_job(
            org_sync,
            CronTrigger.from_crontab(org_sync_cron, timezone=timezone),
            id="org-sync",
            coalesce=True,
            max_instances=1,
        )
        catch_up.append(org_sync)
    for n, tick in enumerate(catch_up):
        # Reminders, agreement reviews, follow-ups, a round or sync missed while no host ran:
        # ticks from the start, so neither a restart nor the minute it happened loses anything.
        scheduler.add_job(
            tick,
            IntervalTrigger(seconds=tick_seconds, timezone=timezone),
            id="rounds-tick" if n == 0 else f"tick-{n}",
            coalesce=True,
            max_instances=1,
            next_run_time=started,
            misfire_grace_time=None,  # a tick late is still a tick
        )
    return scheduler
