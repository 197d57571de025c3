"""Use cases of the organisation directory: import an HR CSV export, sync from a source such
as Microsoft Graph, and tell what is loaded.

Every change runs under the `directory` lease, so the nightly sync on several host instances
and an import from the command line never write side by side. Nothing invalid is written:
the people are checked first, and the repository makes a new directory visible all at once.
The sync follows its schedule (ORG_SYNC_CRON) by state, not by the minute: a tick syncs when
the directory was not checked since the latest scheduled time, so a host that was down at the
hour syncs when it comes up.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.clock import Clock, utc_now
from domain.logref import ref
from domain.org import (
    Person,
    RowError,
    check_people,
    parse_csv_bytes,
    without_unknown_managers,
)
from domain.rounds import NextScheduled, no_schedule
from domain.schedule import is_late, latest_due
from services.leasing import run_leased
from services.telemetry import NO_METRICS, RoundMetrics
from storage.directory import DirectoryRepository, DirectoryVersion, Replaced
from storage.leases import LeaseStore

log = logging.getLogger(__name__)

LEASE = "directory"
# A sync is state, not an event: however long ago the missed one was, the next tick makes it up.
SYNC_WINDOW = timedelta(days=31)


class DirectorySource(Protocol):
    """Where a sync reads everyone from (Microsoft Graph in production)."""

    name: str

    async def people(self) -> list[Person]: ...


class OrgDataError(Exception):
    """The source's people cannot be a directory (a manager cycle, nobody at all)."""


@dataclass(frozen=True)
class ImportOutcome:
    errors: list[RowError]  # not empty: nothing was imported
    replaced: Replaced | None = None  # None without errors: another import held the lease

    @property
    def busy(self) -> bool:
        return not self.errors and self.replaced is None


class OrgDirectoryService:
    def __init__(
        self,
        directory: DirectoryRepository,
        leases: LeaseStore,
        source: DirectorySource | None = None,
        clock: Clock = utc_now,
        holder: str | None = None,
        schedule: NextScheduled = no_schedule,
        metrics: RoundMetrics = NO_METRICS,
    ) -> None:
        self._directory = directory
        self._metrics = metrics
        self._leases = leases
        self._source = source
        self._clock = clock
        self._holder = holder or uuid.uuid4().hex[:12]
        self._schedule = schedule
        # The scheduled time this host last tried: a sync that failed waits for the next one
        # instead of hammering the source every tick (today's directory stays meanwhile).
        self._tried: datetime | None = None

    @property
    def source(self) -> DirectorySource | None:
        return self._source

    async def current(self) -> DirectoryVersion | None:
        return await self._directory.current()

    async def import_csv(self, data: bytes) -> ImportOutcome:
        """Check every row; import only a file without errors, replacing the directory."""
        people, errors = parse_csv_bytes(data)
        if errors:
            return ImportOutcome(errors)
        replaced = await run_leased(
            self._leases,
            LEASE,
            self._holder,
            lambda: self._directory.replace_all(people, "csv", self._clock()),
        )
        return ImportOutcome([], replaced)

    async def sync(self) -> Replaced | None:
        """Read everyone from the source and make them the directory; None when another
        instance holds the lease. Raises OrgDataError (and the source's errors) having
        changed nothing."""
        if self._source is None:
            raise OrgDataError("no directory source is configured (ORG_SOURCE=graph)")
        return await run_leased(self._leases, LEASE, self._holder, self._sync)

    async def scheduled_sync(self) -> None:
        """The scheduler's call, at the scheduled minute and every tick: sync when the
        directory was not checked since the latest scheduled time. A failure is logged, and
        the directory stays as it was."""
        now = self._clock()
        scheduled = latest_due(self._schedule, now, SYNC_WINDOW)
        if scheduled is None or scheduled == self._tried:
            return
        current = await self._directory.current()
        if current is not None and current.checked_at >= scheduled:
            return
        try:
            replaced = await self.sync()
        except Exception:
            self._tried = scheduled
            log.exception("organisation sync failed; the directory is unchanged")
            self._metrics.directory_sync_failed()
            return
        if replaced is None:
            return  # another instance syncs
        self._tried = scheduled
        if is_late(scheduled, now):
            log.warning(
                "organisation sync for scheduled %s ran late at %s: no host ran at the "
                "scheduled minute",
                scheduled.isoformat(timespec="minutes"),
                now.astimezone(scheduled.tzinfo).isoformat(timespec="minutes"),
            )
        log.info("organisation sync: %s", describe(replaced))

    async def _sync(self) -> Replaced:
        assert self._source is not None
        people, detached = without_unknown_managers(await self._source.people())
        if detached:
            # Managers that are disabled accounts or guests, which the sync leaves out.
            log.warning(
                "%d people have a manager outside the directory; they are kept without one: %s",
                len(detached),
                ", ".join(ref(p.id) for p in detached[:10])
                + (" ..." if len(detached) > 10 else ""),
            )
        if not people:
            raise OrgDataError(f"{self._source.name} returned nobody; the directory is kept")
        issues = check_people(people)
        if issues:
            details = "; ".join(f"{people[i.index].id}: {i.reason}" for i in issues[:10])
            raise OrgDataError(f"{len(issues)} problems in the {self._source.name} data: {details}")
        return await self._directory.replace_all(people, self._source.name, self._clock())


def describe(replaced: Replaced) -> str:
    summary = replaced.version.summary
    if not replaced.changed:
        return f"unchanged ({summary})"
    return f"{summary} ({replaced.changes})"
