"""The SDK-free rules: catalog, rounds, pseudonyms, language, trend, commands, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.commands import Command, parse_command
from bot.scheduler import next_fire
from bot.settings import ConfigError, Settings
from domain.catalog import round_items
from domain.checkin import CheckinAnswers, CheckinResponse
from domain.language import resolve_language
from domain.pseudonym import pseudonym
from domain.rounds import (
    AlreadyClosed,
    RoundState,
    close_early,
    current_round,
    new_round,
    newest_first,
    next_checkin,
    on_demand_round_id,
)
from domain.trend import round_labels, trend

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_round_items_always_keep_stress_and_social_in_catalog_order() -> None:
    assert round_items(("strain", "focus")) == ("stress", "social", "focus", "strain")
    assert len(round_items()) == 8
    with pytest.raises(ValueError, match="unknown check-in items: sleep"):
        round_items(("sleep",))


def test_the_next_checkin_is_the_next_scheduled_round_or_the_close_if_sooner() -> None:
    round_ = new_round("r1", NOW, ("stress",), timedelta(days=7))
    monday = NOW + timedelta(days=4)
    assert next_checkin(round_, monday) == monday
    assert next_checkin(round_, NOW + timedelta(days=30)) == round_.closes_at
    assert next_checkin(round_, None) == round_.closes_at  # no schedule: `sjekk inn` after close


def test_next_fire_follows_checkin_cron_in_local_time() -> None:
    after = next_fire("0 9 * * mon", OSLO)
    fire = after(NOW)  # Thursday 26.11.2026
    assert fire is not None
    assert fire.astimezone(OSLO).replace(tzinfo=None) == datetime(2026, 11, 30, 9, 0)


def test_round_is_open_from_opening_until_closing() -> None:
    round_ = new_round("r1", NOW, ("stress", "social"))
    assert round_.is_open(NOW)
    assert round_.is_open(NOW + timedelta(days=6, hours=23))
    assert not round_.is_open(NOW + timedelta(days=7))
    assert not round_.is_open(NOW - timedelta(seconds=1))


def test_an_operator_closes_an_open_round_now_and_a_closed_one_not_again() -> None:
    round_ = new_round("r1", NOW, ("stress",))
    later = NOW + timedelta(days=2)
    closed = close_early(round_, later)
    assert closed.closes_at == later and not closed.is_open(later)
    assert (round_.state(later), closed.state(later)) == (RoundState.OPEN, RoundState.CLOSED_EARLY)
    assert round_.state(round_.closes_at) is RoundState.CLOSED
    for done, when in ((closed, later), (round_, round_.closes_at)):
        with pytest.raises(AlreadyClosed):
            close_early(done, when)


def test_rounds_are_listed_newest_first() -> None:
    rounds = [new_round(f"r{i}", NOW + timedelta(days=7 * i), ("stress",)) for i in range(12)]
    assert [r.id for r in newest_first(rounds, 3)] == ["r11", "r10", "r9"]


def test_current_round_is_the_latest_open_one() -> None:
    old = new_round("old", NOW - timedelta(days=10), ("stress",))
    earlier = new_round("earlier", NOW - timedelta(days=3), ("stress",))
    latest = new_round("latest", NOW - timedelta(days=1), ("stress",))
    assert current_round([old, latest, earlier], NOW) == latest
    assert current_round([old], NOW) is None


def test_on_demand_round_id_uses_the_local_date() -> None:
    late_evening_utc = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # already the 27th in Oslo
    assert on_demand_round_id(late_evening_utc, OSLO) == "r20261127"


def test_pseudonym_is_keyed_stable_and_not_the_id() -> None:
    user = "6f1c2b7e-0000-4000-8000-000000000001"
    assert pseudonym(user, b"k1") == pseudonym(user.upper(), b"k1")
    assert pseudonym(user, b"k1") != pseudonym(user, b"k2")
    assert user not in pseudonym(user, b"k1")
    with pytest.raises(ValueError):
        pseudonym(user, b"")


@pytest.mark.parametrize(
    ("chosen", "locale", "expected"),
    [(None, "nb-NO", "nb"), (None, "en-US", "en"), (None, "en-GB", "en"), (None, "sv-SE", "nb"),
     (None, None, "nb"), ("nb", "en-US", "nb"), ("en", "nb-NO", "en"), ("xx", "en-US", "en")],
)  # fmt: skip
def test_language_choice_beats_teams_locale(
    chosen: str | None, locale: str | None, expected: str
) -> None:
    assert resolve_language(chosen, locale) == expected


def test_trend_keeps_the_last_rounds_oldest_first() -> None:
    # Ids that sort differently as text ("r10" < "r9"): the order is the rounds' opening.
    rounds = [new_round(f"r{i}", NOW + timedelta(days=7 * i), ("stress",)) for i in range(12)]
    responses = [
        CheckinResponse(f"r{i}", "p", CheckinAnswers({"stress": i % 5 + 1})) for i in range(12)
    ]
    points = trend(list(reversed(responses)), rounds, OSLO, last=3)
    assert [p.round_id for p in points] == ["r9", "r10", "r11"]
    assert points[-1].label == "11.02."
    # A response whose round is gone comes first, labelled by its id.
    gone = CheckinResponse("gone", "p", CheckinAnswers({"stress": 3}))
    assert [p.label for p in trend([responses[1], gone], rounds, OSLO)] == ["gone", "03.12."]


@pytest.mark.parametrize(
    ("text", "command"),
    [("hjelp", Command.HELP), ("Help!", Command.HELP), ("  sjekk   inn ", Command.CHECKIN),
     ("Check in", Command.CHECKIN), ("<at>Hjemmekontor</at> min utvikling", Command.TREND),
     ("my trend.", Command.TREND), ("INNSTILLINGER", Command.SETTINGS), ("settings", Command.SETTINGS),
     ("jeg vil sjekk inn", None), ("", None), (None, None), ("hjelp meg med noe annet", None)],
)  # fmt: skip
def test_commands_in_both_languages(text: str | None, command: Command | None) -> None:
    assert parse_command(text) == command


def test_settings_defaults_and_refusals() -> None:
    settings = Settings.from_env({})
    assert settings.port == 3978
    assert settings.local_mode
    assert settings.storage == "sqlite"
    assert settings.anonymity_k == 5
    assert str(settings.timezone) == "Europe/Oslo"
    for env, message in [
        ({"ANONYMITY_K": "2"}, "at least 3"),
        ({"STORAGE": "postgres"}, "STORAGE"),
        ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"PORT": "web"}, "PORT"),
        ({"CHECKIN_ITEMS": "stress,sleep"}, "sleep"),
        ({"MicrosoftAppId": "x", "MicrosoftAppPassword": "y"}, "MicrosoftAppTenantId"),
        (
            {"MicrosoftAppId": "x", "MicrosoftAppPassword": "y", "MicrosoftAppTenantId": "t"},
            "PSEUDONYM_KEY",
        ),
        ({"STORAGE": "cosmos"}, "COSMOS_ENDPOINT"),
        (
            {"STORAGE": "cosmos", "COSMOS_ENDPOINT": "https://a.documents.azure.com/"},
            "PSEUDONYM_KEY",
        ),
        ({"PSEUDONYM_KEY": "@Microsoft.KeyVault(SecretUri=https://kv/secrets/k)"}, "Key Vault"),
    ]:
        with pytest.raises(ConfigError, match=message):
            Settings.from_env(env)


def test_local_pseudonym_key_is_generated_once_and_kept(tmp_path: object) -> None:
    path = f"{tmp_path}/key"
    first = Settings(pseudonym_key_file=path).load_pseudonym_key()
    assert first and first == Settings(pseudonym_key_file=path).load_pseudonym_key()
    assert Settings(pseudonym_key="configured").load_pseudonym_key() == b"configured"


def test_sdk_patch_keeps_msrests_retry_codes() -> None:
    from msrest.universal_http.requests import ClientRetryPolicy

    from bot import sdk_patches

    before = ClientRetryPolicy().policy.status_forcelist  # type: ignore[no-untyped-call]
    sdk_patches.apply()
    assert ClientRetryPolicy().policy.status_forcelist == before  # type: ignore[no-untyped-call]
    assert 408 in before and 503 in before and 404 not in before


def test_sdk_patch_serializes_cards_as_msrest_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from botbuilder.core import CardFactory, MessageFactory
    from botbuilder.schema import Activity
    from msrest.serialization import Serializer  # msrest has no type hints

    from bot import sdk_patches
    from cards.checkin import checkin_card

    round_ = new_round("r1", NOW, round_items())
    message = MessageFactory.attachment(CardFactory.adaptive_card(checkin_card("nb", round_, OSLO)))
    sdk_patches.apply()
    patched = Serializer(Activity._infer_class_models()).body(message, "Activity")  # type: ignore[no-untyped-call]
    monkeypatch.setattr(Serializer, "serialize_object", sdk_patches.MSREST_SERIALIZE_OBJECT)
    assert Serializer(Activity._infer_class_models()).body(message, "Activity") == patched  # type: ignore[no-untyped-call]
    monkeypatch.undo()
    odd = {"when": NOW, "n": float("nan")}  # not plain JSON: still msrest's own handling
    assert Serializer().serialize_object(odd)["when"] == Serializer().serialize_iso(NOW)  # type: ignore[no-untyped-call]


def test_cards_copied_by_botbuilder_are_equal_and_independent() -> None:
    import copy

    from bot.actions import JsonData
    from cards.checkin import checkin_card

    card = checkin_card("nb", new_round("r1", NOW, round_items()), OSLO)
    copied = copy.deepcopy(JsonData(card))
    assert copied == card and isinstance(copied, JsonData)
    copied["body"][0]["text"] = "changed"
    assert card["body"][0]["text"] != "changed"


def test_round_labels_are_dates_with_the_time_where_two_share_a_day() -> None:
    morning = new_round("r1", datetime(2026, 11, 30, 7, 15, tzinfo=UTC), ("stress",))
    nine = new_round("s1", datetime(2026, 11, 30, 8, 0, tzinfo=UTC), ("stress",))
    week_after = new_round("s2", datetime(2026, 12, 7, 8, 0, tzinfo=UTC), ("stress",))
    assert round_labels([morning, nine, week_after], OSLO) == {
        "r1": "30.11. 08:15",
        "s1": "30.11. 09:00",
        "s2": "07.12.",
    }
    # Opened the same minute (`sjekk inn`, then `round open`): still two points on a chart.
    same = new_round("s3", datetime(2026, 11, 30, 7, 15, 30, tzinfo=UTC), ("stress",))
    assert round_labels([same, morning], OSLO) == {"r1": "30.11. 08:15", "s3": "30.11. 08:15 (2)"}
