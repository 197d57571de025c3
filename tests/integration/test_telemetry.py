"""What the host exports when Application Insights is configured, recorded in memory: a span
per turn that names its route and not the person, a span per store call, and the round's
counters as a delivery and the answers go."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.settings import Settings
from bot.telemetry import CONTAINER, OPERATION, OUTCOME, ROUTE
from domain.pseudonym import pseudonym
from tests.support.answers import FINE
from tests.support.example_org import KARI, LARS
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, parts
from tests.support.teams import install
from tests.support.telemetry import Recorded
from tests.support.turns import check_in, press, say

TYPED = "hjelp"


@pytest.fixture
def recorded() -> Recorded:
    return Recorded()


@pytest.fixture
async def host(
    settings: Settings, connector: FakeConnector, recorded: Recorded
) -> AsyncIterator[Host]:
    running = Host(settings, connector, telemetry=recorded.telemetry)
    await running.start()
    yield running
    await running.stop()


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
