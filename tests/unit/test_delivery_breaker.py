"""The breaker of a delivery: all of the first sends failing the same way is the bot's fault
(a wrong app password, a Teams policy), not thousands of people's; it stops, and marks no one."""

from __future__ import annotations

from dataclasses import dataclass

from bot.telemetry import OtelRoundMetrics
from domain.delivery import (
    BREAKER_AFTER,
    Breaker,
    DeliveryCounts,
    Recipient,
    Tripped,
    Verdict,
)
from services.delivery import Card, DeliveryReport, DeliveryService, SendResult
from services.telemetry import NO_METRICS, RoundMetrics
from storage.ledger import DeliveryLedger
from storage.roster import RosterRepository
from tests.support.memory_store import InMemoryStore
from tests.support.telemetry import Recorded


def test_the_first_sends_all_getting_401_trip_it_and_say_what_to_check() -> None:
    breaker = Breaker()
    verdicts = [breaker.failed(401) for _ in range(BREAKER_AFTER)]
    assert verdicts == [Verdict.WATCH] * (BREAKER_AFTER - 1) + [Verdict.STOP]
    assert breaker.tripped == Tripped(401, BREAKER_AFTER)
    breaker.sent()  # a send in flight that got through after all changes nothing
    assert not breaker.cleared
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
    assert breaker.cleared and not breaker.watching
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


# -- a delivery with the breaker, one send at a time -----------------------------------------


@dataclass
class ScriptedTeams:
    """Answers the sends in turn from `answers`, then 201."""

    answers: list[int]
    sends: int = 0

    async def send(self, recipient: Recipient, card: Card) -> SendResult:
        self.sends += 1
        status = self.answers.pop(0) if self.answers else 201
        return SendResult(status, code="" if status != 403 else "BotNotInConversationRoster")

    async def create_conversation(self, recipient: Recipient) -> SendResult:
        raise AssertionError("everyone has a chat")


async def deliver(
    teams: ScriptedTeams, n: int, metrics: RoundMetrics = NO_METRICS
) -> tuple[DeliveryReport, InMemoryStore]:
    store = InMemoryStore()
    roster = RosterRepository(store)
    everyone = [Recipient(f"u{i:02d}", "t", "https://teams/", "28:bot", f"29:{i}", f"a:{i}")
                for i in range(n)]  # fmt: skip
    for recipient in everyone:
        await roster.save(recipient)
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    service = DeliveryService(
        roster,
        DeliveryLedger(store),
        teams,
        concurrency=1,
        monotonic=lambda: now[0],
        sleep=sleep,
        metrics=metrics,
    )
    return await service.deliver("r1", "card", everyone, lambda r: {}), store


async def test_a_delivery_whose_first_twenty_sends_get_401_stops_and_marks_no_one() -> None:
    teams = ScriptedTeams([401] * 30)
    report, store = await deliver(teams, 50)
    assert teams.sends == BREAKER_AFTER
    assert report.stopped == Tripped(401, BREAKER_AFTER)
    assert report.counts == DeliveryCounts(invited=0, sent=0, failed=0, dead=0)
    assert not any(r.dead for r in await RosterRepository(store).everyone())


async def test_failures_before_a_send_that_gets_through_are_settled_as_the_peoples_own() -> None:
    teams = ScriptedTeams([403] * (BREAKER_AFTER - 1))
    report, store = await deliver(teams, 30)
    assert report.stopped is None
    assert (report.counts.sent, report.counts.dead) == (30 - BREAKER_AFTER + 1, BREAKER_AFTER - 1)
    marked = [r for r in await RosterRepository(store).everyone() if r.dead]
    assert len(marked) == BREAKER_AFTER - 1


async def test_the_operators_see_a_trip_in_the_counters_and_no_one_counted_lost() -> None:
    recorded = Recorded()
    await deliver(ScriptedTeams([401] * 30), 50, OtelRoundMetrics(recorded.telemetry.meter))
    assert recorded.total("homeoffice.delivery.breaker_trips", **{"homeoffice.kind": "card"}) == 1
    assert recorded.total("homeoffice.round.invited") == 50
    for outcome in ("sent", "failed", "dead"):  # the held failures stay pending
        assert recorded.total(f"homeoffice.round.{outcome}") == 0
