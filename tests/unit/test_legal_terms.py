"""The § 2 terms' rules, what the edit card submits, and ending the arrangement with notice, as
pure functions (docs/product.md#the-law-hjemmekontorforskriften)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from cards.agreement_submit import parse_terms, parse_terms_choice
from cards.agreement_terms import terms_values
from domain.agreement import Amounts, Mode
from domain.agreement_record import (
    Agreement,
    Decision,
    NotAllowed,
    Status,
    Terms,
    changed_parts,
    decide,
    end,
    end_reminder_due,
    give_notice,
    has_ended,
    review,
    revise,
    submit,
)
from domain.legal_terms import Hours, TermDefaults, check_terms
from domain.refusals import Refusal
from storage.agreements import from_doc, to_doc
from tests.support.gallery import PLAIN_TERMS

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
DEFAULTS = TermDefaults()
PROPOSAL = DEFAULTS.proposal()


def approved(terms: Terms = PLAIN_TERMS) -> Agreement:
    sent = submit(Agreement("emp", terms=terms), "lead", NOW, Mode.ORDINARY, Amounts())
    return decide(sent, "lead", sent.version, Decision.APPROVE, "", NOW, 12)


def test_the_defaults_pass_and_each_rule_refuses_what_the_guidelines_do_not_allow() -> None:
    assert check_terms(PROPOSAL, DEFAULTS, TODAY) == []
    cases = {
        Refusal.TERMS_AGREED_HOURS_NEEDED: replace(PROPOSAL, hours=Hours.AGREED),
        Refusal.TERMS_END_NOT_AFTER_TODAY: replace(PROPOSAL, end_on=TODAY),
        Refusal.TERMS_TRIAL_TOO_LONG: replace(PROPOSAL, trial_months=DEFAULTS.max_trial_months + 1),
        Refusal.TERMS_NOTICE_OUT_OF_RANGE: replace(PROPOSAL, notice_months=-1),
        Refusal.TERMS_RULES_NOT_ACCEPTED: replace(PROPOSAL, confidentiality_accepted=False),
    }
    for refusal, terms in cases.items():
        assert check_terms(terms, DEFAULTS, TODAY) == [refusal]
    temporary = replace(PROPOSAL, end_on=date(2027, 6, 30), trial_months=6)
    assert check_terms(temporary, DEFAULTS, TODAY) == []


def test_a_submission_needs_the_terms_except_when_home_office_is_ordered() -> None:
    without = replace(PLAIN_TERMS, legal=None)
    assert review(without, Mode.ORDINARY, Amounts()).missing == ["terms"]
    assert review(without, Mode.ORDERED, Amounts()).ok
    with pytest.raises(NotAllowed):
        submit(Agreement("emp", terms=without), "lead", NOW, Mode.ORDINARY, Amounts())
    # An end date that passed while the draft waited is refused at submission.
    stale = replace(PLAIN_TERMS, legal=replace(PROPOSAL, end_on=date(2026, 11, 1)))
    problems = review(stale, Mode.ORDINARY, Amounts(), DEFAULTS, TODAY)
    assert problems.errors == [Refusal.TERMS_END_NOT_AFTER_TODAY]


def test_the_edit_card_reads_back_what_it_shows_and_refuses_with_the_rule() -> None:
    temporary = replace(
        PROPOSAL, hours=Hours.AGREED, agreed_hours="8–15.30", end_on=date(2027, 1, 31)
    )
    assert parse_terms(terms_values(temporary), DEFAULTS, TODAY).value == temporary
    no_times = {**terms_values(temporary), "agreed_hours": " "}
    assert parse_terms(no_times, DEFAULTS, TODAY).errors == ["agreement.terms.agreed_hours_needed"]
    no_day = {**terms_values(temporary), "end_on": ""}
    assert parse_terms(no_day, DEFAULTS, TODAY).errors == ["agreement.terms.end_needed"]
    past = {**terms_values(temporary), "end_on": "2026-11-25"}
    assert parse_terms(past, DEFAULTS, TODAY).errors == ["agreement.terms.end_not_after_today"]
    long_trial = {**terms_values(temporary), "trial_months": "7"}
    assert parse_terms(long_trial, DEFAULTS, TODAY).errors == ["agreement.terms.trial_too_long"]
    forged = {**terms_values(temporary), "hours": "always"}
    assert parse_terms(forged, DEFAULTS, TODAY).value is None
    # A permanent arrangement ignores a date left in the field.
    permanent = {**terms_values(temporary), "duration": "permanent"}
    assert parse_terms(permanent, DEFAULTS, TODAY).value == replace(temporary, end_on=None)


def test_the_terms_step_takes_the_defaults_with_one_tap_or_opens_the_edit_card() -> None:
    shown = terms_values(PROPOSAL)
    assert parse_terms_choice({"choice": "accept"}, shown, DEFAULTS, TODAY).value == PROPOSAL
    assert parse_terms_choice({"choice": "edit"}, shown, DEFAULTS, TODAY).value == "edit"
    assert parse_terms_choice({"choice": "?"}, shown, DEFAULTS, TODAY).value is None


def test_an_agreement_stored_before_the_terms_loads_without_them_and_new_ones_round_trip() -> None:
    agreement = approved(replace(PLAIN_TERMS, legal=replace(PROPOSAL, end_on=date(2027, 3, 1))))
    assert from_doc(to_doc(agreement)) == agreement
    old = to_doc(agreement)
    del old["terms"]["legal"], old["ends_on"], old["notice_by"], old["end_reminded"]
    loaded = from_doc(old)
    assert loaded.terms.legal is None and loaded.ends_on is None and loaded.notice_by == ""


def test_notice_from_either_party_makes_a_version_that_ends_after_the_notice() -> None:
    current = approved()
    ending = give_notice(current, current, "lead", NOW, 1)
    assert (ending.version, ending.status) == (2, Status.ENDING)
    assert ending.ends_on == date(2026, 12, 26) and ending.notice_by == "lead"
    assert ending.approved_version == 1  # in force until its last day
    with pytest.raises(NotAllowed, match="notice_given"):
        give_notice(ending, current, "emp", NOW, 1)
    with pytest.raises(NotAllowed, match="notice_given"):
        revise(ending)
    assert not has_ended(ending, date(2026, 12, 26))
    over = end(ending, NOW)
    assert has_ended(ending, date(2026, 12, 27))
    assert (over.version, over.status, over.approved_version) == (2, Status.ENDED, 0)
    # A temporary arrangement ending sooner than the notice keeps its own end.
    temporary = approved(replace(PLAIN_TERMS, legal=replace(PROPOSAL, end_on=date(2026, 12, 5))))
    assert give_notice(temporary, temporary, "emp", NOW, 1).ends_on == date(2026, 12, 5)


def test_a_temporary_arrangement_reminds_once_before_its_end_then_ends_as_a_new_version() -> None:
    temporary = approved(replace(PLAIN_TERMS, legal=replace(PROPOSAL, end_on=date(2027, 1, 31))))
    assert temporary.ends_on == date(2027, 1, 31)
    assert not end_reminder_due(temporary, date(2026, 12, 31), 30)
    assert end_reminder_due(temporary, date(2027, 1, 1), 30)
    assert not end_reminder_due(replace(temporary, end_reminded=True), date(2027, 1, 1), 30)
    over = end(temporary, NOW)
    assert (over.version, over.status, over.approved_version) == (2, Status.ENDED, 0)
    # A new agreement after the end: a draft that starts from the ended terms.
    again = revise(over)
    assert (again.version, again.status, again.terms) == (3, Status.DRAFT, temporary.terms)


def test_a_version_names_the_parts_it_changed() -> None:
    changed = replace(PLAIN_TERMS, legal=replace(PROPOSAL, trial_months=3), network=None)
    assert changed_parts(PLAIN_TERMS, changed) == ["network", "terms"]
    assert changed_parts(PLAIN_TERMS, PLAIN_TERMS) == []


def test_the_defaults_are_settings_and_a_wrong_one_stops_the_host() -> None:
    from bot.settings import ConfigError, Settings

    assert Settings.from_env({}).agreement_terms == TermDefaults()
    assert Settings.from_env({}).agreement_end_reminder_days == 30
    chosen = Settings.from_env(
        {
            "AGREEMENT_HOURS": "Flexitime",
            "AGREEMENT_REACHABLE": "Teams 9–15",
            "AGREEMENT_NOTICE_MONTHS": "2",
            "AGREEMENT_TRIAL_MONTHS": "3",
            "AGREEMENT_MAX_TRIAL_MONTHS": "4",
        }
    ).agreement_terms
    assert chosen.proposal() == replace(
        PROPOSAL, hours=Hours.FLEXITIME, reachable="Teams 9–15", notice_months=2, trial_months=3
    )
    assert chosen.max_trial_months == 4
    for wrong, message in (
        ({"AGREEMENT_HOURS": "agreed"}, "AGREEMENT_HOURS"),
        ({"AGREEMENT_REACHABLE": "x" * 201}, "AGREEMENT_REACHABLE"),
        ({"AGREEMENT_NOTICE_MONTHS": "7"}, "AGREEMENT_NOTICE_MONTHS"),
        ({"AGREEMENT_NOTICE_MONTHS": "en"}, "whole number"),
        ({"AGREEMENT_TRIAL_MONTHS": "7"}, "AGREEMENT_TRIAL_MONTHS"),
        ({"AGREEMENT_MAX_TRIAL_MONTHS": "13"}, "AGREEMENT_MAX_TRIAL_MONTHS"),
        ({"AGREEMENT_MAX_NOTICE_MONTHS": "0"}, "AGREEMENT_MAX_NOTICE_MONTHS"),
        ({"AGREEMENT_END_REMINDER_DAYS": "0"}, "AGREEMENT_END_REMINDER_DAYS"),
    ):
        with pytest.raises(ConfigError, match=message):
            Settings.from_env(wrong)
