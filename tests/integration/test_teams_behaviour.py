"""What real Teams does that the Agents Playground does not show (issue 20): the answer to an
`Action.Execute` reaches only the client that pressed, a slow Teams must not hold up the answer
to a card action, the first install carries no name, and clients of one user speak different
languages."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any
from urllib.parse import quote

from cards.agreement import DECIDE_VERB
from cards.checkin import SUBMIT_VERB
from cards.command_words import Command, command_word
from cards.i18n import t
from cards.team import INVITE_VERB, INVITEE
from storage.roster import RosterRepository
from tests.support.answers import ALL_FOURS, STRESSED
from tests.support.card_text import texts
from tests.support.example_org import EXAMPLE, KARI, LARS
from tests.support.host import Host, parts
from tests.support.teams import TeamsUser, card_action, install, message
from tests.support.turns import cards_to, fill_in, open_checkin, press, round_id_of, setup_org, step


async def answer_while_teams_is_slow(
    host: Host, user: TeamsUser, verb: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Press a button while every send to Teams hangs; the invoke must still be answered."""
    host.connector.hold()
    try:
        status, body = await asyncio.wait_for(
            host.send(card_action(user, host.service_url, verb, data), drain=False), timeout=5
        )
    finally:
        host.connector.release()
    assert status == 200 and isinstance(body, dict)
    return body


# -- the answer replaces the card for every client ------------------------------------------------


async def test_a_card_action_updates_the_message_the_card_is_in(host: Host) -> None:
    card = await open_checkin(host, KARI)
    host.connector.clear()
    data = {"round_id": round_id_of(card), **ALL_FOURS}
    status, body = await host.send(
        card_action(KARI, host.service_url, SUBMIT_VERB, data, card_activity_id="1:card-msg")
    )
    assert status == 200 and t("nb", "receipt.title") in texts(body["value"])
    (update,) = [r for r in host.connector.received if r.method == "PUT"]
    assert update.conversation_id == KARI.conversation_id
    assert update.activity_id == "1:card-msg"
    assert update.cards == [body["value"]]  # the same card on the phone and after a reload


async def test_the_leaders_approval_card_loses_its_buttons_on_every_device(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await fill_in(host, KARI)
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    host.connector.clear()
    data = {**approval["actions"][0]["data"], "comment": ""}
    await host.send(
        card_action(LARS, host.service_url, DECIDE_VERB, data, card_activity_id="1:approval")
    )
    (update,) = [r for r in host.connector.received if r.method == "PUT"]
    assert update.activity_id == "1:approval"
    assert t("nb", "approval.decided.approved") in texts(update.cards[0])
    assert not any(a.get("verb") == DECIDE_VERB for a in update.cards[0].get("actions", []))


async def test_a_message_answer_leaves_the_card_as_it_is(host: Host) -> None:
    host.connector.clear()
    await host.send(
        card_action(KARI, host.service_url, "no.such.verb", {}, card_activity_id="1:card")
    )
    assert not [r for r in host.connector.received if r.method == "PUT"]


# -- a slow Teams does not slow the answer ------------------------------------------------------


async def test_an_invitation_is_answered_before_the_card_reaches_the_employee(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    body = await answer_while_teams_is_slow(host, LARS, INVITE_VERB, {INVITEE: KARI.aad_object_id})
    assert "Invitasjonen er sendt til Kari Nordmann" in texts(body["value"])
    await host.drain()
    (invite,) = cards_to(host, KARI)
    assert "Lars Haugen inviterer deg" in texts(invite)


async def test_an_approval_is_answered_before_the_employee_hears_of_it(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await fill_in(host, KARI)
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    host.connector.clear()
    data = {**approval["actions"][0]["data"], "comment": ""}
    body = await answer_while_teams_is_slow(host, LARS, DECIDE_VERB, data)
    assert t("nb", "approval.decided.approved") in texts(body["value"])
    await host.drain()
    (to_kari,) = cards_to(host, KARI)
    assert "godkjent av Lars Haugen" in texts(to_kari)


async def test_a_checkin_is_answered_before_the_leader_is_asked(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    card = await open_checkin(host, KARI)
    host.connector.clear()
    data = {"round_id": round_id_of(card), **STRESSED, "contact_me": "true"}
    body = await answer_while_teams_is_slow(host, KARI, SUBMIT_VERB, data)
    assert "Lars Haugen er bedt om å ta kontakt" in texts(body["value"])
    await host.drain()
    (prompt,) = cards_to(host, LARS)
    assert "Oppfølging: Kari Nordmann" in texts(prompt)


# -- deep links name the user principal name ----------------------------------------------------


def with_upns(text: str) -> bytes:
    """The example organisation with a sign-in name unlike the address, as in many tenants."""
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, [*rows[0].keys(), "user_principal_name"])
    writer.writeheader()
    for row in rows:
        upn = row["name"].lower().replace(" ", ".") + "@fjellvik.onmicrosoft.com"
        writer.writerow({**row, "user_principal_name": upn})
    return out.getvalue().encode("utf-8")


async def test_talk_links_name_the_user_principal_name_not_the_address(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    imported = await parts(host).directory.import_csv(with_upns(EXAMPLE.read_text("utf-8")))
    assert not getattr(imported, "errors", None)
    await fill_in(host, KARI)
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    host.connector.clear()
    answer = await press(host, LARS, DECIDE_VERB, {**approval["actions"][2]["data"], "comment": ""})
    (meeting,) = [a["url"] for a in answer["value"]["actions"] if a["type"] == "Action.OpenUrl"]
    assert f"attendees={quote('kari.nordmann@fjellvik.onmicrosoft.com')}" in meeting
    (decision,) = cards_to(host, KARI)
    (chat,) = [a["url"] for a in decision["actions"] if a["type"] == "Action.OpenUrl"]
    assert chat.endswith(f"users={quote('lars.haugen@fjellvik.onmicrosoft.com')}")


# -- the first install names no one -----------------------------------------------------------


async def test_the_greeting_takes_the_name_from_the_directory(host: Host) -> None:
    await parts(host).directory.import_csv(EXAMPLE.read_bytes())
    await host.send(install(LARS, host.service_url))
    (greeting,) = host.connector.cards()
    assert "Hei Lars!" in texts(greeting)


async def test_the_greeting_takes_the_name_from_teams_member_lookup(host: Host) -> None:
    host.connector.names[KARI.teams_id] = "Kari Nordmann"
    await host.send(install(KARI, host.service_url))
    (greeting,) = host.connector.cards()
    assert "Hei Kari!" in texts(greeting)


async def test_a_greeting_without_any_name_still_greets(host: Host) -> None:
    await host.send(install(KARI, host.service_url))
    (greeting,) = host.connector.cards()
    assert "Hei!" in texts(greeting)


# -- one language across the user's clients ----------------------------------------------------


async def test_a_second_client_in_another_language_does_not_flip_the_users_language(
    host: Host,
) -> None:
    assert host.store is not None
    roster = RosterRepository(host.store)
    phone = TeamsUser(KARI.aad_object_id, KARI.name, locale="en-US")
    await host.send(message(KARI, host.service_url, "hjelp"))
    host.connector.clear()
    await host.send(message(phone, host.service_url, "help"))
    (reply,) = host.connector.cards()
    assert command_word("nb", Command.CHECKIN) in texts(reply)
    reached = await roster.get(KARI.aad_object_id)
    assert reached is not None and reached.language == "nb"  # the next round's card
    # Her own choice settles it the other way.
    await host.send(
        card_action(phone, host.service_url, "settings.save", {"language": "en", "age_band": ""})
    )
    await host.send(message(KARI, host.service_url, "hjelp"))
    reached = await roster.get(KARI.aad_object_id)
    assert reached is not None and reached.language == "en"


# -- a user who blocked the bot ------------------------------------------------------------------


async def test_a_user_who_blocked_the_bot_gets_cards_again_once_they_write(host: Host) -> None:
    assert host.store is not None
    roster = RosterRepository(host.store)
    await host.send(message(KARI, host.service_url, "hjelp"))
    host.connector.gone.add(KARI.conversation_id)  # 403 ConversationBlockedByUser
    await parts(host).jobs.open_round()
    blocked = await roster.get(KARI.aad_object_id)
    assert blocked is not None and blocked.dead  # no more tries, round after round
    host.connector.gone.clear()
    await host.send(message(KARI, host.service_url, "hjelp"))
    back = await roster.get(KARI.aad_object_id)
    assert back is not None and not back.dead
