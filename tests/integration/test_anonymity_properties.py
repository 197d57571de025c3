"""The anonymity rule as properties: for random organisations and answers, every shown cell has
at least k respondents, no hidden number follows from the shown ones (tests/support/derivable.py,
the attacker's view), and the shown means are the means of the raw answers.

Hundreds of random organisations take seconds of CPU: this is the slow layer's, the worked
examples are in tests/unit/test_anonymity.py.
"""

from __future__ import annotations

import itertools
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.anonymity import Table, suppress
from domain.pulse import Scope, fine_deltas, protected, view
from tests.support.derivable import movable

ITEMS = ("stress", "social")
#: (service areas, age bands, k), a count per interior cell, a seed for the answers.
Organisation = tuple[tuple[int, int, int], list[int], int]


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
def test_shown_cells_have_k_and_hidden_ones_cannot_be_computed(case: Organisation) -> None:
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
def test_shown_means_are_the_raw_answers_means(case: Organisation) -> None:
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
                shown_mean = stats.mean(item)
                assert shown_mean is not None and abs(shown_mean - raw_mean(cells, item)) < 1e-9
    for area, stats in shown.by_area.items():
        if stats is not None:
            cells = [c for c in answers if c[0] == area]
            shown_mean = stats.mean("stress")
            assert shown_mean is not None and abs(shown_mean - raw_mean(cells, "stress")) < 1e-9
    if shown.scope_total is not None:
        shown_mean = shown.scope_total.mean("social")
        assert shown_mean is not None
        assert abs(shown_mean - raw_mean(list(answers), "social")) < 1e-9
