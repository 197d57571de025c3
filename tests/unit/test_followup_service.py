"""FollowUpService over the in-memory store: the leader hears only what the employee shared."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.followup import (
    AlreadyAsked,
    NoLeader,
    Prompted,
    PromptWaiting,
    SelfHelp,
    Shared,
    Why,
)
from services.checkins import Stored
from tests.support.answers import FINE, STRESSED
from tests.support.example_org import EXAMPLE, INGRID, KARI, LARS
from tests.support.services import Services, build_services


async def organisation() -> Services:
    services = build_services()
    outcome = await services.directory.import_csv(EXAMPLE.read_bytes())
    assert not outcome.errors
    await services.reachable(KARI.aad_object_id, LARS.aad_object_id, INGRID.aad_object_id)
    return services


async def check_in(services: Services, scores: dict[str, str], contact: bool = False) -> object:
    """Kari checks in; what the follow-up makes of it (the stored event's handler), once every
    card has arrived."""
    round_ = await services.checkins.round_for_checkin()
    data = {"round_id": round_.id, **scores, "contact_me": "true" if contact else "false"}
    stored = await services.checkins.submit(KARI.aad_object_id, data)
    assert isinstance(stored, Stored)
    await services.notifier.drain()
    return stored.followup


async def test_nothing_fired_nothing_said() -> None:
    services = await organisation()
    assert await check_in(services, FINE) is None
    assert services.sender.sent == []


async def test_a_signal_not_shared_helps_the_employee_and_tells_the_leader_nothing() -> None:
    services = await organisation()
    assert isinstance(await check_in(services, STRESSED), SelfHelp)
    assert services.sender.sent == []


async def test_a_standing_consent_to_that_kind_asks_the_leader() -> None:
    services = await organisation()
    await services.followups.save_consent(KARI.aad_object_id, frozenset({"stress"}))
    # Stress at 5: the leader is asked (standing consent), and she gets self-help too.
    assert await check_in(services, STRESSED) == Shared(Prompted("Lars Haugen"), Why.STANDING, True)
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 1
    assert services.sender.cards_to(INGRID.aad_object_id) == []


async def test_a_standing_consent_to_another_kind_shares_nothing() -> None:
    services = await organisation()
    await services.followups.save_consent(KARI.aad_object_id, frozenset({"social"}))
    assert isinstance(await check_in(services, STRESSED), SelfHelp)
    assert services.sender.sent == []


async def test_asking_for_contact_asks_the_leader_even_when_all_is_fine() -> None:
    services = await organisation()
    assert await check_in(services, FINE, contact=True) == Shared(
        Prompted("Lars Haugen"), Why.TICKED
    )
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 1


async def test_a_second_signal_joins_the_open_follow_up_instead_of_a_second_card() -> None:
    services = await organisation()
    assert await check_in(services, FINE, contact=True) == Shared(
        Prompted("Lars Haugen"), Why.TICKED
    )
    round_ = await services.checkins.round_for_checkin()
    again = await services.followups.ask_leader(KARI.aad_object_id, round_.id)
    await services.notifier.drain()
    assert again == AlreadyAsked("Lars Haugen")
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 1


async def test_someone_the_directory_does_not_know_has_no_leader_to_ask() -> None:
    services = build_services()
    assert await check_in(services, FINE, contact=True) == Shared(NoLeader(), Why.TICKED)
    assert services.sender.sent == []


async def test_a_prompt_waits_for_a_leader_without_the_bot_and_goes_out_once_reachable() -> None:
    services = build_services()
    assert not (await services.directory.import_csv(EXAMPLE.read_bytes())).errors
    await services.reachable(KARI.aad_object_id)
    assert await check_in(services, FINE, contact=True) == Shared(
        PromptWaiting("Lars Haugen"), Why.TICKED
    )
    round_ = await services.checkins.round_for_checkin()
    # Asked again while it waits: still waiting, and still one follow-up.
    assert await services.followups.ask_leader(KARI.aad_object_id, round_.id) == PromptWaiting(
        "Lars Haugen"
    )
    await services.reachable(LARS.aad_object_id)
    await services.followups.reachable(LARS.aad_object_id)
    await services.followups.reachable(LARS.aad_object_id)
    await services.followups.tick(datetime.now(UTC))
    await services.notifier.drain()
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 1
    # Once it is out, asking again says so instead of a second card.
    assert await services.followups.ask_leader(KARI.aad_object_id, round_.id) == AlreadyAsked(
        "Lars Haugen"
    )


async def test_asking_after_a_card_about_signals_sends_the_wish_as_well() -> None:
    services = await organisation()
    await services.followups.save_consent(KARI.aad_object_id, frozenset({"stress"}))
    await check_in(services, STRESSED)
    round_ = await services.checkins.round_for_checkin()
    asked = await services.followups.ask_leader(KARI.aad_object_id, round_.id)
    await services.notifier.drain()
    assert asked == Prompted("Lars Haugen")
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 2
    again = await services.followups.ask_leader(KARI.aad_object_id, round_.id)
    await services.notifier.drain()
    assert again == AlreadyAsked("Lars Haugen")
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 2


async def test_high_stress_without_consent_helps_her_and_the_leader_hears_nothing() -> None:
    services = await organisation()
    high = {**FINE, "stress": "4"}  # high, but fires no signal on its own
    assert await check_in(services, high) == SelfHelp(
        (await services.checkins.round_for_checkin()).id
    )
    await services.followups.tick(datetime.now(UTC))
    await services.notifier.drain()
    assert services.sender.sent == []


async def test_a_consent_withdrawn_while_the_prompt_waits_never_reaches_the_leader() -> None:
    services = build_services()
    assert not (await services.directory.import_csv(EXAMPLE.read_bytes())).errors
    await services.reachable(KARI.aad_object_id)
    await services.followups.save_consent(KARI.aad_object_id, frozenset({"stress"}))
    waiting = await check_in(services, STRESSED)
    assert waiting == Shared(PromptWaiting("Lars Haugen"), Why.STANDING, True)
    await services.followups.save_consent(KARI.aad_object_id, frozenset())
    await services.reachable(LARS.aad_object_id)
    await services.followups.reachable(LARS.aad_object_id)
    await services.followups.tick(datetime.now(UTC))
    await services.notifier.drain()
    assert services.sender.sent == []
    assert await services.followups.open_for_team(LARS.aad_object_id) == []


async def test_a_wish_she_asked_for_herself_stays_when_she_changes_her_settings() -> None:
    services = build_services()
    assert not (await services.directory.import_csv(EXAMPLE.read_bytes())).errors
    await services.reachable(KARI.aad_object_id)
    await check_in(services, FINE, contact=True)
    await services.followups.save_consent(KARI.aad_object_id, frozenset())
    await services.reachable(LARS.aad_object_id)
    await services.followups.reachable(LARS.aad_object_id)
    await services.notifier.drain()
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 1
