"""The ergonomics picture for safety reps (docs/privacy.md#7-the-ergonomics-picture): per
service area, how many home workplaces approved agreements assess, how many of them are a risk,
and how many asked for occupational health (BHT).

The safety service cannot inspect homes; these counts are what it gets instead, and they are
about people's health (a workplace is a risk when something hurts, or essentials are missing),
so they are shown under rules at least as strict as the pulse's:

1. An area is shown only with k or more workplaces assessed (the anonymity threshold).
2. A count of people with something (a risk, a BHT request) is shown only when k or more have it
   and k or more do not: 0 or "all of them" would tell every one of them, and a count a step
   from either end tells nearly as much. Otherwise it is hidden ("–").
3. Every total adds up the numbers shown, and nothing hidden: a hidden number is in no sum any
   view publishes, so no two views (two reps' scopes, a rep's and the admin's) can be
   subtracted to find it. Rules 1–2 depend on an area's own counts only, so what is hidden is
   the same in every view.
4. The numbers are taken on the first day of each month, and an area's move to a new month's
   only when that month's agreements differ in at least k from every set the area has shown
   before (an agreement approved, changed or gone), and no one agreement can be computed by
   adding and subtracting the sets shown: one approval between two looks never shows as a
   change of one, nor does a set that returns close to an earlier one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from domain.agreement import assess_workplace
from domain.agreement_record import Agreement, Status
from domain.pulse import Scope


@dataclass(frozen=True)
class Assessment:
    """One employee's workplace as the agreement in force assessed it."""

    version: int  # of the agreement it comes from: a new version is a change
    risk: bool
    bht: bool  # asked for occupational health


@dataclass(frozen=True)
class Counts:
    assessed: int = 0
    risk: int = 0
    bht: int = 0


@dataclass(frozen=True)
class Shown:
    """What an area (or a total) shows; None is hidden."""

    assessed: int | None
    risk: int | None
    bht: int | None


HIDDEN = Shown(None, None, None)
_TOLERANCE = 1e-9
#: An area's people at one moment: employee id -> the assessment in force then.
People = Mapping[str, Assessment]


@dataclass(frozen=True)
class ErgonomicsPicture:
    scope: Scope  # the viewer's
    as_of: datetime  # when the numbers were taken
    by_area: dict[str, Shown]  # the areas of the viewer's scope that have agreements
    total: Shown  # the sum of the numbers shown above


def in_force(history: Iterable[Agreement], at: datetime) -> Agreement | None:
    """The version in force at `at`: the latest approved before it."""
    approved = [
        a for a in history if a.status is Status.APPROVED and a.decided_at and a.decided_at < at
    ]
    return max(approved, key=lambda a: a.version) if approved else None


def assessment(agreement: Agreement) -> Assessment | None:
    terms = agreement.terms
    if terms.workplace is None:
        return None
    risk = assess_workplace(terms.workplace, terms.extent.days if terms.extent else 0).risk
    return Assessment(agreement.version, risk, risk and terms.wants_occupational_health)


def counts(people: People) -> Counts:
    return Counts(
        len(people),
        sum(a.risk for a in people.values()),
        sum(a.bht for a in people.values()),
    )


def shown(area: Counts, k: int) -> Shown:
    """Rules 1 and 2."""
    if area.assessed < k:
        return HIDDEN

    def either_side(count: int) -> int | None:
        return count if k <= count <= area.assessed - k else None

    return Shown(area.assessed, either_side(area.risk), either_side(area.bht))


def changed(before: People, after: People) -> int:
    """How many people's assessments differ: approved, changed, or gone."""
    return sum(before.get(p) != after.get(p) for p in set(before) | set(after))


def published(snapshots: Sequence[Mapping[str, People]], k: int) -> dict[str, Shown]:
    """Rule 4 over the monthly snapshots, oldest first (per area, its people then): what each
    area shows now."""
    shown_sets: dict[str, list[People]] = {}
    for snapshot in snapshots:
        for area in set(shown_sets) | set(snapshot):
            people = snapshot.get(area, {})  # an area everyone left is a change too
            before = shown_sets.setdefault(area, [])
            if not before or may_show(before, people, k):
                before.append(people)
    return {area: shown(counts(sets[-1]), k) for area, sets in shown_sets.items()}


def may_show(before: Sequence[People], people: People, k: int) -> bool:
    """Whether an area that has shown the sets `before` may show `people`'s numbers."""
    if any(changed(earlier, people) < k for earlier in before):
        return False
    return not isolates_someone([*before, people], k)


def isolates_someone(sets: Sequence[People], k: int) -> bool:
    """Whether some one agreement's indicator is a sum of sets with numbers on them (k or more
    people), each taken any number of times, added or subtracted: then its risk is a sum of
    shown counts. In linear algebra: a unit vector in the row space of the sets' matrix, which
    is when every vector of the null space is 0 at that agreement."""
    rows = [s for s in sets if len(s) >= k]
    columns = sorted({(p, a.version) for s in rows for p, a in s.items()})
    if not rows:
        return False
    index = {column: i for i, column in enumerate(columns)}
    matrix = np.zeros((len(rows), len(columns)))
    for r, people in enumerate(rows):
        for person, assessed in people.items():
            matrix[r, index[(person, assessed.version)]] = 1
    _, singular, vt = np.linalg.svd(matrix)
    null = vt[int((singular > _TOLERANCE).sum()) :]
    return bool(np.any(np.all(np.abs(null) < _TOLERANCE, axis=0)))


def picture(areas: Mapping[str, Shown], scope: Scope, as_of: datetime) -> ErgonomicsPicture:
    """Rule 3: a viewer's areas, and totals of what they show."""
    by_area = {area: s for area, s in sorted(areas.items()) if scope.covers(area)}

    def total(values: list[int | None]) -> int | None:
        present = [v for v in values if v is not None]
        return sum(present) if present else None

    rows = list(by_area.values())
    return ErgonomicsPicture(
        scope,
        as_of,
        by_area,
        Shown(
            total([r.assessed for r in rows]),
            total([r.risk for r in rows]),
            total([r.bht for r in rows]),
        ),
    )
