"""The message for each typed refusal, flag and field problem of the domain."""

from __future__ import annotations

from cards.i18n import t
from cards.money import nok
from domain.agreement_record import Flag
from domain.checkin import FieldProblem
from domain.language import Language
from domain.refusals import OverLimit, Refusal

#: What a step card shows above its inputs: a message key, or a refusal with its numbers.
Problem = str | OverLimit

REFUSALS: dict[Refusal, str] = {
    Refusal.EXTENT_INVALID: "extent.invalid",
    Refusal.EXTENT_UNKNOWN_DAY: "extent.unknown_day",
    Refusal.EXTENT_DAYS_MISMATCH: "extent.days_mismatch",
    Refusal.EXTENT_TOO_MANY: "extent.too_many",
    Refusal.EXTENT_REASON_NEEDED: "extent.reason_needed",
    Refusal.EQUIPMENT_INVALID: "equipment.invalid",
    Refusal.EQUIPMENT_TEMPORARY_ONLY_WHEN_ORDERED: "equipment.temporary_only_when_ordered",
    Refusal.EQUIPMENT_STANDARD_NEEDS_REGULAR_DAYS: "equipment.standard_needs_regular_days",
    Refusal.EQUIPMENT_IT_OVER_LIMIT: "equipment.it_over_limit",
    Refusal.EQUIPMENT_FURNITURE_OVER_LIMIT: "equipment.furniture_over_limit",
    Refusal.EQUIPMENT_BASIC_HAS_NO_LOAN: "equipment.basic_has_no_loan",
    Refusal.EQUIPMENT_NOT_IN_PACKAGE: "equipment.not_in_package",
    Refusal.TERMS_AGREED_HOURS_NEEDED: "agreement.terms.agreed_hours_needed",
    Refusal.TERMS_END_NOT_AFTER_TODAY: "agreement.terms.end_not_after_today",
    Refusal.TERMS_NOTICE_OUT_OF_RANGE: "agreement.terms.notice_out_of_range",
    Refusal.TERMS_TRIAL_TOO_LONG: "agreement.terms.trial_too_long",
    Refusal.TERMS_RULES_NOT_ACCEPTED: "agreement.terms.rules_not_accepted",
    Refusal.NOT_EDITABLE: "agreement.not_editable",
    Refusal.INCOMPLETE: "agreement.incomplete",
    Refusal.NOT_YOUR_EMPLOYEE: "agreement.not_your_employee",
    Refusal.ALREADY_DECIDED: "agreement.already_decided",
    Refusal.COMMENT_NEEDED: "agreement.comment_needed",
    Refusal.NONE_YET: "agreement.none_yet",
    Refusal.NOTICE_GIVEN: "agreement.notice_given",
}


def refusal_text(lang: Language, refusal: Refusal | OverLimit) -> str:
    if isinstance(refusal, OverLimit):
        return t(lang, REFUSALS[refusal.reason], total=nok(refusal.total), limit=nok(refusal.limit))
    return t(lang, REFUSALS[refusal])


def problem_text(lang: Language, problem: Problem) -> str:
    return t(lang, problem) if isinstance(problem, str) else refusal_text(lang, problem)


FLAGS: dict[Flag, str] = {
    Flag.THREE_DAYS: "agreement.flag.three_days",
    Flag.ERGONOMIC_RISK: "agreement.flag.ergonomic_risk",
    Flag.LEADER_ORDERS: "agreement.flag.leader_orders",
    Flag.TEAM_DAY: "agreement.flag.team_day",
}

FIELD_PROBLEMS: dict[FieldProblem, str] = {
    FieldProblem.REQUIRED: "error.required",
    FieldProblem.INVALID: "error.invalid",
    FieldProblem.TOO_LONG: "error.too_long",
}
