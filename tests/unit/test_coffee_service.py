"""Kaffeprat's rounds as the scheduler and `coffee pair` run them (services/coffee.py), over
the in-memory store with a fake clock: who takes part, how often, with whom never again, and
what the check-back counts."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from bot.scheduler import build_scheduler, next_fire
from bot.settings import SCHEDULE_OFF
from cards.i18n import t
from domain.coffee import Answer, Frequency, Membership, Width
from domain.org import Person
from domain.pulse import Scope
from services.coffee import (
    CHECKBACK_AFTER,
    AlreadyAnswered,
    CheckBackClosed,
    CoffeeService,
    Counted,
    NotInRound,
)
from storage.coffee import CoffeeRepository
from tests.support.card_text import texts
from tests.support.coffee import (
    ADMIN,
    OSLO,
    Clock,
    VirtualTime,
    coffee_over,
    enrol,
    join_all,
    organisation,
)
from tests.support.memory_store import InMemoryStore
from tests.support.services import RecordingSender

MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


async def setup(
    n: int, joined: int | None = None, **kwargs: object
) -> tuple[InMemoryStore, RecordingSender, Clock, CoffeeService, list[Person]]:
    store, sender, clock = InMemoryStore(), RecordingSender(), Clock(MONDAY)
    people = organisation(n)
    await enrol(store, people, MONDAY)
    await join_all(store, people[: n if joined is None else joined])
    coffee = coffee_over(store, sender, clock, virtual=VirtualTime(), **kwargs)  # type: ignore[arg-type]
    return store, sender, clock, coffee, people


def paired(sender: RecordingSender) -> Counter[str]:
    return Counter(
        r.user_id for r, card in sender.sent if t("nb", "coffee.match.title") in texts(card)
    )


async def groups_of(store: InMemoryStore, round_id: str) -> set[tuple[str, ...]]:
    matches = await CoffeeRepository(store, 1).matches(round_id)
    return {m.group for m in matches.values()}


async def test_only_those_who_joined_are_paired_and_each_gets_one_card() -> None:
    store, sender, _, coffee, people = await setup(12, joined=7)
    status = await coffee.pair_now()
    assert status is not None and status.round.groups == 3
    joined = {p.id for p in people[:7]}
    assert set(paired(sender)) == joined and set(paired(sender).values()) == {1}
    (trio,) = [g for g in await groups_of(store, status.round.id) if len(g) == 3]
    assert set(trio) <= joined
    # Pairing again the same day finds the round done: no second pairing, no second card.
    await coffee.pair_now()
    assert set(paired(sender).values()) == {1}


async def test_the_card_names_the_partner_with_a_chat_link_a_day_and_a_starter() -> None:
    _store, sender, _, coffee, people = await setup(2)
    await coffee.pair_now()
    (card,) = sender.cards_to(people[0].id)
    assert people[1].name in texts(card)
    (chat,) = [a for a in card["actions"] if a["type"] == "Action.OpenUrl"]
    assert chat["url"].startswith("https://teams.microsoft.com/l/chat/0/0?users=person1%40")
    assert people[0].email.split("@")[0] + "%40" not in chat["url"].split("&")[0]


async def test_paused_people_are_skipped_until_their_date() -> None:
    store, sender, clock, coffee, people = await setup(12)
    repo = CoffeeRepository(store, 1)
    paused = Membership(
        people[0].id, Frequency.WEEKLY, width=Width.ALL, paused_until=date(2026, 12, 21)
    )
    await repo.save_member(paused)
    for week in range(3):
        clock.now = MONDAY + timedelta(weeks=week)
        sender.sent.clear()
        await coffee.pair_now()
        assert (people[0].id in paired(sender)) is (week == 2), week
        assert len(paired(sender)) == (12 if week == 2 else 11)


async def test_nobody_meets_anyone_again_within_n_rounds_over_20_rounds_of_50() -> None:
    no_repeat = 6
    store, sender, clock, coffee, _people = await setup(50, no_repeat=no_repeat)
    history: list[set[frozenset[str]]] = []
    for week in range(20):
        clock.now = MONDAY + timedelta(weeks=week)
        status = await coffee.pair_now()
        assert status is not None
        groups = await groups_of(store, status.round.id)
        assert sorted(len(g) for g in groups) == [2] * 25
        met = {frozenset((a, b)) for g in groups for a in g for b in g if a < b}
        for earlier in history[-no_repeat:]:
            assert not met & earlier
        history.append(met)
    # Every round reached everyone once.
    assert set(paired(sender).values()) == {20}


async def test_every_other_week_means_every_other_round() -> None:
    store, sender, clock, coffee, people = await setup(8)
    await join_all(store, people[:4], Frequency.BIWEEKLY)
    seen = []
    for week in range(4):
        clock.now = MONDAY + timedelta(weeks=week)
        sender.sent.clear()
        await coffee.pair_now()
        seen.append(people[0].id in paired(sender))
    assert seen == [True, False, True, False]


async def test_leaving_takes_them_out_of_the_next_rounds() -> None:
    _store, sender, clock, coffee, people = await setup(9)
    await coffee.pair_now()
    assert await coffee.leave(people[0].id)
    assert await coffee.membership(people[0].id) is None
    clock.now += timedelta(weeks=1)
    sender.sent.clear()
    await coffee.pair_now()
    assert people[0].id not in paired(sender) and len(paired(sender)) == 8


async def test_the_check_back_comes_once_a_week_later_and_counts_only_numbers() -> None:
    store, sender, clock, coffee, people = await setup(6)
    status = await coffee.pair_now()
    assert status is not None
    round_id = status.round.id
    await coffee.tick()
    assert not [c for _, c in sender.sent if t("nb", "coffee.checkback.title") in texts(c)]
    await coffee.leave(people[5].id)  # left since: no check-back
    clock.now += CHECKBACK_AFTER
    await coffee.tick()
    await coffee.tick()
    asked = Counter(
        r.user_id for r, c in sender.sent if t("nb", "coffee.checkback.title") in texts(c)
    )
    assert set(asked) == {p.id for p in people[:5]} and set(asked.values()) == {1}
    assert await coffee.answer(people[0].id, round_id, "yes") == Counted(Answer.YES)
    assert await coffee.answer(people[0].id, round_id, "no") == AlreadyAnswered()
    assert await coffee.answer(people[1].id, round_id, "maybe") == NotInRound()
    assert await coffee.answer(people[1].id, "k19990101", "yes") == NotInRound()
    await coffee.answer(people[1].id, round_id, "not_yet")
    # Nothing stored says what anyone answered, or names who answered with what.
    for (container, _pk, _), row in store._rows.items():
        body = str(row)
        if container == "counters":
            assert not any(p.id in body for p in people)
    clock.now += timedelta(days=8)
    assert await coffee.answer(people[2].id, round_id, "yes") == CheckBackClosed()


async def test_puls_shows_numbers_per_service_area_with_the_anonymity_rules() -> None:
    # Area 0 has 8 people, area 1 only 2: theirs is hidden, and so the total, which gives it.
    store, _sender, clock, coffee, people = await setup(16, k=3)
    repo = CoffeeRepository(store, 1)
    for p in people:
        if p.service_area == "Area 1" and int(p.name.split()[1]) > 3:
            await repo.remove_member(p.id)
    status = await coffee.pair_now()
    assert status is not None
    clock.now += CHECKBACK_AFTER
    await coffee.tick()
    for p in people[:10]:
        await coffee.answer(p.id, status.round.id, "yes" if p.service_area == "Area 0" else "no")
    clock.now += timedelta(days=7)
    report = await coffee.report(ADMIN)
    assert report.participants_by_area == {"Area 0": 8, "Area 1": None}
    assert report.participants is None and report.groups is None
    assert report.met is not None
    shown = report.met.by_area["Area 0"]
    assert shown is not None and shown.n == 5 and shown.mean("met") == 5.0
    assert report.met.by_area["Area 1"] is None and report.met.scope_total is None
    assert not any(p.id in repr(report) for p in people)


async def test_puls_is_for_admins_and_reps_only() -> None:
    _store, _sender, _clock, coffee, people = await setup(
        4, scopes={"rep": Scope(frozenset({"Area 0"}))}
    )
    import pytest

    from services.coffee import NotPermitted

    with pytest.raises(NotPermitted):
        await coffee.report(people[0].id)
    report = await coffee.report("rep")
    assert report.met is None  # no round's check-back has closed


async def test_a_host_that_missed_the_scheduled_minute_pairs_that_round_on_its_tick() -> None:
    store, sender, clock = InMemoryStore(), RecordingSender(), Clock(MONDAY + timedelta(hours=3))
    people = organisation(4)
    await enrol(store, people, MONDAY)
    await join_all(store, people)
    schedule = next_fire("0 10 * * mon", OSLO)  # 10:00 in Oslo: 09:00 UTC, three hours ago
    coffee = coffee_over(store, sender, clock, virtual=VirtualTime(), schedule=schedule)
    await coffee.tick()
    await coffee.tick()
    (round_,) = await CoffeeRepository(store, 1).rounds()
    assert round_.id == "k20261207" and set(paired(sender).values()) == {1}
    # Six days later it is not made up any more; the next Monday's is.
    clock.now = MONDAY + timedelta(days=6, hours=23)
    await coffee.tick()
    assert len(await CoffeeRepository(store, 1).rounds()) == 1
    clock.now = MONDAY + timedelta(days=7, hours=1)
    await coffee.tick()
    assert [r.id for r in await CoffeeRepository(store, 1).rounds()] == ["k20261207", "k20261214"]


def test_the_host_scheduler_fires_the_pairing_at_its_minute_and_ticks_it() -> None:
    async def pairing() -> None: ...

    async def round_tick() -> None: ...

    class Jobs:
        tick = staticmethod(round_tick)

    timed = (("coffee", "0 10 * * mon", pairing),)
    scheduler = build_scheduler(Jobs(), SCHEDULE_OFF, OSLO, 300, timed=timed)  # type: ignore[arg-type]
    at_minute = scheduler.get_job("coffee")
    assert at_minute is not None and at_minute.func is pairing
    assert [j.func for j in scheduler.get_jobs() if j.id.startswith("tick-")] == [pairing]
    off_timed = (("coffee", SCHEDULE_OFF, pairing),)
    off = build_scheduler(Jobs(), SCHEDULE_OFF, OSLO, 300, timed=off_timed)  # type: ignore[arg-type]
    assert off.get_job("coffee") is None
