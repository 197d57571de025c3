"""The agreement's equipment through the host: items from the chosen package (the amount
follows), a refusal that names the sum and the limit, and the leader's follow-through after
approval in `mitt team` (docs/product.md#equipment)."""

from __future__ import annotations

from typing import Any

from cards.agreement import DECIDE_VERB, ORDERED_VERB, OTHER_PACKAGE, items_line
from cards.i18n import t
from cards.refusals import refusal_text
from domain.agreement import FURNITURE_ITEMS, IT_ITEMS, Item
from domain.refusals import OverLimit, Refusal
from storage.agreements import CONTAINER, CURRENT
from tests.support.answers import EQUIPMENT_ITEMS, ERGONOMICS, EXTENT, LEGAL, NETWORK, TASKS
from tests.support.card_text import texts
from tests.support.example_org import KARI, LARS
from tests.support.host import Host, parts
from tests.support.turns import cards_to, fill_in, press, say, setup_org, step, step_of

STANDARD = {"package": "2"}
RISKY = {"place": "fixed_place", "has": "desk", "discomfort": "neck"}


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if "id" in e}


def offered(card: dict[str, Any], input_id: str) -> list[str]:
    return [c["value"] for c in inputs(card)[input_id]["choices"]]


async def to_equipment(host: Host, ergonomics: dict[str, str] = ERGONOMICS) -> dict[str, Any]:
    await setup_org(host, KARI, LARS)
    await say(host, KARI, "avtale")
    await step(host, KARI, "tasks", TASKS)
    await step(host, KARI, "extent", EXTENT)
    card = await step(host, KARI, "ergonomics", ergonomics)
    if step_of(card) == "occupational_health":
        card = await step(host, KARI, "occupational_health", {"occupational_health": "yes"})
    assert step_of(card) == "equipment"
    return card


async def test_the_package_comes_first_then_only_its_items_with_their_prices(host: Host) -> None:
    card = await to_equipment(host)
    assert list(inputs(card)) == ["package"]  # no kroner, no fields for other packages
    items = await step(host, KARI, "equipment", STANDARD)
    assert step_of(items) == "equipment_items"
    assert list(inputs(items)) == ["it_items", "furniture_items"]
    assert offered(items, "it_items") == list(IT_ITEMS)
    assert offered(items, "furniture_items") == list(FURNITURE_ITEMS)
    screen = t("nb", "agreement.item.external_screen")
    assert f"{screen}, kr 1\u00a0800" in texts(items)
    assert t("nb", "agreement.equipment.it_limit", limit="3\u00a0000") in texts(items)
    # A wrong package is one press away, and the item card comes back once.
    back = await step(host, KARI, "equipment_items", {"choice": OTHER_PACKAGE})
    assert step_of(back) == "equipment"
    assert inputs(back)["package"]["value"] == "2"
    items = await step(host, KARI, "equipment", STANDARD)
    assert step_of(items) == "equipment_items"
    summary = await step(host, KARI, "equipment_items", EQUIPMENT_ITEMS)
    assert step_of(summary) == "network"

    # The basic package lends nothing: no second card.
    await say(host, KARI, "utstyr")
    saved = await step(host, KARI, "equipment", {"package": "1"})
    assert t("nb", "agreement.saved") in texts(saved)
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.terms.equipment is not None and stored.terms.equipment.items == ()


async def test_items_over_the_limit_are_refused_naming_the_sum_and_the_limit(host: Host) -> None:
    await to_equipment(host)
    await step(host, KARI, "equipment", STANDARD)
    everything = {"it_items": ",".join(IT_ITEMS), "furniture_items": ""}
    refused = await step(host, KARI, "equipment_items", everything)
    assert step_of(refused) == "equipment_items"
    over = OverLimit(Refusal.EQUIPMENT_IT_OVER_LIMIT, 4_200, 3_000)
    assert refusal_text("nb", over) in texts(refused)
    assert "kr 4\u00a0200" in texts(refused) and "kr 3\u00a0000" in texts(refused)
    # Nothing ticked is lost: the employee takes one away rather than starting again.
    assert inputs(refused)["it_items"]["value"] == ",".join(IT_ITEMS)
    # An item of another package, or none at all, is not taken.
    forged = await step(host, KARI, "equipment_items", {"it_items": "espresso_machine"})
    assert t("nb", "agreement.invalid_choice") in texts(forged)
    card = await step(host, KARI, "equipment_items", EQUIPMENT_ITEMS)
    assert step_of(card) == "network"
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.terms.equipment is not None
    assert stored.terms.equipment.items == (
        Item("keyboard", 300),
        Item("mouse", 200),
        Item("office_chair", 2_000),
    )


async def test_approval_leaves_the_leader_the_order_and_bht_until_marked_done(host: Host) -> None:
    await to_equipment(host, RISKY)
    await step(host, KARI, "equipment", STANDARD)
    await step(host, KARI, "equipment_items", EQUIPMENT_ITEMS)
    await step(host, KARI, "network", NETWORK)
    await step(host, KARI, "terms", LEGAL)
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    approved = await press(host, LARS, DECIDE_VERB, {**approval["actions"][0]["data"]})
    order = items_line(
        "nb", (Item("keyboard", 300), Item("mouse", 200), Item("office_chair", 2_000))
    )
    shown = texts(approved["value"])
    assert t("nb", "agreement.order.order", items=order) in shown
    assert "kr 2\u00a0500" in order
    assert t("nb", "agreement.order.bht", name="Kari Nordmann") in shown
    assert t("nb", "agreement.order.stays") in shown

    team = await say(host, LARS, "mitt team")
    assert t("nb", "team.tasks") in texts(team)
    assert t("nb", "agreement.order.order", items=order) in texts(team)
    (done,) = [a for a in _actions(team) if a.get("verb") == ORDERED_VERB]
    assert done["title"] == t("nb", "agreement.order.done_ordered", name="Kari Nordmann")

    marked = await press(host, LARS, ORDERED_VERB, done["data"])
    assert t("nb", "team.task.marked", name="Kari Nordmann") in texts(marked["value"])
    assert t("nb", "team.tasks") not in texts(marked["value"])
    # A second press (the approval card's button, say) is harmless.
    again = await press(host, LARS, ORDERED_VERB, done["data"])
    assert t("nb", "team.tasks") not in texts(again["value"])
    assert t("nb", "team.tasks") not in texts(await say(host, LARS, "mitt team"))
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.ordered_version == 1
    # Only her leader marks it.
    refused = await press(host, KARI, ORDERED_VERB, done["data"])
    assert refused["value"] == t("nb", "agreement.not_your_employee")


async def test_an_agreement_stored_with_kroner_still_loads_and_shows(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await fill_in(host, KARI)
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    await press(host, LARS, DECIDE_VERB, {**approval["actions"][0]["data"]})
    # Rewrite it as the first version of the equipment step stored it: kroner, no items.
    assert host.store is not None
    doc = await host.store.read(CONTAINER, KARI.aad_object_id, CURRENT)
    assert doc is not None
    old = {k: v for k, v in doc.items() if k not in ("ordered_version", "ordered_items")}
    old["terms"]["equipment"] = {"package": 2, "it_cost": 2_500, "furniture_cost": 4_000}
    await host.store.upsert(CONTAINER, old)

    costs = t("nb", "agreement.costs", it="2\u00a0500", furniture="4\u00a0000")
    assert costs in texts(await say(host, KARI, "avtale"))
    team = await say(host, LARS, "mitt team")
    assert t("nb", "team.tasks") not in texts(team)  # kroner name nothing to order
    opened = await press(host, LARS, "team.open", {"employee": KARI.aad_object_id})
    assert costs in texts(opened["value"])


def _actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(card.get("actions", []))
    stack = list(card["body"])
    while stack:
        element = stack.pop()
        found += element.get("actions", []) if element.get("type") == "ActionSet" else []
        stack += element.get("items", [])
    return found
