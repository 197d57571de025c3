"""A contact wish is never lost, and the receipt says what really became of it — through the
host, on both backends.

People from examples/org.csv: Kari Nordmann reports to Lars Haugen. A leader who has not
installed the bot cannot be reached in Teams: setup_org installs only the people it is given.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.scheduler import next_fire
from cards.followup import ASK_VERB
from cards.i18n import t
from domain.catalog import round_items
from domain.rounds import new_round, next_checkin
from storage.rounds import RoundRepository
from tests.support.answers import FINE, STRESSED
from tests.support.card_text import texts
from tests.support.example_org import KARI, LARS
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.teams import bot_added, install
from tests.support.turns import (
    cards_to,
    check_in,
    open_checkin,
    press,
    round_id_of,
    say,
    setup_org,
    share,
)


def ask_button(card: dict[str, Any]) -> dict[str, Any]:
    (ask,) = [a for a in card["actions"] if a.get("verb") == ASK_VERB]
    return dict(ask)


def prompts_to_lars(host: Host) -> list[str]:
    return [
        texts(card)
        for card in cards_to(host, LARS)
        if t("nb", "followup.title", name=KARI.name) in texts(card)
    ]


async def answered_round(host: Host, contact: bool = False) -> str:
    """Kari opens the week's card with `sjekk inn` and answers it; the round's id."""
    round_id = round_id_of(await open_checkin(host, KARI))
    await check_in(host, KARI, round_id, FINE, contact=contact)
    return round_id


async def test_checkin_after_answering_says_so_with_the_next_round_and_offers_the_ask(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS)
    round_id = await answered_round(host)
    round_ = await RoundRepository(parts(host).store).get(round_id)
    assert round_ is not None
    settings = host.settings
    after = next_fire(settings.checkin_cron, settings.timezone)(datetime.now(UTC))
    expected = next_checkin(round_, after).astimezone(settings.timezone).strftime("%d.%m.%Y")

    # Typed, or the receipt's and the trend's "Sjekk inn" buttons (they send the same word).
    card = await say(host, KARI, "sjekk inn")
    shown = texts(card)
    assert shows(shown, "nb", "receipt.answered")
    assert expected in shown
    assert not [e for e in card["body"] if "id" in e]  # no blank card whose tick would be refused
    assert ask_button(card)["data"]["round_id"] == round_id
    assert cards_to(host, LARS) == []

    asked = await press(host, KARI, ASK_VERB, ask_button(card)["data"])
    assert t("nb", "followup.asked", leader=LARS.name) in texts(asked["value"])
    assert t("nb", "followup.why.asked") in texts(asked["value"])
    (prompt,) = prompts_to_lars(host)
    assert t("nb", "followup.signal.contact_me") in prompt

    # Asked twice: one card to Lars, and she is told it is on its way already.
    again = await press(host, KARI, ASK_VERB, ask_button(card)["data"])
    assert t("nb", "followup.already_asked", leader=LARS.name) in texts(again["value"])
    assert len(prompts_to_lars(host)) == 1


async def test_a_stale_blank_card_with_the_tick_records_the_wish_once(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    round_id = await answered_round(host)
    assert cards_to(host, LARS) == []

    # The blank card she opened before answering, filled in and sent with the tick.
    receipt = await check_in(host, KARI, round_id, STRESSED, contact=True)
    shown = texts(receipt)
    assert shows(shown, "nb", "receipt.already")
    assert t("nb", "followup.why.ticked") in shown
    assert t("nb", "followup.asked", leader=LARS.name) in shown
    assert len(prompts_to_lars(host)) == 1

    again = await check_in(host, KARI, round_id, FINE, contact=True)
    assert t("nb", "followup.already_asked", leader=LARS.name) in texts(again)
    assert len(prompts_to_lars(host)) == 1

    # Without the tick a stale card asks nobody anything.
    host.connector.clear()
    plain = await check_in(host, KARI, round_id, FINE)
    assert t("nb", "followup.why.ticked") not in texts(plain)
    assert cards_to(host, LARS) == []


async def test_a_tick_on_the_card_of_a_closed_round_still_reaches_the_leader(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    last_year = datetime(2025, 11, 24, 8, 0, tzinfo=UTC)
    round_id = "s20251124"
    await RoundRepository(parts(host).store).create(new_round(round_id, last_year, round_items()))

    answer = await check_in(host, KARI, round_id, FINE, contact=True)
    assert shows(texts(answer), "nb", "receipt.closed")
    assert t("nb", "followup.asked", leader=LARS.name) in texts(answer)
    (prompt,) = prompts_to_lars(host)
    assert t("nb", "followup.signal.contact_me") in prompt


async def test_a_leader_without_the_bot_gets_the_prompt_once_they_install(host: Host) -> None:
    await setup_org(host, KARI)  # Lars has not installed the bot
    round_id = round_id_of(await open_checkin(host, KARI))
    receipt = await check_in(host, KARI, round_id, FINE, contact=True)
    shown = texts(receipt)
    assert t("nb", "followup.waiting", leader=LARS.name, hr="se intranettet") in shown
    assert t("nb", "followup.asked", leader=LARS.name) not in shown
    assert t("nb", "followup.why.ticked") in shown

    # Teams announces one install twice; the prompt arrives once, after his greeting.
    host.connector.clear()
    await host.send(install(LARS, host.service_url))
    await host.send(bot_added(LARS, host.service_url))
    await parts(host).followups.tick(datetime.now(UTC))
    await host.drain()
    (prompt,) = prompts_to_lars(host)
    assert t("nb", "followup.signal.contact_me") in prompt

    # Now that it went out, asking again says so.
    asked = await press(host, KARI, ASK_VERB, {"round_id": round_id})
    assert t("nb", "followup.already_asked", leader=LARS.name) in texts(asked["value"])
    assert len(prompts_to_lars(host)) == 1


async def test_standing_consent_is_named_as_the_reason(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await share(host, KARI, "stress")
    round_id = round_id_of(await open_checkin(host, KARI))
    receipt = await check_in(host, KARI, round_id, STRESSED)
    shown = texts(receipt)
    assert t("nb", "followup.why.standing") in shown
    assert t("nb", "followup.asked", leader=LARS.name) in shown
    assert t("nb", "selfhelp.helpline") in shown  # stress at the top: help for her as well
    assert t("nb", "selfhelp.private") not in shown  # the leader was told, with her consent


async def test_high_stress_without_consent_shows_self_help_and_tells_the_leader_nothing(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS)
    round_id = round_id_of(await open_checkin(host, KARI))
    receipt = await check_in(host, KARI, round_id, {**FINE, "stress": "4", "social": "2"})
    shown = texts(receipt)
    assert t("nb", "selfhelp.helpline") in shown
    assert t("nb", "selfhelp.bht", contact="se intranettet") in shown
    assert t("nb", "selfhelp.private") in shown
    assert ask_button(next(e for e in receipt["body"] if e.get("type") == "ActionSet"))
    # Not now, not when the answered card is asked for, not by the tick nor an install.
    await say(host, KARI, "sjekk inn")
    await parts(host).followups.tick(datetime.now(UTC))
    await host.send(install(LARS, host.service_url))
    await host.drain()
    assert prompts_to_lars(host) == []


async def test_a_consent_withdrawn_before_the_leader_installs_tells_him_nothing(
    host: Host,
) -> None:
    await setup_org(host, KARI)  # Lars has not installed the bot
    await share(host, KARI, "stress")
    round_id = round_id_of(await open_checkin(host, KARI))
    receipt = await check_in(host, KARI, round_id, STRESSED)
    assert t("nb", "followup.waiting", leader=LARS.name, hr="se intranettet") in texts(receipt)
    assert t("nb", "followup.why.standing") in texts(receipt)

    await share(host, KARI, "")  # withdrawn while the prompt waits
    host.connector.clear()
    await host.send(install(LARS, host.service_url))
    await parts(host).followups.tick(datetime.now(UTC))
    await host.drain()
    assert prompts_to_lars(host) == []
    # Nor does `mitt team` show him a follow-up about her.
    assert await parts(host).followups.open_for_team(LARS.aad_object_id) == []
