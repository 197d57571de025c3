"""An attacker on the safety reps' ergonomics picture, written apart from
domain/ergonomics_picture.py: it reads every view the bot published, period by period, and
solves its own integer program for one person's risk or BHT request.

What it knows: k; every period's views (each area's numbers, "–" where hidden); and which
agreements each area had in each period, with their versions — a leader, or a rep who hears of
approvals, may know that much. It does not take the bot's word for which period's agreements an
area's numbers count: each shown row may be any of the area's periods up to then with that many
assessed, and the program chooses.

Unknowns: x[a] and y[a] in {0, 1}, the risk and the BHT request of agreement a (a person and a
version), with y ≤ x (BHT is offered for a risk). A hidden count is outside [k, assessed − k],
the rule that hides it; a BHT count is hidden with the risk's too, and then says nothing. A
person's risk or request is learnt when every solution gives it the same value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

Agreement = tuple[str, int]  # person, version
Members = frozenset[Agreement]


@dataclass(frozen=True)
class Row:
    """What one view showed for one area one month: None is "–"."""

    assessed: int | None
    risk: int | None
    bht: int | None


@dataclass
class ErgonomicsAttacker:
    k: int
    # area -> its agreements, period by period (the attacker's outside knowledge)
    members: Mapping[str, Sequence[Members]]
    # (period, area) -> the row every view showed (the views agree; the test checks it)
    rows: dict[tuple[int, str], Row] = field(default_factory=dict)

    def learns(self, truth: Mapping[Agreement, tuple[bool, bool]]) -> list[tuple[Agreement, str]]:
        """The agreements whose risk ("risk") or request ("bht") every solution agrees on."""
        if not truth:
            return []
        program = _Program(self, sorted(truth))
        true = program.vector(truth)
        assert program.feasible_with(true), "the published numbers are not the raw counts"
        open_ = set(program.unknowns())
        while open_:
            # One solution that differs from the truth in as many open unknowns as it can.
            flipped = program.flip_most(true, open_)
            if not flipped:
                break
            open_ -= flipped
        return sorted(program.describe(i) for i in open_)


class _Program:
    def __init__(self, attacker: ErgonomicsAttacker, agreements: list[Agreement]) -> None:
        self.agreements = agreements
        self.index = {a: i for i, a in enumerate(agreements)}
        n = len(agreements)
        self.size = 2 * n  # x then y
        rows: list[tuple[dict[int, float], float, float]] = []
        integrality = [1] * self.size
        lower, upper = [0.0] * self.size, [1.0] * self.size
        big = float(n + 1)

        def new_binary() -> int:
            integrality.append(1)
            lower.append(0.0)
            upper.append(1.0)
            self.size += 1
            return self.size - 1

        for i in range(n):
            rows.append(({n + i: 1.0, i: -1.0}, -np.inf, 0.0))  # y ≤ x
        k = attacker.k
        for (month, area), row in attacker.rows.items():
            if row.assessed is None:
                continue  # a hidden area: nothing about its risks
            candidates = [
                m for m in attacker.members[area][: month + 1] if len(m) == row.assessed and m
            ]
            assert candidates, "a shown count that no month's agreements give"
            chosen = [new_binary() for _ in candidates]
            rows.append(({z: 1.0 for z in chosen}, 1.0, 1.0))
            for z, members in zip(chosen, candidates, strict=True):
                for offset, count in ((0, row.risk), (n, row.bht)):
                    terms = {offset + self.index[a]: 1.0 for a in members}
                    size = len(members)
                    if count is None and offset == n and row.risk is None:
                        continue  # BHT is hidden with the risk, whatever its count
                    if count is not None:
                        # chosen: sum = count
                        rows.append(({**terms, z: big}, -np.inf, count + big))
                        rows.append(({**terms, z: -big}, count - big, np.inf))
                    else:
                        # chosen: sum ≤ k − 1 or sum ≥ size − k + 1 (the rule that hid it)
                        w = new_binary()
                        rows.append(({**terms, z: big, w: -big}, -np.inf, k - 1 + big))
                        rows.append(({**terms, z: -big, w: -big}, size - k + 1 - 2 * big, np.inf))
        self.integrality = np.array(integrality)
        self.bounds = Bounds(np.array(lower), np.array(upper))
        matrix = lil_array((len(rows), self.size))
        low, high = np.empty(len(rows)), np.empty(len(rows))
        for r, (terms, lo, hi) in enumerate(rows):
            for column, value in terms.items():
                matrix[r, column] = value
            low[r], high[r] = lo, hi
        self.constraints = LinearConstraint(matrix.tocsr(), low, high)

    def unknowns(self) -> range:
        return range(2 * len(self.agreements))

    def vector(self, truth: Mapping[Agreement, tuple[bool, bool]]) -> np.ndarray:
        n = len(self.agreements)
        values = np.zeros(2 * n)
        for a, (risk, bht) in truth.items():
            values[self.index[a]], values[n + self.index[a]] = risk, bht
        return values

    def _solve(self, objective: np.ndarray, fixed: Mapping[int, float]) -> np.ndarray | None:
        lower, upper = self.bounds.lb.copy(), self.bounds.ub.copy()
        for i, v in fixed.items():
            lower[i] = upper[i] = v
        result = milp(
            objective,
            constraints=self.constraints,
            integrality=self.integrality,
            bounds=Bounds(lower, upper),
        )
        return None if result.x is None else np.asarray(result.x)

    def feasible_with(self, true: np.ndarray) -> bool:
        fixed = {i: float(v) for i, v in enumerate(true)}
        return self._solve(np.zeros(self.size), fixed) is not None

    def flip_most(self, true: np.ndarray, open_: set[int]) -> set[int]:
        objective = np.zeros(self.size)
        for i in open_:
            objective[i] = 1.0 if true[i] else -1.0  # minimise: away from the truth
        solution = self._solve(objective, {})
        assert solution is not None
        return {i for i in open_ if round(solution[i]) != round(true[i])}

    def describe(self, i: int) -> tuple[Agreement, str]:
        n = len(self.agreements)
        return (self.agreements[i % n], "risk" if i < n else "bht")
