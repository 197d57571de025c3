"""What may be shown (docs/privacy.md#anonymity-threshold-k): at least k respondents, and nothing
hidden that an attacker can narrow to one value.

The numbers form a two-way table — service area × age band — with its margins: a total per
service area, a total per age band, and the grand total. Only the margins and the total are ever
published; the area × band interior never is (it gives an attacker the most equations), but it
is what the attacker solves for. Two steps decide what is hidden:

1. Linear: a margin under k is hidden (primary suppression); then, while a hidden margin, or an
   interior cell of 1..k−1, can be computed by adding and subtracting shown ones, one more margin
   is hidden beside it (complementary suppression), the smallest that helps.
2. The audit (`audit`, `protect`): linear algebra is not what an attacker is limited to. Counts
   are whole and never negative, and per item a cell's answer counts add up to its respondents;
   with those, a hidden cell can be pinned even when it is not a linear combination of shown
   ones (area A all in one age band makes A's other bands 0, which can leave one unknown in a
   band). The audit solves the attacker's integer program with HiGHS and hides one more margin
   while anything is pinned.

The attacker the audit encodes knows, for the round, every number any role's view publishes,
exactly: respondents and the sum of the answers per item (n × mean) of every shown margin; the
1–5 distribution of every shown service area (a rep's scope is any union of areas, and a scope
total shows its distribution) and of the shown total; and per service area how many were invited
(an upper bound on its respondents). The audit passes when:

(a) no hidden margin's respondents are pinned to one value;
(b) no interior cell's respondents are pinned to a value in 1..k−1;
(c) no unpublished cell is pinned to "everyone there answered s" on an item while it can hold
    anyone, unless a shown cell containing it is itself unanimous on that item.

Unanimity in a shown cell is group disclosure, and it is accepted: a shown cell holds at least k
people, and when all of them gave the same answer, each learns that the others did too. Every
peer (Glint, Qualtrics, Peakon) accepts that at its threshold. It is reduced here, not removed:
breakdown cells show means only (a mean of 1 or 5 is still unanimous), and a 1–5 distribution
is shown only for a scope total of at least max(k, PULSE_DISTRIBUTION_MIN), default 10.

Soundness: the true table is a whole-number solution, so it is a free witness. A check passes
when the witnesses found show two values (or "someone answered otherwise"); a check still open
gets one targeted MILP, which either proves the pin or adds a witness.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array, hstack, vstack

#: A cell of the table: (service area, age band); None for a margin. (None, None) is the total.
Cell = tuple[str | None, str | None]
TOTAL: Cell = (None, None)


@dataclass(frozen=True)
class Table:
    areas: tuple[str, ...]
    bands: tuple[str, ...]
    counts: Mapping[Cell, int]  # respondents in every cell, margins and total included

    @staticmethod
    def from_inner(inner: Mapping[tuple[str, str], int]) -> Table:
        """The table with margins, from respondents per service area × age band."""
        areas = tuple(sorted({a for a, _ in inner}))
        bands = tuple(sorted({b for _, b in inner}))
        counts: dict[Cell, int] = {}
        for area in areas:
            for band in bands:
                counts[(area, band)] = inner.get((area, band), 0)
        for area in areas:
            counts[(area, None)] = sum(counts[(area, b)] for b in bands)
        for band in bands:
            counts[(None, band)] = sum(counts[(a, band)] for a in areas)
        counts[TOTAL] = sum(counts[(a, None)] for a in areas)
        return Table(areas, bands, counts)

    def cells(self) -> list[Cell]:
        return list(self.counts)

    def groups(self) -> list[tuple[Cell, list[Cell]]]:
        """Every "total = sum of parts" relation in the table."""
        relations: list[tuple[Cell, list[Cell]]] = [
            ((area, None), [(area, b) for b in self.bands]) for area in self.areas
        ]
        relations += [((None, band), [(a, band) for a in self.areas]) for band in self.bands]
        relations.append((TOTAL, [(a, None) for a in self.areas]))
        relations.append((TOTAL, [(None, b) for b in self.bands]))
        return relations


def is_margin(cell: Cell) -> bool:
    """A service area's, an age band's or the organisation's total: what may be published."""
    return None in cell


def suppress(table: Table, k: int) -> frozenset[Cell]:
    """The cells to hide: the whole interior, every margin under k, and enough other margins
    that no hidden margin, and no interior cell of 1..k−1, can be computed."""
    hidden = {cell for cell, n in table.counts.items() if n < k or not is_margin(cell)}
    while True:
        exposed = sorted(
            (
                cell
                for cell in derivable_cells(table, hidden)
                if is_margin(cell) or 0 < table.counts[cell] < k
            ),
            key=_order,
        )
        # With every cell hidden, what is still "derivable" follows from the table's shape
        # alone (a round nobody answered: the total of no parts is 0) and tells nothing.
        if not exposed or hidden.issuperset(table.counts):
            return frozenset(hidden)
        hidden.add(_partner(table, hidden, exposed[0]))


#: The longest one integer program of the audit may take.
MILP_SECONDS = 2.0

#: Per cell and item, how many gave each answer on the scale (1..5): the table's other numbers.
Answers = Mapping[Cell, Mapping[str, Sequence[int]]]


def protect(
    table: Table,
    answers: Answers,
    k: int,
    distribution_min: int,
    invited: Mapping[str, int] | None = None,
) -> frozenset[Cell]:
    """The cells to hide: the linear suppression, then one more margin while the audit finds
    anything pinned (this ends: at the latest nothing is shown, and what is pinned then
    follows from the table's shape and the invited alone — a round nobody answered)."""
    hidden = set(suppress(table, k))
    # Hiding more only takes constraints away, so every witness found stays one.
    pool: list[np.ndarray] = []
    while not hidden.issuperset(table.counts) and (
        pinned := audit(table, answers, hidden, k, distribution_min, invited, pool)
    ):
        hidden.add(_cheapest_beside(table, hidden, pinned))
    return frozenset(hidden)


def distributions_known(table: Table, hidden: Iterable[Cell], k: int, minimum: int) -> set[Cell]:
    """The shown cells whose 1–5 distribution an attacker may know: every shown service area
    (a rep's scope is any union of areas, and a scope total of max(k, minimum) shows its
    distribution), and the organisation's total when it is that large."""
    hidden = set(hidden)
    known: set[Cell] = {(area, None) for area in table.areas if (area, None) not in hidden}
    if TOTAL not in hidden and table.counts[TOTAL] >= max(k, minimum):
        known.add(TOTAL)
    return known


def audit(
    table: Table,
    answers: Answers,
    hidden: Iterable[Cell],
    k: int,
    distribution_min: int,
    invited: Mapping[str, int] | None = None,
    pool: list[np.ndarray] | None = None,
) -> Cell | None:
    """The first cell the attacker can pin (criteria a–c of the module), or None. `pool`:
    witnesses from an audit of the same table with fewer cells hidden (added to)."""
    attack = _Attack(table, answers, frozenset(hidden), k, distribution_min, invited or {})
    return attack.run([] if pool is None else pool)


def _cheapest_beside(table: Table, hidden: set[Cell], pinned: Cell) -> Cell:
    """The shown margin with the fewest respondents in a relation with `pinned`; else any."""
    shown = [c for c in table.counts if c not in hidden]
    beside = {
        m for total, parts in table.groups() if pinned in (total, *parts) for m in (total, *parts)
    }
    return min(shown, key=lambda c: (c not in beside, table.counts[c], _order(c)))


class _Attack:
    """The attacker's integer program over every cell of the table, margins included.

    Variables, per cell: its respondents, then per item and answer s its count. Known numbers
    are fixed through the bounds (HiGHS presolve takes them out).
    """

    def __init__(
        self,
        table: Table,
        answers: Answers,
        hidden: frozenset[Cell],
        k: int,
        distribution_min: int,
        invited: Mapping[str, int],
    ) -> None:
        self.table, self.hidden, self.k = table, hidden, k
        self.cells = table.cells()
        self.index = {c: i for i, c in enumerate(self.cells)}
        self.items = sorted({item for cell in answers.values() for item in cell})
        self.levels = max((len(v) for cell in answers.values() for v in cell.values()), default=5)
        self.width = 1 + len(self.items) * self.levels
        known_distribution = distributions_known(table, hidden, k, distribution_min)
        truth = np.zeros(len(self.cells) * self.width)
        lower = np.zeros_like(truth)
        upper = np.full_like(truth, np.inf)
        rows: list[tuple[dict[int, float], float]] = []
        for cell in self.cells:
            base = self.index[cell] * self.width
            n = table.counts[cell]
            truth[base] = n
            if cell not in hidden:
                lower[base] = upper[base] = n
            elif cell[0] is not None and cell[1] is None and cell[0] in invited:
                upper[base] = max(invited[cell[0]], n)  # never below the truth
            for i, item in enumerate(self.items):
                counts = answers.get(cell, {}).get(item, (0,) * self.levels)
                first = self._var(cell, i, 0)
                truth[first : first + self.levels] = counts
                if cell in known_distribution:
                    lower[first : first + self.levels] = counts
                    upper[first : first + self.levels] = counts
                rows.append(({base: -1.0, **{first + s: 1.0 for s in range(self.levels)}}, 0.0))
                if cell not in hidden:
                    known = float(sum((s + 1) * c for s, c in enumerate(counts)))
                    rows.append(({first + s: float(s + 1) for s in range(self.levels)}, known))
        for total, parts in table.groups():
            for offset in range(self.width):
                row: dict[int, float] = {}
                for member, sign in ((total, -1.0), *((p, 1.0) for p in parts)):
                    at = self.index[member] * self.width + offset
                    row[at] = row.get(at, 0.0) + sign
                rows.append((row, 0.0))
        r = [i for i, (row, _) in enumerate(rows) for _ in row]
        c = [j for row, _ in rows for j in row]
        v = [x for row, _ in rows for x in row.values()]
        rhs = np.array([b for _, b in rows])
        self.matrix = coo_array((v, (r, c)), shape=(len(rows), len(truth))).tocsr()
        self.rhs = rhs
        self.lower, self.upper = lower, upper
        self.pool = [truth]
        self._per_item(answers, known_distribution)

    def _per_item(self, answers: Answers, known_distribution: set[Cell]) -> None:
        """One item's part of the program, for `_fill`: its counts per cell, with the
        respondents per cell as the right-hand side."""
        rows: list[dict[int, float]] = []
        for total, parts in self.table.groups():
            for s in range(self.levels):
                row: dict[int, float] = {}
                for member, sign in ((total, -1.0), *((p, 1.0) for p in parts)):
                    at = self.index[member] * self.levels + s
                    row[at] = row.get(at, 0.0) + sign
                rows.append(row)
        self.group_rows = len(rows)
        for cell in self.cells:
            rows.append({self.index[cell] * self.levels + s: 1.0 for s in range(self.levels)})
        shown = [c for c in self.cells if c not in self.hidden]
        for cell in shown:
            rows.append({self.index[cell] * self.levels + s: s + 1.0 for s in range(self.levels)})
        r = [i for i, row in enumerate(rows) for _ in row]
        c = [j for row in rows for j in row]
        v = [x for row in rows for x in row.values()]
        size = len(self.cells) * self.levels
        self.item_matrix = coo_array((v, (r, c)), shape=(len(rows), size)).tocsr()
        self.item_sums = [
            np.array(
                [
                    float(
                        sum((s + 1) * x for s, x in enumerate(answers.get(cell, {}).get(item, ())))
                    )
                    for cell in shown
                ]
            )
            for item in self.items
        ]
        self.item_lower, self.item_upper = [], []
        for item in self.items:
            lower = np.zeros(size)
            upper = np.full(size, np.inf)
            for cell in known_distribution:
                at = self.index[cell] * self.levels
                lower[at : at + self.levels] = upper[at : at + self.levels] = answers[cell][item]
            self.item_lower.append(lower)
            self.item_upper.append(upper)

    def _item_rows(self, i: int, n: Mapping[Cell, int]) -> tuple[csr_array, np.ndarray]:
        rhs = np.concatenate(
            [
                np.zeros(self.group_rows),
                np.array([float(n[c]) for c in self.cells]),
                self.item_sums[i],
            ]
        )
        return self.item_matrix, rhs

    def _var(self, cell: Cell, item: int, level: int) -> int:
        return self.index[cell] * self.width + 1 + item * self.levels + level

    def _n(self, cell: Cell) -> int:
        return self.index[cell] * self.width

    def run(self, pool: list[np.ndarray]) -> Cell | None:
        if not pool:
            pool.append(self.pool[0])
        self.pool = pool
        self._cheap_witnesses()
        pinned = self._respondents()
        return pinned if pinned is not None else self._unanimity()

    def _cheap_witnesses(self) -> None:
        """Witnesses without the whole program: move one respondent (or two, a rectangle) between
        interior cells so that no shown margin changes, and fill in each item's answers for those
        respondents with one small program per item — items are independent once the
        respondents per cell are set."""
        truth = self.pool[0]
        counts = {c: round(truth[self._n(c)]) for c in self.cells}
        open_cells = {
            c
            for c in self.hidden
            if (is_margin(c) or counts[c] < self.k)
            and all(round(w[self._n(c)]) == counts[c] for w in self.pool)
        }
        aimed = [(c, i, s) for c, i, s in self._unanimity_checks() if counts[c] >= 1]
        if aimed:
            at_truth = self._fill(counts, aimed, truth)
            if at_truth is not None:
                self.pool.append(at_truth)
        # Many moves at once, one per open cell (their sum keeps every shown margin too); a
        # round whose fill fails is retried move by move.
        for round_ in range(3):
            merged: dict[Cell, int] = {}
            chosen: list[dict[Cell, int]] = []
            for cell in sorted(open_cells, key=_order):
                if any(round(w[self._n(cell)]) != counts[cell] for w in self.pool):
                    continue
                for move in self._moves(cell, counts)[round_::3][:1]:
                    change = self._margins_of(move)
                    trial = {c: merged.get(c, 0) + change.get(c, 0) for c in {*merged, *change}}
                    if all(counts[c] + d >= 0 for c, d in trial.items()):
                        merged = trial
                        chosen.append(move)
            for changes in [[merged]] if merged else []:
                if not self._try(counts, changes[0]):
                    for move in chosen:
                        self._try(counts, self._margins_of(move))
        for cell in sorted(open_cells, key=_order):
            if all(round(w[self._n(cell)]) == counts[cell] for w in self.pool):
                for move in self._moves(cell, counts)[:8]:
                    if self._try(counts, self._margins_of(move)):
                        break
        # Answers aimed at what is still open, on respondents per cell already found feasible.
        checks = self._unanimity_checks()
        for witness in list(self.pool[1:]):
            checks = self._still_open(checks)
            n = {c: round(witness[self._n(c)]) for c in self.cells}
            aimed = [(c, i, s) for c, i, s in checks if n[c] >= 1]
            if aimed:
                found = self._fill(n, aimed, witness)
                if found is not None:
                    self.pool.append(found)

    def _try(self, counts: Mapping[Cell, int], change: Mapping[Cell, int]) -> bool:
        n = {c: counts[c] + change.get(c, 0) for c in self.cells}
        if any(n[(a, None)] > self.upper[self._n((a, None))] for a in self.table.areas):
            return False
        witness = self._fill(n, [(c, i, s) for c, i, s in self._unanimity_checks() if n[c] >= 1])
        if witness is not None:
            self.pool.append(witness)
        return witness is not None

    def _moves(self, cell: Cell, counts: Mapping[Cell, int]) -> list[dict[Cell, int]]:
        """Changes of the interior respondents that move `cell` and no shown margin: one
        respondent to another cell, or a rectangle of four."""
        areas, bands = self.table.areas, self.table.bands
        corners = [(a, b) for a in areas for b in bands] if is_margin(cell) else [cell]
        found: list[dict[Cell, int]] = []
        for corner in corners:
            a1, b1 = corner
            for sign in (1, -1):
                candidates: list[dict[Cell, int]] = [{corner: sign}]
                candidates += [
                    {corner: sign, q: -sign} for q in counts if not is_margin(q) and q != corner
                ]
                candidates += [
                    {corner: sign, (a1, b2): -sign, (a2, b1): -sign, (a2, b2): sign}
                    for a2 in areas
                    for b2 in bands
                    if a2 != a1 and b2 != b1
                ]
                found += [
                    move
                    for move in candidates
                    if all(counts[c] + d >= 0 for c, d in move.items())
                    and self._keeps_shown(move)
                    and (cell in move or self._margins_of(move).get(cell, 0))
                ]
        return found

    def _margins_of(self, move: Mapping[Cell, int]) -> dict[Cell, int]:
        change: dict[Cell, int] = dict(move)
        for (area, band), d in move.items():
            for margin in ((area, None), (None, band), TOTAL):
                change[margin] = change.get(margin, 0) + d
        return change

    def _keeps_shown(self, move: Mapping[Cell, int]) -> bool:
        return all(not d or c in self.hidden for c, d in self._margins_of(move).items())

    def _fill(
        self,
        n: Mapping[Cell, int],
        targets: Sequence[tuple[Cell, int, int]],
        base: np.ndarray | None = None,
    ) -> np.ndarray | None:
        """A whole witness with these respondents per cell, or None: per item, answers that
        keep every known number and let as many (cell, s) of `targets` as possible hold someone who did not answer s. Items without a target are copied from
        `base`, a witness with the same respondents per cell."""
        witness = np.zeros_like(self.pool[0]) if base is None else base.copy()
        for cell, value in n.items():
            witness[self._n(cell)] = value
        for i in range(len(self.items)):
            pairs = [(c, s) for c, item, s in targets if item == i]
            if not pairs and base is not None:
                continue
            matrix, rhs = self._item_rows(i, n)
            extra = len(pairs)
            size = len(self.cells) * self.levels
            r, cc, v = [], [], []
            for j, (cell, s) in enumerate(pairs):
                r += [j, j]
                cc += [size + j, self.index[cell] * self.levels + s]
                v += [1.0, 1.0]
            link = coo_array((v, (r, cc)), shape=(extra, size + extra))
            full = vstack([hstack([matrix, csr_array((matrix.shape[0], extra))]), link])
            y_high = np.array([float(n[c]) for c, _ in pairs])
            lower = np.concatenate([self.item_lower[i], np.zeros(extra)])
            upper = np.concatenate([self.item_upper[i], np.ones(extra)])
            result, _ = self._milp(
                np.concatenate([np.zeros(size), -np.ones(extra)]),
                full,
                np.concatenate([rhs, np.full(extra, -np.inf)]),
                np.concatenate([rhs, y_high]),
                lower,
                upper,
                integral=size,
            )
            if result is None:
                return None
            for cell in self.cells:
                first = self._var(cell, i, 0)
                at = self.index[cell] * self.levels
                witness[first : first + self.levels] = result[at : at + self.levels]
        return witness

    def _respondents(self) -> Cell | None:
        """(a) and (b): a witness with another value, else the cell is pinned."""
        for cell in sorted(self.hidden, key=_order):
            n = self.table.counts[cell]
            if not is_margin(cell) and not 0 < n < self.k:
                continue
            at = self._n(cell)
            if any(round(w[at]) != n for w in self.pool):
                continue
            if not any(self._solve(sign, {at: 1.0}, better=n) for sign in (-1.0, 1.0)):
                return cell
        return None

    def _solve(self, sign: float, objective: Mapping[int, float], better: float) -> bool:
        """Maximise (sign −1: minimise) the objective; True, with a witness kept, if it beats
        `better`. An unbounded maximum beats anything."""
        cost = np.zeros(self.matrix.shape[1])
        for at, weight in objective.items():
            cost[at] = -sign * weight
        result, proven = self._milp(cost, self.matrix, self.rhs, self.rhs, self.lower, self.upper)
        if result is None:
            return proven  # unbounded, or (not proven) nothing found in time
        self.pool.append(result[: self.matrix.shape[1]])
        value = sum(weight * result[at] for at, weight in objective.items())
        return bool(sign * (value - better) > 0.5)

    def _milp(
        self,
        cost: np.ndarray,
        matrix: object,
        low: np.ndarray,
        high: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
        integral: int | None = None,
    ) -> tuple[np.ndarray | None, bool]:
        """A whole-number solution (None: infeasible, unbounded, or none found in time) and
        whether it is proven optimal. The time limit keeps a view's cost bounded; a proof not
        reached counts as a pin, which only hides more."""
        integrality = np.ones(len(cost))
        if integral is not None:
            integrality[integral:] = 0
        result = milp(
            cost,
            integrality=integrality,
            bounds=Bounds(lower, upper),
            constraints=LinearConstraint(matrix, low, high),
            options={"time_limit": MILP_SECONDS},
        )
        if result.x is None or result.status not in (0, 1):
            return None, result.status in (3, 4)  # the true table is feasible: unbounded
        return np.round(np.asarray(result.x, dtype=float)), result.status == 0

    def _unanimity(self) -> Cell | None:
        """(c): for each unpublished cell, item and answer s, a witness in which someone there
        answered otherwise — found many at a time: maximise how many open checks get one."""
        checks = self._unanimity_checks()
        while True:
            checks = self._still_open(checks)
            if not checks:
                return None
            if not self._more_witnesses(checks):
                break
        # No solution lets anyone in these cells answer otherwise: pinned if they can hold anyone.
        for cell, *_ in checks:
            at = self._n(cell)
            if any(w[at] >= 1 for w in self.pool) or not self._always_empty(at):
                return cell
        return None

    def _always_empty(self, at: int) -> bool:
        """Proven: no solution puts anyone in the cell whose respondents are variable `at`."""
        cost = np.zeros(self.matrix.shape[1])
        cost[at] = -1.0
        result, proven = self._milp(cost, self.matrix, self.rhs, self.rhs, self.lower, self.upper)
        return result is not None and proven and result[at] < 0.5

    def _unanimity_checks(self) -> list[tuple[Cell, int, int]]:
        """(cell, item, s) for every unpublished cell, unless a shown cell holding it is
        unanimous on s (group disclosure, accepted), and not yet met by a witness."""
        shown_unanimous = {
            (cell, i, s)
            for cell in self.cells
            if cell not in self.hidden
            for i in range(len(self.items))
            for s in range(self.levels)
            if self.table.counts[cell] > 0
            and self.pool[0][self._var(cell, i, s)] == self.table.counts[cell]
        }
        checks = [
            (cell, i, s)
            for cell in sorted(self.hidden, key=_order)
            for i in range(len(self.items))
            for s in range(self.levels)
            if not any((c, i, s) in shown_unanimous for c in _containing(cell))
        ]
        return self._still_open(checks)

    def _still_open(self, checks: Iterable[tuple[Cell, int, int]]) -> list[tuple[Cell, int, int]]:
        return [
            (cell, i, s)
            for cell, i, s in checks
            if not any(w[self._n(cell)] - w[self._var(cell, i, s)] >= 1 for w in self.pool)
        ]

    def _more_witnesses(self, checks: Sequence[tuple[Cell, int, int]]) -> bool:
        """One MILP: y_j ≤ 1, y_j ≤ n − count for each check; maximise Σ y_j. False when no
        check can be met (the optimum is 0)."""
        size = self.matrix.shape[1]
        extra = len(checks)
        r, c, v = [], [], []
        for j, (cell, i, s) in enumerate(checks):
            r += [j, j, j]
            c += [size + j, self._n(cell), self._var(cell, i, s)]
            v += [1.0, -1.0, 1.0]
        link = coo_array((v, (r, c)), shape=(extra, size + extra))
        matrix = vstack([hstack([self.matrix, csr_array((self.matrix.shape[0], extra))]), link])
        low = np.concatenate([self.rhs, np.full(extra, -np.inf)])
        high = np.concatenate([self.rhs, np.zeros(extra)])
        lower = np.concatenate([self.lower, np.zeros(extra)])
        upper = np.concatenate([self.upper, np.ones(extra)])
        cost = np.concatenate([np.zeros(size), -np.ones(extra)])
        result, _ = self._milp(cost, matrix, low, high, lower, upper, integral=size)
        if result is None:
            return False
        self.pool.append(result[:size])
        return bool(result[size:].sum() > 0.5)


def _containing(cell: Cell) -> list[Cell]:
    """The cell and every margin that holds it."""
    area, band = cell
    if area is not None and band is not None:
        return [cell, (area, None), (None, band), TOTAL]
    return [cell, TOTAL]


def derivable(table: Table, hidden: Iterable[Cell], cell: Cell) -> bool:
    """Whether `cell` follows from the shown cells by adding and subtracting."""
    hidden = set(hidden)
    return cell not in hidden or cell in derivable_cells(table, hidden)


def derivable_cells(table: Table, hidden: set[Cell]) -> set[Cell]:
    """The hidden cells that follow from the shown ones by adding and subtracting.

    The hidden cells are the unknowns of the table's relations. An unknown is determined
    exactly when its unit vector lies in the span of the relations; in their reduced row
    echelon form, that is a pivot whose row has no other unknown in it. One elimination
    answers for every hidden cell at once.
    """
    unknowns = sorted(hidden, key=_order)
    index = {c: i for i, c in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for total, parts in table.groups():
        row = [Fraction(0)] * len(unknowns)
        for member, sign in ((total, -1), *((p, 1) for p in parts)):
            if member in index:
                row[index[member]] += sign
        if any(row):
            rows.append(row)
    return {unknowns[column] for column in _lone_pivots(rows, len(unknowns))}


def _partner(table: Table, hidden: set[Cell], exposed: Cell) -> Cell:
    """The shown cell to hide so that `exposed` can no longer be computed.

    Cheapest first: in a relation of two parts that holds `exposed`, its total (the shown part
    stays readable, and hiding it instead would hide the larger half); then the parts of such
    relations, fewest respondents first; then any other cell. The first that protects `exposed`
    is taken; if none does alone, the cheapest, and the next round continues from there.
    """
    ranked: list[tuple[int, tuple[str, str], Cell]] = []
    for total, parts in table.groups():
        if exposed != total and exposed not in parts:
            continue
        if total not in hidden:
            ranked.append((0 if len(parts) <= 2 else 10**6, _order(total), total))
        ranked += [(1 + table.counts[p], _order(p), p) for p in parts if p not in hidden]
    nearby = {cell for *_, cell in ranked}
    ranked += [
        (10**7 + n, _order(c), c)
        for c, n in table.counts.items()
        if c not in hidden and c not in nearby
    ]
    ranked.sort()
    if ranked and ranked[0][0] == 0:
        return ranked[0][2]  # a two-part total: the next round hides more if this is not enough
    for *_, cell in ranked:
        if not derivable(table, hidden | {cell}, exposed):
            return cell
    return ranked[0][2]


def _order(cell: Cell) -> tuple[str, str]:
    return (cell[0] or "", cell[1] or "")


def _lone_pivots(rows: Sequence[Sequence[Fraction]], width: int) -> list[int]:
    """Columns whose pivot row in the reduced row echelon form has no other entry."""
    matrix = [list(row) for row in rows]
    pivots: list[tuple[int, int]] = []  # (row, column)
    rank = 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][column]
        matrix[rank] = [x / lead for x in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [x - factor * y for x, y in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append((rank, column))
        rank += 1
    return [
        column
        for row, column in pivots
        if all(value == 0 for c, value in enumerate(matrix[row]) if c != column)
    ]
