"""The aggregated pulse: counting every answer into its cell, and the views for those who may
see them (docs/roles.md#pulse-visibility): reps for their service areas, admins for all.

Every view and export is written to the audit log: who, when, which scope and round.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import replace
from zoneinfo import ZoneInfo

from domain.clock import Clock, utc_now
from domain.delivery import LedgerState
from domain.org import Role, RoleGrant, normalise_id
from domain.pulse import (
    UNKNOWN_AREA,
    Protected,
    PulseReport,
    Scope,
    TrendPoint,
    View,
    protected,
    recount,
    view,
)
from domain.rounds import Round
from domain.trend import round_labels
from services.checkins import TALLY_KEPT
from services.round_jobs import CARD
from storage.counters import ParticipationCounter
from storage.directory import DirectoryRepository
from storage.ledger import DeliveryLedger
from storage.pulse import AnswerTally, AuditLog, PulseCounters
from storage.roles import RoleRepository
from storage.rounds import RoundRepository

log = logging.getLogger(__name__)

TREND_ROUNDS = 8
REP_ROLES = (Role.UNION_REP, Role.SAFETY_REP)
VIEW_CACHE = 512


class NotPermitted(Exception):
    """Neither an admin nor a rep: no numbers, not even that there are none."""


class PulseService:
    def __init__(
        self,
        counters: PulseCounters,
        rounds: RoundRepository,
        ledger: DeliveryLedger,
        directory: DirectoryRepository,
        roles: RoleRepository,
        audit: AuditLog,
        items: tuple[str, ...],
        anonymity_k: int,
        admins: Iterable[str],
        timezone: ZoneInfo,
        clock: Clock = utc_now,
        distribution_min: int = 10,
        tally: AnswerTally | None = None,
        participation: ParticipationCounter | None = None,
    ) -> None:
        self._counters = counters
        self._tally = tally
        self._participation = participation
        self._rounds = rounds
        self._ledger = ledger
        self._directory = directory
        self._roles = roles
        self._audit = audit
        self._items = items
        self._k = anonymity_k
        self._distribution_min = max(anonymity_k, distribution_min)
        self._admins = frozenset(normalise_id(a) for a in admins)
        self._timezone = timezone
        self._clock = clock
        self._views: dict[tuple[str, Scope], View] = {}
        self._protected: dict[str, Protected] = {}

    async def scope_of(self, user_id: str) -> Scope | None:
        """Admins see everything; reps their service areas; anyone else nothing (None)."""
        person_id = normalise_id(user_id)
        grants = await self._roles.of(person_id)
        if person_id in self._admins or any(g.role is Role.ADMIN for g in grants):
            return Scope(None)
        areas = _rep_areas(grants)
        return Scope(areas) if areas else None

    async def report(self, user_id: str, action: str = "pulse.view") -> PulseReport:
        scope = await self.scope_of(user_id)
        if scope is None:
            raise NotPermitted
        now = self._clock()
        rounds = sorted(
            (r for r in await self._rounds.all() if r.closes_at <= now), key=lambda r: r.opened_at
        )
        labels = round_labels(rounds, self._timezone)
        latest = rounds[-1] if rounds else None
        await self._audit.record(
            now,
            normalise_id(user_id),
            action,
            scope="*" if scope.areas is None else ",".join(sorted(scope.areas)),
            round=latest.id if latest else "",
        )
        if latest is None:
            return PulseReport(scope, None, "", [])
        trend = []
        for round_ in rounds[-TREND_ROUNDS:]:
            shown = await self._view(round_, scope)
            trend.append(TrendPoint(labels[round_.id], shown.scope_total))
        invited = sum(n for a, n in (await self._invited(latest)).items() if scope.covers(a))
        current = replace(await self._view(latest, scope), invited=invited)
        return PulseReport(scope, current, labels[latest.id], trend)

    async def scheduled_tick(self) -> None:
        """Decide the hiding of every round shown in the trend once it has closed, so that no
        one's `puls` waits for the audit's integer programs (seconds on a large table)."""
        now = self._clock()
        closed = sorted(
            (r for r in await self._rounds.all() if r.closes_at <= now), key=lambda r: r.opened_at
        )
        for round_ in closed[-TREND_ROUNDS:]:
            await self._protect(round_)

    async def _view(self, round_: Round, scope: Scope) -> View:
        """A closed round's view never changes (it takes no answers), so it is made once per
        scope, from the hiding made once per round."""
        key = (round_.id, scope)
        cached = self._views.get(key)
        if cached is None:
            cached = view(round_.id, await self._protect(round_), scope, 0)
            if len(self._views) >= VIEW_CACHE:
                self._views.pop(next(iter(self._views)))
            self._views[key] = cached
        return cached

    async def _protect(self, round_: Round) -> Protected:
        """The round's hiding, audited against an attacker who knows who was invited per
        service area: so the round's delivery ledger is read when it is made."""
        cached = self._protected.get(round_.id)
        if cached is None:
            cells = await self._counters.cells(round_.id)
            decided = await self._counters.hiding(round_.id)
            if decided is None:
                cells = await self._recount(round_, cells)
                invited = await self._invited(round_)
                # The audit solves integer programs: keep it off the event loop.
                made = await asyncio.to_thread(
                    protected, cells, round_.items, self._k, self._distribution_min, invited
                )
                decided = await self._counters.keep_hiding(round_.id, made.hidden)
            cached = protected(cells, round_.items, self._k, self._distribution_min, None, decided)
            if len(self._protected) >= VIEW_CACHE:
                self._protected.pop(next(iter(self._protected)))
            self._protected[round_.id] = cached
        return cached

    async def _recount(
        self, round_: Round, running: dict[tuple[str, str], dict[str, int]]
    ) -> dict[tuple[str, str], dict[str, int]]:
        """Before the round's hiding is decided, so before anyone sees it: its cells and its
        participation recounted from the answers stored, in place of the running counts."""
        if (
            self._tally is None
            or not round_.tallied
            or self._clock() - round_.closes_at >= TALLY_KEPT  # its entries have expired
        ):
            return running
        counted = await self._tally.counted(round_.id)
        if counted is None:
            return running  # its entries were sealed under a key rotated since
        cells = recount(counted)
        await self._counters.replace_cells(round_.id, cells)
        if self._participation is not None:
            await self._participation.set(round_.id, len(counted))
        if cells != running:
            log.info("round %s recounted: the running counts were off", round_.id)
        return cells

    async def _invited(self, round_: Round) -> dict[str, int]:
        """Those the round's card reached, from its delivery ledger, per service area."""
        entries = await self._ledger.entries(round_.id, CARD)
        reached = [uid for uid, entry in entries.items() if entry.state is LedgerState.SENT]
        area_of = {p.id: p.service_area for p in await self._directory.everyone()}
        per_area: dict[str, int] = {}
        for uid in reached:
            area = area_of.get(normalise_id(uid)) or UNKNOWN_AREA
            per_area[area] = per_area.get(area, 0) + 1
        return per_area

    async def grant(self, person_id: str, grant: RoleGrant) -> None:
        await self._roles.grant(normalise_id(person_id), grant)

    async def revoke(self, person_id: str, role: Role) -> bool:
        return await self._roles.revoke(normalise_id(person_id), role)

    async def grants(self) -> list[tuple[str, RoleGrant]]:
        return await self._roles.everyone()


def _rep_areas(grants: Iterable[RoleGrant]) -> frozenset[str]:
    return frozenset(area for g in grants if g.role in REP_ROLES for area in g.scope)
