"""Composition root: the only place that builds the parts and wires them together.

    async with bootstrap(settings) as parts:
        ...

opens the store, builds every service once over it and closes them in order on the way out.
The web host adds the bot's side on top with `build_turns`. Tests and benchmarks that bring
their own store call `build_parts` and close the parts themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from botbuilder.core import ConversationState
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)

from bot import sdk_patches
from bot.agreement_pdf_turns import AgreementPdfTurns
from bot.agreement_turns import AgreementTurns
from bot.checkin_turns import CheckinTurns
from bot.coffee_turns import CoffeeTurns
from bot.data_turns import DataTurns
from bot.followup_turns import FollowUpTurns
from bot.graph import GraphClient, GraphConfig, GraphDirectory
from bot.graph_install import GraphInstaller
from bot.handler import HomeOfficeBot, on_turn_error
from bot.help_turns import HelpTurns
from bot.inbound import InboundAuthentication
from bot.links import DownloadLinks
from bot.proactive import ConnectorSender, botbuilder_token_source, no_token
from bot.pulse_turns import PulseTurns
from bot.routes import RouteTable
from bot.scheduler import next_fire
from bot.settings import Settings
from bot.telemetry import OFF, OtelRoundMetrics, Telemetry, TracedStore
from bot.user_settings_turns import UserSettingsTurns
from bot.week_turns import WeekTurns
from cards.render import render
from dialogs.agreement import AgreementDialogs
from domain.agreement import Amounts, Mode
from domain.events import CheckinStored
from domain.followup import Contacts, Thresholds
from domain.ratelimit import TeamsLimiter
from services.agreements import AgreementService, Policy
from services.checkins import CheckinService
from services.coffee import CoffeeService, WeekPlanOfficeDays
from services.data_rights import DataRightsService
from services.delivery import CONCURRENCY, DeliveryService
from services.ergonomics import ErgonomicsService
from services.followups import FollowUpPolicy, FollowUpService
from services.installs import InstallService
from services.notify import Notifier
from services.org_directory import OrgDirectoryService
from services.people import PeopleService
from services.pulse import PulseService
from services.roles import RoleService
from services.round_jobs import RoundJobs
from services.user_settings import UserSettingsService
from services.weeks import WeekService
from services.written_agreement import WrittenAgreements
from storage.agreements import AgreementRepository
from storage.bot_state import DocumentBotStorage, dialog_state_of
from storage.coffee import CoffeeRepository
from storage.cosmos_store import CosmosStore
from storage.counters import ParticipationCounter
from storage.directory import CHECKIN_POINTER_SECONDS, DirectoryRepository
from storage.ergonomics import ErgonomicsCounts
from storage.followups import FollowUpRepository
from storage.installs import InstallMarks
from storage.keys import KeyFingerprint
from storage.leases import LeaseStore
from storage.ledger import DeliveryLedger
from storage.personal_data import PersonalData
from storage.port import DocumentStore
from storage.pulse import AnswerTally, AuditLog, PulseCounters
from storage.responses import ResponseRepository
from storage.roles import RoleRepository
from storage.roster import RosterRepository
from storage.rounds import RoundRepository
from storage.sqlite_store import SqliteStore
from storage.users import UserRepository
from storage.weeks import WeekRepository


@dataclass(frozen=True)
class BotFrameworkConfig:
    """The attribute names botbuilder's configuration classes read."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


def bot_framework_config(settings: Settings) -> BotFrameworkConfig:
    return BotFrameworkConfig(
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
    roles: RoleService
    notifier: Notifier
    weeks: WeekService
    coffee: CoffeeService
    graph: GraphClient | None = None
    # The app installs itself through Graph (`org install`, and for waiting leaders).
    installs: InstallService | None = None
    telemetry: Telemetry = OFF

    async def close(self) -> None:
        await self.checkins.drain()  # stored answers being counted; they may notify
        await self.notifier.drain()  # cards on their way still need the sender and the store
        await self.sender.close()
        if self.graph is not None:
            await self.graph.close()
        await self.store.close()


def build_parts(settings: Settings, store: DocumentStore, telemetry: Telemetry = OFF) -> Parts:
    if telemetry.enabled:
        store = TracedStore(store, telemetry.tracer)
    metrics = OtelRoundMetrics(telemetry.meter)
    rounds = RoundRepository(store)
    roster = RosterRepository(store)
    ledger = DeliveryLedger(store)
    org = DirectoryRepository(store)
    roles = RoleRepository(store)
    leases = LeaseStore(store, duration=timedelta(seconds=settings.lease_seconds))
    key = settings.load_pseudonym_key()
    schedule = next_fire(settings.checkin_cron, settings.timezone)
    responses = ResponseRepository(store, key, ttl_seconds=settings.response_ttl_days * 24 * 3600)
    checkins = CheckinService(
        rounds,
        responses,
        ParticipationCounter(store),
        pseudonym_key=key,
        tally=AnswerTally(store, key),
        # Its own copy, whose pointer may lag an import by seconds: a check-in only counts.
        directory=DirectoryRepository(store, pointer_seconds=CHECKIN_POINTER_SECONDS),
        rotation=settings.checkin_rotation,
        timezone=settings.timezone,
        round_length=timedelta(days=settings.round_days),
        next_scheduled=schedule,
    )
    token = (
        no_token if settings.local_mode else botbuilder_token_source(bot_framework_config(settings))
    )
    sender = ConnectorSender(token)
    # One limiter for every proactive send, so rounds and notifications share Teams' limits.
    limiter = TeamsLimiter()
    people = PeopleService(UserRepository(store), roster, org)

    def delivery(concurrency: int = CONCURRENCY) -> DeliveryService:
        """Each sending job's own instance (a delivery counts its own requests) of one
        delivery: the same ledger, limiter and breaker."""
        return DeliveryService(
            roster,
            ledger,
            sender,
            concurrency=concurrency,
            limiter=limiter,
            on_unreachable=people.unreachable,
            metrics=metrics,
        )

    jobs = RoundJobs(
        rounds,
        roster,
        ledger,
        delivery(),
        checkins,
        leases,
        rotation=settings.checkin_rotation,
        timezone=settings.timezone,
        render=render,
        round_length=timedelta(days=settings.round_days),
        reminder_after=timedelta(days=settings.reminder_after_days),
        schedule=schedule,
        metrics=metrics,
    )
    graph = GraphClient(graph_config(settings)) if settings.org_source == "graph" else None
    directory = OrgDirectoryService(
        org,
        leases,
        GraphDirectory(graph.config, client=graph) if graph else None,
        schedule=next_fire(settings.org_sync_cron, settings.timezone),
        metrics=metrics,
    )
    installs = (
        InstallService(
            GraphInstaller(graph, settings.app_id, settings.teams_app_catalog_id),
            roster,
            org,
            InstallMarks(store),
        )
        if graph
        else None
    )
    # A card that waits for a leader who cannot be reached asks for an install (README).
    auto_install = installs.request if installs and settings.auto_install_for_leaders else None
    # One card to one person at a time (approvals, follow-ups), through the same limiter.
    notifier = Notifier(
        roster,
        ledger,
        delivery(concurrency=1),
        render,
        install=auto_install,
    )
    week_plans = WeekRepository(store)
    agreements = AgreementService(
        AgreementRepository(store),
        org,
        notifier,
        leases,
        Policy(
            Mode(settings.home_office_mode),
            Amounts(
                settings.equipment_it_nok,
                settings.equipment_furniture_nok,
                settings.equipment_prices,
            ),
            settings.agreement_review_months,
            settings.agreement_terms,
            settings.agreement_end_reminder_days,
        ),
        settings.timezone,
        team_days=week_plans.team_days,
    )
    followups = FollowUpService(
        FollowUpRepository(store, ttl_seconds=settings.response_ttl_days * 24 * 3600),
        checkins,
        rounds,
        org,
        notifier,
        leases,
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
        tally=AnswerTally(store, key),
    )
    pulse = PulseService(
        PulseCounters(store),
        rounds,
        ledger,
        org,
        roles,
        AuditLog(store),
        settings.checkin_items,
        settings.anonymity_k,
        settings.admins,
        settings.timezone,
        distribution_min=settings.pulse_distribution_min,
        tally=AnswerTally(store, key),
        participation=ParticipationCounter(store),
    )
    # A check-in is counted into its leader's team as it is stored; the follow-up reads it after.
    checkins.teams.register(followups.team_answer)
    checkins.stored.register(followups.checkin_stored)
    # What waited for someone the bot could not reach goes out once Teams announces the install.
    people.reachable.register(agreements.reachable)
    people.reachable.register(followups.reachable)

    async def answered(_: CheckinStored) -> None:
        metrics.answered()

    checkins.stored.register(answered)
    weeks = WeekService(
        week_plans,
        org,
        agreements.approved_extent,
        roster,
        delivery(),
        leases,
        render,
        settings.timezone,
        schedule=next_fire(settings.week_card_cron, settings.timezone),
    )
    agreements.arrangement_events.register(weeks.arrangement_changed)
    # Kaffeprat's cards go out like a round's: its own ledger entries, the shared limiter.
    coffee_repo = CoffeeRepository(store, coffee_history_seconds(settings))
    coffee = CoffeeService(
        coffee_repo,
        org,
        roster,
        ledger,
        delivery(),
        leases,
        WeekPlanOfficeDays(weeks),
        PulseCounters(store),
        AuditLog(store),
        pulse.scope_of,
        render,
        settings.timezone,
        settings.anonymity_k,
        no_repeat=settings.coffee_no_repeat_rounds,
        schedule=next_fire(settings.coffee_cron, settings.timezone),
    )
    data_rights = DataRightsService(
        PersonalData(store, responses, AnswerTally(store, key)),
        rounds,
        key,
        dialog_state_of,
        coffee_repo,
    )
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
        RoleService(roles, org),
        notifier,
        weeks,
        coffee,
        graph,
        installs,
        telemetry,
    )


def coffee_history_seconds(settings: Settings) -> int:
    """How long who met whom is kept: as long as the pairing looks back, with a weekly
    schedule and room for a monthly one, and the check-back."""
    return (settings.coffee_no_repeat_rounds + 2) * 31 * 24 * 3600


@asynccontextmanager
async def bootstrap(settings: Settings, telemetry: Telemetry = OFF) -> AsyncIterator[Parts]:
    """The parts over the configured store, closed on the way out, also after an error."""
    store = await open_store(settings)
    try:
        # Before anything reads or files a pseudonym: a changed key would split everyone's data.
        await KeyFingerprint(store).require(settings.load_pseudonym_key())
        parts = build_parts(settings, store, telemetry)
    except BaseException:
        await store.close()
        raise
    try:
        yield parts
    finally:
        await parts.close()


@dataclass(frozen=True)
class Turns:
    """The bot's side over the parts: what the web host routes requests to."""

    adapter: CloudAdapter
    bot: HomeOfficeBot
    pulse: PulseTurns
    data: DataTurns
    agreement_pdf: AgreementPdfTurns
    week: WeekTurns


def build_turns(settings: Settings, parts: Parts) -> Turns:
    sdk_patches.apply()
    dialogs = AgreementDialogs(parts.agreements, ConversationState(DocumentBotStorage(parts.store)))
    followups = FollowUpTurns(parts.followups)
    links = DownloadLinks(parts.store, settings.base_url)
    ergonomics = ErgonomicsService(
        AgreementRepository(parts.store),
        DirectoryRepository(parts.store),
        RoleRepository(parts.store),
        ErgonomicsCounts(parts.store),
        AuditLog(parts.store),
        settings.anonymity_k,
        settings.admins,
        settings.timezone,
    )
    coffee = CoffeeTurns(parts.coffee, settings.anonymity_k, settings.followup_social_low)
    pulse = PulseTurns(
        parts.pulse,
        links,
        settings.anonymity_k,
        settings.pulse_distribution_min,
        ergonomics,
        also=coffee.pulse_cards,
    )
    data = DataTurns(parts.data_rights, links)
    agreements = AgreementTurns(
        parts.agreements, dialogs, followups.open_for_team, parts.weeks.team_settings
    )
    written = WrittenAgreements(
        parts.agreements, AgreementRepository(parts.store), DirectoryRepository(parts.store)
    )
    agreement_pdf = AgreementPdfTurns(
        written, parts.agreements, links, Path(settings.agreement_pdf_font_dir)
    )
    week = WeekTurns(parts.weeks, links)
    help_ = HelpTurns(agreements, pulse)
    routes = RouteTable(
        [
            *help_.routes(),
            *CheckinTurns(parts.checkins, followups, coffee.receipt_lines).routes(),
            *UserSettingsTurns(
                UserSettingsService(parts.people, parts.followups, parts.weeks),
                coffee.settings_lines,
            ).routes(),
            *coffee.routes(),
            *agreements.routes(),
            *agreement_pdf.routes(),
            *followups.routes(),
            *pulse.routes(),
            *data.routes(),
            *week.routes(),
        ],
        unknown_command=help_.unknown,
    )
    bot = HomeOfficeBot(
        parts.people,
        routes,
        help_.greet,
        settings.turn_budget_seconds,
        tracer=parts.telemetry.tracer,
    )
    # botbuilder validates the token: a refusal is a 401; another channel than Teams, a sender
    # without an Entra id or a foreign tenant a 403 (bot/inbound.py).
    authentication = ConfigurationBotFrameworkAuthentication(bot_framework_config(settings))
    adapter = CloudAdapter(
        InboundAuthentication(
            authentication, settings.allowed_tenants, teams_only=not settings.local_mode
        )
    )
    adapter.on_turn_error = on_turn_error
    return Turns(adapter, bot, pulse, data, agreement_pdf, week)
