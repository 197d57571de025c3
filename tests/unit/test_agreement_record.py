"""The agreement's transitions as pure functions: versions, who decides, reviews, the week plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from domain.agreement import (
    Amounts,
    EquipmentRequest,
    Extent,
    Item,
    Mode,
    Network,
    Package,
    Place,
    Workplace,
)
from domain.agreement_record import (
    Agreement,
    Decision,
    Flag,
    NotAllowed,
    OrderTask,
    Status,
    Tasks,
    Terms,
    add_months,
    decide,
    mark_ordered,
    order_task,
    proposal_version,
    review,
    review_due,
    submit,
    week_plan,
    with_terms,
)
from domain.legal_terms import TermDefaults
from storage.agreements import from_doc, to_doc

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
LEADER = "leader-1"
TERMS = Terms(
    tasks=Tasks(("concentration",), (), ""),
    extent=Extent(2, ("mon", "wed")),
    workplace=Workplace(Place.OWN_ROOM, frozenset({"desk", "office_chair"})),
    equipment=EquipmentRequest(Package.BASIC),
    network=Network.PRIVATE,
    legal=TermDefaults().proposal(),
)


def submitted(terms: Terms = TERMS) -> Agreement:
    return submit(Agreement("emp", terms=terms), LEADER, NOW, Mode.ORDINARY, Amounts())


def decided(agreement: Agreement, decision: Decision, comment: str = "") -> Agreement:
    return decide(agreement, LEADER, agreement.version, decision, comment, NOW, 12)


def test_an_incomplete_or_refused_proposal_cannot_be_submitted() -> None:
    with pytest.raises(NotAllowed, match="incomplete"):
        submitted(replace(TERMS, network=None))
    with pytest.raises(NotAllowed, match="incomplete"):
        submitted(replace(TERMS, extent=Extent(4)))
    problems = review(replace(TERMS, extent=Extent(3, (), "far")), Mode.ORDINARY, Amounts())
    assert problems.ok and problems.flagged == [Flag.THREE_DAYS]


def test_no_leader_keeps_it_waiting_and_the_same_version_goes_out_later() -> None:
    waiting = submit(Agreement("emp", terms=TERMS), None, NOW, Mode.ORDINARY, Amounts())
    assert waiting.status is Status.WAITING_FOR_LEADER and waiting.version == 1
    later = submit(waiting, LEADER, NOW, Mode.ORDINARY, Amounts())
    assert (later.status, later.version, later.leader_id) == (Status.PENDING, 1, LEADER)


def test_approval_sets_the_review_date_and_a_change_makes_a_new_version() -> None:
    approved = decided(submitted(), Decision.APPROVE)
    assert approved.status is Status.APPROVED and approved.approved_version == 1
    assert approved.review_on == date(2027, 11, 26)
    revised = with_terms(approved, replace(TERMS, network=Network.JOB_PHONE))
    assert (revised.version, revised.status, revised.approved_version) == (2, Status.DRAFT, 1)
    again = submit(revised, LEADER, NOW, Mode.ORDINARY, Amounts())
    assert again.version == 2  # not 3: the draft was already the new version


def test_answering_a_request_for_changes_is_a_new_version() -> None:
    changes = decided(submitted(), Decision.CHANGES, "tirsdag i stedet")
    assert changes.comment == "tirsdag i stedet" and changes.editable
    assert proposal_version(changes) == 2
    assert submit(changes, LEADER, NOW, Mode.ORDINARY, Amounts()).version == 2


def test_a_proposal_taken_back_while_pending_comes_back_as_a_new_version() -> None:
    taken_back = with_terms(submitted(), replace(TERMS, network=Network.JOB_PHONE))
    assert taken_back.status is Status.DRAFT and taken_back.leader_id == ""
    resent = submit(taken_back, LEADER, NOW, Mode.ORDINARY, Amounts())
    assert resent.version == 2
    # The leader's card for version 1 decides nothing any more.
    with pytest.raises(NotAllowed, match="already_decided"):
        decide(resent, LEADER, 1, Decision.APPROVE, "", NOW, 12)


def test_only_the_leader_it_went_to_decides_once_and_changes_need_a_comment() -> None:
    pending = submitted()
    with pytest.raises(NotAllowed, match="not_your_employee"):
        decide(pending, "someone-else", 1, Decision.APPROVE, "", NOW, 12)
    with pytest.raises(NotAllowed, match="comment_needed"):
        decided(pending, Decision.CHANGES, "  ")
    talk = decided(pending, Decision.TALK)
    assert talk.status is Status.TALK_PROPOSED and talk.approved_version == 0
    with pytest.raises(NotAllowed, match="already_decided"):
        decided(talk, Decision.APPROVE)


def test_review_is_due_once_on_its_date() -> None:
    approved = decided(submitted(), Decision.APPROVE)
    assert approved.review_on is not None
    assert not review_due(approved, date(2027, 11, 25))
    assert review_due(approved, date(2027, 11, 26))
    assert not review_due(replace(approved, review_reminded=True), date(2028, 1, 1))
    assert not review_due(submitted(), date(2030, 1, 1))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 11, 26), 14, date(2028, 1, 26)),
    ],
)
def test_add_months_keeps_the_day_or_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_week_plan_counts_fixed_days_and_flexible_people() -> None:
    plan = week_plan([Extent(2, ("mon", "wed")), Extent(1, ("mon",)), Extent(2), Extent(0)])
    assert plan.fixed == {"mon": 2, "tue": 0, "wed": 1, "thu": 0, "fri": 0}
    assert plan.flexible == 1


SCREEN, DESK = Item("external_screen", 1_800), Item("desk", 3_000)


def approved_with(*items: Item, bht: bool = False, special: str = "") -> Agreement:
    package = Package.SPECIAL if special else Package.STANDARD
    terms = replace(
        TERMS,
        equipment=EquipmentRequest(package, items=items),
        wants_occupational_health=bht,
        special_needs=special,
    )
    return decide(submitted(terms), LEADER, 1, Decision.APPROVE, "", NOW, 12)


def test_approval_leaves_the_leader_the_items_to_order_and_whether_to_contact_bht() -> None:
    approved = approved_with(SCREEN, DESK, bht=True)
    assert order_task(approved, approved) == OrderTask(1, (SCREEN, DESK), "", True)
    assert order_task(approved, approved).sum == 4_800  # type: ignore[union-attr]
    special = approved_with(special="Hev-senk-pult etter BHTs råd")
    assert order_task(special, special) == OrderTask(1, (), "Hev-senk-pult etter BHTs råd", False)
    # Nothing to order and no BHT: nothing to follow through.
    assert order_task(approved_with(), approved_with()) is None
    assert order_task(submitted(), None) is None


def test_the_task_stays_until_marked_done_and_a_second_or_stale_press_changes_nothing() -> None:
    approved = approved_with(SCREEN, bht=True)
    done = mark_ordered(approved, approved, 1)
    assert order_task(done, done) is None
    assert mark_ordered(done, done, 1) == done  # pressed twice
    # Version 2 adds a desk: only the desk is to order; a press on version 1's card is stale.
    v2 = decide(
        submit(
            with_terms(done, replace(done.terms, equipment=EquipmentRequest(
                Package.STANDARD, items=(SCREEN, DESK)
            ))),
            LEADER, NOW, Mode.ORDINARY, Amounts(),
        ),
        LEADER, 2, Decision.APPROVE, "", NOW, 12,
    )  # fmt: skip
    assert order_task(v2, v2) == OrderTask(2, (DESK,), "", True)
    assert mark_ordered(v2, v2, 1) == v2
    assert order_task(mark_ordered(v2, v2, 2), v2) is None


def test_an_agreement_stored_with_kroner_before_items_loads_and_keeps_its_amounts() -> None:
    doc = to_doc(replace(submitted(), status=Status.APPROVED, approved_version=1))
    old = {k: v for k, v in doc.items() if k not in ("ordered_version", "ordered_items")}
    old["terms"] = {
        **doc["terms"],
        "equipment": {"package": 2, "it_cost": 2_500, "furniture_cost": 4_000},
    }
    loaded = from_doc(old)
    assert loaded.terms.equipment == EquipmentRequest(Package.STANDARD, 2_500, 4_000)
    assert loaded.terms.equipment.sum == 6_500
    assert (loaded.ordered_version, loaded.ordered_items) == (0, ())
    assert review(loaded.terms, Mode.ORDINARY, Amounts()).ok  # still within the amounts
    assert order_task(loaded, loaded) is None  # kroner name nothing to order
    assert from_doc(to_doc(loaded)) == loaded  # and written back, nothing is lost
