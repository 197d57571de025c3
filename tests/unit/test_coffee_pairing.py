"""Kaffeprat's pairing rules (domain/coffee.py): everyone due in one group, pairs and at most
one group of three, never against a hard rule, and the preferences where they can be met."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from domain.coffee import (
    Meeting,
    Participant,
    Width,
    compatible,
    cross_unit_bound,
    pair,
    pairing_week,
    suggested_day,
)


def people(n: int, units: int = 1, width: Width = Width.ALL, area: str = "A") -> list[Participant]:
    return [Participant(f"p{i:03d}", area, f"U{i % units}", width) for i in range(n)]


def grouped(groups: tuple[tuple[str, ...], ...]) -> Counter[str]:
    return Counter(u for g in groups for u in g)


def test_an_odd_number_makes_exactly_one_group_of_three_and_everyone_is_in_one_group() -> None:
    for n in (3, 5, 11, 51):
        pairing = pair(people(n, units=3), {}, "r1")
        sizes = [len(g) for g in pairing.groups]
        assert sizes.count(3) == 1 and sizes.count(2) == (n - 3) // 2
        assert grouped(pairing.groups) == {p.user_id: 1 for p in people(n)}
        assert pairing.unpaired == ()


def test_an_even_number_makes_pairs_only() -> None:
    pairing = pair(people(20, units=4), {}, "r1")
    assert {len(g) for g in pairing.groups} == {2}
    assert len(pairing.groups) == 10


def test_not_with_holds_even_when_it_leaves_someone_out() -> None:
    a, b = people(2)
    pairing = pair([a, Participant(b.user_id, "A", "U0", not_with=frozenset({a.user_id}))], {}, "r")
    assert pairing.groups == () and set(pairing.unpaired) == {a.user_id, b.user_id}
    # Either side's wish is enough, and with others there everyone else gets a partner.
    crowd = people(10)
    wish = Participant(
        crowd[0].user_id, "A", "U0", not_with=frozenset(p.user_id for p in crowd[1:5])
    )
    groups = pair([wish, *crowd[1:]], {}, "r").groups
    (mine,) = [g for g in groups if wish.user_id in g]
    assert not set(mine) & {p.user_id for p in crowd[1:5]}


def test_nobody_is_paired_with_someone_they_met_recently() -> None:
    crowd = people(4)
    ids = [p.user_id for p in crowd]
    met = {ids[0]: frozenset({ids[1], ids[2]})}
    groups = set(pair(crowd, met, "r").groups)
    assert groups == {(ids[0], ids[3]), (ids[1], ids[2])}


def test_widths_are_hard_and_other_units_are_preferred() -> None:
    in_unit = [Participant(f"u{i}", "A", f"U{i % 2}", Width.UNIT) for i in range(8)]
    for g in pair(in_unit, {}, "r").groups:
        assert len({f"U{int(u[1:]) % 2}" for u in g}) == 1
    # Two areas, people who meet within their area: never across; within it, across units.
    by_area = [Participant(f"a{i}", f"A{i % 2}", f"U{(i // 2) % 2}", Width.AREA) for i in range(16)]
    known = {p.user_id: p for p in by_area}
    pairing = pair(by_area, {}, "r")
    for g in pairing.groups:
        assert len({known[u].area for u in g}) == 1
    assert pairing.cross_unit(known) == len(pairing.groups) == cross_unit_bound(by_area)


def test_at_the_office_prefers_a_shared_office_day_and_suggests_it() -> None:
    monday = frozenset({"mon"})
    tuesday = frozenset({"tue"})
    crowd = [
        Participant("a", "A", "U", Width.ALL, Meeting.OFFICE, monday),
        Participant("b", "A", "U", Width.ALL, Meeting.OFFICE, tuesday),
        Participant("c", "A", "U", Width.ALL, Meeting.OFFICE, monday),
        Participant("d", "A", "U", Width.ALL, Meeting.OFFICE, tuesday),
    ]
    assert set(pair(crowd, {}, "r").groups) == {("a", "c"), ("b", "d")}
    assert suggested_day("r", [crowd[0], crowd[2]]) == ("mon", True)
    # Someone who meets by call, or whose days are not known, makes it a call on some workday.
    day, at_office = suggested_day("r", [crowd[0], Participant("e", "A", "U")])
    assert not at_office and day in ("mon", "tue", "wed", "thu", "fri")


def test_the_same_round_pairs_the_same_way() -> None:
    crowd = people(40, units=5)
    assert pair(crowd, {}, "k20261207") == pair(list(reversed(crowd)), {}, "k20261207")


def test_large_numbers_are_paired_in_blocks_without_breaking_a_rule() -> None:
    crowd = [
        Participant(
            f"p{i:04d}", f"A{i % 3}", f"U{i % 11}", (Width.UNIT, Width.AREA, Width.ALL)[i % 3]
        )
        for i in range(602)
    ]
    by_id = {p.user_id: p for p in crowd}
    pairing = pair(crowd, {}, "r", block=100)
    assert max(grouped(pairing.groups).values()) == 1
    for g in pairing.groups:
        assert all(compatible(by_id[a], by_id[b], {}) for a in g for b in g if a != b)
    assert pairing.unpaired == ()
    # Everyone in service area A0 meets only their unit: each of its odd units makes a group of
    # three of its own, and the rest of the organisation one if it is odd.
    only_unit = Counter(p.unit for p in crowd if p.width is Width.UNIT)
    rest = len(crowd) - sum(only_unit.values())
    odd = sum(n % 2 for n in only_unit.values()) + rest % 2
    assert odd and sum(len(g) == 3 for g in pairing.groups) == odd
    assert pairing.cross_unit(by_id) >= 0.9 * cross_unit_bound(crowd)


def test_a_pairing_on_monday_suggests_this_week_and_later_in_the_week_the_next() -> None:
    monday = date(2026, 11, 30)
    assert pairing_week(monday) == monday
    for later in range(1, 7):
        assert pairing_week(monday + timedelta(days=later)) == date(2026, 12, 7)
