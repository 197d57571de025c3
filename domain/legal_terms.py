"""The terms hjemmekontorforskriften § 2 requires in a written home-office agreement.

§ 2 asks for at least eight points. The extent (point 1) is the agreement's `Extent`; the
other seven are here. Most employees take the municipality's defaults (`TermDefaults`, from
configuration), so each term is a value the employee confirms or changes, never free text
they must write from nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum


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
