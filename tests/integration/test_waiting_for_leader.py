"""A leader who could not be reached: the approval waits, goes out when Teams announces the
install, and whatever waits is the first thing the leader sees — on install, on `hjelp`, on
text the bot does not understand. Through the host, on both backends; people from
examples/org.csv (Kari Nordmann and Ole Bakken report to Lars Haugen)."""

from __future__ import annotations

from typing import Any

from cards.agreement import DECIDE_VERB
from cards.i18n import t, tn
from cards.team import OPEN_VERB
from tests.support.card_text import texts
from tests.support.example_org import KARI, LARS, OLE
from tests.support.host import Host
from tests.support.teams import bot_added, install
from tests.support.turns import cards_to, fill_in, press, say, setup_org, step


def button_titles(card: dict[str, Any]) -> list[str]:
    return [
        action["title"]
        for element in card["body"]
        if element.get("type") == "ActionSet"
        for action in element["actions"]
    ]


async def test_the_approval_goes_out_when_the_leader_installs_the_app(host: Host) -> None:
    await setup_org(host, KARI)  # Lars has not installed the bot
    await fill_in(host, KARI)
    await step(host, KARI, "summary", {"choice": "send"})
    assert cards_to(host, LARS) == []

    host.connector.clear()
    await host.send(install(LARS, host.service_url))
    greeting, approval = cards_to(host, LARS)
    # Greeted with what waits, not with the offer to check in.
    assert t("nb", "waiting.title") in texts(greeting)
    assert tn("nb", "waiting.approvals", 1) in texts(greeting)
    assert t("nb", "greeting.offer") not in texts(greeting)
    assert t("nb", "waiting.decide", name="Kari Nordmann") in button_titles(greeting)
    assert [a["verb"] for a in approval["actions"]] == [DECIDE_VERB] * 3

    # Teams announces the install a second time: neither card comes again.
    host.connector.clear()
    await host.send(bot_added(LARS, host.service_url))
    assert cards_to(host, LARS) == []

    answer = await press(host, LARS, DECIDE_VERB, {**approval["actions"][0]["data"], "comment": ""})
    assert t("nb", "approval.decided.approved") in texts(answer["value"])


async def test_a_leader_with_something_waiting_sees_it_first(host: Host) -> None:
    await setup_org(host, KARI, OLE, LARS)
    for employee in (KARI, OLE):
        await fill_in(host, employee)
        await step(host, employee, "summary", {"choice": "send"})

    card = await say(host, LARS, "hjelp")
    assert card["body"][0]["text"] == t("nb", "waiting.title")
    assert tn("nb", "waiting.approvals", 2) in texts(card)
    assert t("nb", "help.title") in texts(card)  # the help follows
    assert button_titles(card) == [
        t("nb", "waiting.decide", name="Kari Nordmann"),
        t("nb", "waiting.decide", name="Ole Bakken"),
    ]
    (decide_kari, _) = [
        action
        for element in card["body"]
        if element.get("type") == "ActionSet"
        for action in element["actions"]
    ]
    opened = await press(host, LARS, OPEN_VERB, decide_kari["data"])
    assert any(a.get("verb") == DECIDE_VERB for a in opened["value"]["actions"])

    # Text the bot does not understand: what waits, then the way out of the confusion.
    unknown = await say(host, LARS, "hva nå?")
    assert unknown["body"][0]["text"] == t("nb", "waiting.title")
    assert t("nb", "unknown") in texts(unknown)

    # An employee, and a leader once it is all decided, get the plain help.
    assert t("nb", "waiting.title") not in texts(await say(host, KARI, "hjelp"))
    for employee in (KARI, OLE):
        await press(
            host,
            LARS,
            DECIDE_VERB,
            {
                "employee": employee.aad_object_id,
                "version": 1,
                "decision": "approve",
                "comment": "",
            },
        )
    assert t("nb", "waiting.title") not in texts(await say(host, LARS, "hjelp"))
