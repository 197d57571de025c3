"""Pulse (docs/roles.md#pulse-visibility): per round and scope, how many answered and, per item, the
mean — for the scope, by service area, and (for the whole organisation) by age band — with the
anonymity rule (domain/anonymity.py).

Counts are kept per finest cell (service area × age band) as counters; every coarser number is a
sum of those. What is published is only what a rep or HR needs, since every number is an
equation for an attacker: the margins (by service area, by age band for an admin; never the
area × age band interior), with respondents and per-item means, and the 1–5 distribution of the
scope's total only from max(k, `distribution_min`) respondents. A rep's scope is small, so a
rep gets no age bands at all.

The hiding is decided once for the whole organisation's table, audited against an attacker who
holds every role's view of the round, and a scope's view only shows numbers that pattern shows
(or sums of shown ones), so no two views — a union rep's and an admin's — together reveal what
each alone hides. Only closed rounds are shown: a view of a round still taking answers, before
and after one more, would give that one answer away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.anonymity import TOTAL, Cell, Table, protect
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


@dataclass(frozen=True)
class Counted:
    """One stored answer as the pulse counts it: the cell it was given at submit, its scores."""

    area: str
    band: str
    scores: Mapping[str, int]
    leader: str = ""  # the person's leader when they answered (the team signal's team)


def recount(answers: Iterable[Counted]) -> dict[tuple[str, str], dict[str, int]]:
    """The round's cells from its stored answers: each counted once, whatever became of the
    increments made as they came in (lost to throttling, a crash, a retry, an erasure)."""
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for answer in answers:
        cell = cells.setdefault((answer.area, answer.band), {})
        for field, delta in fine_deltas(answer.scores).items():
            cell[field] = cell.get(field, 0) + delta
    return cells


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
class Summary:
    """A published cell: respondents and, per item, the sum of the answers (n × mean)."""

    n: int
    sums: Mapping[str, int]

    def mean(self, item: str) -> float | None:
        answered = self.answered(item)
        return self.sums[item] / answered if answered else None

    def answered(self, item: str) -> int:
        """Respondents to `item` (the card and the CSV show it per item): everyone who
        answered the round was asked the round's items."""
        return self.n if item in self.sums else 0


def summary(stats: Stats) -> Summary:
    return Summary(
        stats.n,
        {
            item: sum(score * c for score, c in zip(SCALE, counts, strict=True))
            for item, counts in stats.distribution.items()
        },
    )


@dataclass(frozen=True)
class View:
    """One round as one viewer may see it. A None is a hidden cell ("for få svar")."""

    round_id: str
    items: tuple[str, ...]
    invited: int
    scope_total: Summary | None
    distribution: Mapping[str, tuple[int, ...]] | None  # the scope total's, item -> 1..5 counts
    by_area: dict[str, Summary | None]
    by_band: dict[str, Summary | None]  # only in a view of the whole organisation

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


@dataclass(frozen=True)
class Protected:
    """A round's organisation table with the cells no view of it shows: decided once per
    round, for every scope (the audit assumes an attacker holds every scope's view)."""

    items: tuple[str, ...]
    k: int
    distribution_min: int
    table: Table
    full: Mapping[Cell, Stats]
    hidden: frozenset[Cell]


def protected(
    fine: Mapping[tuple[str, str], Mapping[str, int]],
    items: Sequence[str],
    k: int,
    distribution_min: int,
    invited_by_area: Mapping[str, int] | None = None,
    decided: frozenset[Cell] | None = None,
) -> Protected:
    """`invited_by_area`: who the round reached per service area — the audit assumes an
    attacker knows it (a bound on each area's respondents). `decided`: the hiding already
    decided for this round, taken as it is (the audit's time limits make a second decision
    on another host or after a restart free to differ, and two patterns of one round
    together would show what each hides)."""
    table, full = organisation_table(fine, items)
    if decided is None:
        answers = {cell: stats.distribution for cell, stats in full.items()}
        hidden = protect(table, answers, k, distribution_min, invited_by_area)
    else:
        hidden = decided
    return Protected(tuple(items), k, max(k, distribution_min), table, full, hidden)


def view(round_id: str, round_: Protected, scope: Scope, invited: int) -> View:
    table, full, hidden, items = round_.table, round_.full, round_.hidden, round_.items

    def shown(cell: Cell) -> Summary | None:
        return None if cell in hidden else summary(full[cell])

    areas = [a for a in table.areas if scope.covers(a)]
    by_area = {a: shown((a, None)) for a in areas}
    total: Stats | None
    if scope.areas is None:
        total = None if TOTAL in hidden else full[TOTAL]
        by_band = {b: shown((None, b)) for b in table.bands}
    else:
        # A sum of shown numbers says nothing new; a sum over a hidden one would.
        parts = [(a, None) for a in areas]
        hides = not parts or any(p in hidden for p in parts)
        total = None if hides else _sum((full[p] for p in parts), items)
        by_band = {}
    distribution = (
        dict(total.distribution)
        if total is not None and total.n >= round_.distribution_min
        else None
    )
    return View(
        round_id,
        items,
        invited,
        summary(total) if total is not None else None,
        distribution,
        by_area,
        by_band,
    )


def _sum(parts: Iterable[Stats], items: Sequence[str]) -> Stats:
    total = _empty(items)
    for part in parts:
        total = _add(total, part, items)
    return total


@dataclass(frozen=True)
class TrendPoint:
    label: str
    stats: Summary | None  # the scope's total that round; None: hidden


@dataclass(frozen=True)
class PulseReport:
    scope: Scope
    view: View | None  # None: no round has closed yet
    round_label: str
    trend: list[TrendPoint]
