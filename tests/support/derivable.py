"""Which hidden cells of a table an attacker could compute, written apart from the code.

domain/anonymity.py calls a hidden cell derivable when its unit vector is in the span of the
table's relations; here it is derivable when no integer change of the hidden cells that keeps
every relation true can move it (a null-space search), which is the attacker's view: any other
consistent filling is indistinguishable.
"""

from __future__ import annotations

from fractions import Fraction

from domain.anonymity import Cell, Table


def null_space(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of {x : rows·x = 0}, by reduced row echelon form."""
    matrix = [list(r) for r in rows]
    pivots: list[int] = []
    r = 0
    for c in range(width):
        p = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if p is None:
            continue
        matrix[r], matrix[p] = matrix[p], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [x / lead for x in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                f = matrix[i][c]
                matrix[i] = [x - f * y for x, y in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for row, pivot in zip(matrix, pivots, strict=False):
            vector[pivot] = -row[free]
        basis.append(vector)
    return basis


def movable(table: Table, hidden: frozenset[Cell]) -> set[Cell]:
    """Hidden cells some consistent change of the hidden values moves: not derivable."""
    unknowns = sorted(hidden, key=lambda c: (c[0] or "", c[1] or ""))
    index = {c: i for i, c in enumerate(unknowns)}
    rows = []
    for total, parts in table.groups():
        row = [Fraction(0)] * len(unknowns)
        for member, sign in ((total, -1), *((p, 1) for p in parts)):
            if member in index:
                row[index[member]] += sign
        if any(row):
            rows.append(row)
    basis = null_space(rows, len(unknowns))
    return {c for c in unknowns if any(v[index[c]] != 0 for v in basis)}
