"""The ergonomics picture's rules (domain/ergonomics_picture.py): k workplaces for an area, k on
each side of a count (and BHT hidden with the risk), totals of what is shown only, and a
quarter's approvals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from domain.agreement import Place, Workplace
from domain.agreement_record import Status, Terms
from domain.ergonomics_picture import (
    HIDDEN,
    Counts,
    Quarter,
    Shown,
    approved_in,
    picture,
    shown,
)
from domain.pulse import Scope
from tests.support.gallery import KARI, PLAIN_TERMS, _agreement

K = 5
Q3 = Quarter(2026, 3)


def test_an_area_shows_from_k_assessed_and_a_count_with_k_on_each_side() -> None:
    assert shown(Counts(K - 1, 2, 1), K) == HIDDEN
    assert shown(Counts(12, 5, 5), K) == Shown(12, 5, 5)
    assert shown(Counts(10, 5, 0), K) == Shown(10, 5, None)  # nobody asked: hidden too
    assert shown(Counts(10, 10, 6), K) == Shown(10, None, None)  # everyone: hidden
    # Four without a risk: the risk is hidden, and BHT with it (5 asked: at least 5 at risk).
    assert shown(Counts(10, 6, 5), K) == Shown(10, None, None)


def test_totals_add_up_the_numbers_shown_and_a_scope_sees_its_areas() -> None:
    counts = {"A": Counts(12, 6, 2), "B": Counts(3, 1, 1), "C": Counts(20, 5, 5)}
    everyone = picture(counts, Scope(None), Q3, K)
    assert everyone.by_area == {"A": Shown(12, 6, None), "B": HIDDEN, "C": Shown(20, 5, 5)}
    assert everyone.total == Shown(32, 11, 5)
    rep = picture(counts, Scope(frozenset({"A", "B"})), Q3, K)
    assert list(rep.by_area) == ["A", "B"] and rep.total == Shown(12, 6, None)
    assert picture({}, Scope(None), Q3, K).total == HIDDEN


def test_quarters_follow_each_other_across_the_new_year() -> None:
    assert Quarter.of(date(2026, 12, 31)) == Quarter(2026, 4)
    assert Quarter(2026, 4).next == Quarter(2027, 1) and Quarter(2027, 1).previous == Quarter(
        2026, 4
    )
    assert (Q3.first_day, Q3.next.first_day, Q3.id) == (
        date(2026, 7, 1),
        date(2026, 10, 1),
        "2026-Q3",
    )


def test_a_quarter_counts_the_versions_approved_in_it_and_assesses_each() -> None:
    start = datetime(2026, 7, 1, tzinfo=UTC)
    end = datetime(2026, 10, 1, tzinfo=UTC)
    before = _agreement(KARI, 1, Status.APPROVED, decided_at=start - timedelta(seconds=1))
    first = _agreement(KARI, 2, Status.APPROVED, decided_at=start)
    changes = _agreement(KARI, 3, Status.CHANGES_REQUESTED, decided_at=start + timedelta(days=9))
    after = _agreement(KARI, 4, Status.APPROVED, decided_at=end)
    assert approved_in([before, first, changes, after], start, end) == [first]
    assert Counts().add(first) == Counts(1, 0, 0)  # PLAIN_TERMS: desk and chair, no pain
    hurts = Workplace(Place.OWN_ROOM, frozenset({"desk", "office_chair"}), frozenset({"back"}))
    terms = replace(PLAIN_TERMS, workplace=hurts, wants_occupational_health=True)
    risky = _agreement(KARI, 5, Status.APPROVED, terms=terms)
    assert Counts(1, 0, 0).add(risky) == Counts(2, 1, 1)
    declined = replace(risky, terms=replace(terms, wants_occupational_health=False))
    assert Counts().add(declined) == Counts(1, 1, 0)
    assert Counts().add(_agreement(KARI, 6, Status.APPROVED, terms=Terms())) == Counts()
