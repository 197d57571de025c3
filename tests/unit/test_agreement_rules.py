"""The agreement's rules: days, ergonomics, equipment (docs/product.md#home-office-agreement)."""

from __future__ import annotations

import pytest

from cards.i18n import t
from cards.refusals import REFUSALS, refusal_text
from domain.agreement import (
    FURNITURE_ITEMS,
    IT_ITEMS,
    PRICES,
    Amounts,
    EquipmentRequest,
    Extent,
    Item,
    Mode,
    Package,
    Place,
    Workplace,
    allowed_days,
    assess_workplace,
    check_equipment,
    check_extent,
    items_of,
    priced,
)
from domain.refusals import OverLimit, Refusal


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
    # Kroner as an agreement stored before the step asked for items holds them.
    ok = check_equipment(EquipmentRequest(Package.STANDARD, 3_000, 5_000), 2, Mode.ORDINARY)
    assert ok.ok and not ok.leader_orders
    over = check_equipment(EquipmentRequest(Package.STANDARD, 3_001, 5_001), 2, Mode.ORDINARY)
    assert over.errors == [
        OverLimit(Refusal.EQUIPMENT_IT_OVER_LIMIT, 3_001, 3_000),
        OverLimit(Refusal.EQUIPMENT_FURNITURE_OVER_LIMIT, 5_001, 5_000),
    ]
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


def standard(*keys: str, amounts: Amounts | None = None) -> EquipmentRequest:
    return EquipmentRequest(Package.STANDARD, items=priced(keys, amounts or Amounts()))


def test_the_amount_is_the_sum_of_the_catalogue_prices_of_the_items_ticked() -> None:
    request = standard("external_screen", "keyboard", "desk")
    assert request.items == (
        Item("external_screen", 1_800),
        Item("keyboard", 300),
        Item("desk", 3_000),
    )
    assert (request.total("it"), request.total("furniture"), request.sum) == (2_100, 3_000, 5_100)
    dearer = Amounts(prices={**PRICES, "keyboard": 900})  # EQUIPMENT_PRICES
    assert standard("keyboard", amounts=dearer).total("it") == 900


def test_the_default_catalogue_fits_a_typical_set_within_the_standard_amounts() -> None:
    typical = standard("external_screen", "keyboard", "mouse", "headset", "desk", "office_chair")
    assert check_equipment(typical, 2, Mode.ORDINARY).ok
    everything = standard(*IT_ITEMS, *FURNITURE_ITEMS)
    assert not check_equipment(everything, 2, Mode.ORDINARY).ok


def test_each_kind_is_held_to_its_own_limit_and_the_refusal_carries_both_numbers() -> None:
    amounts = Amounts(it=3_000, furniture=5_000)
    it_over = standard("external_screen", "docking_station", "keyboard")  # 3 300
    assert check_equipment(it_over, 2, Mode.ORDINARY, amounts).errors == [
        OverLimit(Refusal.EQUIPMENT_IT_OVER_LIMIT, 3_300, 3_000)
    ]
    furniture_over = standard("desk", "office_chair", "forearm_support")  # 5 400
    assert check_equipment(furniture_over, 2, Mode.ORDINARY, amounts).errors == [
        OverLimit(Refusal.EQUIPMENT_FURNITURE_OVER_LIMIT, 5_400, 5_000)
    ]
    # The limit is where the sum may reach, not past.
    assert check_equipment(standard("desk", "office_chair"), 2, Mode.ORDINARY, amounts).ok


def test_only_the_chosen_package_offers_items() -> None:
    assert items_of(Package.STANDARD) == IT_ITEMS + FURNITURE_ITEMS
    assert items_of(Package.BASIC) == items_of(Package.SPECIAL) == ()
    for package in (Package.BASIC, Package.SPECIAL):
        smuggled = EquipmentRequest(package, items=(Item("external_screen", 1),))
        errors = check_equipment(smuggled, 2, Mode.ORDINARY).errors
        assert Refusal.EQUIPMENT_NOT_IN_PACKAGE in errors
    unknown = EquipmentRequest(Package.STANDARD, items=(Item("espresso_machine", 1),))
    assert check_equipment(unknown, 2, Mode.ORDINARY).errors == [Refusal.EQUIPMENT_NOT_IN_PACKAGE]


def test_the_temporary_loan_has_items_but_no_limit() -> None:
    everything = EquipmentRequest(
        Package.TEMPORARY, items=priced(IT_ITEMS + FURNITURE_ITEMS, Amounts())
    )
    assert check_equipment(everything, 5, Mode.ORDERED).ok


def test_an_over_limit_refusal_names_the_sum_the_limit_and_what_to_do_in_both_languages() -> None:
    over = OverLimit(Refusal.EQUIPMENT_IT_OVER_LIMIT, 9_500, 8_000)
    nb, en = refusal_text("nb", over), refusal_text("en", over)
    assert "9\u00a0500" in nb and "8\u00a0000" in nb  # Norwegian: a space between thousands
    assert "9\u00a0500" in en and "8\u00a0000" in en
    assert nb == t("nb", "equipment.it_over_limit", total="9\u00a0500", limit="8\u00a0000")
    assert "Fjern" in nb and "lederen" in nb
    assert "Remove" in en and "leader" in en


def test_every_refusal_and_advice_speaks_both_languages() -> None:
    from cards.i18n import CATALOGS
    from domain.agreement import BODY_AREAS, EQUIPMENT

    produced = {
        "extent.invalid", "extent.unknown_day", "extent.days_mismatch", "extent.too_many",
        "extent.reason_needed", "ergonomics.fixed_place", "equipment.invalid",
        "equipment.temporary_only_when_ordered", "equipment.standard_needs_regular_days",
        "equipment.it_over_limit", "equipment.furniture_over_limit", "equipment.basic_has_no_loan",
        "equipment.not_in_package",
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
                    for items in ((), priced(IT_ITEMS + FURNITURE_ITEMS, Amounts())):
                        request = EquipmentRequest(package, cost, cost, items)
                        errors = check_equipment(request, days, mode).errors
                        seen |= {
                            REFUSALS[e.reason if isinstance(e, OverLimit) else e] for e in errors
                        }
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


def test_catalogue_prices_are_settings_and_a_wrong_one_stops_the_host() -> None:
    from bot.settings import ConfigError, Settings

    assert Settings.from_env({}).equipment_prices == PRICES
    prices = Settings.from_env({"EQUIPMENT_PRICES": " desk=3500 , headset=900"}).equipment_prices
    assert prices == {**PRICES, "desk": 3_500, "headset": 900}
    for wrong, message in (
        ("espresso_machine=20000", "is not an item"),
        ("desk=billig", "whole number"),
        ("desk=-1", "cannot be negative"),
    ):
        with pytest.raises(ConfigError, match=message):
            Settings.from_env({"EQUIPMENT_PRICES": wrong})


def test_the_leaders_task_says_whether_to_contact_bht() -> None:
    from cards.agreement import task_elements
    from domain.agreement_record import OrderTask

    def shown(task: OrderTask) -> str:
        return str(task_elements("nb", "Kari", "kari-id", task)[0]["text"])

    screen = (Item("external_screen", 1_800),)
    wants = shown(OrderTask(1, screen, "", occupational_health=True, ergonomic_risk=True))
    assert t("nb", "agreement.order.bht", name="Kari") in wants
    declined = shown(OrderTask(1, screen, "", occupational_health=False, ergonomic_risk=True))
    assert t("nb", "agreement.order.risk_no_bht", name="Kari") in declined
    sound = shown(OrderTask(1, screen, "", occupational_health=False))
    assert t("nb", "agreement.order.no_bht") in sound
    assert "kr 1\u00a0800" in sound
