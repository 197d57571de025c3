"""Why a rule of the agreement says no: typed, so the domain holds no wording; cards/refusals.py
names the message for each."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Refusal(Enum):
    # the extent (domain/agreement.py check_extent)
    EXTENT_INVALID = "extent_invalid"
    EXTENT_UNKNOWN_DAY = "extent_unknown_day"
    EXTENT_DAYS_MISMATCH = "extent_days_mismatch"
    EXTENT_TOO_MANY = "extent_too_many"
    EXTENT_REASON_NEEDED = "extent_reason_needed"
    # the equipment (domain/agreement.py check_equipment)
    EQUIPMENT_INVALID = "equipment_invalid"
    EQUIPMENT_TEMPORARY_ONLY_WHEN_ORDERED = "equipment_temporary_only_when_ordered"
    EQUIPMENT_STANDARD_NEEDS_REGULAR_DAYS = "equipment_standard_needs_regular_days"
    EQUIPMENT_IT_OVER_LIMIT = "equipment_it_over_limit"
    EQUIPMENT_FURNITURE_OVER_LIMIT = "equipment_furniture_over_limit"
    EQUIPMENT_BASIC_HAS_NO_LOAN = "equipment_basic_has_no_loan"
    EQUIPMENT_NOT_IN_PACKAGE = "equipment_not_in_package"
    # the terms of hjemmekontorforskriften § 2 (domain/legal_terms.py check_terms)
    TERMS_AGREED_HOURS_NEEDED = "terms_agreed_hours_needed"
    TERMS_END_NOT_AFTER_TODAY = "terms_end_not_after_today"
    TERMS_NOTICE_OUT_OF_RANGE = "terms_notice_out_of_range"
    TERMS_TRIAL_TOO_LONG = "terms_trial_too_long"
    TERMS_RULES_NOT_ACCEPTED = "terms_rules_not_accepted"
    # the agreement's transitions (domain/agreement_record.py, services/agreements.py)
    NOT_EDITABLE = "not_editable"
    INCOMPLETE = "incomplete"
    NOT_YOUR_EMPLOYEE = "not_your_employee"
    ALREADY_DECIDED = "already_decided"
    COMMENT_NEEDED = "comment_needed"
    NONE_YET = "none_yet"
    NOTICE_GIVEN = "notice_given"  # the arrangement is ending already


@dataclass(frozen=True)
class OverLimit:
    """Items that come to more than the package allows for their kind: the message names the
    sum and the limit, so the employee knows how much to take away."""

    reason: Refusal  # EQUIPMENT_IT_OVER_LIMIT or EQUIPMENT_FURNITURE_OVER_LIMIT
    total: int
    limit: int
