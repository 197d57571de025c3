"""The terms hjemmekontorforskriften § 2 asks for, through the real host on both backends: the
defaults accepted with one tap, occasional home office and the ordered mode without a written
agreement, ending with notice by either party, the reminder before a temporary arrangement
ends, and the history of versions (docs/product.md#the-law-hjemmekontorforskriften).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from bot.settings import Settings
from cards.agreement import DECIDE_VERB, END_VERB, HISTORY_VERB, REVISE_VERB
from cards.data_rights import DELETE_VERB
from cards.elements import md
from cards.i18n import t
from cards.legal_facts import POINT_LABELS, day
from cards.team import OPEN_VERB as TEAM_OPEN_VERB
from domain.agreement_record import Status, add_months
from domain.language import Language
from domain.legal_terms import POINTS
from domain.week import monday_of
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
from tests.support.example_org import INGRID, KARI, LARS, OLE
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.stored import every_document
from tests.support.teams import TeamsUser
from tests.support.turns import cards_to, fill_in, press, say, setup_org, step, step_of


async def approved(host: Host, user: TeamsUser) -> dict[str, Any]:
    """`user` goes through the conversation accepting the defaults, and Lars approves: the
    approval's answer card."""
    await fill_in(host, user)
    host.connector.clear()
    await step(host, user, "summary", {"choice": "send"})
    (approval,) = cards_to(host, LARS)
    answer = await press(host, LARS, DECIDE_VERB, {**approval["actions"][0]["data"]})
    return dict(answer["value"])


def buttons(card: dict[str, Any], verb: str) -> list[dict[str, Any]]:
    return [a["data"] for a in card.get("actions", []) if a.get("verb") == verb]


async def test_an_approved_agreement_holds_all_eight_terms_in_both_languages(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    summary = await fill_in(host, KARI)
    assert t("nb", "agreement.summary.change.terms") in texts(summary)
    await step(host, KARI, "summary", {"choice": "send"})
    await press(host, LARS, DECIDE_VERB, {**cards_to(host, LARS)[0]["actions"][0]["data"]})
    # Kari reads it in bokmål, Lars in English, from `mitt team`.
    own = await say(host, KARI, "avtale")
    await press(host, LARS, "settings.save", {"language": "en"})
    leaders = (await press(host, LARS, TEAM_OPEN_VERB, {"employee": KARI.aad_object_id}))["value"]
    readers: tuple[tuple[Language, dict[str, Any]], ...] = (("nb", own), ("en", leaders))
    for lang, card in readers:
        shown = texts(card)
        assert [p for p in POINTS if t(lang, POINT_LABELS[p]) not in shown] == [], lang
        assert t(lang, "agreement.terms.hours.ordinary") in shown
        assert t(lang, "agreement.terms.reachable.default") in shown
        assert t(lang, "agreement.terms.duration.permanent") in shown
        assert t(lang, "agreement.terms.trial.none") in shown
        assert t(lang, "agreement.terms.equipment_rules") in shown
        assert t(lang, "agreement.terms.confidentiality_rules") in shown
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.status is Status.APPROVED and stored.terms.legal is not None
    assert stored.terms.legal == parts(host).agreements.policy.terms.proposal()


async def test_changed_terms_are_checked_by_the_rules_and_kept(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await say(host, KARI, "avtale")
    for name, inputs in (
        ("tasks", TASKS),
        ("extent", EXTENT),
        ("ergonomics", ERGONOMICS),
        ("equipment", EQUIPMENT),
        ("equipment_items", EQUIPMENT_ITEMS),
    ):
        card = await step(host, KARI, name, inputs)
    terms = await step(host, KARI, "network", NETWORK)
    assert step_of(terms) == "terms"
    edit = await step(host, KARI, "terms", {"choice": "edit"})
    assert step_of(edit) == "terms_edit"
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    refused = await step(
        host,
        KARI,
        "terms_edit",
        {"hours": "agreed", "agreed_hours": "", "duration": "temporary", "end_on": yesterday},
    )
    assert step_of(refused) == "terms_edit"
    assert t("nb", "agreement.terms.agreed_hours_needed") in texts(refused)
    assert t("nb", "agreement.terms.end_not_after_today") in texts(refused)
    too_long = await step(host, KARI, "terms_edit", {"hours": "flexitime", "trial_months": "12"})
    assert t("nb", "agreement.terms.trial_too_long") in texts(too_long)
    assert (await parts(host).agreements.current(KARI.aad_object_id)).terms.legal is None
    end_on = date.today() + timedelta(days=90)
    card = await step(
        host,
        KARI,
        "terms_edit",
        {
            "hours": "agreed",
            "agreed_hours": "08.00–15.30",
            "reachable": "Teams 09–14",
            "duration": "temporary",
            "end_on": end_on.isoformat(),
            "notice_months": "2",
            "trial_months": "3",
        },
    )
    assert step_of(card) == "summary"
    shown = texts(card)
    assert t("nb", "agreement.terms.duration.until", day=day(end_on)) in shown
    assert md("08.00–15.30") in shown and md("Teams 09–14") in shown
    legal = (await parts(host).agreements.current(KARI.aad_object_id)).terms.legal
    assert legal is not None and (legal.end_on, legal.notice_months) == (end_on, 2)


async def test_occasional_home_office_needs_no_agreement(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await say(host, KARI, "avtale")
    await step(host, KARI, "tasks", TASKS)
    card = await step(host, KARI, "extent", {"days": "0", "fixed": "flexible"})
    shown = texts(card)
    assert t("nb", "agreement.occasional.title") in shown
    assert t("nb", "agreement.occasional.package") in shown
    assert t("nb", "agreement.occasional.in_force") not in shown  # nothing is in force
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert stored.terms.extent is None and stored.status is Status.DRAFT
    assert cards_to(host, LARS) == []
    # Regular after all: the conversation goes on at the days.
    again = await press(host, KARI, "agreement.start", {})
    assert step_of(again["value"]) == "extent"


async def test_the_ordered_mode_explains_the_exception_and_asks_no_terms(
    settings: Settings, connector: FakeConnector
) -> None:
    ordered = Host(replace(settings, home_office_mode="ordered"), connector)
    await ordered.start()
    try:
        await setup_org(ordered, KARI, LARS)
        first = await say(ordered, KARI, "avtale")
        assert t("nb", "agreement.step_of", n=1, total=5) in texts(first)
        await step(ordered, KARI, "tasks", TASKS)
        await step(ordered, KARI, "extent", {"days": "5", "fixed": "flexible"})
        await step(ordered, KARI, "ergonomics", ERGONOMICS)
        await step(ordered, KARI, "equipment", {"package": "4"})
        await step(ordered, KARI, "equipment_items", {"it_items": "external_screen"})
        summary = await step(ordered, KARI, "network", NETWORK)
        # Straight to the summary: the exception explained where the terms would be.
        assert step_of(summary) == "summary"
        assert t("nb", "agreement.ordered.no_written") in texts(summary)
        assert t("nb", "agreement.summary.change.terms") not in texts(summary)
        ordered.connector.clear()
        await step(ordered, KARI, "summary", {"choice": "send"})
        (approval,) = cards_to(ordered, LARS)
        assert "Kari Nordmann" in texts(approval)
        stored = await parts(ordered).agreements.current(KARI.aad_object_id)
        assert stored.status is Status.PENDING and stored.terms.legal is None
    finally:
        await ordered.stop()


async def test_the_employee_ends_with_notice_and_the_leader_is_told_the_last_day(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS)
    await approved(host, KARI)
    own = await say(host, KARI, "avtale")
    (end,) = buttons(own, END_VERB)
    confirm = (await press(host, KARI, END_VERB, end))["value"]
    last = add_months(date.today(), 1)
    assert t("nb", "agreement.end.title") in texts(confirm)
    assert day(last) in texts(confirm)
    # Asked, not done: nothing is stored and nobody is told until she confirms.
    assert (await parts(host).agreements.current(KARI.aad_object_id)).status is Status.APPROVED
    host.connector.clear()
    (yes,) = buttons(confirm, END_VERB)
    answer = (await press(host, KARI, END_VERB, yes))["value"]
    assert t("nb", "agreement.card.draft.ending", version=2, day=day(last)) in texts(answer)
    assert buttons(answer, END_VERB) == [] and buttons(answer, REVISE_VERB) == []
    await host.drain()
    (told,) = cards_to(host, LARS)
    assert t("nb", "agreement.end.given.leader", name="Kari Nordmann", day=day(last)) in texts(told)
    stored = await parts(host).agreements.current(KARI.aad_object_id)
    assert (stored.version, stored.status, stored.ends_on) == (2, Status.ENDING, last)

    # Stale buttons: the confirmation again, the old "change" and "end": nothing changes.
    host.connector.clear()
    again = await press(host, KARI, END_VERB, yes)
    assert again["value"] == t("nb", "agreement.notice_given")
    assert (await press(host, KARI, END_VERB, end))["value"] == again["value"]
    await press(host, KARI, REVISE_VERB, {})
    await host.drain()
    assert cards_to(host, LARS) == []
    assert await parts(host).agreements.current(KARI.aad_object_id) == stored

    # In force to its last day, over the day after; so is her week plan's pattern (home on
    # Monday and Wednesday), which leaves her with no plan.
    service = parts(host).agreements
    week_after = monday_of(last) + timedelta(weeks=1)
    await service.tick(last)
    assert (await service.current(KARI.aad_object_id)).status is Status.ENDING
    planned = await parts(host).weeks.planned_office_days([KARI.aad_object_id], week_after)
    assert planned[KARI.aad_object_id] == [week_after + timedelta(days=n) for n in (1, 3, 4)]
    await service.tick(last + timedelta(days=1))
    ended = await service.current(KARI.aad_object_id)
    assert (ended.status, ended.approved_version) == (Status.ENDED, 0)
    assert shows(texts(await say(host, KARI, "avtale")), "nb", "agreement.card.draft.ended")
    planned = await parts(host).weeks.planned_office_days([KARI.aad_object_id], week_after)
    assert KARI.aad_object_id not in planned


async def test_the_leader_ends_with_notice_from_my_team_and_the_employee_is_told(
    host: Host,
) -> None:
    await setup_org(host, KARI, LARS, OLE)
    await approved(host, OLE)
    card = (await press(host, LARS, TEAM_OPEN_VERB, {"employee": OLE.aad_object_id}))["value"]
    (end,) = buttons(card, END_VERB)
    assert end["employee"] == OLE.aad_object_id
    # Nobody but Ole's leader may end it.
    for stranger in (KARI, INGRID):
        refused = await press(host, stranger, END_VERB, {**end, "confirm": True})
        assert refused["value"] == t("nb", "agreement.not_your_employee")
    confirm = (await press(host, LARS, END_VERB, end))["value"]
    host.connector.clear()
    await press(host, LARS, END_VERB, buttons(confirm, END_VERB)[0])
    await host.drain()
    last = add_months(date.today(), 1)
    (told,) = cards_to(host, OLE)
    assert t("nb", "agreement.end.given.employee", by="Lars Haugen", day=day(last)) in texts(told)
    # The history names who ended it; Ole reads the same history.
    history = (await press(host, LARS, HISTORY_VERB, {"employee": OLE.aad_object_id}))["value"]
    assert t("nb", "agreement.history.notice_by", name="Lars Haugen") in texts(history)
    assert texts((await press(host, OLE, HISTORY_VERB, {}))["value"]).count("Versjon") == 2

    # Lars erases his data: the notice stays Ole's record, without Lars's id.
    await say(host, LARS, "slett mine data")
    await press(host, LARS, DELETE_VERB, {})
    left = [
        (container, doc["id"])
        for container, doc in await every_document(host.settings)
        if container == "agreements" and LARS.aad_object_id in json.dumps(doc)
    ]
    assert left == []
    stored = await parts(host).agreements.current(OLE.aad_object_id)
    assert stored.status is Status.ENDING and stored.ends_on == last


async def test_a_temporary_arrangement_reminds_both_once_before_it_ends(host: Host) -> None:
    await setup_org(host, KARI, LARS)
    await fill_in(host, KARI)
    end_on = date.today() + timedelta(days=60)
    summary = await press(
        host, KARI, "agreement.step", {"step": "summary", "choice": "edit", "part": "terms",
                                        "version": 1}
    )  # fmt: skip
    assert step_of(summary["value"]) == "terms"
    await step(host, KARI, "terms", {"choice": "edit"})
    temporary = {"hours": "ordinary", "duration": "temporary", "end_on": end_on.isoformat()}
    await step(host, KARI, "terms_edit", {**temporary, "notice_months": "1"})
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    await press(host, LARS, DECIDE_VERB, {**cards_to(host, LARS)[0]["actions"][0]["data"]})
    service = parts(host).agreements
    days = service.policy.end_reminder_days

    host.connector.clear()
    await service.tick(end_on - timedelta(days=days + 1))
    await host.drain()
    assert host.connector.messages() == []
    await service.tick(end_on - timedelta(days=days))
    await host.drain()
    (to_kari,) = cards_to(host, KARI)
    (to_lars,) = cards_to(host, LARS)
    assert t("nb", "agreement.end_due.employee", day=day(end_on)) in texts(to_kari)
    assert t("nb", "agreement.end_due.leader", name="Kari Nordmann", day=day(end_on)) in texts(
        to_lars
    )
    await host.restart()  # remembered in storage, not in the process
    host.connector.clear()
    await parts(host).agreements.tick(end_on - timedelta(days=days - 1))
    await parts(host).agreements.tick(end_on)
    await host.drain()
    assert host.connector.messages() == []
    # Its last day passed, it has ended: a version of its own, the approved one kept.
    await parts(host).agreements.tick(end_on + timedelta(days=1))
    history = await parts(host).agreements.history(KARI.aad_object_id, KARI.aad_object_id)
    assert [(a.version, a.status) for a in history[1]] == [
        (1, Status.APPROVED),
        (2, Status.ENDED),
    ]


async def test_a_changed_agreement_keeps_its_earlier_versions_in_the_history(host: Host) -> None:
    await setup_org(host, KARI, LARS, OLE)
    await approved(host, KARI)
    summary = (await press(host, KARI, REVISE_VERB, {}))["value"]
    assert step_of(summary) == "summary"
    await press(
        host, KARI, "agreement.step", {"step": "summary", "choice": "edit", "part": "extent",
                                        "version": 2}
    )  # fmt: skip
    await step(host, KARI, "extent", {"days": "1", "fixed": "flexible", "reason": ""})
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (second,) = cards_to(host, LARS)
    await press(host, LARS, DECIDE_VERB, {**second["actions"][0]["data"]})

    own = await say(host, KARI, "avtale")
    (history_button,) = buttons(own, HISTORY_VERB)
    history = (await press(host, KARI, HISTORY_VERB, history_button))["value"]
    shown = texts(history)
    assert "Versjon 1" in shown and "Versjon 2" in shown
    assert t("nb", "agreement.history.first") in shown
    changed = t("nb", "agreement.history.changed", parts=t("nb", "agreement.part.extent"))
    assert changed in shown
    assert shown.count(t("nb", "agreement.history.by", name="Lars Haugen")) == 2
    # The leader reads it too; a colleague does not.
    leaders = await press(host, LARS, HISTORY_VERB, {"employee": KARI.aad_object_id})
    assert changed in texts(leaders["value"]) and "Versjon 1" in texts(leaders["value"])
    refused = await press(host, OLE, HISTORY_VERB, {"employee": KARI.aad_object_id})
    assert refused["value"] == t("nb", "agreement.not_your_employee")
    stored = await parts(host).agreements._agreements.history(KARI.aad_object_id)
    assert stored[0].terms.extent is not None and stored[0].terms.extent.days == 2


async def test_accepting_the_defaults_takes_seven_cards_and_fourteen_taps(host: Host) -> None:
    """The shortest way from `avtale` to "sent" for someone whose workplace at home is fine:
    every card the employee answers, and every tap (a choice, a tick, a button)."""
    await setup_org(host, KARI, LARS)
    card = await say(host, KARI, "avtale")
    path = (
        ("tasks", {"home": "concentration"}),
        ("extent", {"days": "2"}),  # flexible days are the default
        ("ergonomics", {"place": "own_room", "has": "desk,office_chair"}),
        ("equipment", {"package": "1"}),
        ("network", NETWORK),
        ("terms", LEGAL),  # one tap, no other input
    )
    cards, taps = 0, 0
    for name, inputs in path:
        assert step_of(card) == name
        cards += 1
        ticks = sum(len(str(v).split(",")) for k, v in inputs.items() if k != "choice")
        taps += ticks + 1  # and the step's button
        card = await step(host, KARI, name, inputs)
    assert step_of(card) == "summary"
    sent = await step(host, KARI, "summary", {"choice": "send"})
    cards, taps = cards + 1, taps + 1
    assert t("nb", "agreement.sent.title") in texts(sent)
    assert (cards, taps) == (7, 14)  # before the § 2 terms: 6 cards, 13 taps
