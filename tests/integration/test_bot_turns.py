"""The real aiohttp app and botbuilder adapter, with the JSON Teams sends and a fake connector."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.settings import Settings
from cards.command_words import Command, command_word
from cards.i18n import t
from domain.catalog import round_items
from domain.rounds import new_round
from storage.roster import RosterRepository
from storage.rounds import RoundRepository
from storage.users import UserRepository
from tests.support.answers import ALL_FOURS
from tests.support.card_text import texts
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host
from tests.support.messages import shows
from tests.support.teams import (
    TeamsUser,
    bot_added,
    card_action,
    install,
    message,
    submit_fallback,
    uninstall,
)
from tests.support.turns import open_checkin, round_id_of

KARI = TeamsUser("00000000-0000-0000-0000-00000000ka01")
JOHN = TeamsUser("00000000-0000-0000-0000-00000000jo01", name="John Smith", locale="en-US")


def input_ids(card: dict[str, Any]) -> list[str]:
    return [e["id"] for e in card["body"] if e.get("type", "").startswith("Input.")]


async def submit(
    host: Host, user: TeamsUser, card: dict[str, Any], answers: dict[str, str]
) -> dict[str, Any]:
    """Press the card's submit with `answers` filled in; the invoke response body."""
    data = {"round_id": round_id_of(card), **answers}
    status, body = await host.send(card_action(user, host.service_url, "checkin.submit", data))
    assert status == 200
    assert isinstance(body, dict)
    return body


async def test_install_greets_in_bokmal_and_offers_a_checkin(host: Host) -> None:
    host.connector.names[KARI.teams_id] = KARI.name  # the install names no one: Teams' lookup
    status, _ = await host.send(install(KARI, host.service_url))
    assert status in (200, 201)
    (greeting,) = host.connector.messages()
    assert greeting.conversation_id == KARI.conversation_id
    shown = texts(greeting.cards[0])
    assert "Hei Kari!" in shown
    assert command_word("nb", Command.CHECKIN) in shown  # its button


async def test_one_install_announced_twice_greets_once(host: Host) -> None:
    await host.send(install(KARI, host.service_url))
    await host.send(bot_added(KARI, host.service_url))
    assert len(host.connector.messages()) == 1


async def test_reinstall_greets_again_and_rounds_reach_the_user_again(host: Host) -> None:
    assert host.store is not None
    roster = RosterRepository(host.store)
    await host.send(install(KARI, host.service_url))
    await host.send(uninstall(KARI, host.service_url))
    gone = await roster.get(KARI.aad_object_id)
    assert gone is not None and gone.dead
    await host.send(install(KARI, host.service_url))
    assert len(host.connector.messages()) == 2
    back = await roster.get(KARI.aad_object_id)
    assert back is not None and not back.dead
    assert back.conversation_id == KARI.conversation_id


async def test_english_teams_client_is_greeted_in_english(host: Host) -> None:
    await host.send(bot_added(JOHN, host.service_url))
    shown = texts(host.connector.cards()[0])
    assert "Hi John!" in shown
    assert command_word("en", Command.CHECKIN) in shown


async def test_checkin_card_asks_every_item_with_the_agreement_scale(host: Host) -> None:
    card = await open_checkin(host, KARI)
    assert card["version"] == "1.5"
    ids = input_ids(card)
    assert {"stress", "social"} <= set(ids)
    assert ids[-2:] == ["contact_me", "comment"]
    stress = next(e for e in card["body"] if e.get("id") == "stress")
    assert [c["value"] for c in stress["choices"]] == ["1", "2", "3", "4", "5"]
    assert stress["choices"][0]["title"] == t("nb", "scale.1")
    action = card["actions"][0]
    assert action["type"] == "Action.Execute"
    assert action["fallback"]["type"] == "Action.Submit"


async def test_near_misses_of_sjekk_inn_open_the_short_card_in_both_languages(host: Host) -> None:
    typed = ["sjekkinn", "sjekk-inn", "Sjekk inn!", "check-in", "checkin", "Check in please?",
             "<at>Hjemmekontor</at> Sjekk-inn", "«innsjekk»"]  # fmt: skip
    for text in typed:
        host.connector.clear()
        await host.send(message(KARI, host.service_url, text))
        (card,) = host.connector.cards()
        assert t("nb", "checkin.title") in texts(card), text
        items = [e for e in card["body"] if e.get("type") == "Input.ChoiceSet"]
        # The first round: the two core items and the first two in turn, one tap each.
        assert [e["id"] for e in items] == ["stress", "social", "focus", "workload"], text
        assert {e["style"] for e in items} == {"expanded"}


async def test_submit_answers_with_a_receipt_that_replaces_the_card(host: Host) -> None:
    card = await open_checkin(host, KARI)
    body = await submit(host, KARI, card, ALL_FOURS)
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    receipt = body["value"]
    assert t("nb", "receipt.title") in texts(receipt)
    assert not any(a["type"] == "Action.Execute" for a in receipt.get("actions", []))


async def test_repeated_submit_stores_nothing_new_and_says_so(host: Host) -> None:
    card = await open_checkin(host, KARI)
    await submit(host, KARI, card, ALL_FOURS)
    body = await submit(host, KARI, card, {**ALL_FOURS, "stress": "5"})
    shown = texts(body["value"])
    assert shows(shown, "nb", "receipt.already")
    assert t("nb", "scale.2") in shown  # the first answer stands
    host.connector.clear()
    await host.send(message(KARI, host.service_url, "min utvikling"))
    (trend,) = host.connector.cards()
    table = next(e for e in trend["body"] if e["type"] == "Table")
    stress_row = next(
        r for r in table["rows"] if texts(r["cells"][0]) == t("nb", "item.short.stress")
    )
    assert [texts(c) for c in stress_row["cells"][1:]] == ["2"]


async def test_missing_stress_rerenders_the_card_with_the_error_and_stores_nothing(
    host: Host,
) -> None:
    card = await open_checkin(host, KARI)
    partial = {k: v for k, v in ALL_FOURS.items() if k != "stress"}
    body = await submit(host, KARI, card, partial)
    again = body["value"]
    assert "stress" in input_ids(again)
    assert t("nb", "error.required") in texts(again)
    social = next(e for e in again["body"] if e.get("id") == "social")
    assert social["value"] == "4"  # what the user chose is kept
    host.connector.clear()
    await host.send(message(KARI, host.service_url, "min utvikling"))
    assert t("nb", "trend.empty") in texts(host.connector.cards()[0])


async def test_out_of_scale_value_is_an_error_not_a_crash(host: Host) -> None:
    card = await open_checkin(host, KARI)
    bad = {**ALL_FOURS, "stress": "9", "social": "abc"}
    body = await submit(host, KARI, card, bad)
    assert t("nb", "error.invalid") in texts(body["value"])


async def test_action_submit_fallback_updates_the_card_in_place(host: Host) -> None:
    card = await open_checkin(host, KARI)
    host.connector.clear()
    data = {"verb": "checkin.submit", "round_id": round_id_of(card), **ALL_FOURS}
    await host.send(submit_fallback(KARI, host.service_url, "card-activity-1", data))
    (update,) = host.connector.received
    assert update.method == "PUT"
    assert update.activity_id == "card-activity-1"
    assert t("nb", "receipt.title") in texts(update.cards[0])


async def test_stale_card_of_an_unknown_round_gets_a_notice(host: Host) -> None:
    _, body = await host.send(
        card_action(
            KARI, host.service_url, "checkin.submit", {"round_id": "r19990101", **ALL_FOURS}
        )
    )
    assert body["statusCode"] == 200
    assert t("nb", "receipt.unknown_round") in texts(body["value"])


async def test_unknown_verb_and_missing_action_are_answered(host: Host) -> None:
    _, body = await host.send(card_action(KARI, host.service_url, "no.such.verb", {}))
    assert body["type"] == "application/vnd.microsoft.activity.message"
    broken = card_action(KARI, host.service_url, "x", {})
    broken["value"] = {"trigger": "manual"}
    status, body = await host.send(broken)
    assert status == 200
    assert body["statusCode"] == 400


async def test_trend_survives_a_restart(host: Host) -> None:
    card = await open_checkin(host, KARI)
    await submit(host, KARI, card, ALL_FOURS)
    await host.restart()
    host.connector.clear()
    await host.send(message(KARI, host.service_url, "min utvikling"))
    (trend,) = host.connector.cards()
    assert t("nb", "trend.title") in texts(trend)
    assert t("nb", "item.short.social") in texts(trend)


async def test_trend_is_only_ones_own(host: Host) -> None:
    card = await open_checkin(host, KARI)
    await submit(host, KARI, card, ALL_FOURS)
    host.connector.clear()
    await host.send(message(JOHN, host.service_url, "my trend"))
    assert t("en", "trend.empty") in texts(host.connector.cards()[0])


async def test_help_and_unknown_text(host: Host) -> None:
    await host.send(message(KARI, host.service_url, "Hjelp"))
    await host.send(message(KARI, host.service_url, "hva er været i morgen?"))
    help_card, unknown = host.connector.cards()
    assert t("nb", "help.title") in texts(help_card)
    assert t("nb", "unknown") in texts(unknown)
    assert t("nb", "help.title") in texts(unknown)


async def test_age_band_is_optional_kept_and_checked(host: Host) -> None:
    await host.send(message(KARI, host.service_url, "innstillinger"))
    (card,) = host.connector.cards()
    band = next(e for e in card["body"] if e.get("id") == "age_band")
    assert [c["value"] for c in band["choices"]] == [
        "none",
        "-30",
        "31-40",
        "41-50",
        "51-60",
        "61-",
    ]
    assert band["value"] == "none"
    _, body = await host.send(
        card_action(
            KARI, host.service_url, "settings.save", {"language": "nb", "age_band": "41-50"}
        )
    )
    assert t("nb", "settings.saved") in texts(body["value"])
    host.connector.clear()
    await host.send(message(KARI, host.service_url, "innstillinger"))
    (again,) = host.connector.cards()
    assert next(e for e in again["body"] if e.get("id") == "age_band")["value"] == "41-50"
    _, refused = await host.send(
        card_action(KARI, host.service_url, "settings.save", {"language": "nb", "age_band": "99"})
    )
    assert t("nb", "settings.invalid") in texts(refused["value"])
    assert host.store is not None
    users = UserRepository(host.store)
    stored = await users.get(KARI.aad_object_id)
    assert stored is not None and stored.age_band == "41-50"
    await host.send(
        card_action(KARI, host.service_url, "settings.save", {"language": "nb", "age_band": "none"})
    )
    withdrawn = await users.get(KARI.aad_object_id)
    assert withdrawn is not None and withdrawn.age_band == ""


async def test_language_setting_switches_to_english(host: Host) -> None:
    await host.send(message(KARI, host.service_url, "innstillinger"))
    (settings_card,) = host.connector.cards()
    assert settings_card["actions"][0]["verb"] == "settings.save"
    _, body = await host.send(
        card_action(KARI, host.service_url, "settings.save", {"language": "en"})
    )
    assert t("en", "settings.saved") in texts(body["value"])
    host.connector.clear()
    await host.send(message(KARI, host.service_url, "hjelp"))
    assert t("en", "help.title") in texts(host.connector.cards()[0])


async def test_malformed_requests_get_4xx_and_the_host_keeps_serving(host: Host) -> None:
    assert host.client is not None
    for body, headers in [
        (b"{not json", {"Content-Type": "application/json"}),
        (b"[1, 2]", {"Content-Type": "application/json"}),
        (b'{"type": "message"}', {"Content-Type": "application/json"}),
        (b'{"type": "message"}', {"Content-Type": "text/plain"}),
        (b"", {}),
    ]:
        response = await host.client.post("/api/messages", data=body, headers=headers)
        assert 400 <= response.status < 500, body
    health = await host.client.get("/healthz")
    assert health.status == 200
    status, _ = await host.send(message(KARI, host.service_url, "hjelp"))
    assert status in (200, 201)


async def test_fields_of_the_wrong_type_get_400_and_nothing_runs(host: Host) -> None:
    activity = message(KARI, host.service_url, "sjekk inn")
    activity["timestamp"] = {"not": "a date"}
    activity["membersAdded"] = "everyone"
    status, body = await host.send(activity)
    assert status == 400, body
    assert "does not parse" in body["error"]
    assert host.connector.received == []


async def test_nothing_personal_in_a_group_chat_or_channel(host: Host) -> None:
    in_group = message(KARI, host.service_url, "sjekk inn")
    in_group["conversation"]["conversationType"] = "groupChat"
    await host.send(in_group)
    (reply,) = host.connector.messages()
    assert reply.cards == []
    assert reply.text == t("nb", "personal_only")
    submit_in_channel = card_action(
        KARI, host.service_url, "checkin.submit", {"round_id": "r1", **ALL_FOURS}
    )
    submit_in_channel["conversation"]["conversationType"] = "channel"
    _, body = await host.send(submit_in_channel)
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert body["value"] == t("nb", "personal_only")
    host.connector.clear()
    await host.send(message(KARI, host.service_url, "min utvikling"))
    assert t("nb", "trend.empty") in texts(host.connector.cards()[0])


async def test_a_card_of_a_closed_round_is_refused_with_a_notice(host: Host) -> None:
    assert host.store is not None
    last_year = datetime(2025, 11, 24, 8, 0, tzinfo=UTC)
    await RoundRepository(host.store).create(new_round("s20251124", last_year, round_items()))
    _, body = await host.send(
        card_action(
            KARI, host.service_url, "checkin.submit", {"round_id": "s20251124", **ALL_FOURS}
        )
    )
    assert shows(texts(body["value"]), "nb", "receipt.closed")
    host.connector.clear()
    await host.send(message(KARI, host.service_url, "min utvikling"))
    assert t("nb", "trend.empty") in texts(host.connector.cards()[0])


async def test_with_an_app_id_a_request_without_a_token_is_refused(
    settings: Settings, connector: FakeConnector
) -> None:
    production = replace(
        settings, app_id=str(uuid.uuid4()), app_password="secret", app_tenant_id=str(uuid.uuid4())
    )
    secured = Host(production, connector)
    await secured.start()
    try:
        status, _ = await secured.send(message(KARI, connector.service_url, "sjekk inn"))
        assert status == 401
        assert connector.received == []
    finally:
        await secured.stop()
