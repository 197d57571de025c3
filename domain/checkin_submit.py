"""Parsing and validating what a check-in card submits.

Teams merges the card's inputs into the action data as strings; a client may also send
numbers or booleans, or nothing at all. Whatever arrives, the result is either valid answers
or a list of field errors to show on the re-rendered card — never an exception. Which answers
are valid is a rule of the check-in, so it lives here and the check-in service applies it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.catalog import COMMENT_MAX_LENGTH, SCALE
from domain.checkin import CheckinAnswers, FieldError, FieldProblem, Validation

_TRUE = {"true", "1", "yes", "on"}


def parse_checkin(data: Mapping[str, Any], items: tuple[str, ...]) -> Validation:
    errors: list[FieldError] = []
    scores: dict[str, int] = {}
    for item_id in items:
        raw = data.get(item_id)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors.append(FieldError(item_id, FieldProblem.REQUIRED))
            continue
        score = _score(raw)
        if score is None:
            errors.append(FieldError(item_id, FieldProblem.INVALID))
        else:
            scores[item_id] = score
    comment = data.get("comment")
    comment = comment.strip() if isinstance(comment, str) else ""
    if len(comment) > COMMENT_MAX_LENGTH:
        errors.append(FieldError("comment", FieldProblem.TOO_LONG))
    if errors:
        return Validation(errors=errors)
    return Validation(CheckinAnswers(scores, _flag(data.get("contact_me")), comment))


def wants_contact(data: Mapping[str, Any]) -> bool:
    """The card's "contact me" tick, whatever else it holds."""
    return _flag(data.get("contact_me"))


def submitted_values(data: Mapping[str, Any]) -> dict[str, str]:
    """The submitted inputs as strings, to put back into a re-rendered card."""
    return {k: v if isinstance(v, str) else str(v) for k, v in data.items() if v is not None}


def _score(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdecimal():  # not isdigit: int("³") raises
        value = int(raw.strip())
    else:
        return None
    return value if value in SCALE else None


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    return isinstance(raw, str) and raw.strip().lower() in _TRUE
