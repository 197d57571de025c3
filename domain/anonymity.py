"""Which cells of an aggregate may be shown (DESIGN 2): at least k respondents, and no hidden
cell computable from the ones shown.

The numbers form a two-way table — service area × age band — with its margins: a total per
service area, a total per age band, and the grand total. Every number a view shows (respondents,
and per item the count of each answer) adds up the same way, so one pattern of hidden cells
protects them all. A cell under k is hidden (primary suppression); then, while any hidden cell
can still be computed by adding and subtracting shown ones, one more cell is hidden beside it
(complementary suppression), the smallest that helps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

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


def suppress(table: Table, k: int) -> frozenset[Cell]:
    """The cells to hide: every cell under k, and enough others that none can be computed."""
    hidden = {cell for cell, n in table.counts.items() if n < k}
    while True:
        exposed = sorted(derivable_cells(table, hidden), key=_order)
        if not exposed:
            return frozenset(hidden)
        hidden.add(_partner(table, hidden, exposed[0]))


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
