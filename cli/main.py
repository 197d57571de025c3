"""The root of the command line: parse, set up logging and settings, run one command.

python app.py            serve the bot (same as `python app.py serve`)
python app.py round ...  check-in rounds (open, status, resend-failed)
python app.py week send  the week plan's Monday card now (or finish a send)
python app.py coffee ... kaffeprat: pair a round now, show the last one
python app.py roster ... people marked unreachable: revive
python app.py org ...    the organisation directory (import a CSV, sync from Graph, status)
python app.py roles ...  who sees the pulse: grant, revoke, list
python app.py key ...    the pseudonym key: check it against the store, rotate it
python app.py package    the Teams app package
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from dotenv import load_dotenv

from bot.settings import ConfigError, Settings
from cli import coffee, keys, org, package, roles, roster, rounds, serve, week
from storage.keys import KeyMismatch
from storage.port import StorageError

Command = Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int]]
COMMANDS: dict[str, Command] = {
    "round": rounds.run_cli,
    "org": org.run_cli,
    "roles": roles.run_cli,
    "roster": roster.run_cli,
    "key": keys.run_cli,
    "week": week.run_cli,
    "coffee": coffee.run_cli,
}


def load_settings() -> Settings:
    load_dotenv(".env", override=False)
    return Settings.from_env(os.environ)


def configure_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # msrest warns about every Teams field botbuilder has no model for, on every turn.
    logging.getLogger("msrest.serialization").setLevel(logging.ERROR)
    # HTTP clients log request URLs and bodies at DEBUG, and ours name people (conversation and
    # member ids, partition keys): even LOG_LEVEL=DEBUG must not write those.
    for noisy in ("urllib3", "msrest.http_logger", "msal", "azure"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.root.level))


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="app.py", description="Home-office dialogue bot")
    commands = root.add_subparsers(dest="command")
    for group in (serve, rounds, week, coffee, org, roles, roster, keys, package):
        group.add_cli(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "package":
        # Packaging needs the app id but no secrets, so it does not insist on full settings.
        load_dotenv(".env", override=False)
        return package.run_cli(args)
    configure_logging()
    try:
        settings = load_settings()
        if args.command in (None, "serve"):
            settings.check_servable()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    try:
        if args.command in COMMANDS:
            return asyncio.run(COMMANDS[args.command](settings, args))
        asyncio.run(serve.serve(settings))
    except KeyboardInterrupt:
        pass
    except (ConfigError, KeyMismatch) as error:
        # Found once the command knows what it does (it sends) or the store is open (its key).
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    except StorageError as error:
        print(f"storage error: {error}", file=sys.stderr)
        return 2
    return 0
