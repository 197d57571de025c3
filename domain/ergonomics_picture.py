"""The ergonomics picture for safety reps (docs/privacy.md#the-ergonomics-picture): per
service area, how many home workplaces the agreements approved in a quarter assess, how many of
them are a risk, and how many asked for occupational health (BHT).

The safety service cannot inspect homes; these counts are what it gets instead, and they are
about people's health (a workplace is a risk when something hurts, or essentials are missing),
so they are shown under rules at least as strict as the pulse's:

1. An area is shown only with k or more workplaces assessed (the anonymity threshold).
2. A count of people with something (a risk, a BHT request) is shown only when k or more have it
   and k or more do not: 0 or "all of them" would tell every one of them, and a count a step
   from either end tells nearly as much. Otherwise it is hidden ("–"). BHT is offered for a
   risk, so its count is hidden with the risk's too: beside a hidden risk it would tell which
   side of the threshold the risk is on.
3. Every total adds up the numbers shown, and nothing hidden: a hidden number is in no sum any
   view publishes, so no two views (two reps' scopes, a rep's and the admin's) can be
   subtracted to find it. Rules 1–2 depend on an area's own counts only, so what is hidden is
   the same in every view.
4. The numbers are a closed quarter's, counted once when it has closed and kept as counted:
   each agreement version is in one quarter (the one it was approved in), so two quarters
   share no one, and one approval between two looks, or an erasure, changes no number shown.
   A running count of the agreements in force would: the rep who looks before and after
   Kari's approval would read her risk off the change of one (tests/integration/
   test_pulse_attacker.py tries it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from domain.agreement import assess_workplace
from domain.agreement_record import Agreement, Status
from domain.pulse import Scope


@dataclass(frozen=True)
class Counts:
    assessed: int = 0
    risk: int = 0
    bht: int = 0

    def add(self, agreement: Agreement) -> Counts:
        terms = agreement.terms
        if terms.workplace is None:
            return self
        risk = assess_workplace(terms.workplace, terms.extent.days if terms.extent else 0).risk
        bht = risk and terms.wants_occupational_health
        return Counts(self.assessed + 1, self.risk + risk, self.bht + bht)


@dataclass(frozen=True)
class Shown:
    """What an area (or a total) shows; None is hidden."""

    assessed: int | None
    risk: int | None
    bht: int | None


HIDDEN = Shown(None, None, None)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1–4

    @staticmethod
    def of(day: date) -> Quarter:
        return Quarter(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year, self.number + 1) if self.number < 4 else Quarter(self.year + 1, 1)

    @property
    def id(self) -> str:
        return f"{self.year}-Q{self.number}"


@dataclass(frozen=True)
class ErgonomicsPicture:
    scope: Scope  # the viewer's
    quarter: Quarter
    by_area: dict[str, Shown]  # the areas of the viewer's scope with agreements that quarter
    total: Shown  # the sum of the numbers shown above


def approved_in(history: Iterable[Agreement], start: datetime, end: datetime) -> list[Agreement]:
    """The versions of one employee's agreement approved from `start` until `end`."""
    return [
        a
        for a in history
        if a.status is Status.APPROVED and a.decided_at is not None and start <= a.decided_at < end
    ]


def shown(area: Counts, k: int) -> Shown:
    """Rules 1 and 2."""
    if area.assessed < k:
        return HIDDEN

    def either_side(count: int) -> int | None:
        return count if k <= count <= area.assessed - k else None

    risk = either_side(area.risk)
    return Shown(area.assessed, risk, either_side(area.bht) if risk is not None else None)


def picture(
    counts: Mapping[str, Counts], scope: Scope, quarter: Quarter, k: int
) -> ErgonomicsPicture:
    """Rule 3: a viewer's areas, and totals of what they show."""
    by_area = {area: shown(c, k) for area, c in sorted(counts.items()) if scope.covers(area)}

    def total(values: list[int | None]) -> int | None:
        present = [v for v in values if v is not None]
        return sum(present) if present else None

    rows = list(by_area.values())
    return ErgonomicsPicture(
        scope,
        quarter,
        by_area,
        Shown(
            total([r.assessed for r in rows]),
            total([r.risk for r in rows]),
            total([r.bht for r in rows]),
        ),
    )
