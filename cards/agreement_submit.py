"""What the agreement's step cards submit, read into the rules' terms and checked by them.

Teams sends a multi-select choice as "a,b", a number as a number or a string, and leaves out
an input the user left empty. Anything outside the card's own choices is refused, never
guessed, and every refusal names a translation key the card shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from cards.refusals import REFUSALS, Problem
from domain.agreement import (
    BODY_AREAS,
    EQUIPMENT,
    KINDS,
    WORKDAYS,
    Amounts,
    EquipmentRequest,
    Extent,
    Mode,
    Network,
    Package,
    Place,
    Workplace,
    check_equipment,
    check_extent,
    check_package,
    items_of,
    priced,
)
from domain.agreement_record import HOME_TASKS, OFFICE_TASKS, Tasks
from domain.legal_terms import MAX_TERM_TEXT, Hours, LegalTerms, TermDefaults, check_terms
from domain.refusals import Refusal

T = TypeVar("T")
MAX_TEXT = 1000


@dataclass(frozen=True)
class Parsed(Generic[T]):
    value: T | None
    errors: list[Problem] = field(default_factory=list)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""


def _many(data: dict[str, Any], key: str, allowed: Sequence[str]) -> tuple[str, ...] | None:
    """The chosen values in the card's order; None when one of them is not a choice."""
    chosen = {v.strip() for v in _text(data, key).split(",") if v.strip()}
    if chosen - set(allowed):
        return None
    return tuple(v for v in allowed if v in chosen)


def _int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        return 0
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def parse_tasks(data: dict[str, Any]) -> Parsed[Tasks]:
    home, office = _many(data, "home", HOME_TASKS), _many(data, "office", OFFICE_TASKS)
    if home is None or office is None:
        return Parsed(None, ["agreement.invalid_choice"])
    if not home:
        return Parsed(None, ["agreement.tasks.none_home"])
    return Parsed(Tasks(home, office, _text(data, "expectations")))


@dataclass(frozen=True)
class ExtentChoice:
    """The days step's answer. With fixed days and no weekdays yet, the weekdays card follows
    (a card cannot show its weekday boxes only when "fixed" is picked); `extent` then holds the
    days and the reason, checked, and no fixed days."""

    extent: Extent
    choose_weekdays: bool = False


def parse_extent(data: dict[str, Any], mode: Mode) -> Parsed[ExtentChoice]:
    days = _int(data, "days")
    weekdays = _many(data, "weekdays", WORKDAYS)
    fixed = _text(data, "fixed")
    if days is None or weekdays is None or fixed not in ("fixed", "flexible", ""):
        return Parsed(None, ["agreement.invalid_choice"])
    if not _text(data, "days"):
        return Parsed(None, [REFUSALS[Refusal.EXTENT_INVALID]])
    reason = _text(data, "reason")
    # A card drawn before the weekdays had a card of their own submits them here too.
    chosen = weekdays if fixed == "fixed" else ()
    decision = check_extent(Extent(days, chosen, reason), mode)
    if not decision.ok:
        return Parsed(None, [REFUSALS[e] for e in decision.errors])
    later = fixed == "fixed" and days > 0 and not chosen
    return Parsed(ExtentChoice(Extent(days, chosen, reason), choose_weekdays=later))


def parse_weekdays(data: dict[str, Any], extent: Extent, mode: Mode) -> Parsed[Extent]:
    """The fixed days for `extent`, chosen on the weekdays card."""
    weekdays = _many(data, "weekdays", WORKDAYS)
    if weekdays is None:
        return Parsed(None, ["agreement.invalid_choice"])
    if len(weekdays) != extent.days:
        return Parsed(None, ["agreement.weekdays.count"])
    chosen = Extent(extent.days, weekdays, extent.reason)
    decision = check_extent(chosen, mode)
    return Parsed(chosen if decision.ok else None, [REFUSALS[e] for e in decision.errors])


def parse_workplace(data: dict[str, Any]) -> Parsed[Workplace]:
    has, discomfort = _many(data, "has", EQUIPMENT), _many(data, "discomfort", BODY_AREAS)
    try:
        place = Place(_text(data, "place"))
    except ValueError:
        return Parsed(None, ["agreement.ergonomics.place_needed"])
    if has is None or discomfort is None:
        return Parsed(None, ["agreement.invalid_choice"])
    return Parsed(Workplace(place, frozenset(has), frozenset(discomfort)))


def parse_yes_no(data: dict[str, Any], key: str) -> Parsed[bool]:
    answer = _text(data, key)
    if answer not in ("yes", "no"):
        return Parsed(None, ["agreement.choose_one"])
    return Parsed(answer == "yes")


def parse_package(data: dict[str, Any], extent_days: int, mode: Mode) -> Parsed[Package]:
    try:
        package = Package(_int(data, "package"))
    except ValueError:
        return Parsed(None, ["agreement.equipment.package_needed"])
    refusals = check_package(package, extent_days, mode)
    return Parsed(package if not refusals else None, [REFUSALS[r] for r in refusals])


@dataclass(frozen=True)
class EquipmentChoice:
    request: EquipmentRequest
    special_needs: str


def parse_items(
    data: dict[str, Any], package: Package, extent_days: int, mode: Mode, amounts: Amounts
) -> Parsed[EquipmentChoice]:
    """The items ticked from `package`, priced from the catalogue; their sum is checked
    against the package's limits (the refusal names both)."""
    offered = items_of(package)
    chosen: set[str] = set()
    # One list per kind, as the package's limits are per kind (cards/agreement.py).
    for kind, keys in KINDS.items():
        picked = _many(data, f"{kind}_items", [k for k in offered if k in keys])
        if picked is None:
            return Parsed(None, ["agreement.invalid_choice"])
        chosen.update(picked)
    special = _text(data, "special_needs")
    if package is Package.SPECIAL and not special:
        return Parsed(None, ["agreement.equipment.special_needed"])
    keys = tuple(k for k in offered if k in chosen)
    request = EquipmentRequest(package, items=priced(keys, amounts))
    decision = check_equipment(request, extent_days, mode, amounts)
    errors: list[Problem] = [
        e if not isinstance(e, Refusal) else REFUSALS[e] for e in decision.errors
    ]
    if not decision.ok:
        return Parsed(None, errors)
    return Parsed(EquipmentChoice(request, special if package is Package.SPECIAL else ""))


def parse_network(data: dict[str, Any]) -> Parsed[Network]:
    try:
        return Parsed(Network(_text(data, "network")))
    except ValueError:
        return Parsed(None, ["agreement.choose_one"])


def parse_terms(data: dict[str, Any], defaults: TermDefaults, today: date) -> Parsed[LegalTerms]:
    """The edit card's terms. The rules on equipment and confidentiality are the
    municipality's, shown on the card: saving it accepts them."""
    try:
        hours = Hours(_text(data, "hours"))
    except ValueError:
        return Parsed(None, ["agreement.choose_one"])
    notice, trial = _int(data, "notice_months"), _int(data, "trial_months")
    duration = _text(data, "duration") or "permanent"
    if notice is None or trial is None or duration not in ("permanent", "temporary"):
        return Parsed(None, ["agreement.invalid_choice"])
    end_on = None
    if duration == "temporary":
        try:
            end_on = date.fromisoformat(_text(data, "end_on"))
        except ValueError:
            return Parsed(None, ["agreement.terms.end_needed"])
    terms = LegalTerms(
        hours=hours,
        agreed_hours=_text(data, "agreed_hours")[:MAX_TERM_TEXT] if hours is Hours.AGREED else "",
        reachable=_text(data, "reachable")[:MAX_TERM_TEXT],
        end_on=end_on,
        notice_months=notice,
        trial_months=trial,
        equipment_rules_accepted=True,
        confidentiality_accepted=True,
    )
    return _checked(terms, defaults, today)


def parse_terms_choice(
    data: dict[str, Any], proposed: dict[str, Any], defaults: TermDefaults, today: date
) -> Parsed[LegalTerms | str]:
    """The terms step: the terms shown (`proposed`, as the edit card's inputs) accepted as
    they are, or "edit" for the edit card."""
    choice = data.get("choice")
    if choice == "edit":
        return Parsed("edit")
    if choice != "accept":
        return Parsed(None, ["agreement.choose_one"])
    accepted = parse_terms(proposed, defaults, today)
    return Parsed(accepted.value, accepted.errors)


def _checked(terms: LegalTerms, defaults: TermDefaults, today: date) -> Parsed[LegalTerms]:
    refusals = check_terms(terms, defaults, today)
    return Parsed(terms if not refusals else None, [REFUSALS[r] for r in refusals])
