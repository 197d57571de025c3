"""Follow-up prompts through the real host: who receives what, for each kind of consent.

People from examples/org.csv: Kari Nordmann, Ole Bakken and Sigrid Lunde report to Lars
Haugen; Lars reports to Ingrid Solberg.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cards.followup import ASK_VERB, DONE_VERB, TALK_VERB
from cards.i18n import t
from cards.team import FOLLOWUP_OPEN_VERB
from domain.catalog import CATALOG
from domain.followup import (
    Action,
    Signal,
)
from domain.rounds import new_round
from storage.port import StorageUnavailable
from storage.rounds import RoundRepository
from tests.support.answers import FINE, STRESSED
from tests.support.card_text import texts
from tests.support.example_org import INGRID, KARI, LARS, NINA, OLE, SIGRID
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.teams import TeamsUser, message
from tests.support.turns import cards_to, check_in, open_rounds, press, reorganise, setup_org, share


def everything_sent(host: Host) -> str:
    return "\n".join(
        f"{m.conversation_id}: {texts(card)}" for m in host.connector.messages() for card in m.cards
    )


CONSENTS = ("none", "per_checkin", "standing", "standing_other_kind", "withdrawn")


@pytest.mark.parametrize("consent", CONSENTS)
@pytest.mark.parametrize("stressed", [False, True], ids=["fine", "stress5"])
async def test_privacy_matrix_who_receives_what(host: Host, consent: str, stressed: bool) -> None:
    await setup_org(host, KARI, LARS, OLE, INGRID)
    (round_id,) = await open_rounds(host, 1)
    if consent == "standing":
        await share(host, KARI, "stress")
    elif consent == "standing_other_kind":
        await share(host, KARI, "social,strain")
    elif consent == "withdrawn":
        await share(host, KARI, "stress")
        await share(host, KARI, "")
    host.connector.clear()
    receipt = await check_in(
        host, KARI, round_id, STRESSED if stressed else FINE, contact=consent == "per_checkin"
    )

    to_lars = cards_to(host, LARS)
    expect_card = consent == "per_checkin" or (consent == "standing" and stressed)
    assert len(to_lars) == int(expect_card)
    if expect_card:
        card = texts(to_lars[0])
        assert t("nb", "followup.title", name=KARI.name) in card
        assert (t("nb", "followup.signal.stress_max") in card) == stressed
        assert (t("nb", "followup.signal.contact_me") in card) == (consent == "per_checkin")
        assert t("nb", "followup.asked", leader=LARS.name) in texts(receipt)
    # Nothing reaches anyone else — her colleague, the leader's own leader — nor Lars without
    # her consent; and no answer (an item's name with its score) reaches anyone at all.
    assert {m.conversation_id for m in host.connector.messages()} <= {LARS.conversation_id}
    for other in (OLE, INGRID, KARI):
        assert cards_to(host, other) == []
    sent = everything_sent(host)
    assert not [item.id for item in CATALOG if t("nb", f"item.short.{item.id}") in sent]
    # Without a shared signal she is offered help and the choice to ask, and told nobody knows.
    offered = t("nb", "selfhelp.ask") in texts(receipt)
    assert offered == (stressed and not expect_card)
    if offered:
        assert t("nb", "selfhelp.private") in texts(receipt)


async def test_two_stressed_rounds_with_standing_consent_make_one_card(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    first, second = await open_rounds(host, 2)
    await share(host, KARI, "stress")
    host.connector.clear()
    await check_in(host, KARI, first, STRESSED)
    await check_in(host, KARI, second, STRESSED)
    (card,) = cards_to(host, LARS)
    assert t("nb", "followup.title", name=KARI.name) in texts(card)
    # The second round's pattern joins the open follow-up, for `mitt team` to show.
    _, followup = await parts(host).followups.for_leader(LARS.aad_object_id, KARI.aad_object_id)
    assert followup.signals == {Signal.STRESS_MAX, Signal.STRESS_HIGH_TWICE}
    opened = await press(host, LARS, FOLLOWUP_OPEN_VERB, {"employee": KARI.aad_object_id})
    assert t("nb", "followup.signal.stress_high_twice") in texts(opened["value"])


async def test_without_consent_self_help_then_asking_the_leader(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    first, second = await open_rounds(host, 2)
    host.connector.clear()
    await check_in(host, KARI, first, STRESSED)
    receipt = await check_in(host, KARI, second, STRESSED)
    assert cards_to(host, LARS) == []
    assert t("nb", "selfhelp.helpline") in texts(receipt)
    ask = next(
        a
        for element in receipt["body"]
        if element.get("type") == "ActionSet"
        for a in element["actions"]
        if a["verb"] == ASK_VERB
    )
    answer = await press(host, KARI, ASK_VERB, ask["data"])
    assert t("nb", "followup.asked", leader=LARS.name) in texts(answer["value"])
    (card,) = cards_to(host, LARS)
    shown = texts(card)
    assert t("nb", "followup.title", name=KARI.name) in shown
    assert t("nb", "followup.signal.contact_me") in shown
    assert t("nb", "followup.signal.stress_high_twice") in shown
    # Pressed again: no second card.
    await press(host, KARI, ASK_VERB, ask["data"])
    assert len(cards_to(host, LARS)) == 1


async def test_leader_actions_reminder_and_audit_trail(host: Host) -> None:
    await setup_org(host, KARI, LARS, INGRID)
    first, second = await open_rounds(host, 2)
    await check_in(host, KARI, first, FINE, contact=True)
    (card,) = cards_to(host, LARS)
    data = next(a["data"] for a in card["actions"] if a["verb"] == DONE_VERB)
    service = parts(host).followups
    later = datetime.now(UTC) + timedelta(days=3, minutes=1)

    # Nothing done for 3 days: one reminder, once.
    host.connector.clear()
    await service.tick(datetime.now(UTC) + timedelta(days=2))
    await host.drain()
    assert cards_to(host, LARS) == []
    await service.tick(later)
    await host.drain()
    (reminder,) = cards_to(host, LARS)
    assert t("nb", "followup.reminder", name=KARI.name) in texts(reminder)
    await service.tick(later + timedelta(days=3))
    await host.drain()
    assert len(cards_to(host, LARS)) == 1

    # Another leader cannot act on it or see it.
    refused = await press(host, INGRID, DONE_VERB, {**data, "note": "x"})
    assert refused["value"] == t("nb", "followup.gone")
    talk = await press(host, LARS, TALK_VERB, data)
    link = next(a for a in talk["value"]["actions"] if a["type"] == "Action.OpenUrl")
    assert "attendees=kari.nordmann%40fjellvik-kommune.example" in link["url"]
    team = await press(host, LARS, "team.show", {})
    assert shows(texts(team["value"]), "nb", "team.followup_open")
    done = await press(host, LARS, DONE_VERB, {**data, "note": "Snakket på telefon"})
    assert shows(texts(done["value"]), "nb", "followup.done") and "Snakket på telefon" in texts(
        done["value"]
    )
    team = await press(host, LARS, "team.show", {})
    assert t("nb", "team.no_followups") in texts(team["value"])
    again = await press(host, LARS, DONE_VERB, {**data, "note": ""})
    assert "avsluttet" in again["value"]

    (closed,) = await service._followups.closed_for(KARI.aad_object_id)
    assert [e.action for e in closed.events] == [
        Action.PROMPTED,
        Action.REMINDED,
        Action.TALK,
        Action.FOLLOWED_UP,
    ]
    assert closed.note == "Snakket på telefon"
    # A new signal after it was followed up opens a new one.
    host.connector.clear()
    await check_in(host, KARI, second, FINE, contact=True)
    assert len(cards_to(host, LARS)) == 1


async def test_no_reminder_when_the_leader_followed_up(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    (round_id,) = await open_rounds(host, 1)
    await check_in(host, KARI, round_id, FINE, contact=True)
    (card,) = cards_to(host, LARS)
    data = next(a["data"] for a in card["actions"] if a["verb"] == DONE_VERB)
    await press(host, LARS, DONE_VERB, {**data, "note": ""})
    host.connector.clear()
    await parts(host).followups.tick(datetime.now(UTC) + timedelta(days=10))
    await host.drain()
    assert host.connector.messages() == []


@pytest.mark.parametrize("tick_first", [False, True], ids=["checkin_first", "tick_first"])
async def test_a_reorganisation_sends_new_signals_to_the_new_leader_only(
    host: Host, tick_first: bool
) -> None:
    await setup_org(host, KARI, LARS, NINA)
    first, second = await open_rounds(host, 2)
    await check_in(host, KARI, first, FINE, contact=True)
    (old_card,) = cards_to(host, LARS)
    done = next(a["data"] for a in old_card["actions"] if a["verb"] == DONE_VERB)
    await share(host, KARI, "stress")
    await reorganise(host, {KARI: NINA})
    host.connector.clear()
    service = parts(host).followups
    if tick_first:  # the former leader is not reminded of someone no longer theirs
        await service.tick(datetime.now(UTC) + timedelta(days=4))
        await host.drain()
        assert host.connector.messages() == []

    receipt = await check_in(host, KARI, second, STRESSED)
    assert t("nb", "followup.asked", leader=NINA.name) in texts(receipt)
    (card,) = cards_to(host, NINA)
    # Only what she shared after the change: the request to her former leader stays his.
    assert t("nb", "followup.signal.stress_max") in texts(card)
    assert t("nb", "followup.signal.contact_me") not in texts(card)
    later = datetime.now(UTC) + timedelta(days=4)
    await service.tick(later)
    await host.drain()
    await service.tick(later + timedelta(days=4))
    await host.drain()
    (_, reminder) = cards_to(host, NINA)
    assert t("nb", "followup.reminder", name=KARI.name) in texts(reminder)
    assert t("nb", "followup.signal.contact_me") not in texts(reminder)
    assert cards_to(host, LARS) == []

    # The former leader's card and `mitt team` tell him nothing more.
    for verb in (DONE_VERB, TALK_VERB):
        answer = await press(host, LARS, verb, {**done, "note": "x"})
        assert answer["value"] == t("nb", "followup.gone")
    team = await press(host, LARS, "team.show", {})
    assert "Kari" not in texts(team["value"])
    (moved,) = await service._followups.closed_for(KARI.aad_object_id)
    assert moved.leader_id == LARS.aad_object_id and Action.MOVED in [
        e.action for e in moved.events
    ]
    _, current = await service.for_leader(NINA.aad_object_id, KARI.aad_object_id)
    assert current.signals == {Signal.STRESS_MAX}


@pytest.mark.parametrize("answering", [(KARI, OLE), (KARI, OLE, SIGRID)], ids=["2of3", "3of3"])
async def test_team_signal_only_when_k_answered_and_without_names(
    small_k_host: Host, answering: tuple[TeamsUser, ...]
) -> None:
    host = small_k_host
    await setup_org(host, KARI, LARS, OLE, SIGRID)
    (round_id,) = await open_rounds(host, 1)
    for user in answering:
        await check_in(host, user, round_id, {**FINE, "stress": "4"})
    assert cards_to(host, LARS) == []  # not while the round is open: timing would tell
    host.connector.clear()
    assert host.store is not None
    round_ = await RoundRepository(host.store).get(round_id)
    assert round_ is not None
    closes = round_.closes_at
    await parts(host).followups.tick(closes + timedelta(minutes=1))
    await host.drain()
    received = cards_to(host, LARS)
    assert len(received) == (1 if len(answering) >= 3 else 0)
    for card in received:
        assert t("nb", "followup.team.text") in texts(card)
        assert not any(u.name.split()[0] in texts(card) for u in (KARI, OLE, SIGRID))
    await parts(host).followups.tick(closes + timedelta(minutes=2))
    await host.drain()
    assert len(cards_to(host, LARS)) == len(received)


async def team_counters(host: Host, round_id: str) -> list[dict[str, Any]]:
    assert host.store is not None
    return [d for d in await host.store.query("counters", round_id) if "team:" in d["id"]]


async def test_team_counters_expire_and_are_never_kept_for_a_team_under_k(host: Host) -> None:
    await setup_org(host, KARI, LARS, OLE)
    (round_id,) = await open_rounds(host, 1)
    # Lars leads three, fewer than k = 5: a counter would be their high-stress flags per round.
    await check_in(host, KARI, round_id, STRESSED)
    assert await team_counters(host, round_id) == []


async def test_team_counters_carry_the_responses_ttl_and_go_once_evaluated(
    small_k_host: Host,
) -> None:
    host = small_k_host
    await setup_org(host, KARI, LARS, OLE, SIGRID)
    (round_id,) = await open_rounds(host, 1)
    for user in (KARI, OLE, SIGRID):
        await check_in(host, user, round_id, STRESSED)
    (counter,) = await team_counters(host, round_id)
    assert counter["answered"] == 3
    assert counter["ttl"] == host.settings.response_ttl_days * 24 * 3600
    host.connector.clear()
    assert host.store is not None
    round_ = await RoundRepository(host.store).get(round_id)
    assert round_ is not None
    closes = round_.closes_at
    await parts(host).followups.tick(closes + timedelta(minutes=1))
    await host.drain()
    assert len(cards_to(host, LARS)) == 1  # evaluated: the signal went out
    assert await team_counters(host, round_id) == []


async def test_standing_consent_is_kept_with_its_time_and_history(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await share(host, KARI, "stress,social")
    await share(host, KARI, "")
    settings_card = await _settings(host, KARI)
    assert {e["id"]: e.get("value") for e in settings_card["body"] if "id" in e}["share"] == ""
    assert host.store is not None
    doc = await host.store.read("users", KARI.aad_object_id, "consent")
    assert doc is not None and doc["kinds"] == []
    assert [h["kinds"] for h in doc["history"]] == [["social", "stress"], []]
    assert all(h["at"] for h in doc["history"])


async def _settings(host: Host, user: TeamsUser) -> dict[str, Any]:
    host.connector.clear()
    await host.send(message(user, host.service_url, "innstillinger"))
    (card,) = host.connector.cards()
    return card


async def test_a_storage_failure_after_the_answer_is_stored_says_so_and_offers_the_ask(
    host: Host, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_org(host, KARI, LARS)
    (round_id,) = await open_rounds(host, 1)

    async def throttled(*_: object) -> None:
        raise StorageUnavailable("throttled")

    monkeypatch.setattr(parts(host).followups, "after_checkin", throttled)
    receipt = texts(await check_in(host, KARI, round_id, STRESSED, contact=True))
    assert shows(receipt, "nb", "receipt.body") and t("nb", "followup.unchecked") in receipt
    assert t("nb", "error.busy") not in receipt  # the answer is stored: no "try again"
    assert t("nb", "selfhelp.ask") in receipt
    assert await parts(host).checkins.has_answered(KARI.aad_object_id, round_id)


async def test_a_colleagues_sjekk_inn_between_two_weekly_rounds_does_not_mute_the_twice_signal(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS, OLE)
    await share(host, KARI, "stress")
    now = datetime.now(UTC)
    assert host.store is not None
    rounds = RoundRepository(host.store)
    # Opened an hour apart and all still open, so each takes its answer in turn.
    week_1, colleagues, week_2 = (
        new_round(round_id, now - timedelta(hours=hours), ("stress", "social"))
        for round_id, hours in (("s20261102", 3), ("r20261106", 2), ("s20261109", 1))
    )
    await rounds.create(week_1)
    await check_in(host, KARI, week_1.id, STRESSED)
    await rounds.create(colleagues)
    await check_in(host, OLE, colleagues.id, FINE)
    await rounds.create(week_2)
    await check_in(host, KARI, week_2.id, STRESSED)
    _, followup = await parts(host).followups.for_leader(LARS.aad_object_id, KARI.aad_object_id)
    assert Signal.STRESS_HIGH_TWICE in followup.signals
