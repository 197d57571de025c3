"""Which round is "the round before" for one person, for the two-in-a-row follow-up signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.rounds import Round, new_round, round_before

ITEMS = ("stress", "social")


def opened(round_id: str, day: int) -> Round:
    return new_round(round_id, datetime(2026, 11, day, 9, tzinfo=UTC), ITEMS, timedelta(days=3))


WEEK_1, SOMEONE_ELSES, WEEK_2 = (
    opened("s20261102", 2),
    opened("r20261105", 5),
    opened("s20261109", 9),
)


def test_somebody_elses_sjekk_inn_between_two_weekly_rounds_is_not_my_round_before() -> None:
    before = round_before([WEEK_1, SOMEONE_ELSES, WEEK_2], WEEK_2, answered={"s20261102"})
    assert before == WEEK_1


def test_an_on_demand_round_i_answered_is_my_round_before() -> None:
    answered = {"s20261102", "r20261105"}
    assert round_before([WEEK_1, SOMEONE_ELSES, WEEK_2], WEEK_2, answered) == SOMEONE_ELSES


def test_a_weekly_round_i_skipped_is_still_my_round_before() -> None:
    assert round_before([WEEK_1, SOMEONE_ELSES, WEEK_2], WEEK_2, answered=set()) == WEEK_1


def test_the_first_round_has_none_before_it() -> None:
    assert round_before([WEEK_1, WEEK_2], WEEK_1, answered={"s20261102"}) is None
