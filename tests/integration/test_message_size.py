"""Teams refuses a bot's message over about 28 KB (413 `MessageSizeTooBig`), and the answer to
a card action too: the user gets an error instead of their card (issue 20). The fake Teams
refuses the same, and what does not fit a card is paged; that every card the bot can send stays
within a budget is tests/unit/test_card_size.py.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import aiohttp

from cards.team import SHOW_VERB
from tests.support.example_org import LARS
from tests.support.fake_connector import MESSAGE_LIMIT, FakeConnector
from tests.support.host import Host, parts
from tests.support.teams import TeamsUser, card_action, message
from tests.support.turns import cards_to, setup_org

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
