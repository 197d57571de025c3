"""`serve` (the default): the web host, the scheduler, and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web

from bootstrap import Parts, bootstrap, build_parts, build_turns
from bot.scheduler import build_scheduler
from bot.settings import UNSAFE_EXPOSE, Settings, missing_fonts
from bot.telemetry import OFF, Telemetry, TracedStore, configure
from bot.web import AccessLog, healthz, messages_endpoint
from cli import Commands
from cli.memory import pin_mmap_threshold
from storage.port import DocumentStore
from storage.sqlite_store import SqliteStore

log = logging.getLogger("homeoffice")

PARTS = web.AppKey("parts", Parts)


def add_cli(commands: Commands) -> None:
    commands.add_parser("serve", help="serve the bot (the default)")


def web_app(settings: Settings, parts: Parts) -> web.Application:
    """The routes over the parts; whoever built the parts closes them."""
    turns = build_turns(settings, parts)
    app = web.Application()
    app[PARTS] = parts
    app.router.add_post("/api/messages", messages_endpoint(turns.adapter, turns.bot))
    app.router.add_get("/healthz", healthz)
    app.add_routes(
        [
            turns.pulse.download_route(),
            turns.data.download_route(),
            turns.agreement_pdf.download_route(),
            turns.week.download_route(),
        ]
    )
    return app


def build_web_app(
    settings: Settings, store: DocumentStore, telemetry: Telemetry = OFF
) -> web.Application:
    """The web app over parts built on `store`, which close with the app (tests host it so)."""
    parts = build_parts(settings, store, telemetry)
    app = web_app(settings, parts)

    async def close_parts(_: web.Application) -> None:
        await parts.close()

    app.on_cleanup.append(close_parts)
    return app


def retention(store: DocumentStore) -> tuple[Callable[[], Awaitable[None]], ...]:
    """Cosmos DB drops expired responses itself (TTL); on SQLite a tick deletes them."""
    if isinstance(store, TracedStore):
        store = store.inner
    if not isinstance(store, SqliteStore):
        return ()

    async def purge() -> None:
        purged = await store.purge_expired()
        if purged:
            log.info("retention: deleted %d expired documents", purged)

    return (purge,)


async def serve(settings: Settings) -> None:
    pin_mmap_threshold()
    # The host exports, and of the commands only those that send (cli/rounds.py).
    async with bootstrap(settings, configure()) as parts:
        runner = web.AppRunner(web_app(settings, parts), access_log_class=AccessLog)
        await runner.setup()
        site = web.TCPSite(runner, host=settings.host, port=settings.port)
        await site.start()
        scheduler = build_scheduler(
            parts.jobs,
            settings.checkin_cron,
            settings.timezone,
            settings.scheduler_tick_seconds,
            org_sync=parts.directory.scheduled_sync if parts.graph is not None else None,
            org_sync_cron=settings.org_sync_cron,
            ticks=(
                parts.agreements.scheduled_tick,
                parts.followups.scheduled_tick,
                parts.pulse.scheduled_tick,
                *retention(parts.store),
            ),
            timed=(
                ("week-card", settings.week_card_cron, parts.weeks.scheduled_tick),
                ("coffee", settings.coffee_cron, parts.coffee.tick),
            ),
        )
        if settings.scheduler:
            scheduler.start()
        _log_serving(settings, parts)
        stop = asyncio.Event()
        # A container or service manager stops the host with SIGTERM: finish what is in flight
        # (a delivery settles its sends in the ledger) and close the store cleanly.
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        try:
            await stop.wait()
        finally:
            # The jobs first: a delivery's sends in flight settle while the store is open.
            await scheduler.stop()
            await runner.cleanup()
            log.info("stopped")


def _log_serving(settings: Settings, parts: Parts) -> None:
    mode = "local mode, no inbound authentication" if settings.local_mode else "authenticated"
    if settings.local_mode_unsafe_expose and settings.local_mode_exposure():
        log.warning(
            "UNSAFE: %s is set, so local mode runs although it should have %s",
            UNSAFE_EXPOSE,
            settings.local_mode_exposure(),
        )
    if missing_fonts(settings.agreement_pdf_font_dir):
        log.warning(
            "no DejaVu Sans in %s: the written agreement cannot be made into a PDF here "
            "(apt-get install fonts-dejavu-core, or set AGREEMENT_PDF_FONT_DIR)",
            settings.agreement_pdf_font_dir,
        )
    log.info(
        "serving on http://%s:%s/api/messages (%s, storage=%s, rounds on %r in %s, "
        "organisation from %s%s%s)",
        settings.host,
        settings.port,
        mode,
        settings.storage,
        settings.checkin_cron,
        settings.timezone,
        settings.org_source,
        f" nightly on {settings.org_sync_cron!r}" if parts.graph is not None else " imports",
        "" if settings.scheduler else "; SCHEDULER=off: no scheduled job runs here",
    )
