"""An attacker on the pulse, written apart from domain/anonymity.py: it takes only what the bot
publishes (the `View` of every role for one round) and what it may assume (counts are whole and
never negative, per item a cell's answer counts add up to its respondents, and who was invited
per service area), and solves its own integer programs for what is hidden.

Its formulation differs from the audit's on purpose: the only unknowns are the answer counts of
the area × age band interior, x[cell, item, s] ≥ 0; a cell's respondents are its first item's
counts added up, and every other number — a margin, a scope total — is a sum over the interior.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, lil_array

from cards.i18n import t
from domain.catalog import ITEMS_BY_ID
from domain.profile import AGE_BANDS
from domain.pulse import NO_BAND, Summary, View
from tests.support.pulse_csv import pulse_csv_rows

LEVELS = 5
Interior = tuple[str, str]


@dataclass
class Published:
    """A number the bot showed: over which interior cells, and what it said."""

    cells: frozenset[Interior]
    n: int
    sums: Mapping[str, tuple[int, int]]  # per item the sum of the answers, at least / at most
    distribution: Mapping[str, Sequence[int]] | None = None


@dataclass
class Attacker:
    areas: tuple[str, ...]
    bands: tuple[str, ...]
    items: tuple[str, ...]
    known: list[Published] = field(default_factory=list)
    # Hidden published numbers (margins, scope totals), as the interior cells they cover.
    hidden: set[frozenset[Interior]] = field(default_factory=set)
    invited: dict[str, int] = field(default_factory=dict)
    _program: tuple[csr_array, np.ndarray, np.ndarray] | None = None
    # Every solution found: a check one of them already answers needs no program.
    solutions: list[np.ndarray] = field(default_factory=list)

    @staticmethod
    def of(views: Iterable[View], invited: Mapping[str, int]) -> Attacker:
        views = list(views)
        admin = next(v for v in views if v.by_band)
        areas, bands = tuple(sorted(admin.by_area)), tuple(sorted(admin.by_band))
        attacker = Attacker(areas, bands, admin.items, invited=dict(invited))
        for v in views:
            scope = frozenset((a, b) for a in v.by_area for b in bands)
            if v.scope_total is not None or v is admin:
                # A rep's hidden scope total is a sum of service areas, each checked alone.
                attacker.learn(scope, v.scope_total, v.distribution)
            for area, summary in v.by_area.items():
                attacker.learn(frozenset((area, b) for b in bands), summary)
            for band, summary in v.by_band.items():
                attacker.learn(frozenset((a, band) for a in areas), summary)
        return attacker

    def learn(
        self,
        cells: frozenset[Interior],
        summary: Summary | None,
        dist: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        if summary is None:
            self.hidden.add(cells)
            return
        sums = {item: (x, x) for item, x in summary.sums.items()}
        self.known.append(Published(cells, summary.n, sums, dist))

    @staticmethod
    def from_csv(text: str, invited: Mapping[str, int]) -> Attacker:
        """What an admin's CSV download (in bokmål) says: a mean with d decimals is a range of
        sums. The labels are read back to the service areas, age bands and items they name."""
        rows = pulse_csv_rows(text, "nb")
        band_of = {t("nb", f"settings.age_band.{b}"): b for b in (*AGE_BANDS, NO_BAND)}
        item_of = {t("nb", f"item.short.{i}"): i for i in ITEMS_BY_ID}
        breakdown, area_col, band_col, item_col = (
            t("nb", f"pulse.csv.{c}") for c in ("breakdown", "area", "band", "item")
        )
        n_col, mean_col, note_col = (
            t("nb", k) for k in ("pulse.answered", "pulse.mean", "pulse.csv.note")
        )
        spread = [t("nb", "pulse.csv.answered_score", score=s) for s in range(1, LEVELS + 1)]

        def plain(value: str) -> str:
            return value[1:] if value.startswith("'") else value

        areas = tuple(sorted({plain(r[area_col]) for r in rows if r[area_col]}))
        bands = tuple(sorted({band_of[plain(r[band_col])] for r in rows if r[band_col]}))
        items = tuple(dict.fromkeys(item_of[r[item_col]] for r in rows))
        attacker = Attacker(areas, bands, items, invited=dict(invited))
        by_cell: dict[tuple[str, str, str], list[dict[str, str]]] = {}
        for r in rows:
            band = band_of[plain(r[band_col])] if r[band_col] else ""
            by_cell.setdefault((r[breakdown], plain(r[area_col]), band), []).append(r)
        for (_, area, band), cell_rows in by_cell.items():
            cells = frozenset(
                (a, b)
                for a in (areas if not area else (area,))
                for b in (bands if not band else (band,))
            )
            if not cell_rows[0][n_col]:
                assert cell_rows[0][note_col], "a hidden cell says why"
                attacker.hidden.add(cells)
                continue
            n = int(cell_rows[0][n_col])
            sums: dict[str, tuple[int, int]] = {}
            dist: dict[str, list[int]] | None = {}
            for r in cell_rows:
                mean = r[mean_col].replace(",", ".")
                step = 0.5 * 10 ** -len(mean.partition(".")[2])
                low, high = n * (float(mean) - step), n * (float(mean) + step)
                item = item_of[r[item_col]]
                sums[item] = (math.ceil(low - 1e-9), math.floor(high + 1e-9))
                counts = [r[c] for c in spread]
                if dist is not None and all(c.isdigit() for c in counts):
                    dist[item] = [int(c) for c in counts]
                else:
                    dist = None
            attacker.known.append(Published(cells, n, sums, dist))
        return attacker

    # -- the integer program ------------------------------------------------------------------

    def _cells(self) -> list[Interior]:
        return [(a, b) for a in self.areas for b in self.bands]

    def _x(self, cell: Interior, item: int, s: int) -> int:
        at = self.areas.index(cell[0]) * len(self.bands) + self.bands.index(cell[1])
        return (at * len(self.items) + item) * LEVELS + s

    def _n_row(self, cells: Iterable[Interior]) -> dict[int, float]:
        return {self._x(c, 0, s): 1.0 for c in cells for s in range(LEVELS)}

    def program(self) -> tuple[csr_array, np.ndarray, np.ndarray]:
        rows: list[tuple[dict[int, float], float, float]] = []
        for cell in self._cells():
            for i in range(1, len(self.items)):
                row = {self._x(cell, i, s): 1.0 for s in range(LEVELS)}
                for at, v in self._n_row([cell]).items():
                    row[at] = row.get(at, 0.0) - v
                rows.append((row, 0.0, 0.0))
        for p in self.known:
            rows.append((self._n_row(p.cells), p.n, p.n))
            for i, item in enumerate(self.items):
                rows.append(
                    (
                        {self._x(c, i, s): s + 1.0 for c in p.cells for s in range(LEVELS)},
                        *p.sums[item],
                    )
                )
                if p.distribution is not None:
                    for s in range(LEVELS):
                        count = p.distribution[item][s]
                        rows.append(({self._x(c, i, s): 1.0 for c in p.cells}, count, count))
        for area, n in self.invited.items():
            if area in self.areas:
                rows.append((self._n_row((area, b) for b in self.bands), 0.0, n))
        width = len(self._cells()) * len(self.items) * LEVELS
        matrix = lil_array((len(rows), width))
        for r, (row, _, _) in enumerate(rows):
            for at, v in row.items():
                matrix[r, at] = v
        return (
            matrix.tocsr(),
            np.array([lo for _, lo, _ in rows]),
            np.array([hi for *_, hi in rows]),
        )

    def extreme(self, objective: Mapping[int, float], sign: float) -> float | None:
        """The largest (sign 1) or smallest (sign −1) value of the objective; None: unbounded."""
        if self._program is None:
            self._program = self.program()
        matrix, low, high = self._program
        cost = np.zeros(matrix.shape[1])
        for at, v in objective.items():
            cost[at] = -sign * v
        result = milp(
            cost,
            integrality=np.ones(len(cost)),
            bounds=Bounds(0, np.inf),
            constraints=LinearConstraint(matrix, low, high),
        )
        if result.status != 0:
            assert result.status in (3, 4), result.message  # the truth is a solution
            return None
        self.solutions.append(np.round(result.x))
        return float(round(sign * -result.fun))  # whole numbers: HiGHS may say 0.9999999

    # -- what it may not learn ------------------------------------------------------------------

    def narrowed(
        self,
        truth: Mapping[Interior, Sequence[Mapping[str, int]]],
        k: int,
        unanimous_shown: set[tuple[frozenset[Interior], str, int]],
    ) -> list[str]:
        """Everything hidden the attacker pins to one value (criteria of the issue)."""
        found = []
        n = {c: len(truth.get(c, ())) for c in self._cells()}
        for cells in self.hidden:
            value = sum(n[c] for c in cells)
            if self._pinned(self._n_row(cells), value):
                found.append(f"hidden total over {sorted(cells)} pinned to {value}")
        for cell in self._cells():
            if 0 < n[cell] < k and self._pinned(self._n_row([cell]), n[cell]):
                found.append(f"interior {cell} pinned to {n[cell]}")
        groups = [frozenset([c]) for c in self._cells()] + list(self.hidden)
        for cells in groups:
            for i, item in enumerate(self.items):
                answers = [one[item] for c in cells for one in truth.get(c, ())]
                for s in range(LEVELS):
                    if any(a != s + 1 for a in answers):
                        continue  # the truth itself has someone answering otherwise
                    if any(
                        cells <= shown and (it, ss) == (item, s)
                        for shown, it, ss in unanimous_shown
                    ):
                        continue  # group disclosure of a shown cell: accepted
                    others = self._n_row(cells)
                    for c in cells:
                        at = self._x(c, i, s)
                        others[at] = others.get(at, 0.0) - 1.0
                    if any(self._value(others, x) >= 1 for x in self.solutions):
                        continue
                    best = self.extreme(others, 1.0)
                    if best is not None and best >= 1:
                        continue
                    most = self.extreme(self._n_row(cells), 1.0)
                    if most is None or most >= 1:
                        found.append(f"everyone in {sorted(cells)} answered {item}={s + 1}")
        return found

    @staticmethod
    def _value(row: Mapping[int, float], x: np.ndarray) -> float:
        return float(sum(v * x[at] for at, v in row.items()))

    def _pinned(self, row: Mapping[int, float], value: int) -> bool:
        if any(abs(self._value(row, x) - value) > 0.5 for x in self.solutions):
            return False
        high = self.extreme(row, 1.0)
        if high is None or high > value + 0.5:
            return False
        low = self.extreme(row, -1.0)
        return low is not None and low > value - 0.5
