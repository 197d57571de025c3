"""Check-in rounds: which round a check-in belongs to and whether it takes answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ROUND_LENGTH = timedelta(days=7)


@dataclass(frozen=True)
class Round:
    id: str
    opened_at: datetime
    closes_at: datetime
    items: tuple[str, ...]

    def is_open(self, now: datetime) -> bool:
        return self.opened_at <= now < self.closes_at


def on_demand_round_id(now: datetime, timezone: ZoneInfo) -> str:
    """The id a round opened on demand gets: its local opening date.

    Deterministic, so that two people asking at the same moment create one round, not two.
    """
    return "r" + now.astimezone(timezone).strftime("%Y%m%d")


def new_round(
    round_id: str,
    now: datetime,
    items: tuple[str, ...],
    length: timedelta = DEFAULT_ROUND_LENGTH,
) -> Round:
    return Round(id=round_id, opened_at=now, closes_at=now + length, items=items)


def current_round(rounds: list[Round], now: datetime) -> Round | None:
    """The most recently opened round that is still open, if any."""
    open_rounds = [r for r in rounds if r.is_open(now)]
    return max(open_rounds, key=lambda r: r.opened_at, default=None)
