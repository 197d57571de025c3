"""The rules of the home-office agreement (docs/product.md#home-office-agreement).

Pure decisions the agreement dialog (issue 5) asks as the conversation goes: how many days,
whether the workplace at home is an ergonomic risk, and which equipment package fits. Every
refusal is a `Refusal` (domain/refusals.py) and every advice a translation key, so the dialog
can explain them in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from domain.refusals import OverLimit, Refusal


class Mode(Enum):
    ORDINARY = "ordinary"  # agreed between employee and leader
    ORDERED = "ordered"  # a pandemic-type situation: home office ordered, set by the admin


ORDINARY_DAYS = 2  # "ikke mer enn 2 …
WITH_REASON_DAYS = 3  # … maks 3 dager pr uke"
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True)
class Extent:
    days: int
    fixed_days: tuple[str, ...] = ()  # empty: flexible days
    reason: str = ""  # why 3 days; the leader sees it flagged


@dataclass(frozen=True)
class ExtentDecision:
    errors: list[Refusal] = field(default_factory=list)
    flagged_for_leader: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def allowed_days(mode: Mode) -> tuple[int, ...]:
    """The days a week at home the rules let the employee choose: the card offers only these."""
    most = len(WORKDAYS) if mode is Mode.ORDERED else WITH_REASON_DAYS
    return tuple(range(most + 1))


def check_extent(extent: Extent, mode: Mode = Mode.ORDINARY) -> ExtentDecision:
    """At most 2 days a week; 3 only with a reason, flagged for the leader; never more in the
    ordinary mode. In an ordered situation any number of workdays goes."""
    errors: list[Refusal] = []
    if not 0 <= extent.days <= len(WORKDAYS):
        return ExtentDecision([Refusal.EXTENT_INVALID])
    if extent.fixed_days:
        if any(day not in WORKDAYS for day in extent.fixed_days):
            errors.append(Refusal.EXTENT_UNKNOWN_DAY)
        elif len(set(extent.fixed_days)) != extent.days:
            errors.append(Refusal.EXTENT_DAYS_MISMATCH)
    if mode is Mode.ORDERED:
        return ExtentDecision(errors)
    if extent.days > WITH_REASON_DAYS:
        errors.append(Refusal.EXTENT_TOO_MANY)
    elif extent.days == WITH_REASON_DAYS and not extent.reason.strip():
        errors.append(Refusal.EXTENT_REASON_NEEDED)
    flagged = extent.days == WITH_REASON_DAYS and not errors
    return ExtentDecision(errors, flagged_for_leader=flagged)


class Place(Enum):
    OWN_ROOM = "own_room"
    FIXED_PLACE = "fixed_place"
    NO_FIXED_PLACE = "no_fixed_place"


ESSENTIALS = frozenset({"desk", "office_chair"})
EQUIPMENT = (
    "desk",
    "office_chair",
    "forearm_support",
    "external_screen",
    "keyboard",
    "mouse",
    "light",
)
BODY_AREAS = ("neck", "back", "arms")


@dataclass(frozen=True)
class Workplace:
    place: Place
    has: frozenset[str] = frozenset()
    discomfort: frozenset[str] = frozenset()  # of BODY_AREAS


@dataclass(frozen=True)
class Ergonomics:
    risk: bool
    advice: tuple[str, ...]  # translation keys, one per thing to improve
    offer_occupational_health: bool  # BHT


def assess_workplace(workplace: Workplace, extent_days: int) -> Ergonomics:
    """Missing essentials or any discomfort is a risk: advice, and an offer to involve BHT.

    A regular arrangement (any days a week) asks more of the workplace than a short, mobile
    one; without a fixed place it is a risk in itself.
    """
    advice = [f"ergonomics.get.{item}" for item in EQUIPMENT if item not in workplace.has]
    advice += [
        f"ergonomics.discomfort.{area}" for area in BODY_AREAS if area in workplace.discomfort
    ]
    no_place = workplace.place is Place.NO_FIXED_PLACE and extent_days > 0
    if no_place:
        advice.insert(0, "ergonomics.fixed_place")
    risk = bool(ESSENTIALS - workplace.has) or bool(workplace.discomfort) or no_place
    return Ergonomics(risk, tuple(advice), offer_occupational_health=risk)


class Package(Enum):
    BASIC = 1  # laptop/iPad with access: short periods, anywhere
    STANDARD = 2  # a regular arrangement: loan of IT and furniture within set amounts
    SPECIAL = 3  # beyond standard, on occupational health's advice, ordered by the leader
    TEMPORARY = 4  # home loan in an ordered situation (pandemic)


#: What a standard package lends, by kind: each kind has its own limit (Amounts).
IT_ITEMS = ("external_screen", "keyboard", "mouse", "headset", "docking_station")
FURNITURE_ITEMS = ("desk", "office_chair", "forearm_support")
KINDS = {"it": IT_ITEMS, "furniture": FURNITURE_ITEMS}
#: Catalogue prices (NOK) unless EQUIPMENT_PRICES says otherwise: a typical set fits within
#: the standard amounts (screen, keyboard, mouse and headset; desk and chair), not everything.
PRICES = {
    "external_screen": 1_800,
    "keyboard": 300,
    "mouse": 200,
    "headset": 700,
    "docking_station": 1_200,
    "desk": 3_000,
    "office_chair": 2_000,
    "forearm_support": 400,
}


@dataclass(frozen=True)
class Amounts:
    """What a standard package may cost (NOK) and what each item costs; settings, the
    guidelines' proposal and PRICES by default."""

    it: int = 3_000
    furniture: int = 5_000
    prices: dict[str, int] = field(default_factory=lambda: dict(PRICES))

    def limit(self, kind: str) -> int:
        return self.it if kind == "it" else self.furniture


@dataclass(frozen=True)
class Item:
    """An item asked for, at the catalogue price when it was asked for: a later price change
    leaves a proposal's sum as the leader saw it."""

    key: str
    price: int


def items_of(package: Package) -> tuple[str, ...]:
    """What the employee picks from: a loan in the standard package or the temporary home
    loan; the basic package lends nothing, and special needs are described, not picked."""
    if package in (Package.STANDARD, Package.TEMPORARY):
        return IT_ITEMS + FURNITURE_ITEMS
    return ()


def priced(keys: tuple[str, ...], amounts: Amounts) -> tuple[Item, ...]:
    return tuple(Item(key, amounts.prices[key]) for key in keys)


@dataclass(frozen=True)
class EquipmentRequest:
    package: Package
    # Kroner typed in by the first version of the equipment step, before it asked for items:
    # kept as they were stored and counted towards the limits.
    it_cost: int = 0
    furniture_cost: int = 0
    items: tuple[Item, ...] = ()

    def total(self, kind: str) -> int:
        legacy = self.it_cost if kind == "it" else self.furniture_cost
        return legacy + sum(item.price for item in self.items if item.key in KINDS[kind])

    @property
    def sum(self) -> int:
        return sum(self.total(kind) for kind in KINDS)


@dataclass(frozen=True)
class EquipmentDecision:
    errors: list[Refusal | OverLimit] = field(default_factory=list)
    leader_orders: bool = False  # special needs go to the leader, who places the order

    @property
    def ok(self) -> bool:
        return not self.errors


_OVER = {"it": Refusal.EQUIPMENT_IT_OVER_LIMIT, "furniture": Refusal.EQUIPMENT_FURNITURE_OVER_LIMIT}


def check_package(package: Package, extent_days: int, mode: Mode) -> list[Refusal]:
    """Whether the package fits the arrangement, before anything is picked from it."""
    if package is Package.TEMPORARY and mode is not Mode.ORDERED:
        return [Refusal.EQUIPMENT_TEMPORARY_ONLY_WHEN_ORDERED]
    if package is Package.STANDARD and extent_days < 1:
        return [Refusal.EQUIPMENT_STANDARD_NEEDS_REGULAR_DAYS]
    return []


def check_equipment(
    request: EquipmentRequest, extent_days: int, mode: Mode, amounts: Amounts = Amounts()
) -> EquipmentDecision:
    """The package fits, its items are the package's own, and in the standard package each
    kind's sum stays within its amount (a refusal names the sum and the limit)."""
    if request.it_cost < 0 or request.furniture_cost < 0:
        return EquipmentDecision([Refusal.EQUIPMENT_INVALID])
    errors: list[Refusal | OverLimit] = list(check_package(request.package, extent_days, mode))
    if any(item.key not in items_of(request.package) for item in request.items):
        errors.append(Refusal.EQUIPMENT_NOT_IN_PACKAGE)
    if request.package is Package.SPECIAL:
        return EquipmentDecision(errors, leader_orders=True)
    if request.package is Package.BASIC and (request.it_cost or request.furniture_cost):
        errors.append(Refusal.EQUIPMENT_BASIC_HAS_NO_LOAN)
    if request.package is Package.STANDARD:
        errors += [
            OverLimit(_OVER[kind], request.total(kind), amounts.limit(kind))
            for kind in KINDS
            if request.total(kind) > amounts.limit(kind)
        ]
    return EquipmentDecision(errors)


class Network(Enum):
    PRIVATE = "private"  # 99 % use their own network (the survey)
    JOB_PHONE = "job_phone"  # the job phone's shared connection
