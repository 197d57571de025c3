"""Logs carry no health details, no e-mail addresses, no names and no ids of people.

Logs reach more people than the store does (the host's console, a log workspace). A flow with
a free-text reason, ergonomic discomfort, a check-in comment, a follow-up and the leader's note
runs with every logger at DEBUG; none of what the people wrote may appear, and from INFO up
neither their names, e-mails nor Entra ids. The same flow with telemetry recorded in memory
(what Application Insights would receive): no span or metric names any of it, nor a pseudonym.
"""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.telemetry import Telemetry
from cards.followup import DONE_VERB
from domain.pseudonym import pseudonym
from tests.support.answers import LEGAL, NETWORK, STRESSED
from tests.support.example_org import EXAMPLE, KARI, LARS
from tests.support.host import Host, parts
from tests.support.teams import install
from tests.support.telemetry import Recorded
from tests.support.turns import cards_to, open_rounds, say, share, step
from tests.support.turns import press as press_card

REASON = "reason-marker-lang-reisevei"
SPECIAL = "special-marker-vondt-i-ryggen"
COMMENT = "comment-marker-sover-darlig"
NOTE = "note-marker-sykmeldt-i-fjor"
EMAILS = ("kari.nordmann@fjellvik-kommune.example", "lars.haugen@fjellvik-kommune.example")
NAMES = ("Kari Nordmann", "Lars Haugen")


@pytest.fixture
def recorded() -> Recorded:
    return Recorded()


@pytest.fixture
def telemetry(recorded: Recorded) -> Telemetry:
    return recorded.telemetry


async def test_no_health_details_emails_names_or_ids_in_logs_or_telemetry(
    host: Host, caplog: pytest.LogCaptureFixture, recorded: Recorded
) -> None:
    caplog.set_level(logging.DEBUG)
    org = EXAMPLE.read_bytes()
    # Kari's leader is missing at first: her agreement waits, and the scheduler sends it later.
    leaderless = org.replace(f"{EMAILS[0]},{LARS.aad_object_id}".encode(), f"{EMAILS[0]},".encode())
    assert leaderless != org
    await parts(host).directory.import_csv(leaderless)
    for user in (KARI, LARS):
        await host.send(install(user, host.service_url))
    await say(host, KARI, "avtale")
    await step(host, KARI, "tasks", {"home": "writing", "office": "physical_meetings"})
    await step(host, KARI, "extent", {"days": "3", "fixed": "flexible", "reason": REASON})
    await step(
        host, KARI, "ergonomics", {"place": "fixed_place", "has": "", "discomfort": "neck,back"}
    )
    await step(host, KARI, "occupational_health", {"occupational_health": "yes"})
    await step(host, KARI, "equipment", {"package": "3"})
    await step(host, KARI, "equipment_items", {"special_needs": SPECIAL})
    await step(host, KARI, "network", NETWORK)
    await step(host, KARI, "terms", LEGAL)
    await step(host, KARI, "summary", {"choice": "send"})
    await parts(host).directory.import_csv(org)
    host.connector.clear()
    await parts(host).agreements.tick(date.today())
    await host.drain()
    assert len(cards_to(host, LARS)) == 1  # the approval went out

    (round_id,) = await open_rounds(host, 1)
    await share(host, KARI, "stress")
    host.connector.clear()
    data = {"round_id": round_id, **STRESSED, "contact_me": "true", "comment": COMMENT}
    await press_card(host, KARI, "checkin.submit", data)
    (followup,) = cards_to(host, LARS)
    await press_card(host, LARS, DONE_VERB, {**followup["actions"][0]["data"], "note": NOTE})

    def said(record: logging.LogRecord) -> str:
        return record.getMessage() + (caplog.text if record.exc_info else "")

    everything = [(r, said(r)) for r in caplog.records]
    assert len(everything) > 20  # the flow was logged at all
    leaked = [
        (r.name, line)
        for r, line in everything
        if any(m in line for m in (REASON, SPECIAL, COMMENT, NOTE, *EMAILS, "'neck'", "discomfort"))
    ]
    assert leaked == []
    ids = (KARI.aad_object_id, LARS.aad_object_id)
    loud = [
        (r.name, line)
        for r, line in everything
        # The access log (the host's, and the fake Teams service's here) is another change's.
        if r.levelno >= logging.INFO
        and r.name != "aiohttp.access"
        and any(s in line for s in (*NAMES, *ids))
    ]
    assert loud == []

    key = host.settings.load_pseudonym_key()
    secrets: tuple[str, ...] = (REASON, SPECIAL, COMMENT, NOTE, *EMAILS, *NAMES, *ids)
    secrets += tuple(pseudonym(i, key) for i in ids)
    exported = recorded.exported_text()
    assert len(recorded.spans("turn")) > 10  # the flow was traced at all
    assert [line for line in exported if any(s in line for s in secrets)] == []
