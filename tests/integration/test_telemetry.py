"""What the host exports when Application Insights is configured, recorded in memory: a span
per turn that names its route and not the person, a span per store call, and the round's
counters as a delivery and the answers go."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.telemetry import CONTAINER, OPERATION, OUTCOME, ROUTE, Telemetry
from domain.pseudonym import pseudonym
from tests.support.answers import FINE
from tests.support.example_org import KARI, LARS
from tests.support.host import Host, parts
from tests.support.teams import install
from tests.support.telemetry import Recorded
from tests.support.turns import check_in, press, say

TYPED = "hjelp"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recorded() -> Recorded:
    return Recorded()


@pytest.fixture
def telemetry(recorded: Recorded) -> Telemetry:
    return recorded.telemetry


def person_data(host: Host) -> tuple[str, ...]:
    key = host.settings.load_pseudonym_key()
    return tuple(
        s
        for user in (KARI, LARS)
        for s in (user.aad_object_id, pseudonym(user.aad_object_id, key), user.name)
    )


async def test_a_turn_is_a_span_with_its_route_and_nothing_about_the_person(
    host: Host, recorded: Recorded
) -> None:
    await host.send(install(KARI, host.service_url))
    await say(host, KARI, TYPED)
    await press(host, KARI, f"made-up-{KARI.aad_object_id}", {"note": "private words"})

    turns = recorded.spans("turn")
    routes = [span.attributes[ROUTE] for span in turns if span.attributes]
    assert "help" in routes  # the command, by its name, not by what was typed
    assert "unknown" in routes  # a verb no route has: its text is the client's
    assert all(span.attributes and span.attributes[OUTCOME] == "ok" for span in turns)
    stored = [s for s in recorded.spans() if s.attributes and CONTAINER in s.attributes]
    assert {s.attributes[OPERATION] for s in stored if s.attributes} >= {"read", "upsert"}
    # Calls made during a turn belong to its trace.
    assert {s.context.trace_id for s in stored} & {s.context.trace_id for s in turns}
    exported = recorded.exported_text()
    leaked = [
        line
        for line in exported
        if any(secret in line for secret in (*person_data(host), TYPED, "private words"))
    ]
    assert leaked == []


async def test_a_rounds_delivery_and_answers_update_the_round_counters(
    host: Host, recorded: Recorded
) -> None:
    for user in (KARI, LARS):
        await host.send(install(user, host.service_url))
    host.connector.inject(403, 1)  # one of the two has blocked the bot
    status = await parts(host).jobs.open_round()
    assert status is not None

    assert recorded.total("homeoffice.round.opened") == 1
    assert recorded.total("homeoffice.round.invited", **{"homeoffice.kind": "card"}) == 2
    assert recorded.total("homeoffice.round.sent", **{"homeoffice.kind": "card"}) == 1
    assert recorded.total("homeoffice.round.dead", **{"homeoffice.kind": "card"}) == 1
    assert recorded.total("homeoffice.round.answered") == 0

    await check_in(host, KARI, status.round.id, FINE)
    assert recorded.total("homeoffice.round.answered") == 1
    exported = recorded.exported_text()
    assert [line for line in exported if any(s in line for s in person_data(host))] == []
    assert not [line for line in exported if status.round.id in line]


PROBE = """
import logging
import urllib3
import azure.core.settings
from bot.telemetry import configure

before = list(logging.getLogger().handlers)
telemetry = configure()
added = [h for h in logging.getLogger().handlers if h not in before]
access = logging.LogRecord("aiohttp.access", logging.INFO, "", 1, "x", None, None)
print(telemetry.enabled, [h.level for h in added], [bool(h.filter(access)) for h in added])
print(azure.core.settings.settings.tracing_implementation())
print(hasattr(urllib3.PoolManager.urlopen, "__wrapped__"))
"""


def test_the_distro_sends_what_the_host_says_and_traces_no_http_client() -> None:
    """configure() in a process of its own (the distro sets process-wide providers), against
    an ingestion address nobody listens at."""
    environ = {
        **os.environ,
        "APPLICATIONINSIGHTS_CONNECTION_STRING": (
            "InstrumentationKey=00000000-0000-4000-8000-000000000000;"
            "IngestionEndpoint=http://127.0.0.1:9/"
        ),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    enabled, azure_tracing, urllib3_traced = done.stdout.splitlines()
    assert enabled == "True [20] [False]"  # one log exporter, from INFO up, no access log
    assert azure_tracing == "None"  # Cosmos calls make no spans with their document links
    assert urllib3_traced == "False"  # nor Graph's or the token's HTTP calls
