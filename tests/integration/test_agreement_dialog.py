"""The agreement conversation through the real host, adapter and dialog stack, for people from
the example organisation (examples/org.csv): Kari Nordmann reports to Lars Haugen, who reports
to Ingrid Solberg at the top; Ole Bakken is Kari's colleague.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot.settings import Settings
from cards.agreement import DECIDE_VERB, REVISE_VERB, STEP_VERB
from cards.elements import md
from cards.i18n import t, tn
from cards.team import INVITE_VERB, INVITEE, OPEN_VERB
from domain.agreement_record import Status
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
from tests.support.example_org import INGRID, KARI, LARS, NINA, OLE
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.teams import TeamsUser, submit_fallback
from tests.support.turns import (
    cards_to,
    fill_in,
    inputs_of,
    press,
    press_change,
    reorganise,
    say,
    setup_org,
    step,
    step_of,
)


async def test_draft_goes_to_the_leader_who_approves_and_both_see_the_agreement(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS)
    summary = await fill_in(host, KARI)
    shown = texts(summary)
    assert "versjon 1" in shown and "2 dager i uken, mandag, onsdag" in shown
    assert "Lars Haugen" in shown

    host.connector.clear()
    sent = await step(host, KARI, "summary", {"choice": "send"})
    assert "Versjon 1 er sendt til Lars Haugen" in texts(sent)
    (approval,) = cards_to(host, LARS)
    assert "Kari Nordmann ber om godkjenning (versjon 1)" in texts(approval)
    assert t("nb", "agreement.task.concentration") in texts(approval)
    verbs = [a["verb"] for a in approval["actions"]]
    assert verbs == [DECIDE_VERB] * 3

    host.connector.clear()
    approve = approval["actions"][0]["data"]
    answer = await press(host, LARS, DECIDE_VERB, {**approve, "comment": ""})
    assert t("nb", "approval.decided.approved") in texts(answer["value"])
    assert not any(a.get("verb") == DECIDE_VERB for a in answer["value"]["actions"])
    (to_kari,) = cards_to(host, KARI)
    assert "Versjon 1, godkjent av Lars Haugen" in texts(to_kari)

    # Both can open it again: Kari with `avtale`, Lars from `mitt team`.
    own = await say(host, KARI, "avtale")
    assert "Versjon 1, godkjent av Lars Haugen" in texts(own)
    assert shows(texts(own), "nb", "agreement.card.status")
    team = await say(host, LARS, "mitt team")
    assert t("nb", "team.status.approved", version=1) in texts(team)
    assert t("nb", "team.no_pending") in texts(team)
    week = {
        f["title"]: f["value"]
        for f in team["body"]
        if f.get("type") == "FactSet"
        for f in f["facts"]
    }
    days = {day: week[t("nb", f"weekday.{day}")] for day in ("mon", "tue", "wed")}
    assert days == {"mon": "1", "tue": "0", "wed": "1"}
    opened = await press(host, LARS, OPEN_VERB, {"employee": KARI.aad_object_id})
    assert "Versjon 1, godkjent av Lars Haugen" in texts(opened["value"])

    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.status is Status.APPROVED and stored.review_on is not None
    assert (stored.review_on - date.today()).days in range(360, 370)


async def test_changes_requested_then_revised_make_version_two(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await fill_in(host, KARI)
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    changes = approval["actions"][1]["data"]

    # A request for changes needs a comment; without one nothing is decided.
    refused = await press(host, LARS, DECIDE_VERB, {**changes, "comment": " "})
    assert refused["type"] == "application/vnd.microsoft.activity.message"
    host.connector.clear()
    await press(host, LARS, DECIDE_VERB, {**changes, "comment": "Ta heller tirsdag enn onsdag"})
    (decision,) = cards_to(host, KARI)
    assert "ber om endringer i versjon 1" in texts(decision)
    assert "Ta heller tirsdag enn onsdag" in texts(decision)

    summary = (await press(host, KARI, REVISE_VERB, {}))["value"]
    assert "Ta heller tirsdag enn onsdag" in texts(summary)
    # Only the days change: that part alone, then the summary again.
    card = await press_change(host, KARI, summary, "extent")
    assert step_of(card) == "extent"
    assert inputs_of(card) == {"days": "2", "fixed": "fixed", "reason": ""}
    card = await step(host, KARI, "extent", {"days": "2", "fixed": "fixed", "reason": ""})
    assert step_of(card) == "weekdays" and inputs_of(card) == {"weekdays": "mon,wed"}
    card = await step(host, KARI, "weekdays", {"weekdays": "mon,tue"})
    assert step_of(card) == "summary"
    shown = texts(card)
    assert "versjon 2" in shown and "mandag, tirsdag" in shown
    assert t("nb", "agreement.task.concentration") in shown  # the other parts are kept
    assert t("nb", "agreement.network.private") in shown
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (second,) = cards_to(host, LARS)
    assert "(versjon 2)" in texts(second)

    # The first card's buttons are for version 1, which is answered: it decides nothing now.
    stale = await press(host, LARS, DECIDE_VERB, {**approval["actions"][0]["data"], "comment": ""})
    assert stale["value"] == t("nb", "agreement.already_decided")
    await press(host, LARS, DECIDE_VERB, {**second["actions"][0]["data"], "comment": ""})

    repository = parts(host).agreements
    current = await repository.current(KARI.aad_object_id)
    assert (current.version, current.status) == (2, Status.APPROVED)
    assert current.terms.extent is not None and current.terms.extent.fixed_days == ("mon", "tue")
    history = await repository._agreements.history(KARI.aad_object_id)
    assert [(a.version, a.status) for a in history] == [
        (1, Status.CHANGES_REQUESTED),
        (2, Status.APPROVED),
    ]
    assert history[0].terms.extent is not None
    assert history[0].terms.extent.fixed_days == ("mon", "wed")  # the old version is kept


async def test_a_restart_mid_dialog_continues_at_the_same_step(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await say(host, KARI, "avtale")
    await step(host, KARI, "tasks", TASKS)
    ergonomics = await step(host, KARI, "extent", EXTENT)
    assert step_of(ergonomics) == "ergonomics"

    await host.restart()

    again = await say(host, KARI, "avtale")
    assert step_of(again) == "ergonomics"
    card = await step(host, KARI, "ergonomics", ERGONOMICS)
    assert step_of(card) == "equipment"


async def test_too_many_days_and_three_without_a_reason_are_refused_with_the_rule(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS)
    await say(host, KARI, "avtale")
    await step(host, KARI, "tasks", TASKS)
    # The card does not offer 4; sent anyway, it is refused with the rule and what to do, and
    # the intro is not said twice.
    four = await step(host, KARI, "extent", {"days": "4", "fixed": "flexible"})
    assert step_of(four) == "extent"
    assert t("nb", "extent.too_many") in texts(four)
    assert texts(four).count(t("nb", "agreement.extent.intro")) == 1
    three = await step(host, KARI, "extent", {"days": "3", "fixed": "flexible", "reason": ""})
    assert step_of(three) == "extent"
    assert t("nb", "extent.reason_needed") in texts(three)
    values = {e["id"]: e.get("value") for e in three["body"] if "id" in e}
    assert values["days"] == "3"  # what the user chose is kept on the card
    ok = await step(
        host, KARI, "extent", {"days": "3", "fixed": "flexible", "reason": "Lang reisevei"}
    )
    assert step_of(ok) == "ergonomics"
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.terms.extent is not None and stored.terms.extent.days == 3


def _day_choices(card: dict[str, Any]) -> list[str]:
    (days,) = [e for e in card["body"] if e.get("id") == "days"]
    return [c["value"] for c in days["choices"]]


async def test_the_days_step_offers_only_what_the_rules_allow_and_weekdays_for_fixed_days(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS)
    await say(host, KARI, "avtale")
    card = await step(host, KARI, "tasks", TASKS)
    assert _day_choices(card) == ["0", "1", "2", "3"]
    assert "weekdays" not in inputs_of(card)  # no weekday boxes before "fixed days"
    flexible = await step(host, KARI, "extent", {"days": "2", "fixed": "flexible", "reason": ""})
    assert step_of(flexible) == "ergonomics"  # flexible days: no weekdays asked

    await say(host, KARI, "avtale")  # the conversation goes on: the ergonomics card again
    card = await fill_summary(host, KARI, flexible)
    card = await press_change(host, KARI, card, "extent")
    assert inputs_of(card)["fixed"] == "flexible"
    weekdays = await step(host, KARI, "extent", {"days": "2", "fixed": "fixed", "reason": ""})
    assert step_of(weekdays) == "weekdays"
    assert tn("nb", "agreement.weekdays.choose", 2) in texts(weekdays)
    # Until the weekdays are chosen the draft keeps the days it had.
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.terms.extent is not None and stored.terms.extent.fixed_days == ()
    three = await step(host, KARI, "weekdays", {"weekdays": "mon,tue,wed"})
    assert step_of(three) == "weekdays"
    assert t("nb", "agreement.weekdays.count", n=2) in texts(three)
    assert inputs_of(three)["weekdays"] == "mon,tue,wed"  # kept for the user to correct
    # Back to the number of days, as the user left them; three fixed days need a reason.
    back = await step(host, KARI, "weekdays", {"weekdays": "mon,tue,wed", "back": True})
    assert step_of(back) == "extent" and inputs_of(back)["days"] == "2"
    assert inputs_of(back)["fixed"] == "fixed"
    card = await step(host, KARI, "extent", {"days": "3", "fixed": "fixed", "reason": "Reisevei"})
    assert step_of(card) == "weekdays"
    summary = await step(host, KARI, "weekdays", {"weekdays": "mon,tue,wed"})
    assert step_of(summary) == "summary" and "3 dager i uken, mandag, tirsdag, onsdag" in texts(
        summary
    )
    summary = await press_change(host, KARI, summary, "extent")
    card = await step(host, KARI, "extent", {"days": "2", "fixed": "fixed", "reason": ""})
    assert inputs_of(card) == {"weekdays": "mon,tue,wed"}  # what the draft has, to correct
    summary = await step(host, KARI, "weekdays", {"weekdays": "tue,thu"})
    assert step_of(summary) == "summary" and "2 dager i uken, tirsdag, torsdag" in texts(summary)


async def fill_summary(host: Host, user: TeamsUser, card: dict[str, Any]) -> dict[str, Any]:
    """From the ergonomics card to the summary, with the usual answers."""
    for name, inputs in (
        ("ergonomics", ERGONOMICS),
        ("equipment", EQUIPMENT),
        ("equipment_items", EQUIPMENT_ITEMS),
        ("network", NETWORK),
        ("terms", LEGAL),
    ):
        assert step_of(card) == name
        card = await step(host, user, name, inputs)
    return card


async def test_an_ordered_situation_offers_every_workday(
    settings: Settings, connector: FakeConnector
) -> None:
    ordered = Host(replace(settings, home_office_mode="ordered"), connector)
    await ordered.start()
    try:
        await setup_org(ordered, KARI, LARS)
        await say(ordered, KARI, "avtale")
        card = await step(ordered, KARI, "tasks", TASKS)
        assert _day_choices(card) == ["0", "1", "2", "3", "4", "5"]
        card = await step(ordered, KARI, "extent", {"days": "4", "fixed": "fixed", "reason": ""})
        card = await step(ordered, KARI, "weekdays", {"weekdays": "mon,tue,wed,thu"})
        assert step_of(card) == "ergonomics"
        stored = await parts(ordered).agreements.current(KARI.aad_object_id)
        assert stored.terms.extent is not None and stored.terms.extent.days == 4
    finally:
        await ordered.stop()


async def test_changing_a_part_twice_asks_the_advice_once_and_keeps_the_rest(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    summary = await fill_in(host, KARI)
    risky = {"place": "fixed_place", "has": "desk", "discomfort": "neck"}
    for _ in range(2):
        card = await press_change(host, KARI, summary, "ergonomics")
        assert step_of(card) == "ergonomics"
        card = await step(host, KARI, "ergonomics", risky)
        assert step_of(card) == "occupational_health"
        summary = await step(host, KARI, "occupational_health", {"occupational_health": "yes"})
        # Straight back to the summary: the advice once, and none of the other parts asked.
        assert step_of(summary) == "summary"
    # The equipment's items follow its package the same way: once, then the summary.
    for _ in range(2):
        card = await press_change(host, KARI, summary, "equipment")
        card = await step(host, KARI, "equipment", EQUIPMENT)
        assert step_of(card) == "equipment_items"
        summary = await step(host, KARI, "equipment_items", EQUIPMENT_ITEMS)
        assert step_of(summary) == "summary"
    shown = texts(summary)
    assert t("nb", "agreement.fact.bht") in shown and "mandag, onsdag" in shown
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.terms.missing() == [] and stored.terms.wants_occupational_health
    assert stored.terms.equipment is not None and stored.terms.network is not None


async def test_an_old_summary_changes_nothing_once_the_agreement_moved_on(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    first = await fill_in(host, KARI)
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = [c for c in cards_to(host, LARS) if c["actions"][0].get("verb") == DECIDE_VERB]
    await press(host, LARS, DECIDE_VERB, {**approval["actions"][0]["data"], "comment": ""})
    # Kari opens version 2 and is at its summary; the first summary's button is for version 1.
    second = (await press(host, KARI, REVISE_VERB, {}))["value"]
    assert "versjon 2" in texts(second)
    stale = await press_change(host, KARI, first, "extent")
    assert step_of(stale) == "summary"
    assert t("nb", "agreement.summary.stale") in texts(stale) and "versjon 2" in texts(stale)
    # The current summary still works.
    card = await press_change(host, KARI, second, "network")
    assert step_of(card) == "network"


async def test_an_unchanged_proposal_is_not_sent_again(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await fill_in(host, KARI)
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    # Kari opens the equipment again and saves it as it was: nothing new to send.
    await say(host, KARI, "utstyr")
    await step(host, KARI, "equipment", EQUIPMENT)
    await step(host, KARI, "equipment_items", EQUIPMENT_ITEMS)
    summary = await say(host, KARI, "avtale")
    host.connector.clear()
    refused = await step(host, KARI, "summary", {"choice": "send"})
    assert shows(texts(refused), "nb", "agreement.unchanged.pending")
    assert "versjon 1" in texts(refused) and date.today().strftime("%d.%m.%Y") in texts(refused)
    assert cards_to(host, LARS) == []
    # It is still with Lars, whose card decides it.
    current = await parts(host).agreements.current(KARI.aad_object_id)
    assert (current.version, current.status) == (1, Status.PENDING)
    approve = approval["actions"][0]["data"]
    await press(host, LARS, DECIDE_VERB, {**approve, "comment": ""})

    # Approved: opened again and sent unchanged, it is refused the same way.
    summary = (await press(host, KARI, REVISE_VERB, {}))["value"]
    refused = await step(host, KARI, "summary", {"choice": "send", "version": 2})
    assert shows(texts(refused), "nb", "agreement.unchanged.approved")
    assert [c for c in cards_to(host, LARS) if "versjon 2" in texts(c)] == []
    history = await parts(host).agreements._agreements.history(KARI.aad_object_id)
    assert [a.version for a in history] == [1]
    assert summary  # the summary it was sent from


async def test_a_proposal_with_the_leader_opened_again_goes_once_and_changed_goes_anew(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS)
    await fill_in(host, KARI)
    await step(host, KARI, "summary", {"choice": "send"})
    own = await say(host, KARI, "avtale")
    assert shows(texts(own), "nb", "agreement.card.draft.pending")
    # "Change the agreement" on it shows the summary; nothing is taken back yet.
    summary = (await press(host, KARI, REVISE_VERB, {}))["value"]
    assert step_of(summary) == "summary"
    host.connector.clear()
    again = await step(host, KARI, "summary", {"choice": "send"})
    assert shows(texts(again), "nb", "agreement.unchanged.pending")
    assert cards_to(host, LARS) == []
    # A change is a new version, and that one goes to Lars.
    summary = (await press(host, KARI, REVISE_VERB, {}))["value"]
    card = await press_change(host, KARI, summary, "network")
    assert step_of(card) == "network"
    await step(host, KARI, "network", {"network": "job_phone"})
    await step(host, KARI, "summary", {"choice": "send"})
    (second,) = cards_to(host, LARS)
    assert "(versjon 2)" in texts(second)


async def test_an_old_summary_is_taken_while_its_version_is_still_the_draft(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    summary = await fill_in(host, KARI)
    # Another command ends the conversation; the summary further up still works.
    await say(host, KARI, "ergonomi")
    await step(host, KARI, "ergonomics", ERGONOMICS)
    card = await press_change(host, KARI, summary, "extent")
    assert step_of(card) == "extent"
    card = await step(host, KARI, "extent", {"days": "1", "fixed": "flexible", "reason": ""})
    assert step_of(card) == "summary" and shows(texts(card), "nb", "agreement.days")
    await step(host, KARI, "summary", {"choice": "send"})
    # Sent: the old summary changes nothing and says where to go.
    gone = await press_change(host, KARI, summary, "extent")
    assert t("nb", "agreement.finished") in texts(gone)
    current = await parts(host).agreements.current(KARI.aad_object_id)
    assert current.status is Status.PENDING
    assert current.terms.extent is not None and current.terms.extent.days == 1


async def test_three_days_and_a_risky_workplace_are_flagged_for_the_leader(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await say(host, KARI, "avtale")
    await step(host, KARI, "tasks", TASKS)
    await step(host, KARI, "extent", {"days": "3", "fixed": "flexible", "reason": "Lang reisevei"})
    advice = await step(
        host, KARI, "ergonomics", {"place": "fixed_place", "has": "desk", "discomfort": "neck"}
    )
    assert step_of(advice) == "occupational_health"
    assert t("nb", "ergonomics.get.office_chair") in texts(advice)
    assert t("nb", "agreement.advice.offer") in texts(advice)
    card = await step(host, KARI, "occupational_health", {"occupational_health": "yes"})
    assert step_of(card) == "equipment"
    special = await step(host, KARI, "equipment", {"package": "3"})
    # Special needs are described, not picked: the card asks for nothing else.
    assert [e["id"] for e in special["body"] if "id" in e] == ["special_needs"]
    await step(host, KARI, "equipment_items", {"special_needs": "Hev-senk-pult"})
    await step(host, KARI, "network", NETWORK)
    summary = await step(host, KARI, "terms", LEGAL)
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    flags = texts(approval)
    assert t("nb", "agreement.flag.three_days") in flags
    assert t("nb", "agreement.flag.ergonomic_risk") in flags
    assert t("nb", "agreement.flag.leader_orders") in flags
    # What the employee wrote, escaped so that Teams shows it as typed (no Markdown).
    assert (
        "Lang reisevei" in flags
        and md("Hev-senk-pult") in flags
        and t("nb", "agreement.fact.bht") in flags
    )
    assert "⚑" in texts(summary)


async def test_stale_step_cards_do_not_change_anything(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await say(host, KARI, "avtale")
    await step(host, KARI, "tasks", TASKS)
    # The tasks card pressed again (say, from further up the chat) shows where Kari is.
    again = await step(host, KARI, "tasks", {**TASKS, "home": "planning"})
    assert step_of(again) == "extent" and t("nb", "agreement.stale") in texts(again)
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.terms.tasks is not None and stored.terms.tasks.home == (
        "concentration",
        "writing",
    )
    # A choice that is not on the card is refused, not guessed.
    bad = await step(host, KARI, "extent", {"days": "2", "fixed": "fixed", "weekdays": "sat,sun"})
    assert step_of(bad) == "extent" and t("nb", "agreement.invalid_choice") in texts(bad)


async def test_the_action_submit_fallback_walks_the_dialog_too(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await say(host, KARI, "avtale")
    host.connector.clear()
    data = {"verb": STEP_VERB, "step": "tasks", **TASKS}
    status, _ = await host.send(submit_fallback(KARI, host.service_url, "card-1", data))
    assert status in (200, 201)
    print(
        [
            (m.method, m.activity_id, m.text, [c["body"][1] for c in m.cards])
            for m in host.connector.messages()
        ]
    )
    (update,) = host.connector.messages()
    assert update.method == "PUT" and update.activity_id == "card-1"
    assert step_of(update.cards[0]) == "extent"


async def test_without_a_leader_the_draft_waits_and_goes_out_when_one_appears(
    host: Host,
) -> None:
    await setup_org(host, INGRID, LARS)
    summary = await fill_in(host, INGRID)
    assert t("nb", "agreement.summary.no_leader") in texts(summary)
    sent = await step(host, INGRID, "summary", {"choice": "send"})
    assert t("nb", "agreement.no_leader") in texts(sent)
    current = await parts(host).agreements.current(INGRID.aad_object_id)
    assert current.status is Status.WAITING_FOR_LEADER

    # Next import: Ingrid reports to Lars (a made-up reorganisation, without a cycle).
    await reorganise(host, {INGRID: LARS, LARS: None})
    host.connector.clear()
    await parts(host).agreements.tick(date.today())
    await host.drain()
    (approval,) = cards_to(host, LARS)
    assert "Ingrid Solberg ber om godkjenning (versjon 1)" in texts(approval)
    await parts(host).agreements.tick(date.today())
    await host.drain()
    assert len(cards_to(host, LARS)) == 1  # once


async def test_only_the_employees_own_leader_may_see_or_decide(host: Host) -> None:
    await setup_org(host, KARI, LARS, OLE, INGRID)
    await fill_in(host, KARI)
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    approve = approval["actions"][0]["data"]
    # A colleague, and the leader's own leader, are refused, and learn nothing of the terms.
    for other in (OLE, INGRID):
        answer = await press(host, other, DECIDE_VERB, {**approve, "comment": ""})
        assert answer["type"] == "application/vnd.microsoft.activity.message"
        assert answer["value"] == t("nb", "agreement.not_your_employee")
        peek = await press(host, other, OPEN_VERB, {"employee": KARI.aad_object_id})
        assert peek["value"] == t("nb", "agreement.not_your_employee")
        assert t("nb", "agreement.task.concentration") not in str(peek)
    assert (await parts(host).agreements.current(KARI.aad_object_id)).status is Status.PENDING
    not_leader = await say(host, OLE, "mitt team")
    assert t("nb", "team.not_leader") in texts(not_leader)
    ingrids = await say(host, INGRID, "mitt team")
    assert "Kari" not in texts(ingrids) and "Lars Haugen" in texts(ingrids)


async def test_a_leader_starts_the_conversation_for_an_employee(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    team = await say(host, LARS, "mitt team")
    assert "Kari Nordmann" in texts(team) and t("nb", "team.status.none") in texts(team)
    host.connector.clear()
    answer = await press(host, LARS, INVITE_VERB, {INVITEE: KARI.aad_object_id})
    assert "Invitasjonen er sendt til Kari Nordmann" in texts(answer["value"])
    (invite,) = cards_to(host, KARI)
    assert "Lars Haugen inviterer deg" in texts(invite)
    start = await press(host, KARI, invite["actions"][0]["verb"], {})
    assert step_of(start["value"]) == "tasks"
    # Only for one's own employees.
    refused = await press(host, KARI, INVITE_VERB, {INVITEE: OLE.aad_object_id})
    assert refused["value"] == t("nb", "agreement.not_your_employee")


async def test_ergonomi_and_utstyr_open_their_part_alone(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    card = await say(host, KARI, "ergonomi")
    assert step_of(card) == "ergonomics"
    saved = await step(host, KARI, "ergonomics", ERGONOMICS)
    assert t("nb", "agreement.saved") in texts(saved)
    card = await say(host, KARI, "equipment")
    assert step_of(card) == "equipment"
    over = await step(host, KARI, "equipment", EQUIPMENT)
    # Without agreed days there is no regular arrangement for the standard package yet.
    assert t("nb", "equipment.standard_needs_regular_days") in texts(over)
    saved = await step(host, KARI, "equipment", {"package": "1"})
    assert t("nb", "agreement.saved") in texts(saved)
    # `avtale` then starts at the first part still missing.
    card = await say(host, KARI, "avtale")
    assert step_of(card) == "tasks"
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.terms.missing() == ["tasks", "extent", "network", "terms"]


async def test_the_review_date_reminds_employee_and_leader_once(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await fill_in(host, KARI)
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    await press(host, LARS, DECIDE_VERB, {**approval["actions"][0]["data"], "comment": ""})
    service = parts(host).agreements
    review_on = (await service.current(KARI.aad_object_id)).review_on
    assert review_on is not None

    host.connector.clear()
    await service.tick(date.fromordinal(review_on.toordinal() - 1))
    await host.drain()
    assert host.connector.messages() == []
    await service.tick(review_on)
    await host.drain()
    (to_kari,) = cards_to(host, KARI)
    (to_lars,) = cards_to(host, LARS)
    assert shows(texts(to_kari), "nb", "agreement.review.employee")
    assert "med Kari Nordmann skulle gjennomgås" in texts(to_lars)
    await host.restart()  # the reminder is remembered in storage, not in the process
    host.connector.clear()
    await parts(host).agreements.tick(review_on)
    await host.drain()
    assert host.connector.messages() == []


async def test_a_reorganisation_between_submit_and_decision_moves_the_approval(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS, NINA)
    await fill_in(host, KARI)
    await step(host, KARI, "summary", {"choice": "send"})
    (old_card,) = cards_to(host, LARS)
    await reorganise(host, {KARI: NINA})
    host.connector.clear()
    service = parts(host).agreements
    await service.tick(date.today())
    await host.drain()
    # The new leader gets the proposal, once; the employee is told who decides now.
    (approval,) = cards_to(host, NINA)
    assert "Kari Nordmann ber om godkjenning (versjon 1)" in texts(approval)
    (told,) = cards_to(host, KARI)
    assert "Nina Strand" in texts(told) and "versjon 1" in texts(told)
    assert cards_to(host, LARS) == []
    await service.tick(date.today())
    await host.drain()
    assert len(host.connector.messages()) == 2

    # The former leader's card decides nothing any more.
    refused = await press(
        host, LARS, DECIDE_VERB, {**old_card["actions"][0]["data"], "comment": ""}
    )
    assert refused["value"] == t("nb", "agreement.not_your_employee")
    assert (await service.current(KARI.aad_object_id)).status is Status.PENDING
    lars_team = await say(host, LARS, "mitt team")
    assert "Kari" not in texts(lars_team)

    host.connector.clear()
    await press(host, NINA, DECIDE_VERB, {**approval["actions"][0]["data"], "comment": ""})
    decided = await service.current(KARI.aad_object_id)
    assert decided.status is Status.APPROVED and decided.leader_id == NINA.aad_object_id
    (answer,) = cards_to(host, KARI)
    assert "Nina Strand" in texts(answer)
