"""The terms hjemmekontorforskriften § 2 requires in a written home-office agreement
(docs/product.md#the-law-hjemmekontorforskriften).

§ 2 asks for at least eight points. The extent (point 1) is the agreement's `Extent`; the
other seven are here. Most employees take the municipality's defaults (`TermDefaults`, from
configuration), so each term is a value the employee confirms or changes, never free text
they must write from nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from domain.refusals import Refusal


class Hours(Enum):
    ORDINARY = "ordinary"  # the unit's ordinary working hours
    FLEXITIME = "flexitime"  # the municipality's flexitime scheme (fleksitid)
    AGREED = "agreed"  # times agreed with the leader, written in `agreed_hours`


#: The eight points of § 2, in the regulation's order; each names where the agreement holds it.
POINTS = (
    "extent",
    "working_hours",
    "reachability",
    "duration",
    "notice",
    "trial",
    "equipment_ownership",
    "confidentiality",
)

#: The longest free text a term takes (agreed hours, reachability).
MAX_TERM_TEXT = 200


@dataclass(frozen=True)
class LegalTerms:
    """Points 2–8 of § 2 as agreed. `end_on` None is a permanent arrangement; a trial of 0
    months is none. Equipment ownership and confidentiality are the municipality's rules
    (`TermDefaults`), accepted as a whole: the employee cannot agree to less."""

    hours: Hours
    agreed_hours: str  # "08:00–15:30" when hours is AGREED, else ""
    reachable: str  # when and how the employee can be reached, e.g. "Teams and phone, 09–14"
    end_on: date | None
    notice_months: int
    trial_months: int
    equipment_rules_accepted: bool
    confidentiality_accepted: bool


@dataclass(frozen=True)
class TermDefaults:
    """The municipality's defaults, from configuration, offered pre-filled."""

    hours: Hours = Hours.ORDINARY
    reachable: str = ""  # empty: the catalog's standard wording (Teams and phone in core hours)
    notice_months: int = 1  # both ways
    trial_months: int = 0
    max_trial_months: int = 6
    max_notice_months: int = 6

    def proposal(self) -> LegalTerms:
        return LegalTerms(
            hours=self.hours,
            agreed_hours="",
            reachable=self.reachable,
            end_on=None,
            notice_months=self.notice_months,
            trial_months=self.trial_months,
            equipment_rules_accepted=True,
            confidentiality_accepted=True,
        )


def check_terms(terms: LegalTerms, defaults: TermDefaults, today: date) -> list[Refusal]:
    """The guidelines' rules on the terms: agreed hours are written down, a temporary
    arrangement ends after today, notice and trial stay within the municipality's limits,
    and the municipality's rules on equipment and confidentiality are accepted."""
    errors: list[Refusal] = []
    if terms.hours is Hours.AGREED and not terms.agreed_hours.strip():
        errors.append(Refusal.TERMS_AGREED_HOURS_NEEDED)
    if terms.end_on is not None and terms.end_on <= today:
        errors.append(Refusal.TERMS_END_NOT_AFTER_TODAY)
    if not 0 <= terms.notice_months <= defaults.max_notice_months:
        errors.append(Refusal.TERMS_NOTICE_OUT_OF_RANGE)
    if not 0 <= terms.trial_months <= defaults.max_trial_months:
        errors.append(Refusal.TERMS_TRIAL_TOO_LONG)
    if not (terms.equipment_rules_accepted and terms.confidentiality_accepted):
        errors.append(Refusal.TERMS_RULES_NOT_ACCEPTED)
    return errors
