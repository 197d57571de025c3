"""The anonymity rule as properties: for random organisations and answers, every shown cell has
at least k respondents, no hidden number follows from the shown ones, and the shown means are the
means of the raw answers.

The derivability check here is written independently of domain/anonymity.py's: there a hidden
cell is derivable when its unit vector is in the span of the table's relations; here, when no
integer change of the hidden cells that keeps every relation true can move it (a null-space
search), which is the attacker's view — any other consistent filling is indistinguishable.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.anonymity import TOTAL, Cell, Table, suppress
from domain.pulse import Scope, fine_deltas, protected, view

ITEMS = ("stress", "social")


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


organisations = st.tuples(
    st.integers(1, 4),  # service areas
    st.integers(1, 5),  # age bands
    st.integers(3, 7),  # k
).flatmap(
    lambda shape: st.tuples(
        st.just(shape),
        st.lists(st.integers(0, 14), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]),
        st.integers(0, 2**32),
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations)
def test_shown_cells_have_k_and_hidden_ones_cannot_be_computed(case) -> None:  # type: ignore[no-untyped-def]
    (areas, bands, k), counts, _ = case
    inner = {
        (f"area{a}", f"band{b}"): counts[a * bands + b]
        for a, b in itertools.product(range(areas), range(bands))
    }
    table = Table.from_inner(inner)
    hidden = suppress(table, k)
    assert all(n >= k and None in cell for cell, n in table.counts.items() if cell not in hidden)
    # No hidden margin, and no interior cell of 1..k−1 (the interior is never shown), follows.
    fixed = set(hidden) - movable(table, hidden)
    assert all(None not in cell and not 0 < table.counts[cell] < k for cell in fixed)


@settings(max_examples=150, deadline=None)
@given(organisations)
def test_shown_means_are_the_raw_answers_means(case) -> None:  # type: ignore[no-untyped-def]
    (areas, bands, k), counts, seed = case
    rng = random.Random(seed)
    answers: dict[tuple[str, str], list[dict[str, int]]] = {}
    fine: dict[tuple[str, str], dict[str, int]] = {}
    for a, b in itertools.product(range(areas), range(bands)):
        cell = (f"area{a}", f"band{b}")
        answers[cell] = [
            {item: rng.randint(1, 5) for item in ITEMS} for _ in range(counts[a * bands + b])
        ]
        counter: dict[str, int] = {}
        for one in answers[cell]:
            for key, delta in fine_deltas(one).items():
                counter[key] = counter.get(key, 0) + delta
        fine[cell] = counter
    shown = view("r", protected(fine, ITEMS, k, 10), Scope(None), invited=1000)

    def raw_mean(cells: list[tuple[str, str]], item: str) -> float:
        values = [one[item] for cell in cells for one in answers[cell]]
        return sum(values) / len(values)

    for band, stats in shown.by_band.items():
        if stats is not None:
            assert stats.n >= k
            cells = [c for c in answers if c[1] == band]
            for item in ITEMS:
                assert abs(stats.mean(item) - raw_mean(cells, item)) < 1e-9  # type: ignore[operator]
    for area, stats in shown.by_area.items():
        if stats is not None:
            cells = [c for c in answers if c[0] == area]
            assert abs(stats.mean("stress") - raw_mean(cells, "stress")) < 1e-9  # type: ignore[operator]
    if shown.scope_total is not None:
        assert abs(shown.scope_total.mean("social") - raw_mean(list(answers), "social")) < 1e-9  # type: ignore[operator]


def test_twelve_and_three_the_three_are_hidden_and_not_recoverable_from_the_total() -> None:
    fine = {}
    for area, n, stress in (("Oppvekst", 12, 4), ("Kultur", 3, 2)):
        counter: dict[str, int] = {}
        for _ in range(n):
            for key, delta in fine_deltas({"stress": stress, "social": 3}).items():
                counter[key] = counter.get(key, 0) + delta
        fine[(area, "none")] = counter
    shown = view("r", protected(fine, ITEMS, 5, 10), Scope(None), invited=20)
    assert shown.by_area["Kultur"] is None
    oppvekst = shown.by_area["Oppvekst"]
    assert oppvekst is not None and oppvekst.n == 12 and oppvekst.mean("stress") == 4.0
    # With Oppvekst shown, the total would give Kultur away: it is hidden too.
    assert shown.scope_total is None and shown.response_rate is None
    table = Table.from_inner({cell: int(c["n"]) for cell, c in fine.items()})
    assert ("Kultur", None) in movable(table, suppress(table, 5))


def test_a_rep_sees_only_the_scope_and_nothing_the_organisation_view_hides() -> None:
    rng = random.Random(7)
    fine = {}
    for area, band in itertools.product(("A", "B", "C"), ("-30", "31-40", "41-50")):
        counter: dict[str, int] = {}
        for _ in range(rng.randint(0, 9)):
            for key, delta in fine_deltas({"stress": rng.randint(1, 5), "social": 3}).items():
                counter[key] = counter.get(key, 0) + delta
        fine[(area, band)] = counter
    admin = view("r", protected(fine, ITEMS, 5, 10), Scope(None), invited=100)
    rep = view("r", protected(fine, ITEMS, 5, 10), Scope(frozenset({"A", "B"})), invited=60)
    assert set(rep.by_area) == {"A", "B"} and rep.by_band == {}
    for area, stats in rep.by_area.items():
        assert (stats is None) == (admin.by_area[area] is None)
    if rep.scope_total is not None:
        assert None not in (admin.by_area["A"], admin.by_area["B"])


def test_one_small_group_hides_all_its_margins() -> None:
    table = Table.from_inner({("A", "x"): 4})
    assert suppress(table, 5) == frozenset(table.counts)
    assert TOTAL in suppress(table, 5)
