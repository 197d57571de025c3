"""Kaffeprat: who takes part, how, and who meets whom in a round (docs/product.md#kaffeprat).

Only people who opted in take part. A round pairs everyone due: never with anyone they met in
the last `no_repeat` rounds, never with someone either of them asked not to meet, and only
within both people's chosen width (their unit, their service area, the whole municipality);
among the pairs that allows, it prefers people from other units, and for those who want to meet
at the office, pairs who share an office day. An odd number makes one group of three.

The pairing is a maximum-weight matching (networkx, Edmonds' blossom algorithm) with maximum
cardinality: no other matching of the graph it is given pairs more people, and among those that
pair as many, none has a larger weight. The blossom algorithm is cubic, so it does not run on
10,000 people at once: people are split into blocks of at most `BLOCK` that keep the widths
(those who meet only their unit are in a block of their unit, with a few unit-mates who meet
more widely) and mix the units, and each block gets a sparse candidate graph (`CANDIDATES`
partners a person, other units first). Those left over in their blocks are matched again
together with the pairs of those they may meet, on every allowed edge, which pairs them when
anyone in reach is free to; one left over at the end joins a pair as the group of three (and so
does one of each odd group of people who may meet only among themselves). `cross_unit_bound`
is an upper bound of the groups across units any pairing could make: the benchmark compares
with it.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

import networkx as nx

from domain.agreement import WORKDAYS
from domain.anonymity import TOTAL, Table, suppress
from domain.pulse import NO_BAND, Protected, Scope, View, view


class Frequency(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"  # every other round: not in a round after one they were paired in


class Meeting(StrEnum):
    CALL = "call"  # a Teams call
    OFFICE = "office"  # at the office, on a shared office day when one is known


class Width(StrEnum):
    UNIT = "unit"
    AREA = "area"  # the service area (tjenesteområde)
    ALL = "all"  # the whole municipality


class Answer(StrEnum):
    """The check-back's answers: counted per service area, never stored with the person."""

    YES = "yes"
    NO = "no"
    NOT_YET = "not_yet"


#: How many rounds back a partner may not come again (COFFEE_NO_REPEAT_ROUNDS).
DEFAULT_NO_REPEAT = 8
#: The most people one blossom matching runs on (0.1 s for 300 people on one core).
BLOCK = 100
#: How many candidate partners each person gets in their block's graph.
CANDIDATES = 8
#: How many pairs of their possible partners are matched again with each one left over.
REOPEN = 8
#: The longest "not with" field taken: a few dozen addresses.
NOT_WITH_MAX = 2000
#: How many conversation starters the catalogs hold (`coffee.starter.1` …).
STARTERS = 8

# The weights: any pair beats no pair (the matching is of maximum cardinality anyway); then
# another unit, then a shared office day for those who meet at the office; the jitter (0..9)
# breaks ties differently each round.
_BASE = 1000
_OTHER_UNIT = 100
_SHARED_DAY = 40
#: Those left over, when they are matched again with the pairs around them: before any pair.
_FAVOURED = 10_000


@dataclass(frozen=True)
class Membership:
    """One person's kaffeprat settings (`kaffeprat` and `innstillinger`)."""

    user_id: str
    frequency: Frequency = Frequency.BIWEEKLY
    meeting: Meeting = Meeting.CALL
    width: Width = Width.AREA
    paused_until: date | None = None  # no rounds before this day
    not_with: frozenset[str] = frozenset()  # Entra object ids
    joined_at: datetime | None = None

    def paused(self, today: date) -> bool:
        return self.paused_until is not None and today < self.paused_until


def due(membership: Membership, today: date, in_last_round: bool) -> bool:
    """Whether a member takes part in a round on `today`: not paused, and every other round
    for those who asked for that."""
    if membership.paused(today):
        return False
    return not (membership.frequency is Frequency.BIWEEKLY and in_last_round)


@dataclass(frozen=True)
class Participant:
    """A member due in this round, as the pairing sees them."""

    user_id: str
    area: str
    unit: str
    width: Width = Width.AREA
    meeting: Meeting = Meeting.CALL
    office_days: frozenset[str] | None = None  # None: not known (flexible days)
    not_with: frozenset[str] = frozenset()

    @property
    def unit_key(self) -> tuple[str, str]:
        return (self.area, self.unit)


def within(a: Participant, b: Participant) -> bool:
    """Whether `b` is within the width `a` chose."""
    if a.width is Width.UNIT:
        return a.unit_key == b.unit_key
    if a.width is Width.AREA:
        return a.area == b.area
    return True


def compatible(a: Participant, b: Participant, met: Mapping[str, frozenset[str]]) -> bool:
    """The hard rules: two people, each within the other's width, who have not met in the
    last rounds and neither of whom asked not to meet the other."""
    return (
        a.user_id != b.user_id
        and b.user_id not in met.get(a.user_id, frozenset())
        and a.user_id not in met.get(b.user_id, frozenset())
        and b.user_id not in a.not_with
        and a.user_id not in b.not_with
        and within(a, b)
        and within(b, a)
    )


def shared_days(group: Sequence[Participant]) -> tuple[str, ...]:
    """The workdays everyone in the group is at the office, when all meet there and all days
    are known."""
    if any(p.meeting is not Meeting.OFFICE or p.office_days is None for p in group):
        return ()
    days = frozenset(WORKDAYS)
    for p in group:
        days &= p.office_days or frozenset()
    return tuple(d for d in WORKDAYS if d in days)


def _jitter(seed: str, a: str, b: str) -> int:
    low, high = sorted((a, b))
    return hashlib.sha256(f"{seed}\x00{low}\x00{high}".encode()).digest()[0] % 10


def weight(a: Participant, b: Participant, seed: str) -> int:
    w = _BASE + _jitter(seed, a.user_id, b.user_id)
    if a.unit_key != b.unit_key:
        w += _OTHER_UNIT
    if shared_days((a, b)):
        w += _SHARED_DAY
    return w


@dataclass(frozen=True)
class Pairing:
    groups: tuple[tuple[str, ...], ...]  # each sorted; pairs, and at most one group of three
    unpaired: tuple[str, ...]  # nobody they may meet was left

    def cross_unit(self, people: Mapping[str, Participant]) -> int:
        """How many groups hold people of more than one unit."""
        return sum(len({people[u].unit_key for u in g}) > 1 for g in self.groups)


@dataclass
class _Matcher:
    people: dict[str, Participant]
    met: Mapping[str, frozenset[str]]
    seed: str
    rng: random.Random
    partner: dict[str, str] = field(default_factory=dict)

    def ok(self, a: str, b: str) -> bool:
        return compatible(self.people[a], self.people[b], self.met)

    def match_block(self, block: list[Participant]) -> None:
        graph: nx.Graph[str] = nx.Graph()
        by_unit: dict[tuple[str, str], list[Participant]] = defaultdict(list)
        for p in block:
            by_unit[p.unit_key].append(p)
        for a in block:
            pool = by_unit[a.unit_key] if a.width is Width.UNIT else block
            for b in self._candidates(a, pool):
                graph.add_edge(a.user_id, b.user_id, weight=weight(a, b, self.seed))
        for a, b in nx.max_weight_matching(graph, maxcardinality=True):
            self.partner[a], self.partner[b] = b, a

    def _candidates(self, a: Participant, pool: list[Participant]) -> list[Participant]:
        """Up to CANDIDATES partners for `a`, other units first, from a random sample of the
        pool, or the whole pool when the sample has too few."""
        other: list[Participant] = []
        same: list[Participant] = []
        sample = self.rng.sample(pool, min(len(pool), 4 * CANDIDATES))
        for looked in (sample, pool):
            other, same = [], []
            for b in looked:
                if compatible(a, b, self.met):
                    (same if b.unit_key == a.unit_key else other).append(b)
            if len(other) + len(same) >= CANDIDATES or looked is pool:
                break
        return (other + same)[:CANDIDATES]

    def match_left(self, left: list[str]) -> list[str]:
        """Pair those left over in their blocks: with each other (a block of their own), then
        two at a time, the nearest first, by matching again, with them, the pairs of up to
        `REOPEN` of those each may meet, on every edge between them, favouring the two: a
        maximum matching of that small part pairs them whenever an augmenting path from one
        to the other runs through it."""
        self.match_block([self.people[u] for u in left])
        alone = [u for u in left if u not in self.partner]
        by_unit: dict[tuple[str, str], list[str]] = defaultdict(list)
        by_area: dict[str, list[str]] = defaultdict(list)
        for p in self.people.values():
            by_unit[p.unit_key].append(p.user_id)
            by_area[p.area].append(p.user_id)
        everyone = list(self.people)

        def reach(x: str) -> list[str]:
            me = self.people[x]
            near = {Width.UNIT: by_unit[me.unit_key], Width.AREA: by_area[me.area]}
            return near.get(me.width, everyone)

        while alone:
            x = alone.pop(0)
            if x in self.partner:
                continue
            me = self.people[x]
            y = min(
                (u for u in alone if u not in self.partner),
                key=lambda u: (
                    self.people[u].unit_key != me.unit_key,
                    self.people[u].area != me.area,
                ),
                default=None,
            )
            ends = [x] if y is None else [x, y]
            if y is not None:
                alone.remove(y)
            part = set(ends)
            for end in ends:
                seen = reach(end)
                looked = self.rng.sample(seen, min(len(seen), 50 * REOPEN))
                pairs = [a for a in looked if a in self.partner and self.ok(end, a)]
                for a in self.rng.sample(pairs, min(len(pairs), REOPEN)):
                    if a in self.partner:
                        part |= {a, self.partner[a]}
            for u in part:
                self.partner.pop(u, None)
            self._match_all(sorted(part), favour=frozenset(ends))
        return sorted(u for u in self.people if u not in self.partner)

    def _match_all(self, some: list[str], favour: frozenset[str] = frozenset()) -> None:
        """A maximum-weight matching of `some` on every allowed edge between them; the
        `favour`ed are paired first when anyone can be."""
        graph: nx.Graph[str] = nx.Graph()
        graph.add_nodes_from(some)
        for i, a in enumerate(some):
            for b in some[i + 1 :]:
                if self.ok(a, b):
                    w = weight(self.people[a], self.people[b], self.seed)
                    w += _FAVOURED * ((a in favour) + (b in favour))
                    graph.add_edge(a, b, weight=w)
        for a, b in nx.max_weight_matching(graph, maxcardinality=True):
            self.partner[a], self.partner[b] = b, a


def _blocks(people: list[Participant], rng: random.Random, size: int) -> list[list[Participant]]:
    """People in blocks of at most about `size` that keep the widths and mix the units: those
    who meet only their unit in blocks of their unit, with a few unit-mates who meet more
    widely; those who meet their service area in blocks of it, each unit dealt out over them
    all (so each block holds a share of every unit); those who meet anyone in blocks across
    the municipality."""
    units: dict[tuple[str, str], list[Participant]] = defaultdict(list)
    areas: dict[str, list[Participant]] = defaultdict(list)
    everywhere: list[Participant] = []
    for p in people:
        if p.width is Width.UNIT:
            units[p.unit_key].append(p)
        elif p.width is Width.AREA:
            areas[p.area].append(p)
        else:
            everywhere.append(p)
    # Those who meet only their unit need unit-mates to choose from: a few of the others of
    # their unit join their block (an odd one out there is paired later, across the blocks).
    for key in sorted(units):
        wider = [p for p in (*areas[key[0]], *everywhere) if p.unit_key == key]
        lent = wider[: len(units[key]) % 2 + 2]
        units[key] += lent
        for p in lent:
            (areas[key[0]] if p.width is Width.AREA else everywhere).remove(p)
    rng.shuffle(everywhere)
    groups = [*(units[k] for k in sorted(units)), *(areas[a] for a in sorted(areas)), everywhere]
    blocks: list[list[Participant]] = []
    for group in groups:
        ordered = sorted(group, key=lambda p: p.unit_key) if group is not everywhere else group
        count = max(1, -(-len(ordered) // size))
        blocks += [ordered[i::count] for i in range(count)]
    return [b for b in blocks if b]


def pair(
    participants: Iterable[Participant],
    met: Mapping[str, frozenset[str]],
    seed: str,
    block: int = BLOCK,
) -> Pairing:
    """The round's groups. `met`: whom each person met in the last rounds (either side may
    hold it); `seed`: the round's id, so a round paired again gives the same groups."""
    people = {p.user_id: p for p in sorted(participants, key=lambda p: p.user_id)}
    rng = random.Random(seed)
    matcher = _Matcher(people, met, seed, rng)
    for chunk in _blocks(list(people.values()), rng, block):
        matcher.match_block(chunk)
    left = matcher.match_left([u for u in people if u not in matcher.partner])
    groups = {tuple(sorted((a, b))) for a, b in matcher.partner.items()}
    unpaired = list(left)
    # The one left over joins a pair. More are left over only when people who may meet only
    # among themselves (a unit whose members meet only their unit) are an odd number: each of
    # those joins a pair of their own, rather than sitting the round out.
    for x in left:
        best = max(
            (g for g in groups if len(g) == 2 and all(matcher.ok(x, m) for m in g)),
            key=lambda g: sum(weight(people[x], people[m], seed) for m in g),
            default=None,
        )
        if best is not None:
            groups.discard(best)
            groups.add(tuple(sorted((*best, x))))
            unpaired.remove(x)
    return Pairing(tuple(sorted(groups)), tuple(unpaired))


def cross_unit_bound(participants: Iterable[Participant]) -> int:
    """An upper bound of the groups across units any pairing of these people could make,
    whatever their history: a cross-unit group needs someone who may meet another unit, and
    pairs them with someone outside their unit; and within a service area, every pair that
    holds someone who meets only their area also holds someone of that area."""
    free = [p for p in participants if p.width is not Width.UNIT]
    by_unit: dict[tuple[str, str], int] = defaultdict(int)
    for p in free:
        by_unit[p.unit_key] += 1
    largest = max(by_unit.values(), default=0)
    # Each cross-unit pair has at most one member of the largest unit and one other free one.
    return min(len(free) // 2, len(free) - largest)


def group_seed(round_id: str, group: Sequence[str]) -> int:
    """A stable number per group and round: which starter and which day it gets."""
    digest = hashlib.sha256("\x00".join((round_id, *group)).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def pairing_week(today: date) -> date:
    """The Monday of the week a pairing suggests its days in: this week when it runs on a
    Monday (the schedule's day), else the next, so that a pairing made later in the week does
    not suggest a day that is already over."""
    return today - timedelta(days=today.weekday()) + timedelta(weeks=today.weekday() > 0)


def suggested_day(round_id: str, group: Sequence[Participant]) -> tuple[str, bool]:
    """(workday, at the office): a shared office day when all meet at the office and share
    one, else a workday for a call, spread over the week."""
    ids = tuple(p.user_id for p in group)
    days = shared_days(group)
    if days:
        return days[group_seed(round_id, ids) % len(days)], True
    return WORKDAYS[group_seed(round_id, ids) % len(WORKDAYS)], False


def starter(round_id: str, group: Sequence[str]) -> int:
    """Which conversation starter (1..STARTERS) a group gets."""
    return group_seed(round_id, ("starter", *group)) % STARTERS + 1


# --- rounds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoffeeRound:
    """One pairing round. Its groups are written before it counts as paired, and its cards
    and check-backs go through the send ledger, so a round resumed after a crash or on
    another host pairs once and sends each card once."""

    id: str  # "k" + the scheduled date: one round per scheduled time, whoever opens it
    opened_at: datetime
    paired_at: datetime | None = None
    delivered_at: datetime | None = None
    checkback_sent_at: datetime | None = None
    groups: int = 0
    unpaired: int = 0
    participants: Mapping[str, int] = field(default_factory=dict)  # per service area

    @property
    def paired(self) -> bool:
        return self.paired_at is not None

    def checkback_due(self, now: datetime, after: timedelta) -> bool:
        return (
            self.delivered_at is not None
            and self.checkback_sent_at is None
            and now >= self.opened_at + after
        )

    def checkback_open(self, now: datetime, length: timedelta) -> bool:
        return self.checkback_sent_at is not None and now < self.checkback_sent_at + length

    def checkback_closed(self, now: datetime, length: timedelta) -> bool:
        return self.checkback_sent_at is not None and now >= self.checkback_sent_at + length


def round_id_for(day: date) -> str:
    return "k" + day.strftime("%Y%m%d")


@dataclass(frozen=True)
class Match:
    """What one person got in a round: their group (themselves included), the day and the
    starter; `checked_back` says only that they answered, never what."""

    round_id: str
    user_id: str
    group: tuple[str, ...]
    day: str
    at_office: bool
    starter: int
    checked_back: bool = False

    @property
    def partners(self) -> tuple[str, ...]:
        return tuple(u for u in self.group if u != self.user_id)


def matches_of(
    round_id: str, groups: Iterable[Sequence[str]], people: Mapping[str, Participant]
) -> list[Match]:
    out: list[Match] = []
    for group in groups:
        day, at_office = suggested_day(round_id, [people[u] for u in group])
        number = starter(round_id, group)
        out += [Match(round_id, u, tuple(group), day, at_office, number) for u in group]
    return out


def recently_met(history: Iterable[Iterable[Match]]) -> dict[str, frozenset[str]]:
    """Whom each person met in the given rounds."""
    met: dict[str, set[str]] = defaultdict(set)
    for matches in history:
        for m in matches:
            met[m.user_id].update(m.partners)
    return {u: frozenset(v) for u, v in met.items()}


# --- what HR and reps see ------------------------------------------------------------------

#: The check-back as the pulse counts it: one item, "met", yes at the top of the scale and
#: anything else at the bottom, so that a shown cell's mean gives the share who met and
#: nothing more (not yet and no stay apart from nobody).
MET_ITEM = "met"
MET_SCORE = {Answer.YES: 5, Answer.NO: 1, Answer.NOT_YET: 1}


def met_share(mean: float | None) -> float | None:
    return None if mean is None else (mean - 1) / 4


@dataclass(frozen=True)
class CoffeeReport:
    """The latest round whose check-back has closed, as one viewer may see it. None is a
    hidden number ("too few"); never who met whom, never one person's answer."""

    scope: Scope
    round_id: str = ""
    opened: datetime | None = None
    groups: int | None = None
    participants: int | None = None
    participants_by_area: Mapping[str, int | None] = field(default_factory=dict)
    met: View | None = None


def participants_shown(
    per_area: Mapping[str, int], scope: Scope, k: int
) -> tuple[int | None, dict[str, int | None]]:
    """Participants per service area with the pulse's suppression: an area under k is hidden,
    and so is what would let it be computed from the others and the total."""
    table = Table.from_inner({(area, NO_BAND): n for area, n in per_area.items()})
    hidden = suppress(table, k)
    by_area = {
        a: None if (a, None) in hidden else table.counts[(a, None)]
        for a in table.areas
        if scope.covers(a)
    }
    if scope.areas is None:
        total = None if TOTAL in hidden else table.counts[TOTAL]
    else:
        shown = list(by_area.values())
        total = None if not shown or None in shown else sum(v or 0 for v in shown)
    return total, by_area


def coffee_report(
    round_: CoffeeRound,
    met: Protected,
    scope: Scope,
    k: int,
) -> CoffeeReport:
    total, by_area = participants_shown(round_.participants, scope, k)
    met_view = view(round_.id, met, scope, total or 0)
    # The number of groups gives the number paired away: shown only beside the whole total.
    groups = round_.groups if scope.areas is None and total is not None else None
    return CoffeeReport(scope, round_.id, round_.opened_at, groups, total, by_area, met_view)
