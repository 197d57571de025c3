"""The breaker of a delivery: all of the first sends failing the same way is the bot's fault
(a wrong app password, a Teams policy), not thousands of people's; it stops, and marks no one."""

from __future__ import annotations

from domain.delivery import BREAKER_AFTER, Breaker, Tripped, Verdict


def test_the_first_sends_all_getting_401_trip_it_and_say_what_to_check() -> None:
    breaker = Breaker()
    verdicts = [breaker.failed(401) for _ in range(BREAKER_AFTER)]
    assert verdicts == [Verdict.WATCH] * (BREAKER_AFTER - 1) + [Verdict.STOP]
    assert breaker.tripped == Tripped(401, BREAKER_AFTER)
    assert breaker.tripped.reason() == (
        "stopped: the first 20 sends all got 401 Unauthorized — check MicrosoftAppId/password"
    )
    # What ends after the trip (the sends in flight) is left pending too.
    assert breaker.failed(403) is Verdict.STOP


def test_403_for_everyone_points_at_the_teams_policy() -> None:
    breaker = Breaker(after=3)
    for _ in range(3):
        breaker.failed(403)
    assert breaker.tripped is not None
    assert "403 Forbidden" in breaker.tripped.reason()
    assert "Teams app policies" in breaker.tripped.reason()


def test_a_send_that_reaches_someone_means_the_failures_are_the_peoples_own() -> None:
    breaker = Breaker(after=3)
    assert breaker.failed(403) is Verdict.WATCH
    breaker.sent()
    assert not breaker.watching
    assert [breaker.failed(403) for _ in range(5)] == [Verdict.SETTLE] * 5
    assert breaker.tripped is None


def test_failures_of_different_kinds_are_the_peoples_own() -> None:
    breaker = Breaker(after=3)
    assert breaker.failed(403) is Verdict.WATCH
    assert breaker.failed(404) is Verdict.SETTLE
    assert [breaker.failed(403) for _ in range(5)] == [Verdict.SETTLE] * 5
    assert breaker.tripped is None


def test_a_delivery_to_fewer_people_than_it_watches_never_trips() -> None:
    breaker = Breaker()
    for _ in range(BREAKER_AFTER - 1):
        breaker.failed(401)
    assert breaker.watching and breaker.tripped is None  # the delivery settles them at its end


def test_no_answer_at_all_is_named_as_such() -> None:
    assert Tripped(0, 20).reason() == "stopped: the first 20 sends all got no answer"
