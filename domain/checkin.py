"""A person's answers to one check-in round."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class FieldError:
    """A problem with one input of a submitted card; `field` is the input id."""

    field: str
    code: str  # a key of the translation table, e.g. "error.required"


@dataclass(frozen=True)
class Validation:
    answers: CheckinAnswers | None = None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.answers is not None and not self.errors
