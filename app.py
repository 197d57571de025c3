"""Composition root and command line: the only place that wires the parts together.

python app.py            serve the bot (same as `python app.py serve`)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from dataclasses import dataclass

from aiohttp import web
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from dotenv import load_dotenv

from bot import sdk_patches
from bot.handler import HomeOfficeBot, on_turn_error
from bot.settings import ConfigError, Settings
from bot.web import healthz, messages_endpoint
from manifest.package import add_cli as add_package_cli
from manifest.package import run_cli as run_package_cli
from services.checkins import CheckinService
from services.people import PeopleService
from storage.cosmos_store import CosmosStore
from storage.port import DocumentStore, StorageError
from storage.responses import ResponseRepository
from storage.rounds import RoundRepository
from storage.sqlite_store import SqliteStore
from storage.users import UserRepository

log = logging.getLogger("homeoffice")


@dataclass(frozen=True)
class _BotFrameworkConfig:
    """The attribute names botbuilder's configuration classes read."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


def load_settings() -> Settings:
    load_dotenv(".env", override=False)
    return Settings.from_env(os.environ)


async def open_store(settings: Settings) -> DocumentStore:
    if settings.storage == "cosmos":
        return await CosmosStore.open(
            settings.cosmos_endpoint, settings.cosmos_key or None, settings.cosmos_database
        )
    return await SqliteStore.open(settings.sqlite_path)


def build_web_app(settings: Settings, store: DocumentStore) -> web.Application:
    sdk_patches.apply()
    people = PeopleService(UserRepository(store))
    checkins = CheckinService(
        RoundRepository(store),
        ResponseRepository(store, ttl_seconds=settings.response_ttl_days * 24 * 3600),
        pseudonym_key=settings.load_pseudonym_key(),
        items=settings.checkin_items,
        timezone=settings.timezone,
    )
    bot = HomeOfficeBot(people, checkins)
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(
            _BotFrameworkConfig(
                APP_ID=settings.app_id,
                APP_PASSWORD=settings.app_password,
                # botbuilder insists on an app id for SingleTenant; local mode has none.
                APP_TYPE="MultiTenant" if settings.local_mode else settings.app_type,
                APP_TENANTID=settings.app_tenant_id,
            )
        )
    )
    adapter.on_turn_error = on_turn_error

    app = web.Application()
    app.router.add_post("/api/messages", messages_endpoint(adapter, bot))
    app.router.add_get("/healthz", healthz)

    async def close_store(_: web.Application) -> None:
        await store.close()

    app.on_cleanup.append(close_store)
    return app


async def serve(settings: Settings) -> None:
    store = await open_store(settings)
    app = build_web_app(settings, store)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host=settings.host, port=settings.port)
    await site.start()
    mode = "local mode, no inbound authentication" if settings.local_mode else "authenticated"
    log.info(
        "serving on http://%s:%s/api/messages (%s, storage=%s)",
        settings.host,
        settings.port,
        mode,
        settings.storage,
    )
    stop = asyncio.Event()
    # A container or service manager stops the host with SIGTERM: close the store cleanly.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        log.info("stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="app.py", description="Home-office dialogue bot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the bot (the default)")
    add_package_cli(commands)
    args = parser.parse_args(argv)
    if args.command == "package":
        # Packaging needs the app id but no secrets, so it does not insist on full settings.
        load_dotenv(".env", override=False)
        return run_package_cli(args)
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # msrest warns about every Teams field botbuilder has no model for, on every turn.
    logging.getLogger("msrest.serialization").setLevel(logging.ERROR)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    if args.command in (None, "serve"):
        try:
            asyncio.run(serve(settings))
        except KeyboardInterrupt:
            pass
        except StorageError as error:
            print(f"storage error: {error}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
