"""What a check-in submit costs on Cosmos DB, counted at the client (every HTTP request the SDK
sends, retries included): at most three — the person's profile, the answer's counts in one
batch, the answer itself."""

from __future__ import annotations

import uuid

import pytest

from cards.i18n import t
from storage.cosmos_store import CosmosStore
from tests.support.card_text import texts
from tests.support.host import Host
from tests.support.teams import TeamsUser
from tests.support.turns import press, say

ITEMS = ("stress", "social", "focus", "workload", "balance", "leader", "learning", "strain")


@pytest.fixture(params=["cosmos"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_a_check_in_costs_at_most_three_cosmos_requests(host: Host) -> None:
    assert isinstance(host.store, CosmosStore)
    people = [TeamsUser(str(uuid.uuid4()), f"Person {n}") for n in range(8)]
    for person in people:  # known users with the card open, as after a round's delivery
        card = await say(host, person, "sjekk inn")
    round_id = card["actions"][0]["data"]["round_id"]
    answers = {"round_id": round_id, **{item: "3" for item in ITEMS}}
    # The round's first answer creates its counters; every later one finds them.
    await press(host, people[0], "checkin.submit", answers)

    for person in people[1:]:
        before = host.store.requests.total, dict(host.store.requests.by_kind)
        body = await press(host, person, "checkin.submit", answers)
        assert t("nb", "receipt.title") in texts(body["value"])
        spent = host.store.requests.total - before[0]
        kinds = {k: n - before[1].get(k, 0) for k, n in host.store.requests.by_kind.items()}
        assert spent <= 3, {k: n for k, n in kinds.items() if n}
