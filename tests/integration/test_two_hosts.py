"""Two host processes behind one store, for real, under the soak's load (benchmarks/soak.py).

Both run `python app.py` on one SQLite file or one Cosmos DB database. The first one alone
opens the scheduled round at start and delivers it to the roster; the second starts while it
does; simulated users chat and check in on both. The delivering host is killed (SIGKILL) in
the middle of the delivery and restarted a few seconds later; meanwhile its users' turns go to
the other host, as a load balancer would send them. The soak's own checks hold (answers sent =
stored = counted, no errors), and besides: one round, every card sent, a second card only to
someone whose send was in flight when the host died, and the survivor took the delivery over
once the dead host's lease ran out, before that host was back.

`python -m benchmarks.soak --hosts 2` is the same for longer and with more users.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.soak import (
    DELIVERY_CONCURRENCY,
    PERSONAL,
    aggregates,
    parse_options,
    run_backend,
)

USERS = 30
ROSTER = 300  # 6 s of delivery at Teams' 50 a second: the kill lands in the middle
LEASE_SECONDS = 4


@pytest.mark.slow
async def test_a_host_killed_mid_round_loses_and_doubles_nothing(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    cosmos = request.getfixturevalue("cosmos_server") if backend == "cosmos" else None
    options = parse_options(
        [
            *("--backend", backend, "--hosts", "2", "--users", str(USERS)),
            *("--roster", str(ROSTER), "--lease", str(LEASE_SECONDS)),
            *("--seconds", "20", "--grace", "20", "--restart-after", "8", "--seed", "16"),
            # No injected faults: a kill is the fault here (the soak adds them for longer runs).
            *("--fault-count", "0", "--burst", "0", "--storm", "0"),
        ]
    )
    options = replace(options, cosmos_database="two-hosts-" + uuid.uuid4().hex[:8])

    result = await run_backend(backend, options, tmp_path, cosmos)

    assert result.problems == [], "\n".join(result.problems)
    kill = result.kill
    assert kill is not None and 0 < kill.sent_before < ROSTER  # mid-delivery
    assert kill.holder and kill.lease_expires_in > 0  # it held the rounds lease

    # Every answer stored once, and counted once.
    tally = result.tally
    assert tally.receipts + tally.confirmed == len(result.stored) == USERS
    assert aggregates(result.counters) == (USERS, USERS)
    assert not tally.errors and tally.failovers > 0  # the dead host's users went elsewhere

    # Every card sent; a second one only where the dead host's send was in flight, unrecorded.
    assert len(result.cards) == ROSTER
    twice = {cid.removeprefix(PERSONAL) for cid, n in result.cards.items() if n > 1}
    recorded_by_the_dead = {d["user_id"] for d in result.ledger if d["holder"] == kill.holder}
    assert twice.isdisjoint(recorded_by_the_dead) and len(twice) <= DELIVERY_CONCURRENCY

    # No job twice: one round opened by two schedulers (three, with the restart).
    assert len(result.rounds) == 1

    # The survivor carried the scheduler: it finished the delivery, alone, once the lease ran
    # out, before the killed host was back.
    assert kill.resumed_after is not None and kill.restarted_after is not None
    assert kill.lease_expires_in - 1 < kill.resumed_after < kill.restarted_after
    settled_by = Counter(d["holder"] for d in result.ledger if d["state"] == "sent")
    assert len(settled_by) == 2 and sum(settled_by.values()) == ROSTER
    assert settled_by[kill.holder] <= kill.sent_before
