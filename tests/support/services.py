"""The bot's services over the in-memory store, wired as bootstrap.py's `build_parts` wires them,
with a sender that keeps the cards instead of posting them to Teams.

Unit tests reach a use case directly through these, without the host, the adapter or a socket.
When a service's constructor changes, this is the one place in the tests to follow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.scheduler import next_fire
from bot.settings import SCHEDULE_OFF, Settings
from cards.render import render
from domain.agreement import Amounts, Mode
from domain.clock import Clock, utc_now
from domain.delivery import Recipient
from domain.followup import Contacts, Thresholds
from domain.ratelimit import TeamsLimiter
from domain.rotation import rotation
from services.agreements import AgreementService, Policy
from services.checkins import CheckinService
from services.data_rights import DataRightsService
from services.delivery import Card, DeliveryService, Sender, SendResult
from services.followups import FollowUpPolicy, FollowUpService
from services.notify import Install, Notifier
from services.org_directory import OrgDirectoryService
from services.people import PeopleService
from services.pulse import PulseService
from services.round_jobs import RoundJobs
from services.telemetry import NO_METRICS, RoundMetrics
from services.weeks import WeekService
from storage.agreements import AgreementRepository
from storage.bot_state import dialog_state_of
from storage.counters import ParticipationCounter
from storage.directory import CHECKIN_POINTER_SECONDS, DirectoryRepository
from storage.followups import FollowUpRepository
from storage.leases import LeaseStore
from storage.ledger import DeliveryLedger
from storage.personal_data import PersonalData
from storage.port import DocumentStore
from storage.pulse import AnswerTally, AuditLog, PulseCounters
from storage.responses import ResponseRepository
from storage.roles import RoleRepository
from storage.roster import RosterRepository
from storage.rounds import RoundRepository
from storage.users import UserRepository
from storage.weeks import WeekRepository
from tests.support.memory_store import InMemoryStore

OSLO = ZoneInfo("Europe/Oslo")

SETTINGS = Settings(pseudonym_key="test-pseudonym-key")


@dataclass
class RecordingSender:
    """Teams' side of a proactive send: every card is accepted and kept, per person."""

    sent: list[tuple[Recipient, Card]] = field(default_factory=list)

    async def send(self, recipient: Recipient, card: Card) -> SendResult:
        self.sent.append((recipient, card))
        return SendResult(201)

    async def create_conversation(self, recipient: Recipient) -> SendResult:
        return SendResult(201, conversation_id=f"a:chat-{recipient.user_id}")

    def cards_to(self, user_id: str) -> list[Card]:
        return [card for recipient, card in self.sent if recipient.user_id == user_id]


@dataclass
class Services:
    store: InMemoryStore
    sender: RecordingSender
    rounds: RoundRepository
    roster: RosterRepository
    roles: RoleRepository
    people: PeopleService
    checkins: CheckinService
    directory: OrgDirectoryService
    agreements: AgreementService
    followups: FollowUpService
    pulse: PulseService
    data_rights: DataRightsService
    notifier: Notifier
    weeks: WeekService

    async def reachable(self, *user_ids: str) -> None:
        """Put people on the roster, as installing the bot in Teams does."""
        for user_id in user_ids:
            await self.roster.save(
                Recipient(user_id, "tenant", "https://teams.invalid/", "bot", f"29:{user_id}")
            )


def build_services(
    settings: Settings = SETTINGS, clock: Clock = utc_now, install: Install | None = None
) -> Services:
    store = InMemoryStore()
    rounds = RoundRepository(store)
    roster = RosterRepository(store)
    ledger = DeliveryLedger(store)
    key = settings.load_pseudonym_key()
    ttl_seconds = settings.response_ttl_days * 24 * 3600
    responses = ResponseRepository(store, key, ttl_seconds=ttl_seconds)
    round_length = timedelta(days=settings.round_days)
    directory = DirectoryRepository(store)  # one per host, as bootstrap.py makes it
    checkins = CheckinService(
        rounds,
        responses,
        ParticipationCounter(store),
        pseudonym_key=key,
        tally=AnswerTally(store, key),
        directory=DirectoryRepository(store, pointer_seconds=CHECKIN_POINTER_SECONDS),
        rotation=settings.checkin_rotation,
        timezone=settings.timezone,
        clock=clock,
        round_length=round_length,
    )
    sender = RecordingSender()
    people = PeopleService(UserRepository(store), roster, directory)
    notifier = Notifier(
        roster,
        ledger,
        DeliveryService(
            roster,
            ledger,
            sender,
            concurrency=1,
            limiter=TeamsLimiter(),
            on_unreachable=people.unreachable,
        ),
        render,
        install=install,
    )
    agreements = AgreementService(
        AgreementRepository(store),
        directory,
        notifier,
        LeaseStore(store),
        Policy(
            Mode(settings.home_office_mode),
            Amounts(
                settings.equipment_it_nok,
                settings.equipment_furniture_nok,
                settings.equipment_prices,
            ),
            settings.agreement_review_months,
        ),
        settings.timezone,
        clock=clock,
        team_days=WeekRepository(store).team_days,
    )
    weeks = WeekService(
        WeekRepository(store),
        DirectoryRepository(store),
        agreements.approved_extent,
        roster,
        DeliveryService(roster, ledger, sender, limiter=TeamsLimiter()),
        LeaseStore(store),
        render,
        settings.timezone,
        clock=clock,
        schedule=next_fire(settings.week_card_cron, settings.timezone),
    )
    agreements.arrangement_events.register(weeks.arrangement_changed)
    followups = FollowUpService(
        FollowUpRepository(store, ttl_seconds=ttl_seconds),
        checkins,
        rounds,
        directory,
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
        clock=clock,
        tally=AnswerTally(store, key),
    )
    roles = RoleRepository(store)
    pulse = PulseService(
        PulseCounters(store),
        rounds,
        ledger,
        directory,
        roles,
        AuditLog(store),
        settings.checkin_items,
        settings.anonymity_k,
        settings.admins,
        settings.timezone,
        clock=clock,
        distribution_min=settings.pulse_distribution_min,
        tally=AnswerTally(store, key),
        participation=ParticipationCounter(store),
    )
    # A check-in is counted into its leader's team as it is stored; the follow-up reads it after.
    checkins.teams.register(followups.team_answer)
    checkins.stored.register(followups.checkin_stored)
    people.reachable.register(agreements.reachable)
    return Services(
        store=store,
        sender=sender,
        rounds=rounds,
        roster=roster,
        roles=roles,
        people=people,
        checkins=checkins,
        directory=OrgDirectoryService(directory, LeaseStore(store), None),
        agreements=agreements,
        followups=followups,
        pulse=pulse,
        data_rights=DataRightsService(
            PersonalData(store, responses, AnswerTally(store, key)), rounds, key, dialog_state_of
        ),
        notifier=notifier,
        weeks=weeks,
    )


def round_jobs_over(
    store: DocumentStore,
    sender: Sender,
    clock: Clock,
    holder: str | None = None,
    round_days: int = 7,
    cron: str = SCHEDULE_OFF,
    metrics: RoundMetrics = NO_METRICS,
) -> tuple[RoundJobs, CheckinService]:
    """One host's round jobs over `store`, and the check-ins they open rounds for, as
    bootstrap.py wires them (a fixed test key; `holder` names the host in the leases)."""
    rounds, roster, ledger = RoundRepository(store), RosterRepository(store), DeliveryLedger(store)
    length = timedelta(days=round_days)
    checkins = CheckinService(
        rounds,
        ResponseRepository(store, b"key"),
        ParticipationCounter(store),
        b"key",
        rotation(),
        OSLO,
        clock,
        tally=AnswerTally(store, b"key"),
        round_length=length,
    )
    jobs = RoundJobs(
        rounds,
        roster,
        ledger,
        DeliveryService(roster, ledger, sender, holder=holder),
        checkins,
        LeaseStore(store, clock),
        rotation(),
        OSLO,
        render,
        clock,
        round_length=length,
        reminder_after=timedelta(days=2),
        schedule=next_fire(cron, OSLO),
        metrics=metrics,
    )
    return jobs, checkins
