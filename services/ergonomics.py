"""The ergonomics picture (domain/ergonomics_picture.py) for those who may see it: safety reps
for the service areas of their safety-rep grants, admins for the whole organisation
(docs/roles.md#the-ergonomics-picture). Union reps are not given it: the work environment is
the safety rep's task (arbeidsmiljøloven § 6-2), and these are health numbers.

Every view is written to the audit log, like the pulse's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.agreement_record import Agreement, add_months
from domain.clock import Clock, utc_now
from domain.ergonomics_picture import (
    Assessment,
    ErgonomicsPicture,
    Shown,
    assessment,
    in_force,
    picture,
    published,
)
from domain.org import Role, normalise_id
from domain.pulse import UNKNOWN_AREA, Scope
from storage.agreements import AgreementRepository
from storage.directory import DirectoryRepository
from storage.pulse import AuditLog
from storage.roles import RoleRepository


class ErgonomicsService:
    def __init__(
        self,
        agreements: AgreementRepository,
        directory: DirectoryRepository,
        roles: RoleRepository,
        audit: AuditLog,
        anonymity_k: int,
        admins: Iterable[str],
        timezone: ZoneInfo,
        clock: Clock = utc_now,
    ) -> None:
        self._agreements = agreements
        self._directory = directory
        self._roles = roles
        self._audit = audit
        self._k = anonymity_k
        self._admins = frozenset(normalise_id(a) for a in admins)
        self._timezone = timezone
        self._clock = clock
        self._month: tuple[datetime, dict[str, Shown]] | None = None

    async def scope_of(self, user_id: str) -> Scope | None:
        person_id = normalise_id(user_id)
        grants = await self._roles.of(person_id)
        if person_id in self._admins or any(g.role is Role.ADMIN for g in grants):
            return Scope(None)
        areas = frozenset(a for g in grants if g.role is Role.SAFETY_REP for a in g.scope)
        return Scope(areas) if areas else None

    async def picture(self, user_id: str) -> ErgonomicsPicture | None:
        """The viewer's picture; None for anyone who may not see it."""
        scope = await self.scope_of(user_id)
        if scope is None:
            return None
        now = self._clock()
        local = now.astimezone(self._timezone)
        as_of = datetime(local.year, local.month, 1, tzinfo=self._timezone)
        await self._audit.record(
            now,
            normalise_id(user_id),
            "pulse.ergonomics",
            scope="*" if scope.areas is None else ",".join(sorted(scope.areas)),
            as_of=as_of.date().isoformat(),
        )
        return picture(await self._published(as_of), scope, as_of)

    async def _published(self, as_of: datetime) -> dict[str, Shown]:
        """The numbers of the month: taken once per month and host (they count decisions made
        before the month began, so nothing later changes them)."""
        if self._month is not None and self._month[0] == as_of:
            return self._month[1]
        areas = {p.id: p.service_area for p in await self._directory.everyone()}
        histories = {
            e: await self._agreements.history(e) for e in await self._agreements.employees()
        }
        snapshots = [
            _snapshot(histories, areas, month) for month in _months(histories.values(), as_of)
        ]
        # Linear algebra per area and month (domain/ergonomics_picture.py): off the event loop.
        shown = await asyncio.to_thread(published, snapshots, self._k)
        self._month = (as_of, shown)
        return shown


def _months(histories: Iterable[list[Agreement]], until: datetime) -> list[datetime]:
    """The first of each month from the one after the first decision, to `until`."""
    decided = [a.decided_at for h in histories for a in h if a.decided_at is not None]
    if not decided:
        return []
    first = min(decided).astimezone(until.tzinfo)
    months = []
    day = add_months(first.date().replace(day=1), 1)
    while (month := datetime(day.year, day.month, 1, tzinfo=until.tzinfo)) <= until:
        months.append(month)
        day = add_months(day, 1)
    return months


def _snapshot(
    histories: dict[str, list[Agreement]], areas: dict[str, str], at: datetime
) -> dict[str, dict[str, Assessment]]:
    """Per service area, each employee's assessment in force at `at`."""
    snapshot: dict[str, dict[str, Assessment]] = {}
    for employee, history in histories.items():
        agreement = in_force(history, at)
        assessed = assessment(agreement) if agreement else None
        if assessed is not None:
            snapshot.setdefault(areas.get(employee, UNKNOWN_AREA), {})[employee] = assessed
    return snapshot
