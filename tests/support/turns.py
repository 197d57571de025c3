"""A person's turns through the host: type, press a button, walk a dialog, check in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cards.agreement import STEP_VERB
from cards.data_rights import DOWNLOAD_VERB
from cards.i18n import t
from domain.rounds import new_round
from storage.rounds import RoundRepository
from tests.support.answers import (
    EQUIPMENT,
    EQUIPMENT_ITEMS,
    ERGONOMICS,
    EXTENT,
    LEGAL,
    NETWORK,
    TASKS,
)
from tests.support.card_text import texts
from tests.support.example_org import EXAMPLE
from tests.support.host import Host, parts
from tests.support.teams import TeamsUser, card_action, install, message


async def say(host: Host, user: TeamsUser, text: str) -> dict[str, Any]:
    """Type `text`; the one card the bot answers with."""
    host.connector.clear()
    status, _ = await host.send(message(user, host.service_url, text))
    assert status in (200, 201)
    (card,) = host.connector.cards()
    return card


async def press(host: Host, user: TeamsUser, verb: str, data: dict[str, Any]) -> dict[str, Any]:
    """Press an `Action.Execute` button; the invoke's answer (a card or a message)."""
    status, body = await host.send(card_action(user, host.service_url, verb, data))
    assert status == 200 and isinstance(body, dict)
    return body


async def step(host: Host, user: TeamsUser, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    body = await press(host, user, STEP_VERB, {"step": name, **inputs})
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    return dict(body["value"])


def step_of(card: dict[str, Any]) -> str:
    """The agreement step a card belongs to, read off its first step button (the summary's
    change buttons sit in the body)."""
    sets = [e["actions"] for e in card["body"] if e.get("type") == "ActionSet"]
    buttons = [*card.get("actions", []), *(a for actions in sets for a in actions)]
    return str(next(b["data"]["step"] for b in buttons if "step" in b.get("data", {})))


def inputs_of(card: dict[str, Any]) -> dict[str, Any]:
    """The card's inputs and the values they show."""
    return {e["id"]: e.get("value") for e in card["body"] if "id" in e}


def change_button(summary: dict[str, Any], part: str) -> dict[str, Any]:
    """The data of the summary's button that changes `part`."""
    buttons = [a for e in summary["body"] if e.get("type") == "ActionSet" for a in e["actions"]]
    (data,) = [b["data"] for b in buttons if b["data"].get("part") == part]
    return dict(data)


async def press_change(
    host: Host, user: TeamsUser, summary: dict[str, Any], part: str
) -> dict[str, Any]:
    """Press "change <part>" on `summary`, as Teams sends it (the button's data)."""
    data = {k: v for k, v in change_button(summary, part).items() if k != "verb"}
    return await step(host, user, "summary", data)


def cards_to(host: Host, user: TeamsUser) -> list[dict[str, Any]]:
    return [
        card
        for received in host.connector.messages()
        if received.conversation_id == user.conversation_id
        for card in received.cards
    ]


async def fill_in(host: Host, user: TeamsUser) -> dict[str, Any]:
    """From `avtale` to the summary card, with the answers above."""
    card = await say(host, user, "avtale")
    assert step_of(card) == "tasks"
    for name, inputs in (
        ("tasks", TASKS),
        ("extent", EXTENT),
        ("ergonomics", ERGONOMICS),
        ("equipment", EQUIPMENT),
        ("equipment_items", EQUIPMENT_ITEMS),
        ("network", NETWORK),
        ("terms", LEGAL),
    ):
        assert step_of(card) == name
        card = await step(host, user, name, inputs)
    return card


async def open_checkin(host: Host, user: TeamsUser) -> dict[str, Any]:
    host.connector.clear()
    status, _ = await host.send(message(user, host.service_url, "sjekk inn"))
    assert status in (200, 201)
    (card,) = host.connector.cards()
    return card


def round_id_of(card: dict[str, Any]) -> str:
    return str(card["actions"][0]["data"]["round_id"])


async def open_rounds(host: Host, count: int) -> list[str]:
    """`count` open rounds, an hour apart, oldest first."""
    assert host.store is not None
    now = datetime.now(UTC)
    ids = []
    for n in range(count):
        round_ = new_round(f"t{n}", now - timedelta(hours=count - n), ("stress", "social",
                           "focus", "workload", "balance", "leader", "learning", "strain"))  # fmt: skip
        await RoundRepository(host.store).create(round_)
        ids.append(round_.id)
    return ids


async def check_in(
    host: Host, user: TeamsUser, round_id: str, scores: dict[str, str], contact: bool = False
) -> dict[str, Any]:
    data = {"round_id": round_id, **scores, "contact_me": "true" if contact else "false"}
    body = await press(host, user, "checkin.submit", data)
    return dict(body["value"])


async def share(host: Host, user: TeamsUser, kinds: str) -> None:
    data = {"language": "nb", "age_band": "none", "share": kinds}
    body = await press(host, user, "settings.save", data)
    assert t("nb", "settings.saved") in texts(body["value"])


async def pulse(host: Host, user: TeamsUser) -> dict[str, Any]:
    """Every message `puls` answers with (the summary, then a card per breakdown), as one."""
    host.connector.clear()
    await host.send(message(user, host.service_url, "puls"))
    cards = host.connector.cards()
    assert cards
    return {
        "body": [e for card in cards for e in card["body"]],
        "actions": [a for card in cards for a in card.get("actions", [])],
    }


async def download_link(host: Host, user: TeamsUser) -> str:
    """Press the download button on the `mine data` card; the link the answer opens."""
    card = await say(host, user, "mine data")
    (button,) = [a for a in card["actions"] if a.get("verb") == DOWNLOAD_VERB]
    answer = await press(host, user, DOWNLOAD_VERB, button["data"])
    return str(next(a["url"] for a in answer["value"]["actions"] if a["type"] == "Action.OpenUrl"))


async def setup_org(host: Host, *users: TeamsUser) -> None:
    outcome = await parts(host).directory.import_csv(EXAMPLE.read_bytes())
    assert not getattr(outcome, "errors", None)
    for user in users:
        await host.send(install(user, host.service_url))
    host.connector.clear()


async def reorganise(host: Host, managers: dict[TeamsUser, TeamsUser | None]) -> None:
    """Import examples/org.csv again with new leaders for some people."""
    new = {
        user.aad_object_id: boss.aad_object_id if boss else "" for user, boss in managers.items()
    }
    rows = []
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        cells = line.split(",")
        cells[3] = new.get(cells[0], cells[3])
        rows.append(",".join(cells))
    outcome = await parts(host).directory.import_csv("\n".join(rows).encode())
    assert not getattr(outcome, "errors", None)
