"""Composition root and command line: the only place that wires the parts together.

python app.py            serve the bot (same as `python app.py serve`)
python app.py round ...  check-in rounds (open, status)
python app.py org ...    the organisation directory (import a CSV, sync from Graph, status)
python app.py roles ...  who sees the pulse: grant, revoke, list
python app.py package    the Teams app package
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from aiohttp import web
from botbuilder.core import ConversationState
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from dotenv import load_dotenv

from bot import sdk_patches
from bot.agreement_turns import AgreementTurns
from bot.checkin_turns import CheckinTurns
from bot.data_turns import DataTurns
from bot.followup_turns import FollowUpTurns
from bot.graph import GraphConfig, GraphDirectory, GraphError
from bot.handler import HomeOfficeBot, on_turn_error
from bot.help_turns import HelpTurns
from bot.inbound import InboundAuthentication
from bot.links import DownloadLinks
from bot.proactive import ConnectorSender, botbuilder_token_source, no_token
from bot.pulse_turns import PulseTurns
from bot.routes import RouteTable
from bot.scheduler import build_scheduler
from bot.settings import UNSAFE_EXPOSE, ConfigError, Settings
from bot.user_settings_turns import UserSettingsTurns
from bot.web import AccessLog, healthz, messages_endpoint
from cards.render import render
from dialogs.agreement import AgreementDialogs
from domain.agreement import Amounts, Mode
from domain.followup import Contacts, Thresholds
from domain.org import Role, RoleGrant, is_object_id, normalise_id
from domain.ratelimit import TeamsLimiter
from manifest.package import add_cli as add_package_cli
from manifest.package import run_cli as run_package_cli
from services.agreements import AgreementService, Policy
from services.checkins import CheckinService
from services.data_rights import DataRightsService
from services.delivery import DeliveryService
from services.followups import FollowUpPolicy, FollowUpService
from services.notify import Notifier
from services.org_directory import OrgDataError, OrgDirectoryService, describe
from services.people import PeopleService
from services.pulse import PulseService
from services.round_jobs import RoundJobs
from services.user_settings import UserSettingsService
from storage.agreements import AgreementRepository
from storage.bot_state import DocumentBotStorage, dialog_state_of
from storage.cosmos_store import CosmosStore
from storage.counters import ParticipationCounter
from storage.directory import DirectoryRepository
from storage.followups import FollowUpRepository
from storage.leases import LeaseStore
from storage.ledger import DeliveryLedger
from storage.personal_data import PersonalData
from storage.port import DocumentStore, StorageError
from storage.pulse import AuditLog, PulseCounters
from storage.responses import ResponseRepository
from storage.roles import RoleRepository
from storage.roster import RosterRepository
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
            settings.cosmos_endpoint,
            settings.cosmos_key or None,
            settings.cosmos_database,
            retry_budget=settings.storage_retry_budget_seconds,
        )
    return await SqliteStore.open(settings.sqlite_path)


@dataclass
class Parts:
    """The services one process needs, built once over one store."""

    store: DocumentStore
    sender: ConnectorSender
    people: PeopleService
    checkins: CheckinService
    jobs: RoundJobs
    directory: OrgDirectoryService
    agreements: AgreementService
    followups: FollowUpService
    pulse: PulseService
    data_rights: DataRightsService
    notifier: Notifier
    graph: GraphDirectory | None = None

    async def close(self) -> None:
        await self.notifier.drain()  # cards on their way still need the sender and the store
        await self.sender.close()
        if self.graph is not None:
            await self.graph.close()
        await self.store.close()


PARTS = web.AppKey("parts", Parts)


def bot_framework_config(settings: Settings) -> _BotFrameworkConfig:
    return _BotFrameworkConfig(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        # botbuilder insists on an app id for SingleTenant; local mode has none.
        APP_TYPE="MultiTenant" if settings.local_mode else settings.app_type,
        APP_TENANTID=settings.app_tenant_id,
    )


def graph_config(settings: Settings) -> GraphConfig:
    """Graph is read as the bot's own app: its secret, or its managed identity."""
    return GraphConfig(
        tenant_id=settings.app_tenant_id,
        client_id=settings.app_id,
        client_secret=settings.app_password,
        managed_identity=settings.app_type == "UserAssignedMSI",
        authority=settings.graph_authority,
        endpoint=settings.graph_endpoint,
        service_area_field=settings.graph_service_area_field,
        unit_field=settings.graph_unit_field,
    )


def build_directory(
    settings: Settings, store: DocumentStore
) -> tuple[OrgDirectoryService, GraphDirectory | None]:
    graph = GraphDirectory(graph_config(settings)) if settings.org_source == "graph" else None
    return OrgDirectoryService(DirectoryRepository(store), LeaseStore(store), graph), graph


def build_parts(settings: Settings, store: DocumentStore) -> Parts:
    rounds = RoundRepository(store)
    roster = RosterRepository(store)
    ledger = DeliveryLedger(store)
    key = settings.load_pseudonym_key()
    responses = ResponseRepository(store, key, ttl_seconds=settings.response_ttl_days * 24 * 3600)
    checkins = CheckinService(
        rounds,
        responses,
        ParticipationCounter(store),
        pseudonym_key=key,
        items=settings.checkin_items,
        timezone=settings.timezone,
        round_length=timedelta(days=settings.round_days),
    )
    token = (
        no_token if settings.local_mode else botbuilder_token_source(bot_framework_config(settings))
    )
    sender = ConnectorSender(token)
    # One limiter for every proactive send, so rounds and notifications share Teams' limits.
    limiter = TeamsLimiter()
    people = PeopleService(UserRepository(store), roster, DirectoryRepository(store))
    jobs = RoundJobs(
        rounds,
        roster,
        ledger,
        DeliveryService(roster, ledger, sender, limiter=limiter, on_blocked=people.blocked),
        checkins,
        LeaseStore(store),
        items=settings.checkin_items,
        timezone=settings.timezone,
        render=render,
        round_length=timedelta(days=settings.round_days),
        reminder_after=timedelta(days=settings.reminder_after_days),
    )
    directory, graph = build_directory(settings, store)
    # One card to one person at a time (approvals, follow-ups), through the same limiter.
    notifier = Notifier(
        roster,
        ledger,
        DeliveryService(
            roster, ledger, sender, concurrency=1, limiter=limiter, on_blocked=people.blocked
        ),
        render,
    )
    agreements = AgreementService(
        AgreementRepository(store),
        DirectoryRepository(store),
        notifier,
        LeaseStore(store),
        Policy(
            Mode(settings.home_office_mode),
            Amounts(settings.equipment_it_nok, settings.equipment_furniture_nok),
            settings.agreement_review_months,
        ),
        settings.timezone,
    )
    followups = FollowUpService(
        FollowUpRepository(store, ttl_seconds=settings.response_ttl_days * 24 * 3600),
        checkins,
        rounds,
        DirectoryRepository(store),
        notifier,
        LeaseStore(store),
        FollowUpPolicy(
            Thresholds(
                settings.followup_stress_high,
                settings.followup_stress_max,
                settings.followup_social_low,
                settings.followup_strain_high,
            ),
            timedelta(days=settings.followup_reminder_days),
            settings.anonymity_k,
            Contacts(settings.support_hr_contact, settings.support_bht_contact),
        ),
    )
    pulse = PulseService(
        PulseCounters(store),
        rounds,
        ledger,
        DirectoryRepository(store),
        RoleRepository(store),
        AuditLog(store),
        settings.checkin_items,
        settings.anonymity_k,
        settings.admins,
        settings.timezone,
        distribution_min=settings.pulse_distribution_min,
    )
    # What follows a stored check-in, in this order: the pulse counts it, the follow-up reads it.
    checkins.stored.register(pulse.record)
    checkins.stored.register(followups.checkin_stored)
    data_rights = DataRightsService(PersonalData(store, responses), rounds, key, dialog_state_of)
    return Parts(
        store,
        sender,
        people,
        checkins,
        jobs,
        directory,
        agreements,
        followups,
        pulse,
        data_rights,
        notifier,
        graph,
    )


def build_web_app(settings: Settings, store: DocumentStore) -> web.Application:
    sdk_patches.apply()
    parts = build_parts(settings, store)
    dialogs = AgreementDialogs(parts.agreements, ConversationState(DocumentBotStorage(store)))
    followups = FollowUpTurns(parts.followups)
    links = DownloadLinks(store, settings.base_url)
    pulse = PulseTurns(parts.pulse, links, settings.anonymity_k, settings.pulse_distribution_min)
    data = DataTurns(parts.data_rights, links)
    agreements = AgreementTurns(parts.agreements, dialogs, followups.open_for_team)
    help_ = HelpTurns(agreements, pulse)
    routes = RouteTable(
        [
            *help_.routes(),
            *CheckinTurns(parts.checkins, followups).routes(),
            *UserSettingsTurns(UserSettingsService(parts.people, parts.followups)).routes(),
            *agreements.routes(),
            *followups.routes(),
            *pulse.routes(),
            *data.routes(),
        ],
        unknown_command=help_.unknown,
    )
    bot = HomeOfficeBot(parts.people, routes)
    # botbuilder validates the token: a refusal is a 401; another channel than Teams, a sender
    # without an Entra id or a foreign tenant a 403 (bot/inbound.py).
    authentication = ConfigurationBotFrameworkAuthentication(bot_framework_config(settings))
    adapter = CloudAdapter(
        InboundAuthentication(
            authentication, settings.allowed_tenants, teams_only=not settings.local_mode
        )
    )
    adapter.on_turn_error = on_turn_error

    app = web.Application()
    app[PARTS] = parts
    app.router.add_post("/api/messages", messages_endpoint(adapter, bot))
    app.router.add_get("/healthz", healthz)
    app.add_routes([pulse.download_route(), data.download_route()])

    async def close_parts(_: web.Application) -> None:
        await parts.close()

    app.on_cleanup.append(close_parts)
    return app


def retention(store: DocumentStore) -> tuple[Callable[[], Awaitable[None]], ...]:
    """Cosmos DB drops expired responses itself (TTL); on SQLite a tick deletes them."""
    if not isinstance(store, SqliteStore):
        return ()

    async def purge() -> None:
        purged = await store.purge_expired()
        if purged:
            log.info("retention: deleted %d expired documents", purged)

    return (purge,)


async def serve(settings: Settings) -> None:
    store = await open_store(settings)
    app = build_web_app(settings, store)
    runner = web.AppRunner(app, access_log_class=AccessLog)
    await runner.setup()
    site = web.TCPSite(runner, host=settings.host, port=settings.port)
    await site.start()
    parts = app[PARTS]
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
            *retention(store),
        ),
    )
    scheduler.start()
    mode = "local mode, no inbound authentication" if settings.local_mode else "authenticated"
    if settings.local_mode_unsafe_expose and settings.local_mode_exposure():
        log.warning(
            "UNSAFE: %s is set, so local mode runs although it should have %s",
            UNSAFE_EXPOSE,
            settings.local_mode_exposure(),
        )
    log.info(
        "serving on http://%s:%s/api/messages (%s, storage=%s, rounds on %r in %s, "
        "organisation from %s%s)",
        settings.host,
        settings.port,
        mode,
        settings.storage,
        settings.checkin_cron,
        settings.timezone,
        settings.org_source,
        f" nightly on {settings.org_sync_cron!r}" if parts.graph is not None else " imports",
    )
    stop = asyncio.Event()
    # A container or service manager stops the host with SIGTERM: finish what is in flight
    # (a delivery settles its sends in the ledger) and close the store cleanly.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        await runner.cleanup()
        log.info("stopped")


async def round_command(settings: Settings, action: str, round_id: str | None) -> int:
    """`round open` and `round status`: the same code path as the scheduled job."""
    parts = build_parts(settings, await open_store(settings))
    try:
        if action == "open":
            status = await parts.jobs.open_round()
            if status is None:
                print("another instance is working on rounds right now (lease held); try later")
                return 1
        else:
            status = await parts.jobs.status(round_id)
            if status is None:
                print("no such round" if round_id else "no round yet")
                return 1
        print(status.report(settings.timezone))
        return 0
    finally:
        await parts.close()


async def org_command(settings: Settings, action: str, csv_file: str | None) -> int:
    """`org import`, `org sync` and `org status`: the same code as the scheduled sync."""
    path, data = "", b""
    if action == "import":
        path = csv_file or settings.org_csv
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
    store = await open_store(settings)
    directory, graph = build_directory(settings, store)
    try:
        if action == "import":
            return await _org_import(settings, directory, path, data)
        if action == "sync":
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
    finally:
        if graph is not None:
            await graph.close()
        await store.close()


async def roles_command(settings: Settings, args: argparse.Namespace) -> int:
    """`roles grant|revoke|list`: union reps, safety reps (with their service areas) and admins."""
    store = await open_store(settings)
    roles = RoleRepository(store)
    try:
        if args.roles_action == "list":
            grants = await roles.everyone()
            for person_id, grant in grants:
                scope = ", ".join(sorted(grant.scope)) or "everything"
                print(f"{person_id}  {grant.role.value}  {scope}")
            for admin in settings.admins:
                print(f"{admin}  admin  everything (ADMINS setting)")
            if not grants and not settings.admins:
                print("no roles granted")
            return 0
        person_id = normalise_id(args.person)
        if not is_object_id(person_id):
            print(f"not an Entra object id: {args.person!r}", file=sys.stderr)
            return 2
        role = Role(args.role)
        if args.roles_action == "revoke":
            removed = await roles.revoke(person_id, role)
            print(f"revoked {role.value} from {person_id}" if removed else "no such grant")
            return 0 if removed else 1
        scope = frozenset(a.strip() for a in args.scope or () if a.strip())
        if role is not Role.ADMIN and not scope:
            print(f"{role.value} needs --scope SERVICE_AREA (one or more)", file=sys.stderr)
            return 2
        if role is Role.ADMIN and scope:
            print("admin sees everything; leave out --scope", file=sys.stderr)
            return 2
        known = {p.service_area for p in await DirectoryRepository(store).everyone()}
        unknown = sorted(scope - known)
        if known and unknown:
            print(
                f"note: not a service area in the directory: {', '.join(unknown)}", file=sys.stderr
            )
        await roles.grant(person_id, RoleGrant(role, scope))
        print(
            f"granted {role.value} to {person_id}"
            + (f" for {', '.join(sorted(scope))}" if scope else "")
        )
        return 0
    finally:
        await store.close()


BUSY = "another import or sync is working on the directory right now (lease held); try later"


async def _org_import(
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="app.py", description="Home-office dialogue bot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the bot (the default)")
    rounds = commands.add_parser("round", help="check-in rounds: open one now, or show status")
    rounds.add_argument("action", choices=("open", "status"))
    rounds.add_argument("--round", dest="round_id", help="a round id (status; default: latest)")
    org = commands.add_parser(
        "org", help="the organisation directory: import an HR CSV, sync from Graph, status"
    )
    org_actions = org.add_subparsers(dest="org_action", required=True)
    org_import = org_actions.add_parser(
        "import", help="replace the directory with a CSV file (nothing changes if it has errors)"
    )
    org_import.add_argument("file", nargs="?", help="the CSV file (default: ORG_CSV)")
    org_actions.add_parser("sync", help="read the directory from Microsoft Graph now")
    org_actions.add_parser("status", help="what the directory holds, and from when")
    roles = commands.add_parser(
        "roles", help="who sees the pulse: union reps, safety reps and admins"
    )
    role_actions = roles.add_subparsers(dest="roles_action", required=True)
    granted = (Role.UNION_REP.value, Role.SAFETY_REP.value, Role.ADMIN.value)
    grant = role_actions.add_parser("grant", help="grant a role (reps need --scope)")
    grant.add_argument("person", help="the person's Entra object id")
    grant.add_argument("role", choices=granted)
    grant.add_argument(
        "--scope", action="append", metavar="SERVICE_AREA", help="a service area (repeatable)"
    )
    revoke = role_actions.add_parser("revoke", help="take a role back")
    revoke.add_argument("person", help="the person's Entra object id")
    revoke.add_argument("role", choices=granted)
    role_actions.add_parser("list", help="every granted role")
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
    # HTTP clients log request URLs and bodies at DEBUG, and ours name people (conversation and
    # member ids, partition keys): even LOG_LEVEL=DEBUG must not write those.
    for noisy in ("urllib3", "msrest.http_logger", "msal", "azure"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.root.level))
    try:
        settings = load_settings()
        if args.command in (None, "serve"):
            settings.check_servable()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    try:
        if args.command == "round":
            return asyncio.run(round_command(settings, args.action, args.round_id))
        if args.command == "roles":
            return asyncio.run(roles_command(settings, args))
        if args.command == "org":
            return asyncio.run(org_command(settings, args.org_action, getattr(args, "file", None)))
        asyncio.run(serve(settings))
    except KeyboardInterrupt:
        pass
    except StorageError as error:
        print(f"storage error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
