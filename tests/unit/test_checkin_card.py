"""The check-in card builder and the parser of what it submits (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards.checkin import answered_card, checkin_card, receipt_card, round_label
from cards.followup import ASK_VERB
from cards.i18n import t
from domain.catalog import CATALOG, COMMENT_MAX_LENGTH
from domain.checkin import CheckinAnswers, FieldError, FieldProblem
from domain.checkin_submit import parse_checkin
from domain.rounds import new_round

OSLO = ZoneInfo("Europe/Oslo")
ALL_ITEMS = tuple(item.id for item in CATALOG)
ROUND = new_round("r20261123", datetime(2026, 11, 23, 8, 0, tzinfo=UTC), ALL_ITEMS)
VALID = {item: "3" for item in ALL_ITEMS}


def test_card_is_schema_15_with_one_choice_set_per_item_in_catalog_order() -> None:
    card = checkin_card("nb", ROUND, OSLO)
    assert card["version"] == "1.5"
    choice_sets = [e for e in card["body"] if e["type"] == "Input.ChoiceSet"]
    assert [c["id"] for c in choice_sets] == list(ALL_ITEMS)
    assert all(c["isRequired"] for c in choice_sets)


def test_card_speaks_the_users_language() -> None:
    nb = checkin_card("nb", ROUND, OSLO)
    en = checkin_card("en", ROUND, OSLO)
    stress_nb = next(e for e in nb["body"] if e.get("id") == "stress")
    stress_en = next(e for e in en["body"] if e.get("id") == "stress")
    assert stress_nb["label"] == t("nb", "item.stress")
    assert stress_en["label"] == t("en", "item.stress")
    assert stress_en["choices"][4]["title"] == t("en", "scale.5")


def test_card_shows_round_closing_time_in_oslo_time() -> None:
    card = checkin_card("nb", ROUND, OSLO)
    # 08:00 UTC on 23 Nov is 09:00 in Oslo; the round closes 7 days later.
    assert any("30.11.2026 09:00" in e.get("text", "") for e in card["body"])


def test_submit_action_executes_with_submit_fallback_carrying_the_round() -> None:
    (action,) = checkin_card("nb", ROUND, OSLO)["actions"]
    assert action["type"] == "Action.Execute"
    assert action["verb"] == "checkin.submit"
    assert action["data"]["round_id"] == ROUND.id
    assert action["fallback"]["type"] == "Action.Submit"
    assert action["fallback"]["data"] == action["data"]


def test_rerendered_card_keeps_values_and_shows_errors_under_the_inputs() -> None:
    values = {**VALID, "stress": "", "comment": "hei", "contact_me": "true"}
    card = checkin_card("en", ROUND, OSLO, values, [FieldError("stress", FieldProblem.REQUIRED)])
    body = card["body"]
    at = next(i for i, e in enumerate(body) if e.get("id") == "stress")
    assert body[at + 1]["text"] == t("en", "error.required")
    assert "value" not in body[at]
    assert next(e for e in body if e.get("id") == "social")["value"] == "3"
    assert next(e for e in body if e.get("id") == "contact_me")["value"] == "true"
    assert next(e for e in body if e.get("id") == "comment")["value"] == "hei"


def test_receipt_has_no_submit_so_the_card_cannot_be_sent_twice() -> None:
    receipt = receipt_card("nb", ROUND, OSLO, CheckinAnswers({"stress": 2}, contact_me=True), False)
    assert all(a["type"] == "Action.Submit" for a in receipt["actions"])
    assert "checkin.submit" not in str(receipt)


def test_the_answered_round_says_when_the_next_comes_and_offers_the_ask() -> None:
    next_round = datetime(2026, 12, 7, 8, tzinfo=UTC)
    card = answered_card("nb", ROUND, OSLO, next_round)
    said = t("nb", "receipt.answered", round=round_label(ROUND, OSLO), next="07.12.2026")
    assert said in [e.get("text") for e in card["body"]]
    assert "checkin.submit" not in str(card) and not [e for e in card["body"] if "id" in e]
    (ask,) = [a for a in card["actions"] if a.get("verb") == ASK_VERB]
    assert ask["data"]["round_id"] == ROUND.id


def test_parse_valid_submit() -> None:
    result = parse_checkin({**VALID, "contact_me": "true", "comment": "  ok  "}, ALL_ITEMS)
    assert result.ok
    assert result.answers == CheckinAnswers(dict.fromkeys(ALL_ITEMS, 3), True, "ok")


def test_parse_accepts_numbers_and_booleans_from_other_clients() -> None:
    result = parse_checkin({**dict.fromkeys(ALL_ITEMS, 5), "contact_me": True}, ALL_ITEMS)
    assert result.answers is not None
    assert result.answers.scores["stress"] == 5
    assert result.answers.contact_me


@pytest.mark.parametrize(
    ("value", "problem"),
    [(None, FieldProblem.REQUIRED), ("", FieldProblem.REQUIRED), ("  ", FieldProblem.REQUIRED),
     ("0", FieldProblem.INVALID), ("6", FieldProblem.INVALID), ("2.5", FieldProblem.INVALID),
     ("tre", FieldProblem.INVALID), (True, FieldProblem.INVALID), ([3], FieldProblem.INVALID)],
)  # fmt: skip
def test_parse_rejects_missing_or_out_of_scale_stress(value: object, problem: FieldProblem) -> None:
    result = parse_checkin({**VALID, "stress": value}, ALL_ITEMS)
    assert not result.ok
    assert result.errors == [FieldError("stress", problem)]


def test_parse_rejects_overlong_comment() -> None:
    result = parse_checkin({**VALID, "comment": "x" * (COMMENT_MAX_LENGTH + 1)}, ALL_ITEMS)
    assert result.errors == [FieldError("comment", FieldProblem.TOO_LONG)]


def test_parse_only_asks_the_rounds_items() -> None:
    result = parse_checkin({"stress": "1", "social": "5"}, ("stress", "social"))
    assert result.answers is not None
    assert result.answers.scores == {"stress": 1, "social": 5}


@given(
    st.dictionaries(
        st.text(max_size=12),
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30), st.floats()),
    )
)
def test_parse_never_raises_and_never_accepts_out_of_scale(data: dict[str, object]) -> None:
    result = parse_checkin(data, ALL_ITEMS)
    assert result.ok != bool(result.errors)
    if result.answers:
        assert all(1 <= v <= 5 for v in result.answers.scores.values())
        assert set(result.answers.scores) == set(ALL_ITEMS)
