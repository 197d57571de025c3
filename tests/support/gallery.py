"""The card gallery: every card the bot can send, built by the real card builders with realistic
data, for the end-to-end test that shows them all in Teams' own renderer
(`test_gallery_in_teams_renderer` in test_playground.py, through tests/e2e/stub_bot.mjs).

Many of these cards only ever go proactively to a leader (the approval card, the follow-up, the
team card), so the walkthrough never shows them. Bokmål first, as the bot speaks; a few in
English. Not here: the one-line notices the dialogs build with `cards.agreement.notice` (the
same builder as the decision, invite and review cards) and the agreement's standing card, which
bot/agreement_turns.py builds itself.

The cards named `…-largest` carry the most a card can: the largest team we expect, every text
field at its length limit, every item, all the rounds a trend shows. Teams refuses a message
over about 28 KB, so tests/unit/test_card_size.py holds every card here to a size budget.

    .venv/bin/python -m tests.e2e.gallery > gallery.json     # the same JSON the test writes
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cards.agreement import (
    advice_card,
    agreement_card,
    annotated,
    approval_card,
    decision_card,
    equipment_card,
    equipment_items_card,
    ergonomics_card,
    extent_card,
    invite_card,
    network_card,
    new_leader_card,
    review_card,
    summary_card,
    tasks_card,
    weekdays_card,
)
from cards.agreement_terms import (
    end_confirm_card,
    end_due_card,
    history_card,
    notice_given_card,
    occasional_card,
    terms_card,
    terms_edit_card,
    terms_values,
)
from cards.checkin import answered_card, checkin_card, notice_card, receipt_card
from cards.coffee import (
    checkback_answered,
    checkback_card,
    coffee_card,
    left_card,
    matched_card,
    suggestion,
)
from cards.coffee import pulse_card as coffee_pulse_card
from cards.coffee import settings_lines as coffee_settings_lines
from cards.data_rights import confirm_delete_card, deleted_card, kept_card, my_data_card
from cards.elements import Card
from cards.followup import (
    asked_card,
    followup_card,
    followup_reminder_card,
    leader_lines,
    self_help,
    team_signal_card,
)
from cards.help import Waiting, greeting_card, help_card
from cards.i18n import t
from cards.pulse import ergonomics_picture_card, pulse_cards, pulse_summary, scope_label
from cards.settings import settings_card
from cards.team import team_card, with_back
from cards.trend import trend_card
from cards.week import office_card, team_days_card, week_card
from domain.agreement import (
    FURNITURE_ITEMS,
    IT_ITEMS,
    WORKDAYS,
    Amounts,
    EquipmentRequest,
    Extent,
    Mode,
    Network,
    Package,
    Place,
    Workplace,
    assess_workplace,
    priced,
)
from domain.agreement_record import (
    Agreement,
    Flag,
    Status,
    Tasks,
    TeamMember,
    TeamOverview,
    Terms,
    order_task,
    review,
    week_plan,
)
from domain.catalog import COMMENT_MAX_LENGTH, round_items
from domain.checkin import CheckinAnswers, FieldError, FieldProblem
from domain.coffee import NOT_WITH_MAX, CoffeeReport, Frequency, Meeting, Membership, Width
from domain.ergonomics_picture import Counts, Quarter, picture
from domain.followup import (
    Action,
    AlreadyAsked,
    Contacts,
    Event,
    FollowUp,
    NoLeader,
    Prompted,
    PromptWaiting,
    Signal,
    Why,
)
from domain.legal_terms import MAX_TERM_TEXT, Hours, LegalTerms, TermDefaults
from domain.org import Person
from domain.profile import AGE_BANDS
from domain.pulse import NO_BAND, PulseReport, Scope, Summary, View
from domain.pulse import TrendPoint as PulsePoint
from domain.refusals import OverLimit, Refusal
from domain.rotation import rotation
from domain.rounds import Round
from domain.trend import DEFAULT_TREND_ROUNDS, TrendPoint
from domain.week import (
    DayAtOffice,
    Member,
    Plan,
    Viewer,
    Visibility,
    WeekView,
    Where,
    at_office,
    monday_of,
    workdays,
)
from services.pulse import TREND_ROUNDS as PULSE_TREND_ROUNDS

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2025, 11, 24, 8, 30, tzinfo=UTC)
CONTACTS = Contacts("HR – se intranettet", "Bedriftshelsetjenesten – se intranettet")

LEADER = Person(
    "6f1c2d3e-0000-4000-8000-000000000001",
    "Ola Hansen",
    "ola.hansen@kommune.no",
    None,
    "Helse og omsorg",
    "Hjemmetjenesten sør",
)

#: The default rotation and the items of its first round (stress, social and two in turn).
ROTATION = rotation()
DEFAULT_ROUND = ROTATION.items(0)


def elements(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a card, nested ones included: elements, actions, their data."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from elements(value)
    elif isinstance(node, list):
        for value in node:
            yield from elements(value)


def _employee(n: int, name: str) -> Person:
    email = name.lower().replace(" ", ".").replace("ø", "o").replace("å", "a") + "@kommune.no"
    return Person(
        f"6f1c2d3e-0000-4000-8000-{n:012d}",
        name,
        email,
        LEADER.id,
        "Helse og omsorg",
        "Hjemmetjenesten sør",
    )


KARI = _employee(2, "Kari Nordmann")
PER = _employee(3, "Per Olsen")
AISHA = _employee(4, "Aisha Rahman")
JONAS = _employee(5, "Jonas Berg")
INGRID = _employee(6, "Ingrid Sørensen Haugland")
MAGNUS = _employee(7, "Magnus Lie")

# A whole proposal: three days with a reason (flagged), a risky workplace (flagged, BHT wanted),
# items from the standard package within the amounts, the private network.
FULL_TERMS = Terms(
    tasks=Tasks(
        home=("concentration", "writing", "planning"),
        office=("physical_meetings", "user_contact"),
        expectations=(
            "Svarer på Teams og telefon 08–15.30, saksbehandling levert innen fristene i Acos."
        ),
    ),
    extent=Extent(3, ("mon", "wed", "thu"), "Lang reisevei (2 × 75 min) og mye skrivearbeid."),
    workplace=Workplace(
        Place.FIXED_PLACE, frozenset({"desk", "external_screen", "mouse"}), frozenset({"neck"})
    ),
    wants_occupational_health=True,
    equipment=EquipmentRequest(
        Package.STANDARD,
        items=priced(("external_screen", "keyboard", "headset", "office_chair"), Amounts()),
    ),
    network=Network.PRIVATE,
    # The § 2 terms changed from the defaults: agreed times, temporary, a trial period.
    legal=LegalTerms(
        hours=Hours.AGREED,
        agreed_hours="08.00–15.30, fri 08.00–14.00",
        reachable="Teams og telefon 09–14",
        end_on=date(2026, 6, 30),
        notice_months=2,
        trial_months=3,
        equipment_rules_accepted=True,
        confidentiality_accepted=True,
    ),
)
# An agreement stored before the equipment step asked for items, and before the § 2 terms
# were asked: kroner, as typed then, and no terms.
LEGACY_TERMS = replace(
    FULL_TERMS,
    equipment=EquipmentRequest(Package.STANDARD, it_cost=2_500, furniture_cost=4_200),
    legal=None,
)
PLAIN_TERMS = Terms(
    tasks=Tasks(home=("concentration", "digital_meetings"), office=("collaboration",)),
    extent=Extent(2),
    workplace=Workplace(Place.OWN_ROOM, frozenset({"desk", "office_chair", "keyboard"})),
    equipment=EquipmentRequest(Package.BASIC),
    network=Network.PRIVATE,
    legal=TermDefaults().proposal(),
)
# What the leader is asked to look at, as the service works it out from the terms.
FLAGS = review(FULL_TERMS, Mode.ORDINARY, Amounts()).flagged
assert FLAGS == [Flag.THREE_DAYS, Flag.ERGONOMIC_RISK], FLAGS


NAMES = {LEADER.id: LEADER.name, KARI.id: KARI.name}


def _agreement(person: Person, version: int, status: Status, **changes: Any) -> Agreement:
    decided = status in (Status.APPROVED, Status.CHANGES_REQUESTED, Status.TALK_PROPOSED)
    base = Agreement(
        person.id,
        version=version,
        status=status,
        terms=PLAIN_TERMS,
        leader_id=LEADER.id if status is not Status.DRAFT else "",
        submitted_at=NOW - timedelta(days=3) if status is not Status.DRAFT else None,
        decided_at=NOW - timedelta(days=1) if decided else None,
        review_on=date(2026, 5, 23) if status is Status.APPROVED else None,
        approved_version=version if status is Status.APPROVED else 0,
    )
    return replace(base, **changes)


def _followup(person: Person, signals: set[Signal], days_ago: int) -> FollowUp:
    opened = NOW - timedelta(days=days_ago)
    return FollowUp(
        id=f"fu-{person.id[-4:]}-{days_ago}",
        employee_id=person.id,
        leader_id=LEADER.id,
        signals=frozenset(signals),
        round_id="2025-11-17",
        opened_at=opened,
        events=(Event(opened, Action.PROMPTED, "bot"),),
    )


def _round(days_ago: int = 0, items: tuple[str, ...] = DEFAULT_ROUND) -> Round:
    opened = NOW - timedelta(days=days_ago)
    return Round(
        id=opened.strftime("%Y-%m-%d"),
        opened_at=opened,
        closes_at=opened + timedelta(days=5),
        items=items,
        delivered_at=opened,
    )


def _agreement_cards() -> dict[str, Card]:
    amounts = Amounts()
    pending = _agreement(KARI, 2, Status.PENDING, terms=FULL_TERMS)
    approved = _agreement(KARI, 1, Status.APPROVED)
    risky = Workplace(Place.NO_FIXED_PLACE, frozenset({"desk"}), frozenset({"neck", "back"}))
    changes = _agreement(
        KARI,
        2,
        Status.CHANGES_REQUESTED,
        terms=FULL_TERMS,
        comment="Tre dager går fint, men ta med hvilke dager du er på kontoret for brukermøter.",
    )
    talk = _agreement(KARI, 2, Status.TALK_PROPOSED, terms=FULL_TERMS, comment="La oss ta en prat.")
    approved_full = _agreement(KARI, 2, Status.APPROVED, terms=FULL_TERMS)
    summary = summary_card(
        "nb", _agreement(KARI, 1, Status.DRAFT, terms=FULL_TERMS), [], [], FLAGS, LEADER.name
    )
    # Tasks done, three days without a reason, the rest not answered yet.
    partial = _agreement(
        KARI, 1, Status.DRAFT, terms=Terms(tasks=PLAIN_TERMS.tasks, extent=Extent(3))
    )
    problems = review(partial.terms, Mode.ORDINARY, amounts)
    assert FULL_TERMS.legal is not None
    legal = FULL_TERMS.legal
    ending = _agreement(
        KARI,
        3,
        Status.ENDING,
        terms=FULL_TERMS,
        decided_at=NOW,
        ends_on=date(2026, 1, 24),
        notice_by=LEADER.id,
        notice_at=NOW,
    )
    history = [
        replace(changes, version=1, terms=PLAIN_TERMS),
        replace(approved_full, decided_at=NOW - timedelta(hours=20)),
        ending,
    ]
    return {
        "tasks": tasks_card(
            "nb",
            {
                "home": "concentration,writing",
                "office": "physical_meetings",
                "expectations": "Tilgjengelig på Teams i kjernetiden.",
            },
        ),
        "tasks-en": tasks_card("en", {}),
        "extent-refused": extent_card(
            "nb",
            {"days": "3", "fixed": "fixed", "reason": ""},
            Mode.ORDINARY,
            ["extent.reason_needed"],
        ),
        "extent-ordered": extent_card("nb", {}, Mode.ORDERED),
        "extent-en": extent_card("en", {"days": "2", "fixed": "flexible"}, Mode.ORDINARY),
        "weekdays": weekdays_card("nb", 2, {"weekdays": "mon,wed"}),
        "weekdays-refused": weekdays_card(
            "nb", 2, {"weekdays": "mon,tue,wed"}, ["agreement.weekdays.count"]
        ),
        "weekdays-en": weekdays_card("en", 1, {}),
        "ergonomics": ergonomics_card(
            "nb", {"place": "fixed_place", "has": "desk,mouse", "discomfort": "neck"}
        ),
        "advice": advice_card("nb", assess_workplace(risky, 2).advice, {}),
        "equipment": equipment_card("nb", {"package": "2"}, amounts),
        "equipment-refused": equipment_card(
            "nb", {"package": "2"}, amounts, ["equipment.standard_needs_regular_days"]
        ),
        "equipment-items": equipment_items_card(
            "nb",
            Package.STANDARD,
            {"it_items": "external_screen,keyboard,mouse", "furniture_items": "office_chair"},
            amounts,
        ),
        "equipment-items-refused": equipment_items_card(
            "nb",
            Package.STANDARD,
            {"it_items": ",".join(IT_ITEMS), "furniture_items": ",".join(FURNITURE_ITEMS)},
            amounts,
            [
                OverLimit(Refusal.EQUIPMENT_IT_OVER_LIMIT, 4_200, 3_000),
                OverLimit(Refusal.EQUIPMENT_FURNITURE_OVER_LIMIT, 5_400, 5_000),
            ],
        ),
        "equipment-items-en": equipment_items_card(
            "en",
            Package.STANDARD,
            {},
            amounts,
            [OverLimit(Refusal.EQUIPMENT_IT_OVER_LIMIT, 9_500, 8_000)],
        ),
        "equipment-items-temporary": equipment_items_card(
            "nb", Package.TEMPORARY, {"it_items": "external_screen"}, amounts
        ),
        "equipment-items-special": equipment_items_card(
            "nb", Package.SPECIAL, {}, amounts, ["agreement.equipment.special_needed"]
        ),
        "network": network_card("nb", {"network": "private"}),
        "terms": terms_card("nb", TermDefaults().proposal()),
        "terms-en": terms_card("en", TermDefaults().proposal()),
        "terms-changed": terms_card("nb", legal),
        "terms-refused": terms_card(
            "nb", replace(legal, end_on=date(2025, 1, 31)), ["agreement.terms.end_not_after_today"]
        ),
        "terms-edit": terms_edit_card("nb", terms_values(legal), TermDefaults()),
        "terms-edit-refused": terms_edit_card(
            "nb",
            {**terms_values(legal), "agreed_hours": ""},
            TermDefaults(),
            ["agreement.terms.agreed_hours_needed"],
        ),
        "terms-edit-en": terms_edit_card(
            "en", terms_values(TermDefaults().proposal()), TermDefaults()
        ),
        "occasional": occasional_card("nb", in_force=False),
        "occasional-in-force-en": occasional_card("en", in_force=True),
        "summary-ordered": summary_card(
            "nb",
            _agreement(KARI, 1, Status.DRAFT, terms=replace(FULL_TERMS, legal=None)),
            [],
            [],
            FLAGS,
            LEADER.name,
            Mode.ORDERED,
        ),
        "end-confirm": end_confirm_card("nb", ending, 2, for_employee=True),
        "end-confirm-leader": with_back(
            end_confirm_card("nb", ending, 2, for_employee=False), "nb"
        ),
        "notice-given-employee": notice_given_card(
            "nb", KARI.name, LEADER.name, ending.ends_on, for_leader=False
        ),
        "notice-given-leader-en": notice_given_card(
            "en", KARI.name, KARI.name, ending.ends_on, for_leader=True
        ),
        "end-due-employee": end_due_card("nb", KARI.name, date(2026, 6, 30), for_leader=False),
        "end-due-leader": end_due_card("nb", KARI.name, date(2026, 6, 30), for_leader=True),
        "agreement-ending": agreement_card("nb", KARI.name, approved_full, LEADER.name, ending),
        "agreement-ending-leader": with_back(
            agreement_card("nb", KARI.name, approved_full, LEADER.name, ending, for_employee=False),
            "nb",
        ),
        "history": history_card("nb", KARI.name, history, NAMES),
        "history-leader-en": with_back(history_card("en", KARI.name, history, NAMES), "en"),
        "summary": summary,
        "summary-missing": summary_card(
            "nb", partial, problems.missing, problems.errors, problems.flagged, ""
        ),
        "summary-changes": summary_card("nb", changes, [], [], FLAGS, LEADER.name),
        "summary-stale": annotated(summary, "nb", t("nb", "agreement.stale"), []),
        "summary-old-version": annotated(summary, "nb", "", ["agreement.summary.stale"]),
        "summary-en": summary_card(
            "en", _agreement(KARI, 1, Status.DRAFT, terms=FULL_TERMS), [], [], FLAGS, LEADER.name
        ),
        "approval-pending": approval_card("nb", KARI.name, pending, FLAGS, KARI.teams_login),
        "approval-talk": with_back(
            approval_card("nb", KARI.name, talk, FLAGS, KARI.teams_login), "nb"
        ),
        "approval-approved": with_back(
            approval_card(
                "nb",
                KARI.name,
                approved_full,
                FLAGS,
                KARI.teams_login,
                order_task(*[approved_full] * 2),
            ),
            "nb",
        ),
        "approval-approved-en": with_back(
            approval_card(
                "en",
                KARI.name,
                approved_full,
                FLAGS,
                KARI.teams_login,
                order_task(*[approved_full] * 2),
            ),
            "en",
        ),
        "agreement-legacy": agreement_card(
            "nb", KARI.name, _agreement(KARI, 1, Status.APPROVED, terms=LEGACY_TERMS), LEADER.name
        ),
        "agreement-draft": agreement_card(
            "nb", KARI.name, approved, LEADER.name, _agreement(KARI, 2, Status.DRAFT)
        ),
        "agreement-leader": with_back(
            agreement_card(
                "nb", PER.name, _agreement(PER, 3, Status.APPROVED), LEADER.name, for_employee=False
            ),
            "nb",
        ),
        # The PDF button's answer, for the pressing client: the card with the link on it.
        "agreement-pdf-link": agreement_card(
            "nb",
            KARI.name,
            approved,
            LEADER.name,
            pdf_url="https://bot.example.no/agreement.pdf?t=x",
        ),
        "agreement-pdf-link-leader-en": with_back(
            agreement_card(
                "en",
                KARI.name,
                approved_full,
                LEADER.name,
                for_employee=False,
                pdf_url="https://bot.example.no/agreement.pdf?t=x",
            ),
            "en",
        ),
        "decision-changes": decision_card("nb", changes, LEADER.name, LEADER.teams_login),
        "decision-talk": decision_card("nb", talk, LEADER.name, LEADER.teams_login),
        "decision-approved-en": decision_card(
            "en", _agreement(KARI, 2, Status.APPROVED), LEADER.name, LEADER.teams_login
        ),
        "invite": invite_card("nb", LEADER.name),
        "new-leader": new_leader_card("nb", LEADER.name, 2),
        "review-employee": review_card("nb", KARI.name, date(2026, 5, 23), for_leader=False),
        "review-leader": review_card("nb", KARI.name, date(2026, 5, 23), for_leader=True),
    }


def _team_cards() -> dict[str, Card]:
    members = [
        TeamMember(
            KARI,
            _agreement(KARI, 2, Status.PENDING, terms=FULL_TERMS),
            _agreement(KARI, 1, Status.APPROVED),
        ),
        TeamMember(
            PER,
            _agreement(PER, 3, Status.APPROVED, terms=FULL_TERMS),
            _agreement(PER, 3, Status.APPROVED, terms=FULL_TERMS),
        ),
        TeamMember(AISHA, _agreement(AISHA, 1, Status.PENDING), None),
        TeamMember(JONAS, _agreement(JONAS, 2, Status.CHANGES_REQUESTED), None),
        TeamMember(INGRID, _agreement(INGRID, 1, Status.TALK_PROPOSED), None),
        TeamMember(MAGNUS, None, None),
    ]
    extents = [
        m.approved.terms.extent
        for m in members
        if m.approved is not None and m.approved.terms.extent is not None
    ] + [Extent(2, ("tue", "fri")), Extent(3, ("mon", "tue", "thu"), "Reisevei")]
    overview = TeamOverview(members, week_plan(extents))
    followups = [
        (JONAS, _followup(JONAS, {Signal.CONTACT_ME, Signal.STRESS_MAX}, 2)),
        (INGRID, _followup(INGRID, {Signal.SOCIAL_LOW_TWICE}, 9)),
    ]
    quiet = TeamOverview(
        [TeamMember(MAGNUS, None, None), TeamMember(PER, _agreement(PER, 1, Status.DRAFT), None)],
        week_plan([]),
    )
    return {
        "team": team_card("nb", overview, followups, team_days=("tue", "thu")),
        "team-days": with_back(team_days_card("nb", ("tue", "thu"), True), "nb"),
        "team-days-saved-en": with_back(
            team_days_card("en", (), False, t("en", "week.team.saved")), "en"
        ),
        "team-invited": team_card("nb", quiet, (), t("nb", "team.invited", name=MAGNUS.name)),
        "team-en": team_card("en", overview, followups[:1]),
    }


def _followup_cards() -> dict[str, Card]:
    signals = {Signal.CONTACT_ME, Signal.STRESS_HIGH_TWICE, Signal.STRAIN_HIGH}
    followup = _followup(KARI, signals, 1)
    done_at = NOW + timedelta(days=2)
    done = followup.with_event(Event(NOW, Action.TALK, LEADER.id)).with_event(
        Event(done_at, Action.FOLLOWED_UP, LEADER.id)
    )
    done = replace(done, note="Snakket med Kari tirsdag; avtalte kortere møtedager i to uker.")
    return {
        "followup": followup_card("nb", KARI, followup, CONTACTS),
        "followup-support": with_back(
            followup_card("nb", KARI, followup, CONTACTS, show_support=True), "nb"
        ),
        "followup-meeting": with_back(
            followup_card("nb", KARI, followup, CONTACTS, meeting_link=True), "nb"
        ),
        "followup-done": with_back(followup_card("nb", KARI, done, CONTACTS), "nb"),
        "followup-en": followup_card("en", PER, _followup(PER, {Signal.STRESS_MAX}, 0), CONTACTS),
        "followup-reminder": followup_reminder_card("nb", KARI, followup, CONTACTS),
        "team-signal": team_signal_card("nb", CONTACTS),
        "asked": asked_card("nb", Prompted(LEADER.name), CONTACTS),
        "asked-waiting": asked_card("nb", PromptWaiting(LEADER.name), CONTACTS),
        "asked-already-en": asked_card("en", AlreadyAsked(LEADER.name), CONTACTS),
        "no-leader": asked_card("nb", NoLeader(), CONTACTS),
    }


def _checkin_cards() -> dict[str, Card]:
    round_ = _round()
    everything = _round(items=round_items())  # CHECKIN_ROTATING=6: all eight, the longest card
    scores = {
        "stress": 5,
        "social": 2,
        "focus": 3,
        "workload": 2,
        "balance": 3,
        "leader": 4,
        "learning": 3,
        "strain": 4,
    }
    answers = CheckinAnswers({i: scores[i] for i in round_.items})
    asked = CheckinAnswers(
        {i: scores[i] for i in ROTATION.items(2)}, contact_me=True, comment="Mye nå før jul."
    )
    partial = {"stress": "4", "social": "2", "comment": "Travel uke."}
    errors = [
        FieldError(item, FieldProblem.REQUIRED) for item in round_.items if item not in partial
    ]
    # Four weekly rounds, each asking its items in turn (a dash where a round did not ask).
    points = [
        TrendPoint(r.id, r.opened_at.astimezone(OSLO).strftime("%d.%m."), dict(s))
        for r, s in (
            (_round(21), {"stress": 2, "social": 4, "focus": 4, "workload": 3}),
            (_round(14), {"stress": 3, "social": 3, "balance": 4, "leader": 3}),
            (_round(7), {"stress": 4, "social": 2, "learning": 3, "strain": 3}),
            (round_, {"stress": 5, "social": 2, "focus": 3, "workload": 2}),
        )
    ]
    return {
        "checkin": checkin_card("nb", round_, OSLO),
        "checkin-all-items-en": checkin_card("en", everything, OSLO),
        "checkin-refused": checkin_card("nb", round_, OSLO, partial, errors, reminder=True),
        "checkin-closed": notice_card("nb", t("nb", "receipt.closed", round="17.11.2025")),
        "checkin-closed-wish": notice_card(
            "nb",
            t("nb", "receipt.closed", round="17.11.2025"),
            leader_lines("nb", PromptWaiting(LEADER.name), Why.TICKED, CONTACTS),
        ),
        "checkin-answered": answered_card("nb", round_, OSLO, round_.closes_at),
        "checkin-answered-en": answered_card("en", round_, OSLO, round_.closes_at),
        "receipt-selfhelp": receipt_card(
            "nb", round_, OSLO, answers, False, extra=self_help("nb", round_.id, CONTACTS)
        ),
        "receipt-asked": receipt_card(
            "nb",
            round_,
            OSLO,
            asked,
            False,
            extra=leader_lines("nb", Prompted(LEADER.name), Why.TICKED, CONTACTS),
        ),
        "receipt-waiting-selfhelp": receipt_card(
            "nb",
            round_,
            OSLO,
            asked,
            False,
            extra=[
                *leader_lines("nb", PromptWaiting(LEADER.name), Why.STANDING, CONTACTS),
                *self_help("nb", None, CONTACTS),
            ],
        ),
        "receipt-no-leader": receipt_card(
            "nb",
            round_,
            OSLO,
            asked,
            False,
            extra=leader_lines("nb", NoLeader(), Why.TICKED, CONTACTS),
        ),
        "receipt-already-en": receipt_card("en", round_, OSLO, answers, True),
        "trend": trend_card("nb", points),
        "trend-one-round-en": trend_card("en", points[:1]),
        "trend-empty": trend_card("nb", []),
    }


# The largest team we expect a leader to have (direct reports), and text at its limit: bokmål
# with æ, ø and å, which the Bot Connector's JSON sends as six-byte escapes.
LARGEST_TEAM = 150
LONG_TEXT = ("Tårnfrøkna på Ærøy får økt sjøføre og må være på kontoret før kl. 9. " * 15)[
    :COMMENT_MAX_LENGTH
]


def _largest_team() -> tuple[TeamOverview, list[tuple[Person, FollowUp]]]:
    people = [
        _employee(100 + n, f"Marte-Sølvi Æsøy Bjørnstad-Håland {n:03d}")
        for n in range(LARGEST_TEAM)
    ]
    statuses = [Status.PENDING, Status.APPROVED, Status.CHANGES_REQUESTED, Status.TALK_PROPOSED]
    members = [
        TeamMember(
            person,
            _agreement(person, 3, statuses[n % 4], terms=FULL_TERMS),
            _agreement(person, 2, Status.APPROVED, terms=FULL_TERMS),
        )
        for n, person in enumerate(people)
    ]
    extents = [m.approved.terms.extent for m in members if m.approved and m.approved.terms.extent]
    followups = [(p, _followup(p, set(Signal), n % 20)) for n, p in enumerate(people[::3])]
    return TeamOverview(members, week_plan(extents)), followups


def _largest_cards() -> dict[str, Card]:
    team, followups = _largest_team()
    everyone = [m.person for m in team.members] * 2  # a team of 300
    largest_week, largest_office = _week_view(everyone, KARI)
    round_ = _round(items=round_items())  # every item in every round: the longest there can be
    assert FULL_TERMS.tasks is not None and FULL_TERMS.extent is not None
    assert FULL_TERMS.legal is not None
    longest = replace(
        FULL_TERMS,
        tasks=replace(FULL_TERMS.tasks, expectations=LONG_TEXT),
        extent=replace(FULL_TERMS.extent, reason=LONG_TEXT),
        legal=replace(
            FULL_TERMS.legal,
            agreed_hours=LONG_TEXT[:MAX_TERM_TEXT],
            reachable=LONG_TEXT[:MAX_TERM_TEXT],
        ),
    )
    changes = _agreement(KARI, 9, Status.CHANGES_REQUESTED, terms=longest, comment=LONG_TEXT)
    followup = _followup(KARI, set(Signal), 1).with_event(Event(NOW, Action.TALK, LEADER.id))
    done = replace(followup.with_event(Event(NOW, Action.FOLLOWED_UP, LEADER.id)), note=LONG_TEXT)
    scores = {item: 5 for item in round_.items}
    points = [
        TrendPoint(r.id, r.opened_at.astimezone(OSLO).strftime("%d.%m."), scores)
        for r in (_round(7 * n) for n in range(DEFAULT_TREND_ROUNDS - 1, -1, -1))
    ]
    errors = [FieldError(item, FieldProblem.REQUIRED) for item in round_.items]
    return {
        "team-largest": team_card(
            "nb",
            team,
            followups,
            t("nb", "team.invited", name=LONG_TEXT),
            team_days=WORKDAYS,
        ),
        "week-largest": week_card(
            "nb",
            largest_week,
            Visibility.UNIT,
            ics_url="https://bot.example.no/my-week.ics?t=x",
            message=t("nb", "week.saved"),
        ),
        "office-largest": office_card("nb", largest_office, True, True, LONG_TEXT[:80]),
        "team-largest-last": team_card("en", team, followups, page=LARGEST_TEAM),
        "checkin-largest": checkin_card(
            "nb", round_, OSLO, {"comment": LONG_TEXT}, errors, reminder=True
        ),
        "receipt-largest": receipt_card(
            "nb",
            round_,
            OSLO,
            CheckinAnswers(scores, contact_me=True, comment=LONG_TEXT),
            False,
            extra=self_help("nb", round_.id, CONTACTS),
        ),
        "trend-largest": trend_card("nb", points),
        "summary-largest": summary_card("nb", changes, [], [], FLAGS, LEADER.name),
        # Every version of a long history, each changing every part, the last one ended.
        "history-largest": history_card(
            "nb",
            LONG_TEXT,
            [
                replace(
                    changes,
                    version=n,
                    terms=longest if n % 2 else PLAIN_TERMS,
                    status=Status.ENDED if n == 30 else Status.APPROVED,
                    notice_by=LEADER.id if n == 30 else "",
                    ends_on=date(2026, 1, 24) if n == 30 else None,
                )
                for n in range(1, 31)
            ],
            {LEADER.id: "Ingrid Sørensen Haugland-Bakkevold"},
        ),
        "approval-largest": with_back(
            approval_card("nb", KARI.name, replace(changes, status=Status.PENDING), FLAGS), "nb"
        ),
        "decision-largest": decision_card("nb", changes, LEADER.name, LEADER.teams_login),
        "followup-largest": with_back(
            followup_card("nb", KARI, done, CONTACTS, show_support=True, meeting_link=True), "nb"
        ),
        "greeting-waiting-largest": greeting_card(
            "nb", LEADER.name.split()[0], _waiting_largest(team, followups)
        ),
        "help-waiting-largest": help_card(
            "nb", t("nb", "unknown"), True, True, _waiting_largest(team, followups)
        ),
    }


def _waiting_largest(team: TeamOverview, followups: list[tuple[Person, FollowUp]]) -> Waiting:
    approvals = [(m.person, m.agreement) for m in team.pending if m.agreement is not None]
    return Waiting(approvals, followups)


# What `mine data` counts (services/data_rights.py exports far more; the card shows these).
MY_DATA = {
    "profile": {"language": "nb"},
    "checkins": [{}] * 12,
    "standing_consent": {"kinds": ["stress", "social", "strain"]},
    "agreement": {"status": "approved"},
    "agreement_versions": [{}, {}],
    "followups": [{}],
}


# The largest pulse: every service area of a large municipality, every age band, every item,
# every group shown (the most numbers a card can carry), the trend over all its rounds; and a
# rep over eight service areas.
ITEMS = round_items()
SERVICE_AREAS = [
    "Oppvekst",
    "Helse og omsorg",
    "Teknisk",
    "Kultur og fritid",
    "NAV og sosiale tjenester",
    "Økonomi og innkjøp",
    "Plan, bygg og geodata",
    "Barnevern",
    "Eiendom og forvaltning",
    "Organisasjon og personal",
    "Digitalisering og IKT",
    "Næring, miljø og samfunnsutvikling – Sørøst",
]


# A short round: the two items of every week and two rotating ones, one chart of four bars.
SHORT_ITEMS = ("stress", "social", "workload", "leader")


def _pulse_cell(n: int, seed: int, items: tuple[str, ...] = ITEMS) -> Summary:
    """`n` respondents; skewed sums, so that the means differ from group to group."""
    return Summary(n, {i: n * (15 + (seed * 7 + j * 11) % 30) // 10 for j, i in enumerate(items)})


def _pulse_report(
    areas: list[str] | None, hide_every: int = 0, items: tuple[str, ...] = ITEMS
) -> PulseReport:
    """The view of all `areas` (None: the whole organisation, with age bands) on `items`; with
    `hide_every`, that share of the areas and the total hidden as too few."""
    shown = areas if areas is not None else SERVICE_AREAS
    by_area: dict[str, Summary | None] = {
        a: None if hide_every and n % hide_every else _pulse_cell(40 + 9 * n, n, items)
        for n, a in enumerate(shown)
    }
    bands = (*AGE_BANDS, NO_BAND) if areas is None else ()
    total = _pulse_cell(sum(s.n for s in by_area.values() if s), 1, items)
    view = View(
        "2025-11-17",
        items,
        invited=total.n + 311,
        scope_total=None if hide_every else total,
        distribution=None if hide_every else {i: (12, 40, 97, 160, 33) for i in items},
        by_area=by_area,
        by_band={b: _pulse_cell(25 + 11 * n, n + 3, items) for n, b in enumerate(bands)},
    )
    trend = [
        PulsePoint((NOW - timedelta(days=7 * n)).strftime("%d.%m."), _pulse_cell(total.n - n, n))
        for n in range(1 if hide_every else PULSE_TREND_ROUNDS)
    ][::-1]
    return PulseReport(Scope(frozenset(areas) if areas else None), view, "17.11.2025", trend)


def _pulse_cards() -> dict[str, Card]:
    everyone = scope_label("nb", None)
    admin = _pulse_report(None)
    rep = _pulse_report(SERVICE_AREAS[:8])
    cards = {
        "pulse-none": pulse_cards("nb", PulseReport(Scope(None), None, "", []), everyone, 5, 10)[0],
        "pulse-csv-link-en": pulse_summary(
            "en", admin, scope_label("en", None), 5, 10, "https://bot.example.no/pulse.csv?t=x"
        ),
    }
    hidden = pulse_cards("nb", _pulse_report(None, hide_every=3), everyone, 5, 10)
    cards["pulse-hidden"], cards["pulse-hidden-areas"] = hidden[:2]
    (
        cards["pulse-largest"],
        cards["pulse-largest-areas"],
        cards["pulse-largest-bands"],
    ) = pulse_cards("nb", admin, everyone, 5, 10)
    short = _pulse_report(SERVICE_AREAS[:2], items=SHORT_ITEMS)
    cards["pulse-short-en"] = pulse_summary(
        "en", short, scope_label("en", short.scope.areas), 5, 10
    )
    cards["pulse-rep"], cards["pulse-rep-areas"] = pulse_cards(
        "nb", rep, scope_label("nb", rep.scope.areas), 5, 10
    )
    # The safety reps' ergonomics picture: every area of a large municipality (the admin's,
    # some too small, some counts hidden), a safety rep's two areas, and a quarter without any.
    quarter = Quarter(2025, 3)
    counts = {area: Counts(3 + 7 * n, 2 + 3 * n, 1 + 2 * n) for n, area in enumerate(SERVICE_AREAS)}
    cards["pulse-ergonomics-largest"] = ergonomics_picture_card(
        "nb", picture(counts, Scope(None), quarter, 5), everyone, 5
    )
    safety = frozenset(SERVICE_AREAS[:2])
    cards["pulse-ergonomics-rep-en"] = ergonomics_picture_card(
        "en", picture(counts, Scope(safety), quarter, 5), scope_label("en", safety), 5
    )
    cards["pulse-ergonomics-none"] = ergonomics_picture_card(
        "nb", picture({}, Scope(safety), quarter, 5), scope_label("nb", safety), 5
    )
    return cards


def _other_cards() -> dict[str, Card]:
    return {
        "greeting": greeting_card("nb", KARI.name),
        "help-leader": help_card("nb", leader=True),
        "help-leader-waiting-en": help_card(
            "en",
            leader=True,
            waiting=Waiting(
                [(KARI, _agreement(KARI, 2, Status.PENDING))],
                [(PER, _followup(PER, {Signal.CONTACT_ME}, 1))],
            ),
        ),
        "greeting-waiting": greeting_card(
            "nb",
            LEADER.name.split()[0],
            Waiting([(KARI, _agreement(KARI, 1, Status.PENDING))]),
        ),
        "help-unknown-en": help_card("en", t("en", "unknown")),
        "settings": settings_card("nb", "41-50", ["stress", "strain"], saved=True),
        "settings-en": settings_card("en", "", [], invalid=True),
        "my-data": my_data_card("nb", MY_DATA),
        "my-data-link": my_data_card("nb", MY_DATA, "https://bot.example.no/my-data.json?t=x"),
        "delete-confirm": confirm_delete_card("nb"),
        "deleted": deleted_card("nb", {"checkins": 12}),
        "kept-en": kept_card("en"),
    }


def _week_view(
    people: list[Person], me: Person, monday_plus: int = 0, hidden: int = 0
) -> tuple[WeekView, list[DayAtOffice]]:
    """A week of `people` (the first `hidden` hide their plan), as `me` sees it."""
    monday = monday_of(NOW.date()) + timedelta(days=monday_plus)
    plans = {
        p.id: Plan(
            p.id,
            home_days=(WORKDAYS[n % 5], WORKDAYS[(n + 2) % 5]) if n % 3 else (),
            flexible=n % 3 == 0,
            agreement=True,
            changes={(monday + timedelta(days=n % 5)).isoformat(): Where.OFFICE},
            visibility=Visibility.HIDDEN if n < hidden else Visibility.TEAM,
        )
        for n, p in enumerate(people)
    }
    plans[me.id] = Plan(me.id, ("mon", "wed"), agreement=True)
    members = [Member(p.id, p.name, Viewer.TEAM) for p in people]
    days = workdays(monday)
    view = WeekView(
        monday,
        tuple(at_office(days, members, plans, ("tue", "thu"), me=me.id)),
        ("tue", "thu"),
        tuple(plans[me.id].on(d) or Where.OPEN for d in days),
        NOW.date() + timedelta(days=1),
    )
    leader_members = [Member(p.id, p.name, Viewer.LEADER) for p in people]
    coming = at_office(days, leader_members, plans, ("tue",), me=me.id, leader_view=True)
    return view, coming


def _week_cards() -> dict[str, Card]:
    team = [PER, AISHA, JONAS, INGRID, MAGNUS]
    view, coming = _week_view(team, KARI, hidden=1)
    office_team, _ = _week_view(team, KARI)
    link = "https://bot.example.no/my-week.ics?t=x"
    return {
        "week": week_card("nb", view, Visibility.TEAM),
        "week-saved-ics": week_card(
            "nb", view, Visibility.HIDDEN, ics_url=link, message=t("nb", "week.saved")
        ),
        "week-monday": week_card("nb", view, monday_card=True),
        "week-monday-en": week_card("en", view, monday_card=True),
        "office": office_card("nb", list(office_team.days), False, False, KARI.unit),
        "office-leader-en": office_card("en", coming, False, True, LEADER.unit),
        "office-unit": office_card("nb", list(view.days), True, False, KARI.unit),
        "weekdays-team-days": weekdays_card("nb", 2, {}, team_days=("tue", "thu")),
        "approval-team-day": approval_card(
            "nb", KARI.name, _agreement(KARI, 1, Status.PENDING), [Flag.TEAM_DAY]
        ),
        "settings-week-hidden": settings_card("nb", "", [], visibility=Visibility.HIDDEN),
    }


def _coffee_cards() -> dict[str, Card]:
    """Kaffeprat: joining (with the longest "not with" list a card takes), the pairing, the
    check-back, the receipt's suggestion, and the numbers in `puls`."""
    member = Membership(
        KARI.id,
        Frequency.WEEKLY,
        Meeting.OFFICE,
        Width.ALL,
        paused_until=date(2025, 12, 8),
        not_with=frozenset({PER.id, AISHA.id}),
    )
    refused = {
        "frequency": "weekly",
        "meeting": "call",
        "width": "area",
        "paused_until": "",
        "not_with": ("navn.navnesen@kommune.no, " * 80)[:NOT_WITH_MAX],
    }
    round_ = _round()
    answers = CheckinAnswers({i: 1 if i == "social" else 3 for i in round_.items})
    met = {
        a: Summary(12 + 3 * n, {"met": (12 + 3 * n) * (2 + n % 3)})
        for n, a in enumerate(SERVICE_AREAS)
    }
    total = Summary(
        sum(c.n for c in met.values()), {"met": sum(c.sums["met"] for c in met.values())}
    )
    everyone = CoffeeReport(
        Scope(None),
        "k20251117",
        NOW - timedelta(days=14),
        412,
        825,
        {a: 40 + 9 * n for n, a in enumerate(SERVICE_AREAS)},
        View("k20251117", ("met",), 825, total, None, dict(met), {}),
    )
    rep_areas = frozenset(SERVICE_AREAS[:3])
    hidden = {a: (None if n == 1 else met[a]) for n, a in enumerate(SERVICE_AREAS[:3])}
    rep = CoffeeReport(
        Scope(rep_areas),
        "k20251117",
        NOW - timedelta(days=14),
        None,
        None,
        {a: (None if n == 1 else 40 + 9 * n) for n, a in enumerate(SERVICE_AREAS[:3])},
        View("k20251117", ("met",), 0, None, None, hidden, {}),
    )
    return {
        "coffee-join": coffee_card("nb", None),
        "coffee-member-en": coffee_card(
            "en", member, (PER, AISHA), note=t("en", "coffee.paused", date="08.12.2025")
        ),
        "coffee-refused": coffee_card(
            "nb",
            None,
            error=t("nb", "coffee.unknown_people", addresses=refused["not_with"]),
            values=refused,
        ),
        "coffee-left": left_card("nb"),
        "coffee-match": matched_card("nb", (PER,), "wed", False, 3),
        "coffee-match-three-en": matched_card("en", (JONAS, AISHA), "tue", True, 7),
        "coffee-checkback": checkback_card("nb", "k20251117", (INGRID, AISHA)),
        "coffee-checkback-thanks-en": checkback_answered("en", "coffee.checkback.thanks"),
        "receipt-coffee": receipt_card("nb", round_, OSLO, answers, False, extra=suggestion("nb")),
        "settings-coffee": settings_card(
            "nb", "", ["social"], extra=coffee_settings_lines("nb", member)
        ),
        "coffee-pulse": coffee_pulse_card("nb", everyone, scope_label("nb", None), 5, OSLO),
        "coffee-pulse-rep-en": coffee_pulse_card("en", rep, scope_label("en", rep_areas), 5, OSLO),
        "coffee-pulse-none": coffee_pulse_card(
            "nb", CoffeeReport(Scope(None)), scope_label("nb", None), 5, OSLO
        ),
    }


def gallery() -> dict[str, Card]:
    """Every card, by a name the stub bot answers to (letters, digits and hyphens)."""
    cards: dict[str, Card] = {}
    for part in (
        _checkin_cards(),
        _agreement_cards(),
        _team_cards(),
        _followup_cards(),
        _other_cards(),
        _largest_cards(),
        _pulse_cards(),
        _week_cards(),
        _coffee_cards(),
    ):
        assert not cards.keys() & part.keys(), cards.keys() & part.keys()
        cards.update(part)
    return cards


if __name__ == "__main__":
    json.dump(gallery(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
