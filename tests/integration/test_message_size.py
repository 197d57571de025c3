"""Teams refuses a bot's message over about 28 KB (413 `MessageSizeTooBig`), and the answer to
a card action too: the user gets an error instead of their card (issue 20). Every card the bot
can send, with the most data it can carry, stays within a budget; what does not fit is paged.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from botbuilder.core import CardFactory, MessageFactory

from bot.actions import JsonData
from cards.agreement import (
    advice_card,
    equipment_card,
    ergonomics_card,
    extent_card,
    network_card,
    tasks_card,
)
from cards.checkin import checkin_card
from cards.elements import Card
from cards.team import SHOW_VERB
from domain.agreement import Amounts, Mode
from tests.support.card_data import DATA_KEYS
from tests.support.example_org import LARS
from tests.support.fake_connector import MESSAGE_LIMIT, FakeConnector
from tests.support.gallery import _round, gallery
from tests.support.host import Host, parts
from tests.support.teams import TeamsUser, card_action, message
from tests.support.turns import cards_to, setup_org

# What a card may take of Teams' limit: the rest is the activity's envelope (ids, addresses of
# the conversation and both parties, replyToId), well under a kilobyte in Teams.
BUDGET = 25_000
GALLERY = gallery()
ROUND = _round()


def message_size(card: Card) -> int:
    """The card's message activity as the Bot Connector client puts it on the wire."""
    activity = MessageFactory.attachment(CardFactory.adaptive_card(JsonData(card)))
    return len(json.dumps(activity.serialize()).encode())


@pytest.mark.parametrize("name", list(GALLERY))
def test_every_card_fits_the_size_budget(name: str) -> None:
    size = message_size(GALLERY[name])
    assert size <= BUDGET, f"{name}: {size} bytes, budget {BUDGET}"


def test_a_forged_submit_put_back_into_its_card_stays_within_the_budget() -> None:
    """A refused step comes back with the user's input in it; a forged submit's values (no
    client sends them, the fuzzer did) must not carry the card over the limit (hypothesis
    found a 413 in test_a_refused_or_stale_step_changes_no_agreement_and_shows_the_step_again)."""
    forged: dict[str, Any] = {key: "0\x1f\U00010000" * 5000 for key in DATA_KEYS}
    for card in (
        tasks_card("nb", forged),
        extent_card("nb", forged, Mode.ORDINARY),
        ergonomics_card("nb", forged),
        advice_card("nb", [], forged),
        equipment_card("nb", forged, Amounts()),
        network_card("nb", forged),
        checkin_card("nb", ROUND, ZoneInfo("Europe/Oslo"), forged),
    ):
        assert message_size(card) <= BUDGET, card["body"][1]["text"]


# -- the fake Teams refuses what real Teams refuses ----------------------------------------------


async def test_the_fake_teams_refuses_a_message_over_the_limit(connector: FakeConnector) -> None:
    too_big = {"type": "message", "text": "x" * MESSAGE_LIMIT}
    base = f"{connector.service_url}v3/conversations/a:1/activities"
    async with aiohttp.ClientSession() as session:
        for method, url in (("POST", base), ("POST", f"{base}/1:reply"), ("PUT", f"{base}/1:u")):
            async with session.request(method, url, json=too_big) as response:
                assert response.status == 413, (method, url)
                body = await response.json()
                assert body["error"]["code"] == "MessageSizeTooBig"
            async with session.request(method, url, json={"type": "message"}) as response:
                assert response.status in (200, 201)
    status, body = connector.answer_invoke(200, json.dumps({"value": too_big}).encode())
    assert status == 413 and body["error"]["code"] == "MessageSizeTooBig"
    assert not connector.received[3:]  # only the three small ones arrived


# -- `mitt team` for a leader with many reports ------------------------------------------------


def _team_csv(leader: TeamsUser, size: int) -> bytes:
    rows = ["aad_object_id,name,email,manager_aad_object_id,service_area,unit"]
    rows.append(f"{leader.aad_object_id},{leader.name},lars@kommune.no,,Oppvekst,Fjellvik skole")
    for n in range(size):
        person = uuid.uuid5(uuid.NAMESPACE_URL, f"report-{n}")
        rows.append(
            f"{person},Marte-Sølvi Æsøy Bjørnstad-Håland {n:03d},m{n}@kommune.no,"
            f"{leader.aad_object_id},Oppvekst,Fjellvik skole"
        )
    return "\n".join(rows).encode()


def _names(card: dict[str, Any]) -> list[str]:
    return [
        fact["title"]
        for element in card["body"]
        if element.get("type") == "FactSet"
        for fact in element["facts"]
        if "Håland" in fact["title"]
    ]


def _next_page(card: dict[str, Any]) -> dict[str, Any] | None:
    buttons = [
        action
        for element in card["body"]
        if element.get("type") == "ActionSet"
        for action in element["actions"]
    ]
    pages = [b for b in buttons if b.get("verb") == SHOW_VERB and "neste" in b["title"].lower()]
    return pages[0]["data"] if pages else None


async def test_a_leader_with_150_reports_pages_through_the_team_card(host: Host) -> None:
    await setup_org(host, LARS)
    outcome = await parts(host).directory.import_csv(_team_csv(LARS, 150))
    assert not getattr(outcome, "errors", None)
    host.connector.clear()
    await host.send(message(LARS, host.service_url, "mitt team"))
    assert not host.connector.too_big
    (card,) = cards_to(host, LARS)
    seen = _names(card)
    data = _next_page(card)
    while data is not None:
        status, body = await host.send(
            card_action(LARS, host.service_url, SHOW_VERB, data, card_activity_id="1:team")
        )
        assert status == 200, body
        card = body["value"]
        seen += _names(card)
        data = _next_page(card)
    assert not host.connector.too_big
    # Every report on exactly one page, in the directory's order.
    assert len(seen) == 150 and seen == sorted(seen)
