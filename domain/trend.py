"""A person's own trend over the last rounds (`min utvikling`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from domain.checkin import CheckinResponse
from domain.rounds import Round

DEFAULT_TREND_ROUNDS = 8


@dataclass(frozen=True)
class TrendPoint:
    round_id: str
    label: str  # the round's local date, e.g. "24.11."
    scores: dict[str, int]


def trend(
    responses: list[CheckinResponse],
    rounds: list[Round],
    timezone: ZoneInfo,
    last: int = DEFAULT_TREND_ROUNDS,
) -> list[TrendPoint]:
    """The last `last` responses, oldest first by their round's opening, each labelled by it."""
    order = {r.id: n for n, r in enumerate(sorted(rounds, key=lambda r: r.opened_at))}
    labels = round_labels(rounds, timezone)
    ordered = sorted(responses, key=lambda r: (order.get(r.round_id, -1), r.round_id))[-last:]
    return [
        TrendPoint(r.round_id, labels.get(r.round_id, r.round_id), dict(r.answers.scores))
        for r in ordered
    ]


def items_in(points: list[TrendPoint], catalog_order: tuple[str, ...]) -> tuple[str, ...]:
    """The items answered at least once, in catalog order."""
    seen = {item for p in points for item in p.scores}
    return tuple(item for item in catalog_order if item in seen)


def round_labels(rounds: list[Round], timezone: ZoneInfo) -> dict[str, str]:
    """Each round's local opening date; with the time where two rounds share a date, and a
    number after it where they share the minute too, since a chart puts points with the same
    label on top of each other."""
    dates = {r.id: r.opened_at.astimezone(timezone).strftime("%d.%m.") for r in rounds}
    shared = {d for d, n in Counter(dates.values()).items() if n > 1}
    labels = {
        r.id: r.opened_at.astimezone(timezone).strftime("%d.%m. %H:%M")
        if dates[r.id] in shared
        else dates[r.id]
        for r in rounds
    }
    seen: Counter[str] = Counter()
    for r in sorted(rounds, key=lambda r: (r.opened_at, r.id)):
        seen[labels[r.id]] += 1
        if seen[labels[r.id]] > 1:
            labels[r.id] += f" ({seen[labels[r.id]]})"
    return labels
