"""Follow-up prompts to leaders for staff who struggle, only with the employee's consent.

Every submitted check-in is run through the rules. What fired and was shared opens a follow-up
(or adds to the one still open) and the leader gets one card; what fired and was not shared goes
nowhere but back to the employee, as self-help and a way to ask the leader after all. Whoever
reads or acts on a follow-up is checked against the directory as it is now: the employee's own
current leader, and nobody else.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.checkin import CheckinAnswers
from domain.clock import Clock, utc_now
from domain.events import CheckinStored
from domain.followup import (
    Action,
    AlreadyAsked,
    CheckinFollowUp,
    Contacts,
    Event,
    FollowUp,
    LeaderOutcome,
    NoLeader,
    NoSuchRound,
    Prompted,
    PromptWaiting,
    ReceiptFollowUp,
    SelfHelp,
    Shared,
    Signal,
    StandingConsent,
    Thresholds,
    Unchecked,
    Why,
    may_fire_twice,
    needs_self_help,
    prompt_due,
    reminder_due,
    shared,
    signals,
    still_shared,
    team_counts,
    team_signal,
)
from domain.logref import ref
from domain.messages import FollowUpPrompt, TeamSignal
from domain.org import Person, normalise_id
from domain.pulse import Counted
from domain.rounds import Round
from services.checkins import CheckinService
from services.leasing import run_leased
from services.notify import Notifications
from storage.directory import DirectoryRepository
from storage.followups import FollowUpRepository
from storage.leases import LeaseStore
from storage.port import Conflict, PreconditionFailed, StorageError
from storage.pulse import AnswerTally, TeamAnswer
from storage.rounds import RoundRepository

log = logging.getLogger(__name__)

LEASE = "followups"
_ATTEMPTS = 5


class NotYours(Exception):
    """Someone other than the employee's current leader asked for a follow-up."""


@dataclass(frozen=True)
class FollowUpPolicy:
    thresholds: Thresholds
    reminder_after: timedelta
    anonymity_k: int
    contacts: Contacts


class FollowUpService:
    def __init__(
        self,
        followups: FollowUpRepository,
        checkins: CheckinService,
        rounds: RoundRepository,
        directory: DirectoryRepository,
        notifier: Notifications,
        leases: LeaseStore,
        policy: FollowUpPolicy,
        clock: Clock = utc_now,
        tally: AnswerTally | None = None,
    ) -> None:
        self._followups = followups
        self._tally = tally
        self._checkins = checkins
        self._rounds = rounds
        self._directory = directory
        self._notifier = notifier
        self._leases = leases
        self.policy = policy
        self._clock = clock
        self._holder = uuid.uuid4().hex[:12]

    # -- the employee's side --------------------------------------------------------------------

    async def checkin_stored(self, stored: CheckinStored) -> ReceiptFollowUp:
        """Run once, on the submit that stored the answers. The answer is stored already: a
        failure here must not undo that, so it offers the way to ask again instead."""
        try:
            return await self.after_checkin(stored.user_id, stored.round, stored.answers)
        except StorageError:
            log.exception("follow-up rules failed after a stored check-in")
            return Unchecked(stored.round.id)

    async def team_answer(self, counted: Counted) -> TeamAnswer | None:
        """The team an answer counts into, written with the answer (services/checkins.py):
        the person's leader, if they lead k or more, else none (a small team's count would be
        a person's answer)."""
        leader = counted.leader
        if not leader or await self._directory.team_size(leader) < self.policy.anonymity_k:
            return None
        high = counted.scores.get("stress", 0) >= self.policy.thresholds.stress_high
        return TeamAnswer(leader, high, self._followups.team_ttl)

    async def after_checkin(
        self, user_id: str, round_: Round, answers: CheckinAnswers
    ) -> CheckinFollowUp:
        # Only what could fire twice in a row needs the round before: most answers read nothing.
        previous = (
            await self._checkins.answers_before(user_id, round_)
            if may_fire_twice(answers, self.policy.thresholds)
            else None
        )
        fired = signals(answers, previous, self.policy.thresholds)
        self_help = needs_self_help(answers, self.policy.thresholds)
        if not fired and not self_help:
            return None
        share = shared(fired, answers.contact_me, await self._followups.consent(user_id))
        if share:
            leader = await self._ask_leader(user_id, round_.id, share)
            why = Why.TICKED if answers.contact_me else Why.STANDING
            return Shared(leader, why, self_help)
        return SelfHelp(round_.id)

    async def ask_leader(self, user_id: str, round_id: str) -> LeaderOutcome | NoSuchRound:
        """ "Ask my leader to contact me": the employee's own consent, for this one request —
        pressed under a receipt or on the answered round's card, or ticked on a card whose
        answers were refused (a round answered already, or closed). The leader hears of the
        wish and of what the round's answers, if any, fired."""
        round_ = await self._rounds.get(round_id)
        if round_ is None:
            return NoSuchRound()
        answers = await self._checkins.answers_of(user_id, round_id)
        fired: frozenset[Signal] = frozenset()
        if answers is not None:
            previous = await self._checkins.answers_before(user_id, round_)
            fired = signals(answers, previous, self.policy.thresholds)
        return await self._ask_leader(user_id, round_id, shared(fired, True, StandingConsent()))

    async def consent(self, user_id: str) -> StandingConsent:
        return await self._followups.consent(user_id)

    async def save_consent(self, user_id: str, kinds: frozenset[str]) -> StandingConsent:
        consent = StandingConsent(kinds, self._clock())
        await self._followups.save_consent(user_id, consent)
        await self._narrow_waiting(normalise_id(user_id), consent)
        return consent

    async def _narrow_waiting(self, employee_id: str, consent: StandingConsent) -> None:
        """A consent withdrawn while its follow-up still waits for the leader: what it shared
        has not reached anyone, so it never will (GDPR art. 7(3))."""
        for _ in range(_ATTEMPTS):
            found = await self._followups.open_for(employee_id)
            if found is None:
                return
            current, etag = found
            keep = still_shared(current, consent)
            if keep == current.signals:
                return
            now = self._clock()
            narrowed = replace(current, signals=keep)
            if not keep:
                narrowed = narrowed.with_event(Event(now, Action.WITHDRAWN, employee_id))
            try:
                await self._followups.replace(narrowed, etag)
            except PreconditionFailed:
                continue
            return
        raise RuntimeError(f"the follow-up of {ref(employee_id)} kept changing")

    async def _ask_leader(
        self, user_id: str, round_id: str, share: frozenset[Signal]
    ) -> LeaderOutcome:
        employee = await self._directory.person(normalise_id(user_id))
        leader = (
            await self._directory.person(employee.manager_id)
            if employee and employee.manager_id
            else None
        )
        if employee is None or leader is None:
            return NoLeader()
        followup, kind = await self._open_or_extend(employee, leader, round_id, share)
        if kind is None:
            return AlreadyAsked(leader.name)
        if await self._prompt(followup, employee, kind):
            return Prompted(leader.name)
        log.warning("leader %s of a follow-up cannot be reached yet: it waits", ref(leader.id))
        return PromptWaiting(leader.name)

    async def _open_or_extend(
        self, employee: Person, leader: Person, round_id: str, share: frozenset[Signal]
    ) -> tuple[FollowUp, str | None]:
        """One open follow-up per employee: later signals join it instead of a second card.
        With it, the card the leader is due (a ledger kind), or None when they have it all:
        the first card ("prompt", again while it waits for the leader to be reachable — the
        ledger sends it once), or a second one ("contact") when the employee asks for contact
        after the leader's card about signals went out: a wish the leader must not miss."""
        for _ in range(_ATTEMPTS):
            now = self._clock()
            found = await self._followups.open_for(employee.id)
            if found is None:
                followup = FollowUp(
                    uuid.uuid4().hex[:16], employee.id, leader.id, share, round_id, now
                )
                try:
                    await self._followups.create(followup)
                except Conflict:
                    continue
                return followup, "prompt"
            current, etag = found
            if current.leader_id != leader.id:
                # The former leader learns nothing more; the new one only what is shared from
                # now on (what the employee shared with the former leader stays with them).
                await self._record(employee.id, current.id, Action.MOVED, "bot")
                continue
            if share <= current.signals:
                return current, "prompt" if prompt_due(current) else None
            extended = replace(current, signals=current.signals | share).with_event(
                Event(now, Action.SIGNALS_ADDED, "bot")
            )
            try:
                await self._followups.replace(extended, etag)
            except PreconditionFailed:
                continue
            if prompt_due(extended):
                return extended, "prompt"
            if Signal.CONTACT_ME in share - current.signals:
                return extended, "contact"
            return extended, None
        raise RuntimeError(f"the follow-up of {ref(employee.id)} kept changing")

    async def _prompt(self, followup: FollowUp, employee: Person, kind: str = "prompt") -> bool:
        """True when the card is on its way; False when the leader cannot be reached yet, and
        the follow-up waits for `reachable`."""

        async def prompted() -> None:
            await self._record(employee.id, followup.id, Action.PROMPTED, "bot")

        return await self._notifier.notify(
            f"followup-{followup.id}",
            kind,
            followup.leader_id,
            FollowUpPrompt(employee, followup, self.policy.contacts),
            then=prompted if kind == "prompt" else None,
        )

    async def reachable(self, user_id: str) -> None:
        """`user_id` can be reached in Teams now (Teams announced their install): the follow-up
        prompts that waited for them go out. Exactly once: a prompt that went out is recorded,
        and the send ledger keeps one on its way from going twice. Until then the follow-up
        waits, also in `mitt team`."""
        try:
            for employee in await self._directory.direct_reports(normalise_id(user_id)):
                found = await self._followups.open_for(employee.id)
                if found and found[0].leader_id == employee.manager_id and prompt_due(found[0]):
                    await self._prompt(found[0], employee)
                    log.info("follow-up of %s sent on install", ref(employee.id))
        except StorageError:
            log.exception("follow-up prompts waiting for %s were not sent", ref(user_id))

    # -- the leader's side ----------------------------------------------------------------------

    async def for_leader(self, leader_id: str, employee_id: str) -> tuple[Person, FollowUp]:
        """The employee's open follow-up, for their current leader only."""
        employee = await self._directory.person(normalise_id(employee_id))
        if employee is None or employee.manager_id != normalise_id(leader_id):
            raise NotYours
        found = await self._followups.open_for(employee.id)
        if found is None or found[0].leader_id != employee.manager_id:
            raise NotYours
        return employee, found[0]

    async def act(
        self, leader_id: str, employee_id: str, followup_id: str, action: Action, note: str = ""
    ) -> tuple[Person, FollowUp]:
        """A leader's action on a follow-up; a stale card (done already) raises NotYours."""
        employee, followup = await self.for_leader(leader_id, employee_id)
        if followup.id != followup_id:
            raise NotYours
        updated = await self._record(
            employee.id, followup.id, action, normalise_id(leader_id), note
        )
        return employee, updated or followup

    async def open_for_team(self, leader_id: str) -> list[tuple[Person, FollowUp]]:
        found = []
        for person in await self._directory.direct_reports(normalise_id(leader_id)):
            entry = await self._followups.open_for(person.id)
            if entry and entry[0].leader_id == person.manager_id:
                found.append((person, entry[0]))
        return sorted(found, key=lambda pair: pair[1].opened_at)

    async def _record(
        self, employee_id: str, followup_id: str, action: Action, by: str, note: str = ""
    ) -> FollowUp | None:
        for _ in range(_ATTEMPTS):
            found = await self._followups.open_for(employee_id)
            if found is None or found[0].id != followup_id:
                return None
            current, etag = found
            updated = current.with_event(Event(self._clock(), action, by))
            if action is Action.FOLLOWED_UP:
                updated = replace(updated, note=note.strip()[:1000])
            try:
                await self._followups.replace(updated, etag)
            except PreconditionFailed:
                continue
            return updated
        raise RuntimeError(f"the follow-up of {ref(employee_id)} kept changing")

    # -- the scheduler --------------------------------------------------------------------------

    async def scheduled_tick(self) -> None:
        now = self._clock()
        await run_leased(self._leases, LEASE, self._holder, lambda: self.tick(now))

    async def tick(self, now: datetime) -> None:
        """One reminder per follow-up the leader has left alone, if they still lead the employee
        (a follow-up whose employee has a new leader is closed as moved); team signals of closed
        rounds."""
        for employee_id in await self._followups.open_employees():
            found = await self._followups.open_for(employee_id)
            if found is None:
                continue
            followup = found[0]
            employee = await self._directory.person(employee_id)
            if employee is None or employee.manager_id != followup.leader_id:
                await self._record(employee_id, followup.id, Action.MOVED, "bot")
            elif reminder_due(followup, now, self.policy.reminder_after):
                await self._remind(followup, employee)
        for round_ in await self._rounds.all():
            if round_.closes_at <= now and now - round_.closes_at < timedelta(days=7):
                await self._team_signals(round_)

    async def _remind(self, followup: FollowUp, employee: Person) -> None:
        await self._notifier.notify(
            f"followup-{followup.id}",
            "reminder",
            followup.leader_id,
            FollowUpPrompt(employee, followup, self.policy.contacts, reminder=True),
        )
        await self._record(employee.id, followup.id, Action.REMINDED, "bot")

    async def _team_counts(self, round_: Round) -> dict[str, tuple[int, int]]:
        """Recounted from the round's stored answers; the running counters may have missed an
        increment, or kept the answer of someone who erased their data and answered again.
        A round stored before answers left entries to recount, or answered under a key rotated
        since, keeps its running counts."""
        counted = await self._tally.counted(round_.id) if self._tally and round_.tallied else None
        if counted is not None:
            return team_counts(counted, self.policy.thresholds.stress_high)
        return {
            leader_id: await self._followups.team_counts(round_.id, leader_id)
            for leader_id in await self._followups.teams_of_round(round_.id)
        }

    async def _team_signals(self, round_: Round) -> None:
        """After the round closes, so the moment a card arrives tells nothing about one answer."""
        if not await self._followups.claim_team_round(round_.id):
            return
        k = self.policy.anonymity_k
        for leader_id, (answered, high) in (await self._team_counts(round_)).items():
            # Only to someone who still leads a team of k: not to a former leader.
            if team_signal(answered, high, k) and await self._directory.team_size(leader_id) >= k:
                await self._notifier.notify(
                    f"team-{round_.id}",
                    "team-signal",
                    leader_id,
                    TeamSignal(self.policy.contacts),
                )
        # Evaluated: the numbers are not needed any more, and kept they would tell about people.
        await self._followups.forget_team_counts(round_.id)
