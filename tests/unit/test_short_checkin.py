"""Issue 14: a short weekly card that still asks every item regularly, a one-tap scale, words
that say which end is good, a trend chart on the answers' own scale, and near-miss commands."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot.commands
from bot.commands import Command, command_key, parse_command
from bot.settings import ConfigError, Settings
from cards.checkin import checkin_card, receipt_card
from cards.command_words import ALIASES, COMMAND_WORDS
from cards.i18n import t
from cards.trend import CHARTED_ITEMS, trend_card
from domain.catalog import CATALOG, REQUIRED_ITEM_IDS
from domain.checkin import CheckinAnswers
from domain.language import LANGUAGES, Language
from domain.rotation import rotation
from domain.rounds import new_round
from domain.trend import TrendPoint
from tests.support.answers import FINE
from tests.support.services import SETTINGS, build_services

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
IDS = tuple(item.id for item in CATALOG)
KARI = "9f7891b5-6b95-5e8f-9507-6a827ed7e89f"


# -- which items a round asks ----------------------------------------------------------------------


def test_the_default_round_asks_stress_social_and_two_more_and_every_item_every_third_round() -> (
    None
):
    rule = rotation()
    assert rule.core == REQUIRED_ITEM_IDS
    assert [rule.items(n) for n in range(4)] == [
        ("stress", "social", "focus", "workload"),
        ("stress", "social", "balance", "leader"),
        ("stress", "social", "learning", "strain"),
        ("stress", "social", "focus", "workload"),
    ]
    assert rule.every == 3


@given(
    items=st.sets(st.sampled_from(IDS)),
    core=st.sets(st.sampled_from(IDS)),
    per_round=st.integers(1, 8),
    start=st.integers(0, 1000),
)
def test_every_item_is_asked_in_any_run_of_every_rounds_and_the_core_always(
    items: set[str], core: set[str], per_round: int, start: int
) -> None:
    rule = rotation(tuple(items), tuple(core), per_round)
    asked = set(rule.all_items)
    assert set(core) | set(REQUIRED_ITEM_IDS) <= asked and set(items) <= asked
    seen: set[str] = set()
    for n in range(start, start + rule.every):
        round_items = rule.items(n)
        assert set(rule.core) <= set(round_items)
        assert list(round_items) == [i for i in IDS if i in round_items]  # catalog order
        assert len(round_items) == len(rule.core) + min(per_round, len(rule.rotating))
        seen |= set(round_items)
    assert seen == asked


def test_rotation_settings_and_their_refusals() -> None:
    assert Settings.from_env({}).checkin_rotation == rotation()
    assert Settings.from_env({}).checkin_items == IDS
    settings = Settings.from_env(
        {"CHECKIN_ITEMS": "focus,strain", "CHECKIN_CORE_ITEMS": "strain", "CHECKIN_ROTATING": "1"}
    )
    assert settings.checkin_rotation.core == ("stress", "social", "strain")
    assert [settings.checkin_rotation.items(n) for n in range(2)] == [
        ("stress", "social", "focus", "strain"),
        ("stress", "social", "focus", "strain"),
    ]
    everything = Settings.from_env({"CHECKIN_ROTATING": "6"}).checkin_rotation
    assert everything.items(0) == everything.items(1) == IDS  # the long card, if wanted
    for env, message in [
        ({"CHECKIN_CORE_ITEMS": "sleep"}, "sleep"),
        ({"CHECKIN_ROTATING": "0"}, "CHECKIN_ROTATING"),
        ({"CHECKIN_ROTATING": "two"}, "CHECKIN_ROTATING"),
    ]:
        with pytest.raises(ConfigError, match=message):
            Settings.from_env(env)


async def test_each_new_round_asks_the_next_items_and_remembers_them() -> None:
    clock = Clock()
    services = build_services(clock=clock)
    asked = []
    for _ in range(3):
        round_ = await services.checkins.round_for_checkin()
        asked.append(round_.items)
        answers = {"round_id": round_.id, **{i: FINE[i] for i in round_.items}}
        assert (await services.checkins.submit(KARI, answers)).__class__.__name__ == "Stored"
        clock.now += timedelta(days=SETTINGS.round_days)
    assert asked == [SETTINGS.checkin_rotation.items(n) for n in range(3)]
    assert set().union(*asked) == set(IDS)
    # Each round's answers hold what it asked, and the trend knows which rounds asked what.
    points = await services.checkins.trend(KARI)
    assert [tuple(p.scores) for p in points] == asked


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


# -- the card -----------------------------------------------------------------------------------


def test_the_scale_is_in_sight_and_one_tap_answers_an_item() -> None:
    card = checkin_card("nb", new_round("r1", NOW, rotation().items(0)), OSLO)
    choice_sets = [e for e in card["body"] if e["type"] == "Input.ChoiceSet"]
    assert [c["id"] for c in choice_sets] == ["stress", "social", "focus", "workload"]
    for choice_set in choice_sets:
        assert choice_set["style"] == "expanded" and not choice_set.get("isMultiSelect")
        assert [c["title"] for c in choice_set["choices"]] == [
            t("nb", f"scale.{n}") for n in range(1, 6)
        ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_receipt_says_which_end_is_good_for_each_item(lang: Language) -> None:
    round_ = new_round("r1", NOW, ("stress", "social", "learning", "strain"))
    answers = CheckinAnswers({"stress": 4, "social": 2, "learning": 3, "strain": 1})
    receipt = receipt_card(lang, round_, OSLO, answers, already=False)
    facts = {
        f["title"]: f["value"]
        for e in receipt["body"]
        if e["type"] == "FactSet"
        for f in e["facts"]
    }
    short = {i: t(lang, f"item.short.{i}") for i in answers.scores}
    assert facts == {
        t(lang, "item.good.low", item=short["stress"]): t(lang, "scale.4"),
        t(lang, "item.good.high", item=short["social"]): t(lang, "scale.2"),
        t(lang, "item.good.high", item=short["learning"]): t(lang, "scale.3"),
        t(lang, "item.good.low", item=short["strain"]): t(lang, "scale.1"),
    }


# -- the trend ----------------------------------------------------------------------------------


def _points(*scores: dict[str, int]) -> list[TrendPoint]:
    return [TrendPoint(f"r{n}", f"{n + 1:02d}.12.", s) for n, s in enumerate(scores)]


def _texts(card: dict[str, object]) -> str:
    return str(card)


def test_the_trend_chart_uses_the_scale_two_distinct_colours_and_says_which_end_is_good() -> None:
    card = trend_card(
        "nb",
        _points(
            {"stress": 4, "social": 2, "focus": 4, "workload": 3},
            {"stress": 5, "social": 1, "balance": 2, "leader": 3},
        ),
    )
    (line,) = [e for e in card["body"] if e["type"] == "Chart.Line"]
    assert (line["yMin"], line["yMax"]) == (1, 5)
    assert [s["legend"] for s in line["data"]] == [
        t("nb", "item.good.low", item=t("nb", "item.short.stress")),
        t("nb", "item.good.high", item=t("nb", "item.short.social")),
    ]
    colours = [s["color"] for s in line["data"]]
    assert len(set(colours)) == 2 and set(colours) == set(CHARTED_ITEMS.values())
    # Each series has a point per round that asked it; the phone's fallback says the same.
    assert [len(s["values"]) for s in line["data"]] == [2, 2]
    assert line["fallback"]["type"] == "FactSet"
    reading = card["body"][-1]["text"]
    assert t("nb", "trend.good.mixed", low=t("nb", "item.short.stress").lower()) in reading
    assert t("nb", "trend.not_asked", dash="–") in reading  # focus was not asked in round 2
    assert "–" in _texts(card)


def test_after_one_round_the_trend_says_the_chart_comes_after_the_next() -> None:
    card = trend_card("en", _points({"stress": 3, "social": 4, "learning": 3, "strain": 2}))
    assert not [e for e in card["body"] if e["type"].startswith("Chart.")]
    shown = [e.get("text") for e in card["body"]]
    assert t("en", "trend.chart.next") in shown
    assert any(s and t("en", "trend.good.mixed", low="stress, discomfort") in s for s in shown)
    assert t("en", "trend.not_asked", dash="–") not in " ".join(s or "" for s in shown)


# -- command words --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "command"),
    [("sjekkinn", Command.CHECKIN), ("sjekk-inn", Command.CHECKIN), ("Sjekk inn!", Command.CHECKIN),
     ("check-in", Command.CHECKIN), ("checkin", Command.CHECKIN), ("Check in please", Command.CHECKIN),
     ("Check in please?", Command.CHECKIN), ("«Sjekk inn»", Command.CHECKIN), ("innsjekk", Command.CHECKIN),
     ("Sjekk inn, takk", Command.CHECKIN), ("min-utvikling", Command.TREND), ("MittTeam", Command.TEAM),
     ("slett mine data!", Command.DELETE_DATA), ("my_data", Command.MY_DATA), ("hjelp?", Command.HELP),
     ("jeg vil sjekke inn", None), ("takk", None), ("?!", None), ("sjekk inn nå", None), ("mine", None)],
)  # fmt: skip
def test_near_misses_are_understood_and_other_text_is_not(
    typed: str, command: Command | None
) -> None:
    assert parse_command(typed) is command


def test_norwegian_letters_may_be_typed_in_ascii() -> None:
    assert command_key("Lærings-økt på") == command_key("laerings okt paa") == "laeringsoktpaa"


_JOINS = st.sampled_from([" ", "  ", "-", "", "\u00a0", "_"])
_ENDS = st.sampled_from(["", "!", "?", ".", "!!", "?!", " !", "…"])


@given(
    command=st.sampled_from(list(Command)),
    lang=st.sampled_from(LANGUAGES),
    joins=st.lists(_JOINS, min_size=3, max_size=3),
    end=_ENDS,
    upper=st.lists(st.booleans(), min_size=30, max_size=30),
    courtesy=st.sampled_from(["", "please ", "takk "]),
    quoted=st.booleans(),
)
def test_every_word_dressed_up_still_parses_to_its_own_command(
    command: Command,
    lang: str,
    joins: list[str],
    end: str,
    upper: list[bool],
    courtesy: str,
    quoted: bool,
) -> None:
    words = COMMAND_WORDS[command][lang].split(" ")  # type: ignore[index]
    typed = "".join(w + (joins[n] if n < len(words) - 1 else "") for n, w in enumerate(words))
    typed = "".join(c.upper() if upper[n % 30] else c for n, c in enumerate(typed))
    typed = f"«{typed}»" if quoted else typed
    assert parse_command(f"{courtesy}{typed}{end}") is command


def test_no_two_commands_share_a_word_in_any_form() -> None:
    keys: dict[str, set[Command]] = {}
    for command in Command:
        for word in (*COMMAND_WORDS[command].values(), *ALIASES.get(command, ())):
            keys.setdefault(command_key(word), set()).add(command)
    assert {k: v for k, v in keys.items() if len(v) > 1} == {}
    assert all(re.fullmatch(r"[a-z]+", key) for key in keys)


def test_a_new_word_that_collides_is_refused_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ALIASES, Command.HELP, ("sjekk-inn",))
    with pytest.raises(ValueError, match=re.escape("both Command.HELP and Command.CHECKIN")):
        bot.commands._words()
