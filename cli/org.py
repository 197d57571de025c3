"""`org import`, `org sync` and `org status`: the same code as the scheduled sync."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bootstrap import bootstrap
from bot.graph import GraphError
from bot.settings import Settings
from cli import Commands
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
    if action == "sync" and settings.org_source != "graph":
        print("org sync reads Microsoft Graph: set ORG_SOURCE=graph", file=sys.stderr)
        return 2
    async with bootstrap(settings) as parts:
        if action == "import":
            return await _import(settings, parts.directory, path, data)
        if action == "sync":
            return await _sync(parts.directory)
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
