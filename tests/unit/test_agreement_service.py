"""AgreementService over the in-memory store: a proposal goes to the employee's own leader, who
approves it or asks for changes; the employee hears of the decision, nobody else decides."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from domain.agreement import Network
from domain.agreement_record import Decision, NotAllowed, Status
from services.agreements import Refused, Submitted, Unchanged, WaitingForLeader
from tests.support.example_org import EXAMPLE, INGRID, KARI, LARS, OLE
from tests.support.gallery import PLAIN_TERMS
from tests.support.services import Services, build_services
from tests.support.teams import TeamsUser

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def organisation() -> Services:
    services = build_services(clock=lambda: NOW)
    outcome = await services.directory.import_csv(EXAMPLE.read_bytes())
    assert not outcome.errors
    await services.reachable(KARI.aad_object_id, LARS.aad_object_id)
    return services


async def proposed(services: Services) -> Submitted:
    await services.agreements.change_terms(KARI.aad_object_id, lambda _: PLAIN_TERMS)
    outcome = await services.agreements.submit(KARI.aad_object_id)
    await services.notifier.drain()
    assert isinstance(outcome, Submitted)
    return outcome


async def test_a_proposal_goes_to_the_employees_leader() -> None:
    services = await organisation()
    submitted = await proposed(services)
    assert submitted.leader.id == LARS.aad_object_id and submitted.delivered
    assert submitted.agreement.status is Status.PENDING and submitted.agreement.version == 1
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 1


async def test_the_leader_approves_and_the_employee_hears_of_it() -> None:
    services = await organisation()
    await proposed(services)
    employee, decided = await services.agreements.decide(
        LARS.aad_object_id, KARI.aad_object_id, 1, Decision.APPROVE, ""
    )
    await services.notifier.drain()
    assert employee.id == KARI.aad_object_id
    assert decided.status is Status.APPROVED and decided.approved_version == 1
    assert decided.review_on == date(2027, 11, 26)
    assert len(services.sender.cards_to(KARI.aad_object_id)) == 1
    assert await services.agreements.approved(KARI.aad_object_id) == decided


async def test_changes_need_a_comment_and_leave_nothing_approved() -> None:
    services = await organisation()
    await proposed(services)
    with pytest.raises(NotAllowed):
        await services.agreements.decide(
            LARS.aad_object_id, KARI.aad_object_id, 1, Decision.CHANGES, " "
        )
    _, decided = await services.agreements.decide(
        LARS.aad_object_id, KARI.aad_object_id, 1, Decision.CHANGES, "Ta heller tirsdag"
    )
    await services.notifier.drain()
    assert decided.status is Status.CHANGES_REQUESTED and decided.comment == "Ta heller tirsdag"
    assert await services.agreements.approved(KARI.aad_object_id) is None
    assert len(services.sender.cards_to(KARI.aad_object_id)) == 1


@pytest.mark.parametrize("other", [OLE, INGRID], ids=["colleague", "leaders-leader"])
async def test_only_the_employees_own_leader_decides(other: TeamsUser) -> None:
    services = await organisation()
    await proposed(services)
    with pytest.raises(NotAllowed):
        await services.agreements.decide(
            other.aad_object_id, KARI.aad_object_id, 1, Decision.APPROVE, ""
        )
    assert (await services.agreements.current(KARI.aad_object_id)).status is Status.PENDING


async def test_a_version_decided_once_is_not_decided_again() -> None:
    services = await organisation()
    await proposed(services)
    await services.agreements.decide(
        LARS.aad_object_id, KARI.aad_object_id, 1, Decision.APPROVE, ""
    )
    with pytest.raises(NotAllowed):
        await services.agreements.decide(
            LARS.aad_object_id, KARI.aad_object_id, 1, Decision.CHANGES, "Likevel ikke"
        )


async def test_an_incomplete_proposal_is_refused_and_goes_nowhere() -> None:
    services = await organisation()
    outcome = await services.agreements.submit(KARI.aad_object_id)
    assert isinstance(outcome, Refused) and outcome.problems.missing
    await services.notifier.drain()
    assert services.sender.sent == []


async def test_without_a_leader_the_proposal_waits() -> None:
    services = await organisation()
    await services.agreements.change_terms(INGRID.aad_object_id, lambda _: PLAIN_TERMS)
    outcome = await services.agreements.submit(INGRID.aad_object_id)
    assert isinstance(outcome, WaitingForLeader)
    assert outcome.agreement.status is Status.WAITING_FOR_LEADER


async def test_a_proposal_taken_back_and_sent_unchanged_stays_with_the_leader() -> None:
    services = await organisation()
    await proposed(services)
    # Opening a part and saving it as it was takes the proposal back into a draft.
    await services.agreements.change_terms(KARI.aad_object_id, lambda terms: terms)
    outcome = await services.agreements.submit(KARI.aad_object_id)
    await services.notifier.drain()
    assert isinstance(outcome, Unchanged) and not outcome.approved
    assert outcome.since.version == 1 and outcome.since.submitted_at == NOW
    current = await services.agreements.current(KARI.aad_object_id)
    assert (current.version, current.status) == (1, Status.PENDING)
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 1  # no second card
    _, decided = await services.agreements.decide(
        LARS.aad_object_id, KARI.aad_object_id, 1, Decision.APPROVE, ""
    )
    assert decided.status is Status.APPROVED


async def test_an_approved_agreement_opened_and_sent_unchanged_is_not_a_new_version() -> None:
    services = await organisation()
    await proposed(services)
    await services.agreements.decide(
        LARS.aad_object_id, KARI.aad_object_id, 1, Decision.APPROVE, ""
    )
    await services.agreements.reopen(KARI.aad_object_id)
    outcome = await services.agreements.submit(KARI.aad_object_id)
    await services.notifier.drain()
    assert isinstance(outcome, Unchanged) and outcome.approved and outcome.since.version == 1
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 1
    # A real change goes out as version 2.
    await services.agreements.change_terms(
        KARI.aad_object_id, lambda terms: replace(terms, network=Network.JOB_PHONE)
    )
    sent = await services.agreements.submit(KARI.aad_object_id)
    assert isinstance(sent, Submitted) and sent.agreement.version == 2
