"""PulseService over the in-memory store: a cell under k is hidden, and so is what would give
it away; only an admin or a rep sees numbers, a rep only their own service areas."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.org import Role, RoleGrant
from services.checkins import Stored
from services.pulse import NotPermitted
from tests.support.answers import FINE
from tests.support.services import Services, build_services

HEADER = "aad_object_id,name,email,manager_aad_object_id,service_area,unit"
START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def person(n: int) -> str:
    return str(uuid.UUID(int=n))


BOSS = person(1)
REP = person(2)
OPPVEKST = [person(10 + n) for n in range(12)]
KULTUR = [person(40 + n) for n in range(3)]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


async def answered_round(clock: Clock) -> Services:
    """Twelve in Oppvekst and three in Kultur answer one round, which then closes."""
    services = build_services(clock=clock)
    rows = [f"{BOSS},Boss,boss@x.example,,Stab,Stab"]
    rows += [f"{p},P{i},p{i}@x.example,{BOSS},Oppvekst,Skole" for i, p in enumerate(OPPVEKST)]
    rows += [f"{p},K{i},k{i}@x.example,{BOSS},Kultur,Bibliotek" for i, p in enumerate(KULTUR)]
    outcome = await services.directory.import_csv("\n".join([HEADER, *rows]).encode())
    assert not outcome.errors
    await services.roles.grant(BOSS, RoleGrant(Role.ADMIN))
    await services.roles.grant(REP, RoleGrant(Role.UNION_REP, frozenset({"Oppvekst"})))
    round_ = await services.checkins.round_for_checkin()
    for user in [*OPPVEKST, *KULTUR]:  # each stored answer is counted by the stored event
        stored = await services.checkins.submit(user, {"round_id": round_.id, **FINE})
        assert isinstance(stored, Stored)
    clock.now = round_.closes_at + timedelta(minutes=1)
    return services


async def test_an_area_under_k_is_hidden_and_the_total_does_not_give_it_away() -> None:
    services = await answered_round(Clock())
    report = await services.pulse.report(BOSS)
    assert report.view is not None
    shown = report.view.by_area["Oppvekst"]
    assert shown is not None and shown.n == 12 and shown.mean("stress") == 2
    assert report.view.by_area["Kultur"] is None  # three answers, k = 5
    # The total less the twelve shown would be Kultur's three: the total is hidden too.
    assert report.view.scope_total is None


async def test_a_rep_sees_only_their_service_areas() -> None:
    services = await answered_round(Clock())
    report = await services.pulse.report(REP)
    assert report.view is not None
    assert set(report.view.by_area) == {"Oppvekst"}
    assert report.view.scope_total is not None and report.view.scope_total.n == 12


async def test_employees_get_no_numbers_not_even_that_there_are_none() -> None:
    services = await answered_round(Clock())
    with pytest.raises(NotPermitted):
        await services.pulse.report(OPPVEKST[0])


async def test_a_round_still_open_is_not_reported() -> None:
    clock = Clock()
    services = await answered_round(clock)
    clock.now = START
    assert (await services.pulse.report(BOSS)).view is None


async def test_each_round_has_means_for_the_items_it_asked_and_none_for_the_others() -> None:
    """Rounds ask items in turn (domain/rotation.py): an item a round did not ask has no mean
    in that round's pulse, rather than a mean over answers no one gave."""
    clock = Clock()
    services = await answered_round(clock)
    second = await services.checkins.round_for_checkin()  # the next round, the next items
    for user in OPPVEKST:
        assert isinstance(
            await services.checkins.submit(user, {"round_id": second.id, **FINE}), Stored
        )
    clock.now = second.closes_at + timedelta(minutes=1)
    report = await services.pulse.report(BOSS)
    assert report.view is not None and report.view.items == second.items
    first, last = (p.stats for p in report.trend)
    assert first is None  # that round's total stays hidden (Kultur's three), as above
    shown = report.view.by_area["Oppvekst"]
    assert shown is not None and shown.n == 12
    assert "focus" not in second.items and shown.mean("focus") is None
    assert [shown.mean(i) for i in second.items] == [float(FINE[i]) for i in second.items]
    assert last is not None and last.mean("stress") == float(FINE["stress"])
