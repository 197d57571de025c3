"""The soak judges by what is stored (benchmarks/soak.py, `check`).

A submit answered busy may have stored all the same: the turn's time budget ran out after the
write landed, and "nothing is lost" was true. Nor does a user whose host died mid-submit know.
The retry then answers "already answered", and the soak must count that answer as sent, and
check that what is stored is what the submit in doubt sent, not report it as a loss.
"""

from __future__ import annotations

import random

from benchmarks.soak import PSEUDONYM_KEY, Person, Result, Tally, check
from domain.checkin import CheckinAnswers, CheckinResponse
from domain.pseudonym import pseudonym
from storage.responses import seal
from tests.support.teams import TeamsUser

KEY = PSEUDONYM_KEY.encode()
FIRST = {"stress": 2, "social": 4}
SECOND = {"stress": 5, "social": 1}


def person(n: int, receipts: int = 0, in_doubt: tuple[dict[str, int], ...] = ()) -> Person:
    user = TeamsUser(f"00000000-0000-4000-5000-{n:012x}")
    return Person(
        user,
        random.Random(n),
        receipts=receipts,
        stored_answers=SECOND if receipts else None,
        in_doubt=list(in_doubt),
        confirmed=bool(in_doubt) and not receipts,
        busy_submits=len(in_doubt),
    )


def stored(who: Person, scores: dict[str, int]) -> dict[str, object]:
    response = CheckinResponse(
        "r1", pseudonym(who.user.aad_object_id, KEY), CheckinAnswers(scores=scores)
    )
    return seal(response, KEY, ttl_seconds=3600)


def problems(people: list[Person], docs: list[dict[str, object]]) -> list[str]:
    counters = [{"id": "participation", "answered": len(docs)}, {"id": "cell:a", "n": len(docs)}]
    result = Result(
        backend="sqlite",
        tally=Tally(),
        people=people,
        stored=docs,
        counters=counters,
        started=0.0,
        wall_seconds=1.0,
        rss=[],
        rss_start_mb=0.0,
        rss_end_mb=0.0,
        peak_mb=0.0,
        cpu={},
        host_exit=0,
        host_log="",
        round_closed=True,
    )
    check(result)
    return result.problems


def test_a_busy_submit_that_stored_is_an_answer_sent_not_a_loss() -> None:
    busy_but_stored = person(1, in_doubt=(FIRST,))
    busy_then_receipt = person(2, receipts=1, in_doubt=(FIRST,))
    plain = person(3, receipts=1)
    docs = [
        stored(busy_but_stored, FIRST),
        stored(busy_then_receipt, SECOND),
        stored(plain, SECOND),
    ]
    assert problems([busy_but_stored, busy_then_receipt, plain], docs) == []


def test_what_is_stored_must_be_what_a_submit_sent() -> None:
    confirmed = person(1, in_doubt=(FIRST,))
    (problem,) = problems([confirmed], [stored(confirmed, SECOND)])
    assert "sent in no submit in doubt" in problem


def test_told_already_answered_with_nothing_stored_is_a_loss() -> None:
    confirmed, receipted = person(1, in_doubt=(FIRST,)), person(2, receipts=1)
    found = problems([confirmed, receipted], [])
    assert any("lost" in p and "'already answered'" in p for p in found)
    assert any("lost" in p and "a receipt" in p for p in found)
