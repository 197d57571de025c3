"""Kaffeprat through the host, on both backends: joining in chat, the pairing card with its
chat link, the check-back, the suggestion on a low-contact receipt (to the employee alone),
the line in `innstillinger`, the numbers in `puls` and the data rights.

People from examples/org.csv: Kari Nordmann and Ole Bakken work at Fjellvik skole, Nina Strand
leads Solsikken barnehage; all three in Oppvekst. Lars Haugen is Kari's leader.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from cards.coffee import LEAVE_VERB, MET_VERB, SAVE_VERB
from cards.i18n import t
from cards.week import SET_VERB as WEEK_SET_VERB
from domain.clock import utc_now
from domain.coffee import pairing_week
from domain.org import Role
from storage.coffee import CoffeeRepository
from tests.support.answers import FINE
from tests.support.card_text import texts
from tests.support.example_org import INGRID, KARI, LARS, NINA, OLE, SIGRID
from tests.support.host import Host, parts
from tests.support.teams import TeamsUser
from tests.support.turns import (
    cards_to,
    check_in,
    open_checkin,
    press,
    pulse,
    round_id_of,
    say,
    setup_org,
)

JOIN = {
    "frequency": "weekly",
    "meeting": "call",
    "width": "all",
    "paused_until": "",
    "not_with": "",
}


async def join(host: Host, user: TeamsUser, **changes: str) -> dict[str, Any]:
    card = await say(host, user, "kaffeprat")
    assert t("nb", "coffee.intro") in texts(card)
    body = await press(host, user, SAVE_VERB, {**JOIN, **changes})
    return dict(body["value"])


def pairing_cards(host: Host, user: TeamsUser) -> list[dict[str, Any]]:
    return [c for c in cards_to(host, user) if t("nb", "coffee.match.title") in texts(c)]


async def test_who_joins_in_chat_is_paired_with_a_chat_link_and_nobody_else(host: Host) -> None:
    await setup_org(host, KARI, OLE, NINA, SIGRID, LARS)
    saved = await join(host, KARI)
    assert t("nb", "coffee.saved") in texts(saved)
    await join(host, OLE, not_with="nina.strand@fjellvik-kommune.example")
    await join(host, NINA)
    await join(host, SIGRID)
    host.connector.clear()
    status = await parts(host).coffee.pair_now()
    assert status is not None and status.round.groups == 2
    joined = (KARI, OLE, NINA, SIGRID)
    partner_of = {}
    for user in joined:
        (card,) = pairing_cards(host, user)
        (chat,) = [a for a in card["actions"] if a["type"] == "Action.OpenUrl"]
        (partner,) = [u for u in joined if u != user and u.name in texts(card)]
        address = partner.name.lower().replace(" ", ".") + "%40fjellvik-kommune.example"
        assert chat["url"].startswith("https://teams.microsoft.com/l/chat/0/0?users=" + address)
        partner_of[user] = partner
    assert partner_of[OLE] != NINA  # he asked not to meet her; she never learns it
    assert pairing_cards(host, LARS) == []  # he never joined


async def test_a_refused_choice_or_an_unknown_address_saves_nothing_and_keeps_the_input(
    host: Host,
) -> None:
    await setup_org(host, KARI)
    refused = await join(host, KARI, width="everyone")
    assert t("nb", "coffee.invalid") in texts(refused)
    unknown = await join(host, KARI, not_with="nobody@example.org")
    assert "nobody@example.org" in texts(unknown)
    assert t("nb", "coffee.unknown_people", addresses="nobody@example.org") in texts(unknown)
    (field,) = [e for e in unknown["body"] if e.get("id") == "not_with"]
    assert field["value"] == "nobody@example.org"
    assert await parts(host).coffee.membership(KARI.aad_object_id) is None


async def test_leaving_and_pausing_are_in_the_card_and_in_innstillinger(host: Host) -> None:
    await setup_org(host, KARI)
    settings = await say(host, KARI, "innstillinger")
    assert t("nb", "coffee.settings.off") in texts(settings)
    until = (utc_now() + timedelta(days=30)).date()
    paused = await join(host, KARI, paused_until=until.isoformat())
    assert t("nb", "coffee.paused", date=until.strftime("%d.%m.%Y")) in texts(paused)
    settings = await say(host, KARI, "innstillinger")
    assert t("nb", "coffee.settings.paused", date=until.strftime("%d.%m.%Y")) in texts(settings)
    left = await press(host, KARI, LEAVE_VERB, {})
    assert t("nb", "coffee.left") in texts(left["value"])
    assert await parts(host).coffee.membership(KARI.aad_object_id) is None


async def test_a_low_contact_receipt_suggests_kaffeprat_to_the_employee_alone(host: Host) -> None:
    await setup_org(host, KARI, LARS, OLE, SIGRID)
    round_id = round_id_of(await open_checkin(host, KARI))
    host.connector.clear()
    receipt = await check_in(host, KARI, round_id, {**FINE, "social": "2"})
    assert t("nb", "coffee.suggest") in texts(receipt)
    assert host.connector.cards() == []  # nothing to her leader, nor anyone else
    # With more contact, or taking part already, the receipt does not ask.
    fine = await check_in(host, OLE, round_id, FINE)
    assert t("nb", "coffee.suggest") not in texts(fine)
    await join(host, SIGRID)
    low = await check_in(host, SIGRID, round_id, {**FINE, "social": "1"})
    assert t("nb", "coffee.suggest") not in texts(low)


async def test_the_check_back_counts_once_and_puls_shows_only_numbers(host: Host) -> None:
    await setup_org(host, KARI, OLE, NINA, INGRID)
    for user in (KARI, OLE, NINA):
        await join(host, user)
    coffee = parts(host).coffee
    status = await coffee.pair_now()
    assert status is not None
    assert host.store is not None
    repo = CoffeeRepository(host.store, 3600)
    # A week later the tick sends the check-back.
    week_ago = status.round.opened_at - timedelta(days=7)
    await repo.save_round(replace(status.round, opened_at=week_ago))
    host.connector.clear()
    await coffee.tick()
    (asked,) = [c for c in cards_to(host, KARI) if t("nb", "coffee.checkback.title") in texts(c)]
    (yes,) = [a for a in asked["actions"] if a["data"].get("answer") == "yes"]
    first = await press(host, KARI, MET_VERB, yes["data"])
    assert t("nb", "coffee.checkback.thanks") in texts(first["value"])
    again = await press(host, KARI, MET_VERB, {**yes["data"], "answer": "no"})
    assert t("nb", "coffee.checkback.already") in texts(again["value"])
    stranger = await press(host, INGRID, MET_VERB, yes["data"])
    assert t("nb", "coffee.checkback.unknown") in texts(stranger["value"])
    # Closed, the round shows in `puls`: three people are too few to show anything.
    round_ = await repo.round(status.round.id)
    assert round_ is not None
    sent = round_.checkback_sent_at
    assert sent is not None
    await repo.save_round(replace(round_, checkback_sent_at=sent - timedelta(days=8)))
    await parts(host).roles.grant(INGRID.aad_object_id, Role.ADMIN, [])
    everything = await pulse(host, INGRID)
    shown = texts(everything)
    assert t("nb", "coffee.pulse.title") in shown and t("nb", "coffee.pulse.few") in shown
    for user in (KARI, OLE, NINA):
        assert user.name not in shown and user.aad_object_id not in json.dumps(everything)
    # Anyone else sees no kaffeprat numbers (nor the pulse).
    assert t("nb", "coffee.pulse.title") not in texts(await say(host, KARI, "puls"))


async def test_my_data_holds_the_participation_and_erasing_takes_it_from_every_round(
    host: Host,
) -> None:
    await setup_org(host, KARI, OLE)
    await join(host, KARI)
    await join(host, OLE)
    await parts(host).coffee.pair_now()
    export = await parts(host).data_rights.export(KARI.aad_object_id)
    assert export["kaffeprat"]["membership"]["width"] == "all"
    (taken,) = export["kaffeprat"]["rounds"]
    assert taken["partners"] == 1 and OLE.aad_object_id not in json.dumps(export)
    await say(host, KARI, "slett mine data")
    await press(host, KARI, "data.delete", {})
    export = await parts(host).data_rights.export(KARI.aad_object_id)
    assert export["kaffeprat"] == {"membership": None, "rounds": []}
    # Ole's record of the round stays his, without her in it.
    assert host.store is not None
    (round_,) = await CoffeeRepository(host.store, 1).rounds()
    ole = await CoffeeRepository(host.store, 1).match(round_.id, OLE.aad_object_id)
    assert ole is not None and KARI.aad_object_id not in ole[0].group


async def test_at_the_office_a_pair_gets_the_day_their_week_plans_share(host: Host) -> None:
    await setup_org(host, KARI, OLE, LARS)
    monday = pairing_week(date.today())
    # Kari is in on Wednesday only; Ole on Wednesday and Thursday.
    for user, home in ((KARI, (0, 1, 3, 4)), (OLE, (0, 1, 4))):
        for n in home:
            day = (monday + timedelta(days=n)).isoformat()
            await press(host, user, WEEK_SET_VERB, {"day": day, "where": "home"})
        await join(host, user, meeting="office")
    host.connector.clear()
    await parts(host).coffee.pair_now()
    for user in (KARI, OLE):
        (card,) = pairing_cards(host, user)
        (facts,) = [e["facts"] for e in card["body"] if e.get("type") == "FactSet"]
        assert [f["value"] for f in facts] == [
            t("nb", "weekday.wed"),
            t("nb", "coffee.match.office"),
        ]
