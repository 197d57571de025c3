"""Text from people and the directory shows in cards as typed, never as Markdown.

TextBlocks and facts render Markdown in Teams: a display name or a reason like
`[klikk](https://evil.example)` would otherwise be a link in the leader's approval card, and
`**...**` would pass for the bot's own emphasis.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cards.agreement import DECIDE_VERB
from cards.elements import md
from cards.followup import DONE_VERB, asked_card
from cards.help import greeting_card
from cards.team import team_card
from domain.agreement_record import TeamMember, TeamOverview, week_plan
from domain.followup import Contacts, Prompted, PromptWaiting
from domain.org import Person
from tests.support.answers import ERGONOMICS, EXTENT, FINE
from tests.support.card_text import texts
from tests.support.example_org import EXAMPLE, KARI, LARS
from tests.support.host import Host, parts
from tests.support.teams import install
from tests.support.turns import cards_to, open_rounds, press, say, step

LINK = "[klikk](https://evil.example)"
HOSTILE = f"**haster** {LINK} _nå_ # `kode` <b>"


def rendered(element: Any) -> Iterator[str]:
    """What Teams renders as Markdown: TextBlocks (also in tables) and facts."""
    if isinstance(element, dict):
        if element.get("type") == "TextBlock":
            yield element["text"]
        if element.get("type") == "FactSet":
            for fact in element["facts"]:
                yield fact["title"]
                yield fact["value"]
        for value in element.values():
            yield from rendered(value)
    elif isinstance(element, list):
        for value in element:
            yield from rendered(value)


def markup(card: dict[str, Any]) -> list[str]:
    """Markdown syntax left unescaped anywhere the card renders it."""
    found = []
    for shown in rendered(card):
        bare = re.sub(r"\\.", "", shown)  # what an escape leaves is literal text
        found += [shown for mark in ("[", "](", "**", "_", "`", "<", "#") if mark in bare]
    return found


async def test_names_reasons_comments_and_notes_stay_plain_text(host: Host) -> None:
    org = EXAMPLE.read_bytes().replace(b"Kari Nordmann", LINK.encode())
    assert not getattr(await parts(host).directory.import_csv(org), "errors", None)
    for user in (KARI, LARS):
        await host.send(install(user, host.service_url))
    await say(host, KARI, "avtale")
    for name, inputs in (
        ("tasks", {"home": "writing", "office": "physical_meetings", "expectations": HOSTILE}),
        ("extent", {**EXTENT, "days": "3", "weekdays": "mon,wed,fri", "reason": HOSTILE}),
        ("ergonomics", ERGONOMICS),
        ("equipment", {"package": "3"}),
        ("equipment_items", {"special_needs": HOSTILE}),
        ("network", {"network": "private"}),
        ("terms", {"choice": "edit"}),
        ("terms_edit", {"hours": "agreed", "agreed_hours": HOSTILE, "reachable": HOSTILE}),
    ):
        await step(host, KARI, name, inputs)
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    shown = texts(approval)
    assert "klikk" in shown and "haster" in shown  # the text is there, as typed
    assert markup(approval) == []

    data = approval["actions"][0]["data"]
    host.connector.clear()
    answered = await press(
        host, LARS, DECIDE_VERB, {**data, "decision": "changes", "comment": HOSTILE}
    )
    assert markup(answered["value"]) == []
    (decision,) = cards_to(host, KARI)
    assert "haster" in texts(decision) and markup(decision) == []

    # A follow-up: her name in the leader's card, his note in the card marked done.
    (round_id,) = await open_rounds(host, 1)
    host.connector.clear()
    await press(host, KARI, "checkin.submit", {"round_id": round_id, **FINE, "contact_me": "true"})
    (followup,) = cards_to(host, LARS)
    assert markup(followup) == []
    done = await press(host, LARS, DONE_VERB, {**followup["actions"][0]["data"], "note": HOSTILE})
    assert "haster" in texts(done["value"]) and markup(done["value"]) == []


def test_every_card_builder_with_free_text_escapes_it() -> None:
    person = Person("p1", LINK, "a@b.example", "l1", HOSTILE, HOSTILE)
    overview = TeamOverview([TeamMember(person, None, None)], week_plan([]))
    for card in (
        greeting_card("nb", LINK),
        asked_card("nb", Prompted(LINK), Contacts("hr", "bht")),
        asked_card("nb", PromptWaiting(LINK), Contacts("hr", "bht")),
        team_card("nb", overview),
    ):
        assert markup(card) == [], card
    assert md("Anne-Lise Ås") == "Anne\\-Lise Ås"
