"""`org import`, `org sync`, `org status` (the same code as the scheduled sync), and
`org install`: the app for everyone in the directory who does not have it (services/installs.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bootstrap import bootstrap
from bot.graph import GraphError
from bot.settings import Settings
from cli import Commands
from services.installs import InstallReport, InstallService
from services.org_directory import OrgDataError, OrgDirectoryService, describe

BUSY = "another import or sync is working on the directory right now (lease held); try later"


def add_cli(commands: Commands) -> None:
    org = commands.add_parser(
        "org", help="the organisation directory: import an HR CSV, sync from Graph, status"
    )
    actions = org.add_subparsers(dest="org_action", required=True)
    csv_import = actions.add_parser(
        "import", help="replace the directory with a CSV file (nothing changes if it has errors)"
    )
    csv_import.add_argument("file", nargs="?", help="the CSV file (default: ORG_CSV)")
    actions.add_parser("sync", help="read the directory from Microsoft Graph now")
    actions.add_parser("status", help="what the directory holds, and from when")
    actions.add_parser(
        "install",
        help="install the bot through Microsoft Graph for everyone in the directory without it",
    )


async def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    action: str = args.org_action
    path, data = "", b""
    if action == "import":
        path = args.file or settings.org_csv
        if not path:
            print("name the CSV file, or set ORG_CSV", file=sys.stderr)
            return 2
        try:
            data = await asyncio.to_thread(Path(path).read_bytes)
        except OSError as error:
            print(f"cannot read {path}: {error.strerror or error}", file=sys.stderr)
            return 2
    if action in ("sync", "install") and settings.org_source != "graph":
        print(f"org {action} uses Microsoft Graph: set ORG_SOURCE=graph", file=sys.stderr)
        return 2
    async with bootstrap(settings) as parts:
        if action == "import":
            return await _import(settings, parts.directory, path, data)
        if action == "sync":
            return await _sync(parts.directory)
        if action == "install":
            assert parts.installs is not None  # ORG_SOURCE=graph
            return await _install(parts.installs)
        return await _status(settings, parts.directory)


async def _import(
    settings: Settings, directory: OrgDirectoryService, path: str, data: bytes
) -> int:
    outcome = await directory.import_csv(data)
    if outcome.errors:
        for error in outcome.errors:
            print(error)
        count = len(outcome.errors)
        print(f"{path}: {count} error{'s' if count > 1 else ''}; nothing was imported")
        return 1
    if outcome.replaced is None:
        print(BUSY)
        return 1
    replaced = outcome.replaced
    if replaced.changed:
        print(f"imported {path}: {describe(replaced)}")
    else:
        print(f"{path}: the directory holds exactly this already ({replaced.version.summary})")
    if settings.org_source == "graph":
        print(
            "note: ORG_SOURCE=graph, so the next Graph sync replaces this import", file=sys.stderr
        )
    return 0


async def _sync(directory: OrgDirectoryService) -> int:
    try:
        replaced = await directory.sync()
    except (GraphError, OrgDataError) as error:
        print(f"org sync failed, the directory is unchanged: {error}", file=sys.stderr)
        return 1
    if replaced is None:
        print(BUSY)
        return 1
    print(f"synced from Microsoft Graph: {describe(replaced)}")
    return 0


async def _status(settings: Settings, directory: OrgDirectoryService) -> int:
    current = await directory.current()
    if current is None:
        print("no organisation directory yet: python app.py org import FILE.csv")
        return 1
    local = "%d.%m.%Y %H:%M"
    print(
        f"{current.summary}\n"
        f"from {current.source}, version {current.version}\n"
        f"changed {current.updated_at.astimezone(settings.timezone).strftime(local)}, "
        f"last import or sync {current.checked_at.astimezone(settings.timezone).strftime(local)}"
    )
    return 0


async def _install(installs: InstallService) -> int:
    def progress(report: InstallReport, done: int) -> None:
        if done % 100 == 0:
            print(f"... {done} people: {_counts(report)}", file=sys.stderr)

    report = await installs.install_everyone(progress)
    for name, reason in report.failed:
        print(f"failed: {name}: {reason}")
    print(f"app installed: {_counts(report)}")
    if report.refused:
        print(f"stopped: {report.refused}", file=sys.stderr)
        return 1
    return 1 if report.failed else 0


def _counts(report: InstallReport) -> str:
    return (
        f"{report.installed} installed, {report.had_it} had it already, "
        f"{report.removed_it} removed it themselves (left alone), {len(report.failed)} failed"
    )
