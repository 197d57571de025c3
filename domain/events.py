"""What happened, for the handlers registered on it at the composition root (app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.checkin import CheckinAnswers
from domain.rounds import Round


@dataclass(frozen=True)
class CheckinStored:
    """A person's answers to a round were stored: once per person and round."""

    user_id: str
    age_band: str  # self-reported when they answered; "" = not given
    round: Round
    answers: CheckinAnswers
    area: str  # their service area when they answered (domain.pulse.UNKNOWN_AREA: none known)
