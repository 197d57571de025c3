"""The pulse against an attacker who holds every role's view of a round (tests/support/attacker_lp.py):
over random organisations — empty and one-person cells, identical answers — nothing hidden is
narrowed to one value, and every shown mean is the raw answers' mean. The same attacker holds
every role's view of kaffeprat's check-back (the share who met, per service area)."""

from __future__ import annotations

import itertools
import os
import random
from datetime import UTC, datetime

import pytest

from domain.coffee import MET_ITEM, CoffeeRound, coffee_report
from domain.pulse import NO_BAND, Scope, Summary, View, fine_deltas, protected, view
from tests.support.attacker_lp import Attacker, Interior

ITEMS = ("stress", "social")


def organisation(seed: int) -> tuple[dict[Interior, list[dict[str, int]]], int, dict[str, int]]:
    rng = random.Random(seed)
    areas = [f"area{a}" for a in range(rng.randint(1, 5))]
    bands = [f"band{b}" for b in range(rng.randint(1, 5))]
    same = rng.random() < 0.3  # everyone in the organisation gives the same answers
    fixed = {item: rng.randint(1, 5) for item in ITEMS}
    answers: dict[Interior, list[dict[str, int]]] = {}
    for cell in itertools.product(areas, bands):
        n = rng.choice([0, 0, 0, 1, 1, 2, rng.randint(0, 14), rng.randint(0, 14)])
        one = {item: rng.randint(1, 5) for item in ITEMS}
        uniform = same or rng.random() < 0.3
        answers[cell] = [
            (fixed if same else one) if uniform else {i: rng.randint(1, 5) for i in ITEMS}
            for _ in range(n)
        ]
    invited = {
        a: sum(len(answers[(a, b)]) for b in bands) + rng.choice([0, 0, 1, 3]) for a in areas
    }
    return answers, rng.randint(3, 7), invited


def counters(answers: dict[Interior, list[dict[str, int]]]) -> dict[Interior, dict[str, int]]:
    fine: dict[Interior, dict[str, int]] = {}
    for cell, people in answers.items():
        counter: dict[str, int] = {}
        for one in people:
            for key, delta in fine_deltas(one).items():
                counter[key] = counter.get(key, 0) + delta
        if counter:
            fine[cell] = counter
    return fine


def mean(people: list[dict[str, int]], item: str) -> float:
    return sum(one[item] for one in people) / len(people)


# 128 organisations keep this near a minute on two cores; PULSE_ATTACKER_ORGS=300 for more.
@pytest.mark.parametrize("seed", range(int(os.environ.get("PULSE_ATTACKER_ORGS", "128"))))
def test_no_hidden_cell_is_narrowed_and_shown_means_are_raw(seed: int) -> None:
    answers, k, invited = organisation(seed)
    fine = counters(answers)
    if not fine:
        return
    rng = random.Random(-seed)
    round_ = protected(fine, ITEMS, k, 10, invited)
    areas = sorted({a for a, _ in fine})
    scopes = [Scope(None)] + [
        Scope(frozenset(rng.sample(areas, rng.randint(1, len(areas))))) for _ in range(3)
    ]
    views: list[View] = [
        view("r", round_, s, sum(n for a, n in invited.items() if s.covers(a))) for s in scopes
    ]
    people = {c: p for c, p in answers.items() if c[0] in areas and c[1] in {b for _, b in fine}}

    # What a shown number says is the raw answers' mean, and a shown cell has k or more.
    def check(cells: list[Interior], summary: Summary | None) -> None:
        if summary is None:
            return
        raw = [one for c in cells for one in people[c]]
        assert summary.n == len(raw) >= k
        for item in ITEMS:
            shown = summary.mean(item)
            assert shown is not None and abs(shown - mean(raw, item)) < 1e-9

    bands = sorted({b for _, b in fine})
    unanimous: set[tuple[frozenset[Interior], str, int]] = set()
    for v in views:
        check(
            [c for c in people if v.by_area.get(c[0], 0) != 0 and c[0] in v.by_area], v.scope_total
        )
        for area, summary in v.by_area.items():
            check([(area, b) for b in bands], summary)
        for band, summary in v.by_band.items():
            check([(a, band) for a in areas], summary)
        shown = [(frozenset((a, b) for a in v.by_area for b in bands), v.scope_total)]
        shown += [(frozenset((a, b) for b in bands), s) for a, s in v.by_area.items()]
        shown += [(frozenset((a, b) for a in areas), s) for b, s in v.by_band.items()]
        for cells, summary in shown:
            if summary is None:
                continue
            for item in ITEMS:
                values = {one[item] for c in cells for one in people[c]}
                if len(values) == 1:
                    unanimous.add((cells, item, values.pop() - 1))
    attacker = Attacker.of(views, invited)
    assert attacker.narrowed(people, k, unanimous) == []


# Kaffeprat's check-back in `puls` (domain/coffee.py): one item, yes at the top of the scale and
# anything else at the bottom, one band; the attacker knows the participants per service area.
@pytest.mark.parametrize("seed", range(int(os.environ.get("PULSE_ATTACKER_ORGS", "128")) // 4))
def test_kaffeprat_hides_what_the_attacker_could_narrow(seed: int) -> None:
    rng = random.Random(10_000 + seed)
    k = rng.randint(3, 7)
    areas = [f"area{a}" for a in range(rng.randint(1, 5))]
    participants = {a: rng.choice([1, 2, rng.randint(1, 20), rng.randint(1, 20)]) for a in areas}
    everyone_met = rng.random() < 0.3
    answers: dict[Interior, list[dict[str, int]]] = {
        (a, NO_BAND): [
            {MET_ITEM: 5 if everyone_met or rng.random() < 0.6 else 1}
            for _ in range(rng.randint(0, n))
        ]
        for a, n in participants.items()
    }
    fine = counters(answers)
    if not fine:
        return
    round_ = CoffeeRound(
        "k", datetime(2026, 12, 7, tzinfo=UTC), groups=9, participants=participants
    )
    met = protected(fine, (MET_ITEM,), k, k, participants)
    answered = sorted({a for a, _ in fine})
    scopes = [Scope(None)] + [
        Scope(frozenset(rng.sample(areas, rng.randint(1, len(areas))))) for _ in range(3)
    ]
    reports = [coffee_report(round_, met, s, k) for s in scopes]
    for report in reports:
        # Participants: none under k shown, and a shown sum is the sum of shown areas.
        shown = [n for n in report.participants_by_area.values() if n is not None]
        assert all(n >= k for n in shown)
        if report.participants is not None:
            assert report.participants == sum(
                n for a, n in participants.items() if report.scope.covers(a)
            )
        assert report.groups is None or report.participants is not None
    views = [r.met for r in reports if r.met is not None]
    people = {c: p for c, p in answers.items() if c[0] in answered}
    unanimous: set[tuple[frozenset[Interior], str, int]] = set()
    for v in views:
        cells = [(frozenset((a, NO_BAND) for a in v.by_area), v.scope_total)]
        cells += [(frozenset({(a, NO_BAND)}), s) for a, s in v.by_area.items()]
        for group, summary in cells:
            if summary is None:
                continue
            raw = [one for c in group for one in people.get(c, [])]
            assert summary.n == len(raw) >= k
            values = {one[MET_ITEM] for one in raw}
            if len(values) == 1:
                unanimous.add((group, MET_ITEM, values.pop() - 1))
    attacker = Attacker.of(views, participants)
    assert attacker.narrowed(people, k, unanimous) == []
