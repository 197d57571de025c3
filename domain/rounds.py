"""Check-in rounds: which round a check-in belongs to and whether it takes answers."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

DEFAULT_ROUND_LENGTH = timedelta(days=7)


DEFAULT_REMINDER_AFTER = timedelta(days=2)


class RoundState(Enum):
    OPEN = "open"
    CLOSED = "closed"
    CLOSED_EARLY = "closed early"


class AlreadyClosed(Exception):
    """A round that takes no answers any more cannot be closed again."""


@dataclass(frozen=True)
class Round:
    id: str
    opened_at: datetime
    closes_at: datetime
    items: tuple[str, ...]
    # Set when the scheduled work for the round is done; rounds opened on demand by one
    # person's `sjekk inn` are delivered to nobody else, so they are born delivered.
    delivered_at: datetime | None = None
    reminded_at: datetime | None = None
    # An operator closed it before its time (`round close`): `closes_at` is when they did.
    closed_early: bool = False
    # Every answer to it leaves an entry its close recounts the counters from (services/pulse.py);
    # a round stored before that keeps its running counts.
    tallied: bool = True

    def is_open(self, now: datetime) -> bool:
        return self.opened_at <= now < self.closes_at

    def state(self, now: datetime) -> RoundState:
        if self.is_open(now):
            return RoundState.OPEN
        return RoundState.CLOSED_EARLY if self.closed_early else RoundState.CLOSED

    def reminder_due(self, now: datetime, after: timedelta = DEFAULT_REMINDER_AFTER) -> bool:
        """One reminder, once the round's own delivery is done and `after` has passed."""
        return (
            self.delivered_at is not None
            and self.reminded_at is None
            and self.is_open(now)
            and now >= self.opened_at + after
        )


def on_demand_round_id(now: datetime, timezone: ZoneInfo) -> str:
    """The id a round opened on demand gets: its local opening date.

    Deterministic, so that two people asking at the same moment create one round, not two.
    """
    return "r" + now.astimezone(timezone).strftime("%Y%m%d")


def scheduled_round_id(now: datetime, timezone: ZoneInfo) -> str:
    """The id of the round the schedule opens: apart from on-demand ones, so that a round
    somebody opened early that morning does not stand in for everyone's weekly round."""
    return "s" + now.astimezone(timezone).strftime("%Y%m%d")


def is_for_everyone(round_: Round) -> bool:
    """Opened by the schedule or `round open` and delivered to all, not on one person's demand."""
    return round_.id.startswith("s")


def new_round(
    round_id: str,
    now: datetime,
    items: tuple[str, ...],
    length: timedelta = DEFAULT_ROUND_LENGTH,
    delivered: bool = True,
) -> Round:
    """A round from `now`; `delivered=False` for a round the scheduler will deliver to all."""
    return Round(
        id=round_id,
        opened_at=now,
        closes_at=now + length,
        items=items,
        delivered_at=now if delivered else None,
    )


def close_early(round_: Round, now: datetime) -> Round:
    """The round closed at `now` by an operator; from then on it takes no answers and the
    pulse may show it, as after any close."""
    if not round_.is_open(now):
        raise AlreadyClosed(round_.id)
    return replace(round_, closes_at=now, closed_early=True)


def round_before(rounds: Iterable[Round], round_: Round, answered: Collection[str]) -> Round | None:
    """The round before `round_` for one person: the latest earlier round they were asked,
    that is one for everyone or one they answered on demand.

    Somebody else's `sjekk inn` between two weekly rounds asked nobody else; counted as
    everyone's round before, it would make everyone look as if they had skipped a round and
    mute the "two rounds in a row" follow-up signals for the whole organisation.
    """
    earlier = [
        r
        for r in rounds
        if r.opened_at < round_.opened_at and (is_for_everyone(r) or r.id in answered)
    ]
    return max(earlier, key=lambda r: r.opened_at, default=None)


def newest_first(rounds: list[Round], limit: int) -> list[Round]:
    return sorted(rounds, key=lambda r: r.opened_at, reverse=True)[:limit]


def current_round(rounds: list[Round], now: datetime) -> Round | None:
    """The most recently opened round that is still open, if any."""
    open_rounds = [r for r in rounds if r.is_open(now)]
    return max(open_rounds, key=lambda r: r.opened_at, default=None)


#: When the schedule next opens a round after a moment (CHECKIN_CRON), or None without one.
NextScheduled = Callable[[datetime], datetime | None]


def no_schedule(_now: datetime) -> datetime | None:
    return None


def next_checkin(round_: Round, next_scheduled: datetime | None) -> datetime:
    """When someone who answered `round_` can check in again: the next scheduled round, or the
    round's close (after it `sjekk inn` opens a new one), whichever comes first."""
    if next_scheduled is None:
        return round_.closes_at
    return min(round_.closes_at, next_scheduled)
