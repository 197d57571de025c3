"""CheckinService over the in-memory store: a submit is stored once, under a pseudonym, and
nothing is stored for a closed, unknown or invalid round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.checkins import (
    AlreadyReceived,
    Answered,
    Invalid,
    RoundClosed,
    Stored,
    Unanswered,
    UnknownRound,
)
from tests.support.answers import FINE, STRESSED
from tests.support.services import Services, build_services

KARI = "9f7891b5-6b95-5e8f-9507-6a827ed7e89f"
START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


async def submit_fine(services: Services) -> tuple[str, Stored]:
    round_ = await services.checkins.round_for_checkin()
    outcome = await services.checkins.submit(KARI, {"round_id": round_.id, **FINE})
    assert isinstance(outcome, Stored)
    return round_.id, outcome


async def test_a_submit_is_stored_and_counted_once() -> None:
    services = build_services()
    round_id, stored = await submit_fine(services)
    assert stored.answers.scores["stress"] == 2 and not stored.answers.contact_me

    again = await services.checkins.submit(KARI, {"round_id": round_id, **STRESSED})
    assert isinstance(again, AlreadyReceived) and again.answers == stored.answers
    assert await services.checkins.answered(round_id) == 1
    assert await services.checkins.answers_of(KARI, round_id) == stored.answers


async def test_an_answer_is_kept_under_a_pseudonym_not_the_person() -> None:
    services = build_services()
    await submit_fine(services)
    responses = [doc for container, doc in services.store.documents() if container == "responses"]
    assert len(responses) == 1
    assert KARI not in str(responses)


async def test_an_incomplete_or_out_of_scale_submit_is_invalid_and_nothing_is_stored() -> None:
    services = build_services()
    round_ = await services.checkins.round_for_checkin()
    outcome = await services.checkins.submit(KARI, {"round_id": round_.id, **FINE, "stress": "9"})
    assert isinstance(outcome, Invalid)
    assert [error.field for error in outcome.errors] == ["stress"]
    assert outcome.values["stress"] == "9"  # shown again, for the person to correct
    assert not await services.checkins.has_answered(KARI, round_.id)


async def test_an_invalid_submit_after_an_answer_shows_the_answer() -> None:
    services = build_services()
    round_id, stored = await submit_fine(services)
    again = await services.checkins.submit(KARI, {"round_id": round_id})
    assert isinstance(again, AlreadyReceived) and again.answers == stored.answers


async def test_a_closed_round_takes_no_answers() -> None:
    clock = Clock()
    services = build_services(clock=clock)
    round_ = await services.checkins.round_for_checkin()
    clock.now = round_.closes_at + timedelta(seconds=1)
    outcome = await services.checkins.submit(KARI, {"round_id": round_.id, **FINE})
    assert isinstance(outcome, RoundClosed) and outcome.round.id == round_.id
    assert await services.checkins.answered(round_.id) == 0


async def test_an_unknown_round_takes_no_answers() -> None:
    services = build_services()
    for round_id in ("2020-01-01", "", None, 7):
        outcome = await services.checkins.submit(KARI, {"round_id": round_id, **FINE})
        assert isinstance(outcome, UnknownRound)
    assert services.store.documents() == []


async def test_a_checkin_without_an_open_round_opens_one_and_then_reuses_it() -> None:
    clock = Clock()
    services = build_services(clock=clock)
    first = await services.checkins.round_for_checkin()
    assert first.is_open(clock.now)
    clock.now += timedelta(hours=1)
    assert (await services.checkins.round_for_checkin()).id == first.id
    clock.now = first.closes_at + timedelta(minutes=1)
    assert (await services.checkins.round_for_checkin()).id != first.id


async def test_checkin_once_answered_offers_no_card_but_when_the_next_round_comes() -> None:
    clock = Clock()
    services = build_services(clock=clock)
    offer = await services.checkins.offer(KARI)
    assert isinstance(offer, Unanswered)
    await services.checkins.submit(KARI, {"round_id": offer.round.id, **FINE})
    answered = await services.checkins.offer(KARI)
    # No schedule here: the round's close, after which `sjekk inn` opens a new one.
    assert answered == Answered(offer.round, offer.round.closes_at)
    # A stale card with the tick: refused, and the tick reported for the follow-up to honour.
    late = await services.checkins.submit(
        KARI, {"round_id": offer.round.id, **FINE, "contact_me": "true"}
    )
    assert isinstance(late, AlreadyReceived) and late.contact_me
    assert not late.answers.contact_me
