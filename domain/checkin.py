"""A person's answers to one check-in round."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class CheckinAnswers:
    """What a valid card submit carries: scores on the 1–5 scale by item id."""

    scores: dict[str, int]
    contact_me: bool = False
    comment: str = ""


@dataclass(frozen=True)
class CheckinResponse:
    """Answers stored for one round, under the respondent's pseudonym.

    No time of submission: the round says when, and a time of day next to a pseudonym would
    line up with what the same submit writes under the person's id (storage/responses.py).
    """

    round_id: str
    pseudonym: str
    answers: CheckinAnswers


class FieldProblem(Enum):
    """What is wrong with one input; cards/refusals.py names the message."""

    REQUIRED = "required"
    INVALID = "invalid"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class FieldError:
    """A problem with one input of a submitted card; `field` is the input id."""

    field: str
    problem: FieldProblem


@dataclass(frozen=True)
class Validation:
    answers: CheckinAnswers | None = None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.answers is not None and not self.errors
