"""`package`: the Teams app package (manifest/package.py builds it)."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass

from cli import Commands
from manifest.package import HasAppId, PackageError, build_package, example_pages


@dataclass(frozen=True)
class _AppId:
    app_id: str


def add_cli(commands: Commands) -> None:
    parser = commands.add_parser("package", help="build the Teams app package (a zip)")
    parser.add_argument("--app-id", help="bot app id (GUID); default: MicrosoftAppId")
    parser.add_argument(
        "--domain", help="the bot's host name for validDomains; default: BOT_DOMAIN"
    )
    parser.add_argument("--out", default="appPackage.zip", help="zip to write (appPackage.zip)")


def run_cli(args: argparse.Namespace, settings: HasAppId | None = None) -> int:
    """Build the package; 0 on success, 2 with a message if not.

    Without `settings` the app id is MicrosoftAppId from the environment: packaging needs no
    secret, so it should not go through `Settings.from_env`, which insists on the password.
    """
    # MicrosoftAppId is Bot Framework's spelling of the variable, not ours to change.
    app_id = settings.app_id if settings else os.environ.get("MicrosoftAppId", "")  # noqa: SIM112
    try:
        out = build_package(_AppId(app_id), args.out, app_id=args.app_id, domain=args.domain)
    except PackageError as error:
        print(f"package error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    unset = example_pages()
    if unset:
        print(f"note: {', '.join(unset)} not set; the package links to example.com pages")
    return 0
