"""The ergonomics picture (domain/ergonomics_picture.py) for those who may see it: safety reps
for the service areas of their safety-rep grants, admins for the whole organisation
(docs/roles.md#the-ergonomics-picture). Union reps are not given it: the work environment is
the safety rep's task (arbeidsmiljøloven § 6-2), and these are health numbers.

Every view is written to the audit log, like the pulse's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from domain.clock import Clock, utc_now
from domain.ergonomics_picture import Counts, ErgonomicsPicture, Quarter, approved_in, picture
from domain.org import Role, normalise_id
from domain.pulse import UNKNOWN_AREA, Scope
from storage.agreements import AgreementRepository
from storage.directory import DirectoryRepository
from storage.ergonomics import ErgonomicsCounts
from storage.pulse import AuditLog
from storage.roles import RoleRepository


class ErgonomicsService:
    def __init__(
        self,
        agreements: AgreementRepository,
        directory: DirectoryRepository,
        roles: RoleRepository,
        counts: ErgonomicsCounts,
        audit: AuditLog,
        anonymity_k: int,
        admins: Iterable[str],
        timezone: ZoneInfo,
        clock: Clock = utc_now,
    ) -> None:
        self._agreements = agreements
        self._directory = directory
        self._roles = roles
        self._counts = counts
        self._audit = audit
        self._k = anonymity_k
        self._admins = frozenset(normalise_id(a) for a in admins)
        self._timezone = timezone
        self._clock = clock
        self._kept: dict[str, dict[str, Counts]] = {}

    async def scope_of(self, user_id: str) -> Scope | None:
        person_id = normalise_id(user_id)
        grants = await self._roles.of(person_id)
        if person_id in self._admins or any(g.role is Role.ADMIN for g in grants):
            return Scope(None)
        areas = frozenset(a for g in grants if g.role is Role.SAFETY_REP for a in g.scope)
        return Scope(areas) if areas else None

    async def picture(self, user_id: str) -> ErgonomicsPicture | None:
        """The latest closed quarter as the viewer may see it; None for anyone who may not."""
        scope = await self.scope_of(user_id)
        if scope is None:
            return None
        now = self._clock()
        quarter = Quarter.of(now.astimezone(self._timezone).date()).previous
        await self._audit.record(
            now,
            normalise_id(user_id),
            "pulse.ergonomics",
            scope="*" if scope.areas is None else ",".join(sorted(scope.areas)),
            quarter=quarter.id,
        )
        return picture(await self._quarter(quarter), scope, quarter, self._k)

    async def _quarter(self, quarter: Quarter) -> dict[str, Counts]:
        """A closed quarter's counts: kept in the store the first time anyone looks."""
        if quarter.id in self._kept:
            return self._kept[quarter.id]
        counts = await self._counts.get(quarter.id)
        if counts is None:
            counts = await self._counts.keep(quarter.id, await self._count(quarter))
        self._kept[quarter.id] = counts
        return counts

    async def _count(self, quarter: Quarter) -> dict[str, Counts]:
        start, end = (
            datetime.combine(q.first_day, time(), self._timezone) for q in (quarter, quarter.next)
        )
        areas = {p.id: p.service_area for p in await self._directory.everyone()}
        counts: dict[str, Counts] = {}
        for employee in await self._agreements.employees():
            approved = approved_in(await self._agreements.history(employee), start, end)
            if approved:
                # One workplace a person: the last version approved that quarter.
                area = areas.get(employee, UNKNOWN_AREA)
                latest = max(approved, key=lambda a: a.version)
                counts[area] = counts.get(area, Counts()).add(latest)
        return counts
