"""Which scheduled time is due: the catch-up rule of every scheduled job.

A scheduler only fires at a scheduled minute while a host runs; a host started two minutes
later would wait a whole week for the next round. So the periodic tick asks instead: what was
the latest scheduled time, and has its work been done? The cron arithmetic stays outside the
domain: it comes in as `NextScheduled` (bot/scheduler.py builds one from a crontab).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.rounds import NextScheduled, Round, is_for_everyone, scheduled_round_id

#: Work started this long after its scheduled time is logged as caught up: a host that was
#: running fires within a second, a tick that catches up only after it.
LATE_AFTER = timedelta(minutes=1)

_RESOLUTION = timedelta(seconds=1)  # cron fires on whole seconds at least a minute apart


def latest_due(schedule: NextScheduled, now: datetime, window: timedelta) -> datetime | None:
    """The latest scheduled time in (now - window, now], or None.

    `schedule(t)` is the first scheduled time at or after t. The latest one before `now` is
    found by bisection, so an every-minute cron over a week's window costs twenty calls, not
    ten thousand.
    """
    low = now - window + _RESOLUTION
    first = schedule(low)
    if first is None or first > now:
        return None
    # Invariant: the first time at or after `low` is due; none at or after `high` is.
    high = now + _RESOLUTION
    while high - low > _RESOLUTION:
        middle = low + (high - low) / 2
        fire = schedule(middle)
        if fire is not None and fire <= now:
            low = middle
        else:
            high = middle
    return schedule(low)


def is_late(scheduled: datetime, now: datetime) -> bool:
    return now - scheduled >= LATE_AFTER


def has_round(rounds: Iterable[Round], scheduled: datetime, timezone: ZoneInfo) -> bool:
    """Whether the scheduled time has its round: the one opened for it, or one opened for
    everyone since (an operator who made up a missed round with `round open` gets no second)."""
    round_id = scheduled_round_id(scheduled, timezone)
    return any(
        r.id == round_id or (is_for_everyone(r) and r.opened_at >= scheduled) for r in rounds
    )
