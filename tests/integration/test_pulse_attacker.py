"""The pulse against an attacker who holds every role's view of a round (tests/support/attacker_lp.py):
over random organisations — empty and one-person cells, identical answers — nothing hidden is
narrowed to one value, and every shown mean is the raw answers' mean. The same attacker holds
every role's view of kaffeprat's check-back (the share who met, per service area).

The safety reps' ergonomics picture against an attacker who holds every view of every quarter and
knows whose agreements were approved where and when (tests/support/ergonomics_attacker.py):
over random histories — one approval in a quarter, everyone alike, new versions — no one's risk
or BHT request is pinned."""

from __future__ import annotations

import itertools
import os
import random
from datetime import UTC, datetime

import pytest

from domain.coffee import MET_ITEM, CoffeeRound, coffee_report
from domain.ergonomics_picture import Counts, Quarter, picture
from domain.pulse import NO_BAND, Scope, Summary, View, fine_deltas, protected, view
from tests.support.attacker_lp import Attacker, Interior
from tests.support.ergonomics_attacker import Agreement, ErgonomicsAttacker, Row

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


# -- the safety reps' ergonomics picture ---------------------------------------------------------


def approvals_by_quarter(
    seed: int,
) -> tuple[list[dict[str, set[Agreement]]], dict[Agreement, tuple[bool, bool]], int]:
    """Random people in a few areas, quarter by quarter: agreements approved and changed (a new
    version); some quarters one approval, some none; sometimes everyone's workplace alike. Per
    quarter and area the versions approved in it (a person's last that quarter), each
    version's true risk and BHT request, and k."""
    rng = random.Random(seed)
    k = rng.randint(2, 5)
    areas = [f"area{a}" for a in range(rng.randint(1, 3))]
    people = {f"p{i}": rng.choice(areas) for i in range(rng.randint(1, 14 * len(areas)))}
    same = rng.random() < 0.3
    truth: dict[Agreement, tuple[bool, bool]] = {}
    versions: dict[str, int] = {}
    quarters = []
    for _ in range(rng.randint(2, 6)):
        approved: dict[str, set[Agreement]] = {}
        for person in rng.sample(
            sorted(people), rng.choice([0, 1, 1, rng.randint(0, len(people))])
        ):
            versions[person] = versions.get(person, 0) + 1
            risk = True if same else rng.random() < 0.5
            truth[(person, versions[person])] = (risk, risk and rng.random() < 0.6)
            approved.setdefault(people[person], set()).add((person, versions[person]))
        quarters.append(approved)
    return quarters, truth, k


# 48 histories keep this to seconds; ERGONOMICS_ATTACKER_ORGS=300 for more.
@pytest.mark.parametrize("seed", range(int(os.environ.get("ERGONOMICS_ATTACKER_ORGS", "48"))))
def test_no_ones_risk_or_bht_request_is_learnt_from_the_ergonomics_picture(seed: int) -> None:
    quarters, truth, k = approvals_by_quarter(seed)
    rng = random.Random(-seed)
    areas = sorted({a for q in quarters for a in q})
    members = {area: [frozenset(q.get(area, set())) for q in quarters] for area in areas}
    attacker = ErgonomicsAttacker(k, members)
    for number, approved in enumerate(quarters):
        counts = {
            area: Counts(
                len(agreements),
                sum(truth[a][0] for a in agreements),
                sum(truth[a][1] for a in agreements),
            )
            for area, agreements in approved.items()
        }
        scopes = [Scope(None)]
        scopes += [Scope(frozenset(rng.sample(areas, rng.randint(1, len(areas))))) for _ in areas]
        for scope in scopes:
            view = picture(counts, scope, Quarter(2026, 1), k)
            # A total adds up the numbers shown above it, and nothing else.
            for field in ("assessed", "risk", "bht"):
                present = [getattr(r, field) for r in view.by_area.values()]
                present = [v for v in present if v is not None]
                assert getattr(view.total, field) == (sum(present) if present else None)
            for area, row in view.by_area.items():
                seen = Row(row.assessed, row.risk, row.bht)
                assert attacker.rows.setdefault((number, area), seen) == seen  # views agree
                assert row.assessed is None or row.assessed >= k
                for count in (row.risk, row.bht):  # k on each side of a count
                    assert count is None or (row.assessed and k <= count <= row.assessed - k)
    assert attacker.learns(truth) == []


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
