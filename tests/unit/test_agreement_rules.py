"""The agreement's rules: days, ergonomics, equipment (docs/product.md#home-office-agreement)."""

from __future__ import annotations

import pytest

from domain.agreement import (
    Amounts,
    EquipmentRequest,
    Extent,
    Mode,
    Package,
    Place,
    Workplace,
    allowed_days,
    assess_workplace,
    check_equipment,
    check_extent,
)
from domain.refusals import Refusal


@pytest.mark.parametrize("days", [0, 1, 2])
def test_up_to_two_days_is_agreed_without_a_flag(days: int) -> None:
    decision = check_extent(Extent(days))
    assert decision.ok and not decision.flagged_for_leader


def test_three_days_needs_a_reason_which_the_leader_sees_flagged() -> None:
    assert check_extent(Extent(3)).errors == [Refusal.EXTENT_REASON_NEEDED]
    assert check_extent(Extent(3, reason="   ")).errors == [Refusal.EXTENT_REASON_NEEDED]
    with_reason = check_extent(Extent(3, reason="Langvarig konsentrasjonsarbeid"))
    assert with_reason.ok and with_reason.flagged_for_leader


@pytest.mark.parametrize("days", [4, 5])
def test_more_than_three_is_never_agreed_in_the_ordinary_mode(days: int) -> None:
    assert Refusal.EXTENT_TOO_MANY in check_extent(Extent(days, reason="any")).errors


def test_an_ordered_situation_allows_every_workday_without_a_flag() -> None:
    decision = check_extent(Extent(5), Mode.ORDERED)
    assert decision.ok and not decision.flagged_for_leader


def test_fixed_days_must_be_workdays_and_match_the_number() -> None:
    assert check_extent(Extent(2, fixed_days=("mon", "thu"))).ok
    assert check_extent(Extent(2, fixed_days=("mon",))).errors == [Refusal.EXTENT_DAYS_MISMATCH]
    assert check_extent(Extent(2, fixed_days=("mon", "mon"))).errors == [
        Refusal.EXTENT_DAYS_MISMATCH
    ]
    assert check_extent(Extent(1, fixed_days=("sun",))).errors == [Refusal.EXTENT_UNKNOWN_DAY]
    assert check_extent(Extent(-1)).errors == [Refusal.EXTENT_INVALID]
    assert check_extent(Extent(6), Mode.ORDERED).errors == [Refusal.EXTENT_INVALID]


def test_a_full_workplace_is_no_risk() -> None:
    everything = frozenset(
        {"desk", "office_chair", "forearm_support", "external_screen", "keyboard", "mouse", "light"}
    )
    result = assess_workplace(Workplace(Place.OWN_ROOM, everything), extent_days=2)
    assert not result.risk and result.advice == () and not result.offer_occupational_health


def test_no_chair_or_discomfort_is_a_risk_with_advice_and_an_offer_of_bht() -> None:
    no_chair = assess_workplace(Workplace(Place.FIXED_PLACE, frozenset({"desk"})), 2)
    assert no_chair.risk and no_chair.offer_occupational_health
    assert "ergonomics.get.office_chair" in no_chair.advice
    sore = assess_workplace(
        Workplace(Place.OWN_ROOM, frozenset({"desk", "office_chair"}), frozenset({"neck"})), 1
    )
    assert sore.risk and "ergonomics.discomfort.neck" in sore.advice
    # Lacking only extras is advice, not a risk.
    basics = assess_workplace(Workplace(Place.OWN_ROOM, frozenset({"desk", "office_chair"})), 2)
    assert not basics.risk and "ergonomics.get.external_screen" in basics.advice


def test_no_fixed_place_is_a_risk_only_for_a_regular_arrangement() -> None:
    kit = frozenset({"desk", "office_chair"})
    assert assess_workplace(Workplace(Place.NO_FIXED_PLACE, kit), extent_days=2).risk
    assert not assess_workplace(Workplace(Place.NO_FIXED_PLACE, kit), extent_days=0).risk


def test_standard_package_within_the_amounts_for_a_regular_arrangement() -> None:
    ok = check_equipment(EquipmentRequest(Package.STANDARD, 3_000, 5_000), 2, Mode.ORDINARY)
    assert ok.ok and not ok.leader_orders
    over = check_equipment(EquipmentRequest(Package.STANDARD, 3_001, 5_001), 2, Mode.ORDINARY)
    assert over.errors == [Refusal.EQUIPMENT_IT_OVER_LIMIT, Refusal.EQUIPMENT_FURNITURE_OVER_LIMIT]
    richer = Amounts(it=4_000, furniture=6_000)  # the amounts are settings
    assert check_equipment(
        EquipmentRequest(Package.STANDARD, 3_500, 5_500), 2, Mode.ORDINARY, richer
    ).ok
    occasional = check_equipment(EquipmentRequest(Package.STANDARD), 0, Mode.ORDINARY)
    assert occasional.errors == [Refusal.EQUIPMENT_STANDARD_NEEDS_REGULAR_DAYS]


def test_special_needs_go_to_the_leader_to_order() -> None:
    decision = check_equipment(EquipmentRequest(Package.SPECIAL, 12_000, 9_000), 2, Mode.ORDINARY)
    assert decision.ok and decision.leader_orders


def test_temporary_home_loan_only_in_an_ordered_situation() -> None:
    loan = EquipmentRequest(Package.TEMPORARY)
    assert check_equipment(loan, 5, Mode.ORDERED).ok
    assert check_equipment(loan, 2, Mode.ORDINARY).errors == [
        Refusal.EQUIPMENT_TEMPORARY_ONLY_WHEN_ORDERED
    ]


def test_the_basic_package_is_the_laptop_alone() -> None:
    assert check_equipment(EquipmentRequest(Package.BASIC), 0, Mode.ORDINARY).ok
    assert check_equipment(EquipmentRequest(Package.BASIC, 0, 2_000), 1, Mode.ORDINARY).errors == [
        Refusal.EQUIPMENT_BASIC_HAS_NO_LOAN
    ]
    assert check_equipment(EquipmentRequest(Package.STANDARD, -1), 2, Mode.ORDINARY).errors == [
        Refusal.EQUIPMENT_INVALID
    ]


def test_every_refusal_and_advice_speaks_both_languages() -> None:
    from cards.i18n import CATALOGS
    from cards.refusals import REFUSALS
    from domain.agreement import BODY_AREAS, EQUIPMENT

    produced = {
        "extent.invalid", "extent.unknown_day", "extent.days_mismatch", "extent.too_many",
        "extent.reason_needed", "ergonomics.fixed_place", "equipment.invalid",
        "equipment.temporary_only_when_ordered", "equipment.standard_needs_regular_days",
        "equipment.it_over_limit", "equipment.furniture_over_limit", "equipment.basic_has_no_loan",
    }  # fmt: skip
    produced |= {f"ergonomics.get.{item}" for item in EQUIPMENT}
    produced |= {f"ergonomics.discomfort.{area}" for area in BODY_AREAS}
    both = CATALOGS["nb"].plain.keys() & CATALOGS["en"].plain.keys()
    assert produced <= both
    # And the rules produce no other keys: collect them from a sweep of inputs.
    seen: set[str] = set()
    for days in range(-1, 7):
        for mode in Mode:
            for extent in (
                Extent(days, fixed_days=("mon", "sat")),
                Extent(days, fixed_days=("mon",) * days),
                Extent(days),
            ):
                seen |= {REFUSALS[e] for e in check_extent(extent, mode).errors}
            for package in Package:
                for cost in (-1, 0, 10_000):
                    request = EquipmentRequest(package, cost, cost)
                    seen |= {REFUSALS[e] for e in check_equipment(request, days, mode).errors}
    for place in Place:
        seen |= set(
            assess_workplace(Workplace(place, frozenset(), frozenset(BODY_AREAS)), 2).advice
        )
    assert seen <= both, seen - both
    assert seen == produced


def test_the_days_offered_are_the_days_the_rules_allow() -> None:
    assert allowed_days(Mode.ORDINARY) == (0, 1, 2, 3)
    assert allowed_days(Mode.ORDERED) == (0, 1, 2, 3, 4, 5)
    for mode in Mode:
        assert all(check_extent(Extent(n, reason="x"), mode).ok for n in allowed_days(mode))
        assert not check_extent(Extent(max(allowed_days(mode)) + 1, reason="x"), mode).ok
