"""Check-ins: which round to ask, storing a submit exactly once, and the person's trend."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.checkin import CheckinAnswers, CheckinResponse, FieldError
from domain.checkin_submit import parse_checkin, submitted_values, wants_contact
from domain.clock import Clock, utc_now
from domain.events import CheckinStored
from domain.followup import ReceiptFollowUp
from domain.org import normalise_id
from domain.pseudonym import pseudonym
from domain.pulse import NO_BAND, UNKNOWN_AREA, Counted
from domain.rotation import Rotation
from domain.rounds import (
    DEFAULT_ROUND_LENGTH,
    NextScheduled,
    Round,
    current_round,
    new_round,
    next_checkin,
    no_schedule,
    on_demand_round_id,
    round_before,
)
from domain.trend import TrendPoint, trend
from services.messagebus import Handlers
from storage import retrying
from storage.counters import ParticipationCounter
from storage.directory import DirectoryRepository
from storage.port import Conflict, PreconditionFailed
from storage.pulse import AnswerTally, TeamAnswer
from storage.responses import ResponseRepository
from storage.rounds import RoundRepository

log = logging.getLogger(__name__)

# Should a round with today's id be closed early, a new on-demand round takes a suffix.
_MAX_ROUNDS_A_DAY = 10
# How long an answer's tally entry outlives its round: the recount runs on the first tick after
# the close (services/pulse.py), so this only has to outlast a host that was down for a while.
TALLY_KEPT = timedelta(days=30)


@dataclass(frozen=True)
class Stored:
    round: Round
    answers: CheckinAnswers
    followup: ReceiptFollowUp  # what the receipt tells of it


@dataclass(frozen=True)
class AlreadyReceived:
    round: Round
    answers: CheckinAnswers
    contact_me: bool  # ticked on the refused card: a wish the answers' refusal must not drop


@dataclass(frozen=True)
class Invalid:
    round: Round
    errors: list[FieldError]
    values: dict[str, str]


@dataclass(frozen=True)
class RoundClosed:
    round: Round
    contact_me: bool  # as above


@dataclass(frozen=True)
class Unanswered:
    """`sjekk inn`: the round to ask."""

    round: Round


@dataclass(frozen=True)
class Answered:
    """`sjekk inn` after answering: the round needs nothing more, until `next_round`."""

    round: Round
    next_round: datetime


CheckinOffer = Unanswered | Answered


@dataclass(frozen=True)
class UnknownRound:
    round_id: str


SubmitOutcome = Stored | AlreadyReceived | Invalid | RoundClosed | UnknownRound


class CheckinService:
    def __init__(
        self,
        rounds: RoundRepository,
        responses: ResponseRepository,
        participation: ParticipationCounter,
        pseudonym_key: bytes,
        rotation: Rotation,
        timezone: ZoneInfo,
        clock: Clock = utc_now,
        round_length: timedelta = DEFAULT_ROUND_LENGTH,
        next_scheduled: NextScheduled = no_schedule,
        *,
        tally: AnswerTally,
        directory: DirectoryRepository | None = None,
    ) -> None:
        self._rounds = rounds
        self._tally = tally
        self._directory = directory
        self._responses = responses
        self._participation = participation
        self._key = pseudonym_key
        self._rotation = rotation
        self.timezone = timezone
        self._clock = clock
        self._round_length = round_length
        self._next_scheduled = next_scheduled
        # The follow-up, registered at the composition root (bootstrap.py).
        self.stored: Handlers[CheckinStored, ReceiptFollowUp] = Handlers()
        # Which team an answer counts into (the follow-up's rule), written with the answer.
        self.teams: Handlers[Counted, TeamAnswer | None] = Handlers()
        self._following: set[asyncio.Task[list[ReceiptFollowUp | None]]] = set()

    async def round_for_checkin(self) -> Round:
        """The open round, or a new one: an on-demand check-in always has a round."""
        now = self._clock()
        rounds = await self._rounds.all()
        existing = current_round(rounds, now)
        if existing:
            return existing
        base = on_demand_round_id(now, self.timezone)
        items = self._rotation.items(len(rounds))
        for n in range(1, _MAX_ROUNDS_A_DAY + 1):
            round_id = base if n == 1 else f"{base}-{n}"
            try:
                return await self._rounds.create(
                    new_round(round_id, now, items, self._round_length)
                )
            except Conflict:
                # Someone opened it a moment ago (or it was closed early today).
                other = await self._rounds.get(round_id)
                if other and other.is_open(now):
                    return other
        raise RuntimeError(f"more than {_MAX_ROUNDS_A_DAY} rounds opened on {base}")

    async def offer(self, user_id: str) -> CheckinOffer:
        """What `sjekk inn` gives: the open round's card, or, once answered, when the next is."""
        round_ = await self.round_for_checkin()
        if not await self.has_answered(user_id, round_.id):
            return Unanswered(round_)
        return Answered(round_, next_checkin(round_, self._next_scheduled(self._clock())))

    async def submit(
        self, user_id: str, data: Mapping[str, Any], age_band: str = ""
    ) -> SubmitOutcome:
        """Store the answers of a check-in card once, then tell the stored event's handlers.

        Two writes: the answer's recount entry with its counts, in one batch in the round's
        partition, then the response. The round may come from the cache: its items never
        change, and a close it does not know of yet refuses the batch (storage/pulse.py)."""
        round_id = data.get("round_id")
        round_ = (
            await self._rounds.get(round_id) if isinstance(round_id, str) and round_id else None
        )
        if round_ is None:
            return UnknownRound(str(round_id))
        now = self._clock()
        if not round_.is_open(now):
            return RoundClosed(round_, wants_contact(data))
        who = pseudonym(user_id, self._key)
        validation = parse_checkin(data, round_.items)
        if validation.answers is None:
            earlier = await self._responses.get(who, round_.id)
            if earlier:
                return AlreadyReceived(round_, earlier.answers, wants_contact(data))
            return Invalid(round_, validation.errors, submitted_values(data))
        answers = validation.answers
        counted = await self._counted(user_id, age_band, answers)
        ttl = int((round_.closes_at - now + TALLY_KEPT).total_seconds())
        try:
            await self._tally.count(round_.id, who, counted, ttl, await self._team(counted))
            left_over = False
        except PreconditionFailed:
            closed = await self._rounds.get(round_.id, fresh=True)
            return RoundClosed(closed or round_, answers.contact_me)
        except Conflict:
            # Answered already, or an earlier try of this submit died before its response.
            left_over = True
        try:
            await self._responses.add(CheckinResponse(round_.id, who, answers))
        except Conflict:
            earlier = await self._responses.get(who, round_.id)
            return AlreadyReceived(
                round_, earlier.answers if earlier else answers, answers.contact_me
            )
        if left_over:
            # The entry is the dead try's, counted then; it must hold the answers stored now.
            await self._tally.put(round_.id, who, counted, ttl)
        # Stored and counted: the follow-up runs whatever becomes of the turn, so that should
        # its time run out now, the user's retry finds the answer followed up, not lost.
        stored = CheckinStored(user_id, age_band, round_, answers, counted.area)
        following = asyncio.create_task(
            self.stored.publish(stored), context=retrying.beyond_the_turn()
        )
        self._following.add(following)
        following.add_done_callback(self._following.discard)
        said = await asyncio.shield(following)
        return Stored(round_, answers, next((s for s in said if s is not None), None))

    async def _counted(self, user_id: str, age_band: str, answers: CheckinAnswers) -> Counted:
        """The answer's pulse cell as it is now (the person's area or band may change later)."""
        person = await self._directory.person(normalise_id(user_id)) if self._directory else None
        area = person.service_area if person and person.service_area else UNKNOWN_AREA
        leader = person.manager_id if person and person.manager_id else ""
        return Counted(area, age_band or NO_BAND, answers.scores, leader)

    async def _team(self, counted: Counted) -> TeamAnswer | None:
        return next((t for t in await self.teams.publish(counted) if t is not None), None)

    async def drain(self) -> None:
        """Wait until every stored answer whose turn ran out is followed up (the host drains
        before it closes)."""
        while self._following:
            await asyncio.gather(*self._following, return_exceptions=True)

    async def answers_of(self, user_id: str, round_id: str) -> CheckinAnswers | None:
        response = await self._responses.get(pseudonym(user_id, self._key), round_id)
        return response.answers if response else None

    async def answers_before(self, user_id: str, round_: Round) -> CheckinAnswers | None:
        """The person's answers to their round before `round_`; None if they skipped it."""
        responses = await self._responses.for_person(pseudonym(user_id, self._key))
        mine = {r.round_id: r.answers for r in responses}
        before = round_before(await self._rounds.all(), round_, mine.keys())
        return mine.get(before.id) if before else None

    async def has_answered(self, user_id: str, round_id: str) -> bool:
        return await self._responses.get(pseudonym(user_id, self._key), round_id) is not None

    async def stop_answers(self, round_id: str) -> None:
        """From now on the round takes no answer, on any host (see `submit`)."""
        await self._participation.close(round_id)

    async def answered(self, round_id: str) -> int:
        return await self._participation.answered(round_id)

    async def trend(self, user_id: str) -> list[TrendPoint]:
        responses = await self._responses.for_person(pseudonym(user_id, self._key))
        if not responses:
            return []
        return trend(responses, await self._rounds.all(), self.timezone)
