"""The anonymity rule on worked examples: a small group is hidden with every margin that would
give it away, and a rep's view hides at least what the organisation's view hides.

The same rule as properties over random organisations: tests/integration/test_anonymity_properties.py.
"""

from __future__ import annotations

import itertools
import random

from domain.anonymity import TOTAL, Table, suppress
from domain.pulse import Scope, fine_deltas, protected, view
from tests.support.derivable import movable

ITEMS = ("stress", "social")


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
