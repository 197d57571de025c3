"""The aggregated pulse (DESIGN 3.4): per round and scope, how many answered and, per item, the
distribution and the mean — by service area, by age band, and both — with the anonymity rule.

Counts are kept per finest cell (service area × age band) as counters; every coarser number is a
sum of those. The hiding is decided once for the whole organisation's table, and a scope's view
only shows numbers that pattern shows (or sums of shown ones), so no two views — a union rep's
and an admin's — together reveal what each alone hides. Only closed rounds are shown: a view of
a round still taking answers, before and after one more, would give that one answer away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.anonymity import TOTAL, Cell, Table, suppress
from domain.catalog import SCALE

NO_BAND = "none"  # the age band of someone who has not given one
UNKNOWN_AREA = "?"  # the service area of someone the directory does not know


@dataclass(frozen=True)
class Stats:
    """Respondents and, per item, how many gave each answer on the scale."""

    n: int
    distribution: Mapping[str, tuple[int, ...]]  # item -> counts for 1..5

    def mean(self, item: str) -> float | None:
        counts = self.distribution.get(item)
        total = sum(counts) if counts else 0
        if not counts or not total:
            return None
        return sum(score * count for score, count in zip(SCALE, counts, strict=True)) / total


def fine_deltas(scores: Mapping[str, int]) -> dict[str, int]:
    """What one answer adds to its cell's counter: one respondent, one per item's answer."""
    return {"n": 1, **{f"{item}_{score}": 1 for item, score in scores.items()}}


def stats_of(counter: Mapping[str, int], items: Sequence[str]) -> Stats:
    return Stats(
        int(counter.get("n", 0)),
        {item: tuple(int(counter.get(f"{item}_{s}", 0)) for s in SCALE) for item in items},
    )


def _add(a: Stats, b: Stats, items: Sequence[str]) -> Stats:
    return Stats(
        a.n + b.n,
        {
            item: tuple(
                x + y for x, y in zip(a.distribution[item], b.distribution[item], strict=True)
            )
            for item in items
        },
    )


def _empty(items: Sequence[str]) -> Stats:
    return Stats(0, {item: (0,) * len(SCALE) for item in items})


@dataclass(frozen=True)
class Scope:
    """What a viewer may see: everything (admin) or some service areas (a union or safety rep)."""

    areas: frozenset[str] | None  # None: the whole organisation

    def covers(self, area: str) -> bool:
        return self.areas is None or area in self.areas


@dataclass(frozen=True)
class View:
    """One round as one viewer may see it. A None is a hidden cell ("for få svar")."""

    round_id: str
    items: tuple[str, ...]
    invited: int
    scope_total: Stats | None
    by_area: dict[str, Stats | None]
    by_band: dict[str, Stats | None]  # only in a view of the whole organisation
    by_area_band: dict[tuple[str, str], Stats | None]

    @property
    def answered(self) -> int | None:
        return self.scope_total.n if self.scope_total else None

    @property
    def response_rate(self) -> float | None:
        if self.scope_total is None or not self.invited:
            return None
        return self.scope_total.n / self.invited


def organisation_table(
    fine: Mapping[tuple[str, str], Mapping[str, int]], items: Sequence[str]
) -> tuple[Table, dict[Cell, Stats]]:
    stats = {cell: stats_of(counter, items) for cell, counter in fine.items()}
    table = Table.from_inner({cell: s.n for cell, s in stats.items()})
    full: dict[Cell, Stats] = {}
    for area in table.areas:
        for band in table.bands:
            full[(area, band)] = stats.get((area, band), _empty(items))
    for area in table.areas:
        full[(area, None)] = _sum((full[(area, b)] for b in table.bands), items)
    for band in table.bands:
        full[(None, band)] = _sum((full[(a, band)] for a in table.areas), items)
    full[TOTAL] = _sum((full[(a, None)] for a in table.areas), items)
    return table, full


def view(
    round_id: str,
    fine: Mapping[tuple[str, str], Mapping[str, int]],
    items: Sequence[str],
    k: int,
    scope: Scope,
    invited: int,
) -> View:
    table, full = organisation_table(fine, items)
    hidden = suppress(table, k)

    def shown(cell: Cell) -> Stats | None:
        return None if cell in hidden else full[cell]

    areas = [a for a in table.areas if scope.covers(a)]
    by_area = {a: shown((a, None)) for a in areas}
    by_area_band = {(a, b): shown((a, b)) for a in areas for b in table.bands}
    if scope.areas is None:
        total = shown(TOTAL)
        by_band = {b: shown((None, b)) for b in table.bands}
    else:
        # A sum of shown numbers says nothing new; a sum over a hidden one would.
        parts = list(by_area.values())
        total = None if not parts or None in parts else _sum(parts, items)  # type: ignore[arg-type]
        by_band = {}
    return View(round_id, tuple(items), invited, total, by_area, by_band, by_area_band)


def _sum(parts: Iterable[Stats], items: Sequence[str]) -> Stats:
    total = _empty(items)
    for part in parts:
        total = _add(total, part, items)
    return total


@dataclass(frozen=True)
class TrendPoint:
    label: str
    stats: Stats | None  # the scope's total that round; None: hidden


@dataclass(frozen=True)
class PulseReport:
    scope: Scope
    view: View | None  # None: no round has closed yet
    round_label: str
    trend: list[TrendPoint]
