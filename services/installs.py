"""Reach: the bot installs itself for people it cannot reach yet.

Check-in rounds, approval cards and follow-up prompts reach only people who have the app.
Two uses of one port (AppInstaller; Graph implements it in bot/graph_install.py):

- `install_everyone` (`app.py org install`): everyone in the directory who does not have it.
  The roster decides first (a conversation reference means they have it), then Graph. What
  was installed is marked, so a run that was stopped goes on where it was.
- `request` (the notifier, when a card waits for a leader who cannot be reached): Graph is
  asked once per person (after a failure, the next waiting card asks again); the card goes
  out when Teams announces the install (PeopleService.reachable, whose handlers the
  composition root registers).

Someone the roster holds as unreachable (they removed or blocked the app) is left alone: the
bot does not put itself back on a person who took it away.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from domain.clock import Clock, utc_now
from domain.logref import ref
from domain.org import normalise_id
from storage.directory import DirectoryRepository
from storage.installs import InstallMarks
from storage.roster import RosterRepository

log = logging.getLogger(__name__)


class InstallRefused(Exception):
    """Graph refuses the app itself (a permission missing, the app not in the catalog): no
    install can succeed until an administrator acts. The message says what to do."""


class InstallFailed(Exception):
    """This person's install failed (no Teams licence, Graph kept failing); others may not."""


class AppInstaller(Protocol):
    async def has_app(self, user_id: str) -> bool: ...

    async def install(self, user_id: str) -> bool:
        """True when installed now, False when the person had it already."""
        ...


@dataclass
class InstallReport:
    installed: int = 0
    had_it: int = 0
    removed_it: int = 0  # in the roster as unreachable: left alone
    failed: list[tuple[str, str]] = field(default_factory=list)  # (person's name, reason)
    refused: str = ""  # why nothing more could be installed; "" when the run went through


Progress = Callable[[InstallReport, int], None]


class InstallService:
    def __init__(
        self,
        installer: AppInstaller,
        roster: RosterRepository,
        directory: DirectoryRepository,
        marks: InstallMarks,
        clock: Clock = utc_now,
    ) -> None:
        self._installer = installer
        self._roster = roster
        self._directory = directory
        self._marks = marks
        self._clock = clock

    async def install_everyone(self, progress: Progress | None = None) -> InstallReport:
        report = InstallReport()
        people = await self._directory.everyone()
        for done, person in enumerate(people, 1):
            recipient = await self._roster.get(person.id)
            if recipient is not None:
                if recipient.dead:
                    report.removed_it += 1
                else:
                    report.had_it += 1
                continue
            if await self._marks.is_installed(person.id):
                report.had_it += 1  # installed by an earlier run; the event may be on its way
                continue
            try:
                new = not await self._installer.has_app(person.id) and (
                    await self._installer.install(person.id)
                )
            except InstallRefused as refused:
                report.refused = str(refused)
                return report
            except InstallFailed as failed:
                report.failed.append((person.name or person.id, str(failed)))
                continue
            await self._marks.installed(person.id, self._clock())
            if new:
                report.installed += 1
            else:
                report.had_it += 1
            if progress is not None:
                progress(report, done)
        return report

    async def request(self, user_id: str) -> None:
        """Install for one person who cannot be reached, once. Failures are logged (the card
        waits in `mitt team` meanwhile) and leave the way open for the next request."""
        user_id = normalise_id(user_id)
        if not await self._marks.claim(user_id, self._clock()):
            return
        try:
            new = await self._installer.install(user_id)
        except (InstallRefused, InstallFailed) as error:
            await self._marks.release(user_id)
            log.warning("could not install the app for %s: %s", ref(user_id), error)
            return
        await self._marks.installed(user_id, self._clock())
        log.info("app %s for %s", "installed" if new else "was there already", ref(user_id))
