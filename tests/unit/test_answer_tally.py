"""The recount's entries: an answer's counts are one batch, a closed round refuses it, and the
recount waits for a response that may be on its way."""

from __future__ import annotations

import pytest

from domain.checkin import CheckinAnswers, CheckinResponse
from domain.pulse import Counted
from storage.counters import ParticipationCounter
from storage.port import Conflict, PreconditionFailed
from storage.pulse import IN_FLIGHT_SECONDS, AnswerTally, PulseCounters
from storage.responses import ResponseRepository
from tests.support.memory_store import InMemoryStore

KEY = b"k" * 32
ANSWER = Counted("Oppvekst", "none", {"stress": 3})


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_an_answer_is_counted_once_and_a_closed_round_counts_none() -> None:
    store = InMemoryStore()
    tally = AnswerTally(store, KEY)
    await tally.count("r1", "p1", ANSWER, 3600)
    with pytest.raises(Conflict):  # the same person again: nothing counted twice
        await tally.count("r1", "p1", ANSWER, 3600)
    assert await ParticipationCounter(store).answered("r1") == 1
    await ParticipationCounter(store).close("r1")  # an early close, from another host
    with pytest.raises(PreconditionFailed):
        await tally.count("r1", "p2", ANSWER, 3600)
    assert await ParticipationCounter(store).answered("r1") == 1
    assert (await PulseCounters(store).cells("r1"))[("Oppvekst", "none")]["n"] == 1


async def test_the_recount_waits_for_a_response_on_its_way_and_not_for_a_lost_one() -> None:
    clock = Clock()
    store = InMemoryStore(clock=clock)
    responses = ResponseRepository(store, KEY)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds
        # Meanwhile the turn that counted "late" stores its response.
        await responses.add(CheckinResponse("r1", "late", CheckinAnswers({"stress": 3})))

    tally = AnswerTally(store, KEY, clock=clock, sleep=sleep)
    await tally.count("r1", "lost", ANSWER, 3600)  # its host died before the response
    clock.now += 600
    await tally.count("r1", "late", ANSWER, 3600)
    await tally.count("r1", "stored", ANSWER, 3600)
    await responses.add(CheckinResponse("r1", "stored", CheckinAnswers({"stress": 3})))

    counted = await tally.counted("r1")
    assert counted is not None and len(counted) == 2  # "stored" and "late"; not "lost"
    assert slept == [pytest.approx(IN_FLIGHT_SECONDS, abs=1.0)]
    # The round is closed to answers from the recount on.
    with pytest.raises(PreconditionFailed):
        await tally.count("r1", "after", ANSWER, 3600)
