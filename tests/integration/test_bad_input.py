"""Bad input through the real host, property-based (hypothesis): inbound activities of every
kind with fields missing, of the wrong type or huge, unknown verbs, stale round ids, and garbage
in the data of every card the bot sends.

For every request:

- the host never answers with a 5xx;
- nothing the user is shown — what the fake connector received, and the body of an invoke's
  answer — holds a traceback, Python exception text, or the catch-all "something went wrong"
  that means a turn raised; nor is anything logged at ERROR (that is where a turn's traceback
  goes, so a failure here names it);
- nothing is stored that should not be: the whole store is compared before and after, and only
  the sender's profile and the dialog state may change (and a typed `sjekk inn` may open a
  round); a refused check-in stores no answer, a refused or stale step changes no agreement,
  garbage in a leader's or follow-up card changes no agreement and opens no follow-up;
- the host keeps serving: `hjelp` still answers with the help card.

Each property test starts one host and runs all of hypothesis' examples against it
(pytest-asyncio runs the examples inside one call of the test), so each example compares with a
snapshot taken just before it.

The regressions at the end are the bugs these tests found, each fixed: odd ids, channel data
and text refused before a turn (bot/web.py), ids no store can hold simply not found
(storage/port.py `addressable`), unknown invokes a 400, "ask my leader" only about an answered
round, and the error reply that must not fail the request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cards.agreement import (
    DECIDE_VERB,
    END_VERB,
    HISTORY_VERB,
    OPEN_VERB,
    ORDERED_VERB,
    PDF_VERB,
    REVISE_VERB,
    START_VERB,
    STEP_VERB,
)
from cards.checkin import SUBMIT_VERB
from cards.data_rights import DELETE_VERB, DOWNLOAD_VERB, KEEP_VERB
from cards.followup import ASK_VERB, DONE_VERB, SUPPORT_VERB, TALK_VERB
from cards.i18n import t
from cards.pulse import CSV_VERB
from cards.settings import SAVE_VERB
from cards.team import FOLLOWUP_OPEN_VERB, INVITE_VERB, SHOW_VERB
from cards.team import OPEN_VERB as TEAM_OPEN_VERB
from cards.week import ICS_VERB, OFFICE_VERB, SET_VERB, TEAM_DAYS_SHOW_VERB, TEAM_DAYS_VERB
from cards.week import SHOW_VERB as WEEK_SHOW_VERB
from domain.agreement import BODY_AREAS, EQUIPMENT, FURNITURE_ITEMS, IT_ITEMS, WORKDAYS
from domain.agreement_record import HOME_TASKS, OFFICE_TASKS
from domain.catalog import round_items
from storage.responses import unseal
from storage.rounds import RoundRepository
from tests.support.answers import EQUIPMENT as EQUIPMENT_INPUTS
from tests.support.answers import EQUIPMENT_ITEMS, EXTENT, FINE, LEGAL, NETWORK, TASKS
from tests.support.card_data import DATA_KEYS
from tests.support.card_text import texts
from tests.support.example_org import INGRID, KARI, LARS, OLE
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, sqlite_settings
from tests.support.teams import (
    TeamsUser,
    bot_added,
    card_action,
    install,
    message,
    submit_fallback,
    uninstall,
)
from tests.support.turns import check_in, fill_in, open_rounds, setup_org, step_of

Activity = dict[str, Any]

# -- what the user must never be shown ---------------------------------------------------------

PYTHON_TEXT = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]*\", line \d+|"
    r"\b\w*(Error|Exception)\b|<class '|object at 0x|NoneType|object has no attribute|"
    r"unhashable type|not subscriptable|positional argument|keyword argument|invalid literal"
)
CATCH_ALL = {t("nb", "error.unexpected"), t("en", "error.unexpected")}
HELP_TITLES = {t("nb", "help.title"), t("en", "help.title")}


def strings_in(value: Any) -> list[str]:
    """Every string in a JSON value (keys too), every scalar as text, and the whole as text."""
    found = [str(value)]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, item in node.items():
                found.append(str(key))
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        else:
            found.append(str(node))

    walk(value)
    return found


def shown(host: Host, status: int, body: Any) -> list[str]:
    """What the user reads after a request: what the bot sent, and an invoke's answer."""
    seen = []
    for received in host.connector.received:
        seen.append(received.text)
        seen += [texts(card) for card in received.cards]
    if status == 200 and isinstance(body, dict):
        value = body.get("value")
        seen.append(value if isinstance(value, str) else texts(value or {}))
    return [s for s in seen if s]


class ErrorLog(logging.Handler):
    """Every record at ERROR or above from any logger, traceback included."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(logging.Formatter().format(record))


@pytest.fixture
def errors() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def assert_user_safe(host: Host, errors: ErrorLog, sent: Any, status: int, body: Any) -> None:
    assert status < 500, (status, body, errors.records[:1])
    echoed = strings_in(sent)
    for line in shown(host, status, body):
        assert not any(catch_all in line for catch_all in CATCH_ALL), errors.records[:1]
        for match in PYTHON_TEXT.finditer(line):
            # The user's own input, put back into a re-rendered card, is theirs to see.
            assert any(match.group(0) in e for e in echoed), (match.group(0), line[:300])
    assert errors.records == [], errors.records[0]


# -- what must not be stored -------------------------------------------------------------------

#: What any turn may write: the sender's profile and roster entry, and the dialog state.
TURN_STATE = frozenset({"users", "dialogstate"})
Stored = dict[tuple[str, str, str], Any]


_COSMOS_CLIENTS: dict[str, Any] = {}


class Snapshots:
    """Every document in the store but the per-turn ones, without system fields."""

    def __init__(self, host: Host, request: pytest.FixtureRequest) -> None:
        self._host = host
        self._database: Any = None
        if host.settings.storage == "cosmos":
            server = request.getfixturevalue("cosmos_server")
            if server.endpoint not in _COSMOS_CLIENTS:
                _COSMOS_CLIENTS[server.endpoint] = server.client()
            client = _COSMOS_CLIENTS[server.endpoint]
            self._database = client.get_database_client(host.settings.cosmos_database)

    async def take(self) -> Stored:
        if self._database is not None:
            return await asyncio.to_thread(self._cosmos)
        with sqlite3.connect(self._host.settings.sqlite_path) as db:
            rows = db.execute("SELECT container, pk, id, body FROM documents").fetchall()
        return {
            (container, pk, doc_id): json.loads(body)
            for container, pk, doc_id, body in rows
            if container not in TURN_STATE
        }

    def _cosmos(self) -> Stored:
        found: Stored = {}
        for container in self._database.list_containers():
            if container["id"] in TURN_STATE:
                continue
            proxy = self._database.get_container_client(container["id"])
            for doc in proxy.query_items("SELECT * FROM c", enable_cross_partition_query=True):
                key = (container["id"], doc["pk"], doc["id"])
                found[key] = {k: v for k, v in doc.items() if not k.startswith("_")}
        return found


def changes(before: Stored, after: Stored) -> dict[tuple[str, str, str], tuple[Any, Any]]:
    keys = before.keys() | after.keys()
    return {k: (before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)}


async def still_serving(host: Host, user: TeamsUser = KARI) -> None:
    host.connector.clear()
    status, _ = await host.send(message(user, host.service_url, "hjelp"))
    assert status in (200, 201)
    (card,) = host.connector.cards()
    # A leader with something waiting sees it above the help, which follows.
    assert HELP_TITLES & {element.get("text") for element in card["body"]}


# -- strategies --------------------------------------------------------------------------------

LONG = 20_000  # characters; Teams refuses a message over about 28 KB
any_char = st.characters(exclude_categories=())
strings = st.one_of(
    st.text(max_size=30),
    st.text(any_char, max_size=30),
    st.sampled_from(["", " ", "a/b", "../x", "{}", "null", "0", "-1", "1e400", "\u202e", "\x00"]),
    st.builds(
        lambda piece, n: (piece * n)[:LONG],
        st.text(any_char, min_size=1, max_size=4),
        st.integers(100, LONG),
    ),
)
numbers = st.one_of(
    st.integers(-10, 10),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, strings)
garbage = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
not_strings = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.lists(scalars, max_size=2),
    st.dictionaries(st.text(max_size=5), scalars, max_size=2),
)

COMMANDS = ("hjelp", "help", "sjekk inn", "check in", "min utvikling", "innstillinger", "avtale",
            "ergonomi", "utstyr", "mitt team", "puls", "mine data", "slett mine data", "min uke",
            "kontoret")  # fmt: skip
#: Every verb of the bot's cards but data.delete, whose press erases (garbage or not).
KNOWN_VERBS = (STEP_VERB, DECIDE_VERB, REVISE_VERB, START_VERB, OPEN_VERB, SHOW_VERB,
               TEAM_OPEN_VERB, INVITE_VERB, ASK_VERB, TALK_VERB, DONE_VERB, SUPPORT_VERB,
               FOLLOWUP_OPEN_VERB, SUBMIT_VERB, SAVE_VERB, KEEP_VERB, DOWNLOAD_VERB,
               CSV_VERB, ORDERED_VERB, END_VERB, HISTORY_VERB, PDF_VERB, SET_VERB,
               WEEK_SHOW_VERB, ICS_VERB, OFFICE_VERB, TEAM_DAYS_SHOW_VERB, TEAM_DAYS_VERB)  # fmt: skip
verbs = st.one_of(st.sampled_from(KNOWN_VERBS), strings, not_strings)
card_data = st.dictionaries(st.sampled_from(DATA_KEYS) | st.text(max_size=8), garbage, max_size=8)

#: Where a field of an activity may go missing or turn into something else.
PATHS = tuple(tuple(path.split(".")) for path in [
    "type", "id", "timestamp", "localTimestamp", "channelId", "from", "from.id", "from.name",
    "from.aadObjectId", "conversation", "conversation.id", "conversation.conversationType",
    "conversation.tenantId", "conversation.isGroup", "recipient", "recipient.id", "channelData",
    "channelData.tenant", "channelData.tenant.id", "channelData.eventType", "channelData.team",
    "channelData.channel", "locale", "text", "textFormat", "value", "value.action",
    "value.action.verb", "value.action.data", "value.verb", "name", "replyToId", "entities",
    "attachments", "membersAdded", "membersRemoved", "action",
])  # fmt: skip
#: serviceUrl may go or lose its type, but not point elsewhere: the bot would send there.
SERVICE_URLS = st.one_of(not_strings, st.just(""))


@st.composite
def activities(draw: st.DrawFn, service_url: str) -> Activity:
    """An activity of a kind the bot handles, then a few fields removed or replaced."""
    user = TeamsUser(draw(st.sampled_from([KARI.aad_object_id, str(uuid.uuid4())])))
    kinds = ["message", "command", "invoke", "submit", "install", "uninstall", "added", "other"]
    kind = draw(st.sampled_from(kinds))
    if kind == "message":
        activity = message(user, service_url, draw(strings))
    elif kind == "command":
        activity = message(user, service_url, draw(st.sampled_from(COMMANDS)))
    elif kind == "invoke":
        activity = card_action(user, service_url, "x", {})
        action = {"type": "Action.Execute", "verb": draw(verbs), "data": draw(card_data | garbage)}
        activity["value"]["action"] = action
        activity["name"] = draw(st.just("adaptiveCard/action") | strings)
    elif kind == "submit":
        activity = submit_fallback(user, service_url, "1:card", draw(card_data))
        activity["value"]["verb"] = draw(verbs)
    elif kind == "install":
        activity = install(user, service_url)
    elif kind == "uninstall":
        activity = uninstall(user, service_url)
    elif kind == "added":
        activity = bot_added(user, service_url)
    else:
        activity = message(user, service_url, "hjelp")
        others = st.sampled_from(["event", "typing", "messageReaction", "endOfConversation"])
        activity["type"] = draw(others | strings)
    for path in draw(st.lists(st.sampled_from((*PATHS, ("serviceUrl",))), max_size=3, unique=True)):
        *parents, last = path
        node: Any = activity
        for key in parents:
            node = node.setdefault(key, {}) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            continue
        if draw(st.booleans()):
            node.pop(last, None)
        else:
            node[last] = draw(SERVICE_URLS if path == ("serviceUrl",) else garbage)
    return activity


def _not_a_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return True
    return False


def token_not_in(allowed: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=12).filter(
        lambda s: bool(s.strip()) and "," not in s and s.strip() not in allowed
    )


def with_a_stranger(allowed: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A multi-select's value with one choice the card does not offer."""
    return st.builds(
        lambda good, bad, n: ",".join([*good[:n], bad, *good[n:]]),
        st.lists(st.sampled_from(allowed), max_size=3),
        token_not_in(allowed),
        st.integers(0, 3),
    )


def none_of(key: str, choices: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """A single choice that is none of the card's (after trimming), or no choice at all."""
    other = (not_strings | strings).filter(
        lambda v: not (isinstance(v, str) and v.strip() in choices)
    )
    return st.just({}) | other.map(lambda v: {key: v})


bad_days = st.one_of(
    not_strings.filter(lambda v: v is not None),
    st.just(""),
    st.text(max_size=10).filter(_not_a_number),
    st.integers().filter(lambda n: not 0 <= n <= 5).map(str),
    st.sampled_from(["2.5", "-0.5", "nan", "inf", "1e9", "6", "-1"]),
)
bad_package = st.one_of(
    st.none(),
    st.just(""),
    st.lists(scalars, max_size=2),
    st.dictionaries(st.text(max_size=4), scalars, max_size=2),
    st.text(max_size=10).filter(_not_a_number),
    st.integers().filter(lambda n: n not in (1, 2, 3, 4)),
    st.integers().filter(lambda n: n not in (1, 2, 3, 4)).map(str),
    st.sampled_from(["2.5", "nan", "inf", "0", "5"]),
)

#: For each step of the agreement, data it must refuse: the step never guesses beyond its
#: card's own values, so one input outside them is enough.
REFUSED = {
    "tasks": st.one_of(
        none_of("home", ()).filter(lambda d: not isinstance(d.get("home"), str)),
        st.sampled_from(["", " , ", ","]).map(lambda v: {"home": v}),
        with_a_stranger(HOME_TASKS).map(lambda v: {"home": v}),
        with_a_stranger(OFFICE_TASKS).map(lambda v: {"home": "writing", "office": v}),
    ),
    "extent": st.one_of(
        st.just({}) | bad_days.map(lambda v: {"days": v}),
        st.builds(
            lambda days, fixed: {"days": days, **fixed},
            st.sampled_from(["0", "1", "2"]),
            none_of("fixed", ("fixed", "flexible", "")).filter(
                lambda d: isinstance(d.get("fixed"), str)
            ),
        ),
        with_a_stranger(WORKDAYS).map(lambda v: {"days": "1", "weekdays": v}),
    ),
    "weekdays": st.one_of(
        with_a_stranger(WORKDAYS).map(lambda v: {"weekdays": v}),
        # Two days were chosen on the way here: any other count is refused.
        st.sampled_from(["", "mon", "mon,tue,wed"]).map(lambda v: {"weekdays": v}),
    ),
    "ergonomics": st.one_of(
        none_of("place", ("own_room", "fixed_place", "no_fixed_place")),
        with_a_stranger(EQUIPMENT).map(lambda v: {"place": "own_room", "has": v}),
        with_a_stranger(BODY_AREAS).map(lambda v: {"place": "own_room", "discomfort": v}),
    ),
    "occupational_health": none_of("occupational_health", ("yes", "no")),
    "equipment": st.just({}) | bad_package.map(lambda v: {"package": v}),
    "equipment_items": st.one_of(
        with_a_stranger(IT_ITEMS).map(lambda v: {"it_items": v}),
        with_a_stranger(FURNITURE_ITEMS).map(lambda v: {"furniture_items": v}),
        st.just({"it_items": ",".join(IT_ITEMS)}),  # over the standard package's IT amount
    ),
    "network": none_of("network", ("private", "job_phone")),
    "terms": none_of("choice", ("accept", "edit")),
    "terms_edit": st.one_of(
        none_of("hours", ("ordinary", "flexitime", "agreed")),
        st.just({"hours": "agreed", "agreed_hours": " "}),
        st.builds(
            lambda day: {"hours": "ordinary", "duration": "temporary", "end_on": day},
            st.sampled_from(["2020-01-01", "", "31.12.2030", "2030-13-01"]) | not_strings,
        ),
        st.builds(
            lambda key, months: {"hours": "flexitime", key: months},
            st.sampled_from(["notice_months", "trial_months"]),
            st.sampled_from(["13", "-1", "1.5", "nan", "many"]),
        ),
        none_of("duration", ("permanent", "temporary"))
        .filter(lambda d: isinstance(d.get("duration"), str) and d["duration"].strip() != "")
        .map(lambda d: {"hours": "ordinary", **d}),
    ),
    "summary": none_of("choice", ()).filter(lambda d: d.get("choice") not in ("send", "edit")),
}
STEPS = tuple(REFUSED)
#: The inputs of each step's card that decide whether the step takes a submit.
DECIDING = {
    "tasks": ("home", "office"),
    "extent": ("days", "fixed", "weekdays"),
    "weekdays": ("weekdays", "back"),
    "ergonomics": ("place", "has", "discomfort"),
    "occupational_health": ("occupational_health",),
    "equipment": ("package",),
    "equipment_items": ("it_items", "furniture_items", "choice"),
    "network": ("network",),
    "terms": ("choice",),
    "terms_edit": ("hours", "agreed_hours", "duration", "end_on", "notice_months", "trial_months"),
    "summary": ("choice",),
}


def refused_with_garbage(step: str) -> st.SearchStrategy[dict[str, Any]]:
    """What `step` must refuse, among any other garbage a card could carry."""
    return st.builds(
        lambda extra, refused: {
            **{k: v for k, v in extra.items() if k not in DECIDING[step]},
            **refused,
        },
        card_data,
        REFUSED[step],
    )


# -- hosts and card actions --------------------------------------------------------------------


@pytest.fixture
async def sqlite_host(tmp_path: Path, connector: FakeConnector) -> AsyncIterator[Host]:
    running = Host(sqlite_settings(tmp_path), connector)
    await running.start()
    yield running
    await running.stop()


#: BAD_INPUT_SCALE=20 runs twenty times the examples, for a longer search than the suite's.
SCALE = int(os.environ.get("BAD_INPUT_SCALE", "1"))


def examples(n: int) -> settings:
    """`n` examples without a deadline (a turn is I/O), one host for all of them."""
    return settings(
        max_examples=n * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def press(user: TeamsUser, service_url: str, via: str, verb: Any, data: dict[str, Any]) -> Activity:
    """A card's button pressed with `data`: an invoke, or the Action.Submit fallback."""
    if via == "invoke":
        activity = card_action(user, service_url, "x", {})
        action = {"type": "Action.Execute", "verb": verb, "data": {**data, "verb": verb}}
        activity["value"]["action"] = action
        return activity
    return submit_fallback(user, service_url, "1:card", {**data, "verb": verb})


def answer_card(host: Host, body: Any) -> dict[str, Any] | None:
    """The card an action was answered with: in the invoke's answer, or the one the fallback
    submit's message was updated to."""
    if isinstance(body, dict) and body.get("type") == "application/vnd.microsoft.card.adaptive":
        return dict(body["value"])
    cards = host.connector.cards()
    return cards[-1] if cards else None


vias = st.sampled_from(["invoke", "submit"])


async def say(host: Host, user: TeamsUser, text: str) -> dict[str, Any]:
    host.connector.clear()
    status, _ = await host.send(message(user, host.service_url, text))
    assert status in (200, 201)
    (card,) = host.connector.cards()
    return card


async def next_step(host: Host, user: TeamsUser, name: str, inputs: dict[str, Any]) -> Any:
    status, body = await host.send(
        card_action(user, host.service_url, STEP_VERB, {"step": name, **inputs})
    )
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive", body
    return body["value"]


# -- any activity --------------------------------------------------------------------------------


@examples(80)
@given(data=st.data())
async def test_any_activity_is_answered_below_500_and_stores_nothing_it_should_not(
    host: Host, errors: ErrorLog, request: pytest.FixtureRequest, data: st.DataObject
) -> None:
    snapshots = Snapshots(host, request)
    activity = data.draw(activities(host.service_url), label="activity")
    before = await snapshots.take()
    host.connector.clear()
    errors.records.clear()
    status, body = await host.send(activity)
    assert_user_safe(host, errors, activity, status, body)
    changed = changes(before, await snapshots.take())
    # A typed `sjekk inn` opens a round when none is open; nothing else may change.
    assert {container for container, _, _ in changed} <= {"rounds"}, changed
    await still_serving(host)


# -- check-in submits ----------------------------------------------------------------------------

ITEMS = round_items()
GOOD_SCORES = (1, 2, 3, 4, 5, "1", "2", "3", "4", "5")
good_score = st.sampled_from(GOOD_SCORES)
bad_score = st.one_of(
    st.none(),
    st.booleans(),
    st.integers().filter(lambda n: n not in range(1, 6)),
    st.floats(),
    st.text(max_size=6).filter(lambda s: not s.strip().isdecimal()),
    st.lists(good_score, max_size=2),
    st.dictionaries(st.text(max_size=3), good_score, max_size=1),
)
#: Digits beyond ASCII ('³' and '፱' are digits to str.isdigit but not to int) and padded ones.
odd_score = st.one_of(
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=3),
    st.sampled_from([" 3 ", "03", "3\n", "٣", "³", "፱"]),
)


def score_refused(value: Any) -> bool:
    """Not an answer on the scale, by any reading."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return True
    if isinstance(value, int):
        return value not in range(1, 6)
    return not value.strip().isdecimal()


async def close(host: Host, round_id: str) -> None:
    """Close a round an hour ago (before the host has cached it)."""
    assert host.store is not None
    repository = RoundRepository(host.store)
    round_ = await repository.get(round_id)
    assert round_ is not None
    await repository.save(replace(round_, closes_at=datetime.now(UTC) - timedelta(hours=1)))


@pytest.fixture
async def rounds(sqlite_host: Host) -> tuple[str, str, TeamsUser]:
    """A closed round and an open one, which one person has answered already."""
    await setup_org(sqlite_host, KARI, LARS)
    closed, open_ = await open_rounds(sqlite_host, 2)
    await close(sqlite_host, closed)
    answered = TeamsUser(str(uuid.uuid4()))
    await check_in(sqlite_host, answered, open_, FINE)
    return closed, open_, answered


@examples(150)
@given(
    who=st.sampled_from(["new", "answered"]),
    round_id=st.sampled_from(["open", "closed"]) | garbage,
    scores=st.fixed_dictionaries(
        {}, optional={item: st.one_of(good_score, bad_score, odd_score) for item in ITEMS}
    ),
    extra=st.fixed_dictionaries({}, optional={"contact_me": garbage, "comment": garbage}),
    via=vias,
)
@example(who="new", round_id="open", scores={**FINE, "stress": "³"}, extra={}, via="invoke")
@example(who="new", round_id="open", scores=FINE, extra={"contact_me": "\ud800"}, via="invoke")
async def test_a_refused_check_in_stores_nothing_and_a_valid_one_what_was_chosen(
    sqlite_host: Host,
    rounds: tuple[str, str, TeamsUser],
    errors: ErrorLog,
    request: pytest.FixtureRequest,
    who: str,
    round_id: Any,
    scores: dict[str, Any],
    extra: dict[str, Any],
    via: str,
) -> None:
    host, (closed, open_, answered) = sqlite_host, rounds
    user = answered if who == "answered" else TeamsUser(str(uuid.uuid4()))
    rid = (
        {"open": open_, "closed": closed}.get(round_id, round_id)
        if isinstance(round_id, str)
        else round_id
    )
    activity = press(user, host.service_url, via, SUBMIT_VERB, {"round_id": rid, **scores, **extra})
    comment = extra.get("comment")
    too_long = isinstance(comment, str) and len(comment.strip()) > 1000
    missing = [item for item in ITEMS if item not in scores]
    # A lone surrogate is refused before the turn (400): no store could hold it.
    readable = encodable(activity)
    refused = (
        not readable
        or rid != open_
        or missing
        or any(map(score_refused, scores.values()))
        or too_long
    )
    valid = (
        readable
        and rid == open_
        and not missing
        and all(type(v) in (int, str) and v in GOOD_SCORES for v in scores.values())
    )

    snapshots = Snapshots(host, request)
    before = await snapshots.take()
    host.connector.clear()
    errors.records.clear()
    status, body = await host.send(activity)
    assert_user_safe(host, errors, activity, status, body)
    changed = changes(before, await snapshots.take())
    if who == "answered" or refused:
        assert changed == {}, changed
    key = host.settings.load_pseudonym_key()
    new = [
        unseal(after, key)
        for (container, _, _), (_, after) in changed.items()
        if container == "responses"
    ]
    if who == "new" and valid and not too_long:
        (response,) = new
        assert response is not None
        assert response.answers.scores == {item: int(scores[item]) for item in ITEMS}
    for response in new:  # whatever was taken is on the scale
        assert response is not None
        assert set(response.answers.scores.values()) <= {1, 2, 3, 4, 5}, response
    if readable:
        assert answer_card(host, body) is not None
    else:
        assert status == 400, (status, body)
    await still_serving(host)


def encodable(activity: Activity) -> bool:
    try:
        json.dumps(activity, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- agreement steps -------------------------------------------------------------------------------

#: Valid answers along a path through every step, the occupational-health offer included (a
#: discomfort makes the workplace a risk).
VALID: dict[str, dict[str, Any]] = {
    "tasks": TASKS,
    "extent": EXTENT,
    "ergonomics": {"place": "own_room", "has": "desk,office_chair", "discomfort": "neck"},
    "occupational_health": {"occupational_health": "yes"},
    "equipment": EQUIPMENT_INPUTS,
    "equipment_items": EQUIPMENT_ITEMS,
    "network": NETWORK,
    "terms": LEGAL,
}


#: The summary's part that leads to a step which follows a part.
PART_OF = {
    "weekdays": "extent",
    "occupational_health": "ergonomics",
    "equipment_items": "equipment",
    "terms_edit": "terms",
}


async def at_step(host: Host, user: TeamsUser, target: str) -> None:
    """Put the agreement conversation on `target`, whatever step it was on."""
    await say(host, user, "ergonomi")  # another conversation, so `avtale` starts afresh
    card = await say(host, user, "avtale")  # at the first part missing, or the summary
    while step_of(card) != target:
        if step_of(card) == "summary":
            change = {"choice": "edit", "part": PART_OF.get(target, target)}
            card = await next_step(host, user, "summary", change)
        elif step_of(card) == "extent" and target == "weekdays":
            fixed = {"days": "2", "fixed": "fixed", "reason": ""}  # the weekdays come next
            card = await next_step(host, user, "extent", fixed)
        elif step_of(card) == "terms" and target == "terms_edit":
            card = await next_step(host, user, "terms", {"choice": "edit"})
        else:
            card = await next_step(host, user, step_of(card), VALID[step_of(card)])


@pytest.fixture
async def kari_and_lars(sqlite_host: Host) -> Host:
    await setup_org(sqlite_host, KARI, LARS)
    return sqlite_host


@examples(60)
@given(current=st.sampled_from(STEPS), submitted=st.data(), stale=st.booleans(), via=vias)
async def test_a_refused_or_stale_step_changes_no_agreement_and_shows_the_step_again(
    kari_and_lars: Host,
    errors: ErrorLog,
    request: pytest.FixtureRequest,
    current: str,
    submitted: st.DataObject,
    stale: bool,
    via: str,
) -> None:
    host = kari_and_lars
    if stale:  # a card left behind further up the chat, or a step that never was
        others = st.sampled_from([s for s in STEPS if s != current]) | garbage
        data = {**submitted.draw(card_data, label="data"), "step": submitted.draw(others)}
    else:
        data = {**submitted.draw(refused_with_garbage(current), label="data"), "step": current}
    activity = press(KARI, host.service_url, via, STEP_VERB, data)
    await at_step(host, KARI, current)

    snapshots = Snapshots(host, request)
    before = await snapshots.take()
    host.connector.clear()
    errors.records.clear()
    status, body = await host.send(activity)
    assert_user_safe(host, errors, activity, status, body)
    assert changes(before, await snapshots.take()) == {}
    if not encodable(activity):
        assert status == 400  # a lone surrogate is refused before the turn: no step to show
        return
    card = answer_card(host, body)
    assert card is not None and step_of(card) == current  # the same step, to answer again
    await still_serving(host)


# -- a leader's cards, follow-ups, settings ------------------------------------------------------

PEOPLE = (KARI, LARS, OLE, INGRID)
real_ids = st.sampled_from([p.aad_object_id for p in PEOPLE])
someone = st.one_of(real_ids, real_ids.map(str.upper), real_ids.map("{{{}}} ".format), garbage)
#: For each verb, data that must change nothing: no real follow-up id, no version that is the
#: integer 1, no language the bot speaks, no invitation to anyone real, no round id as text
#: (see test_asking_the_leader_about_a_round_never_answered_opens_no_follow_up).
WRONG = {
    DECIDE_VERB: st.fixed_dictionaries(
        {
            "employee": someone,
            "decision": st.sampled_from(["approve", "changes", "talk"]) | garbage,
            "version": garbage.filter(lambda v: not (type(v) is int and v == 1)),
        },
        optional={"comment": garbage},
    ),
    TEAM_OPEN_VERB: st.fixed_dictionaries({}, optional={"employee": someone}),
    FOLLOWUP_OPEN_VERB: st.fixed_dictionaries({}, optional={"employee": someone}),
    SHOW_VERB: st.fixed_dictionaries({}, optional={"page": garbage}),
    OPEN_VERB: card_data,
    DOWNLOAD_VERB: card_data,
    CSV_VERB: card_data,
    KEEP_VERB: card_data,
    INVITE_VERB: st.fixed_dictionaries({}, optional={"invitee": garbage}),
    ORDERED_VERB: st.fixed_dictionaries({"employee": someone}, optional={"version": garbage}),
    END_VERB: st.fixed_dictionaries(
        {}, optional={"employee": someone, "version": garbage, "confirm": garbage}
    ),
    HISTORY_VERB: st.fixed_dictionaries({}, optional={"employee": someone}),
    **{
        verb: st.fixed_dictionaries(
            {"employee": someone}, optional={"followup": garbage, "note": garbage}
        )
        for verb in (TALK_VERB, DONE_VERB, SUPPORT_VERB)
    },
    ASK_VERB: st.fixed_dictionaries({}, optional={"round_id": not_strings | st.just("")}),
    SAVE_VERB: st.fixed_dictionaries(
        {"language": garbage.filter(lambda v: v not in ("nb", "en"))},
        optional={"age_band": garbage, "share": garbage},
    ),
    "unknown": card_data,
}
unknown_verbs = strings.filter(lambda v: v not in (*KNOWN_VERBS, DELETE_VERB))


@pytest.fixture
async def waiting(host: Host) -> Host:
    """Kari's agreement waits for Lars, and so does her follow-up (she asked to be contacted)."""
    await setup_org(host, KARI, LARS, OLE, INGRID)
    await fill_in(host, KARI)
    await next_step(host, KARI, "summary", {"choice": "send"})
    (round_id,) = await open_rounds(host, 1)
    await check_in(host, KARI, round_id, FINE, contact=True)
    return host


@examples(60)
@given(
    sender=st.sampled_from(PEOPLE),
    action=st.sampled_from(sorted(WRONG)).flatmap(
        lambda verb: st.tuples(st.just(verb) if verb != "unknown" else unknown_verbs, WRONG[verb])
    ),
    via=vias,
)
@example(
    sender=LARS,
    action=(DECIDE_VERB, {"employee": KARI.aad_object_id, "decision": "approve", "version": True}),
    via="invoke",
)
async def test_garbage_in_a_leaders_follow_up_or_settings_card_changes_nothing(
    waiting: Host,
    errors: ErrorLog,
    request: pytest.FixtureRequest,
    sender: TeamsUser,
    action: tuple[Any, dict[str, Any]],
    via: str,
) -> None:
    host = waiting
    verb, data = action
    activity = press(sender, host.service_url, via, verb, data)
    snapshots = Snapshots(host, request)
    before = await snapshots.take()
    host.connector.clear()
    errors.records.clear()
    status, body = await host.send(activity)
    assert_user_safe(host, errors, activity, status, body)
    assert changes(before, await snapshots.take()) == {}
    # Nobody else is told anything: at most the sender's card is answered.
    assert {r.conversation_id for r in host.connector.received} <= {sender.conversation_id}
    await still_serving(host, sender)


# -- download links ------------------------------------------------------------------------------


@examples(60)
@given(path=st.sampled_from(["/pulse.csv", "/my-data.json"]), token=st.text(max_size=80))
@example(path="/pulse.csv", token="x.é")
async def test_a_forged_download_link_is_refused_with_403(
    sqlite_host: Host, errors: ErrorLog, path: str, token: str
) -> None:
    assert sqlite_host.client is not None
    errors.records.clear()
    response = await sqlite_host.client.get(path, params={"t": token})
    assert response.status == 403, await response.text()
    assert errors.records == []


# -- regressions: fixed --------------------------------------------------------------------------


async def test_a_check_in_answer_in_digits_int_cannot_read_is_refused(
    sqlite_host: Host, errors: ErrorLog, request: pytest.FixtureRequest
) -> None:
    host = sqlite_host
    (round_id,) = await open_rounds(host, 1)
    snapshots = Snapshots(host, request)
    before = await snapshots.take()
    for digits in ("³", "፱", "3³"):  # str.isdigit is true for them; int() raises
        data = {"round_id": round_id, **FINE, "stress": digits}
        status, body = await host.send(card_action(KARI, host.service_url, SUBMIT_VERB, data))
        assert_user_safe(host, errors, data, status, body)
        assert t("nb", "error.invalid") in texts(body["value"])
    assert changes(before, await snapshots.take()) == {}


async def test_a_leaders_decision_needs_the_version_as_an_integer_not_true(
    sqlite_host: Host, errors: ErrorLog, request: pytest.FixtureRequest
) -> None:
    host = sqlite_host
    await setup_org(host, KARI, LARS)
    await fill_in(host, KARI)
    await next_step(host, KARI, "summary", {"choice": "send"})
    snapshots = Snapshots(host, request)
    before = await snapshots.take()
    decide = {"employee": KARI.aad_object_id, "decision": "approve", "version": True}
    status, body = await host.send(card_action(LARS, host.service_url, DECIDE_VERB, decide))
    assert_user_safe(host, errors, decide, status, body)
    assert changes(before, await snapshots.take()) == {}


@pytest.mark.parametrize("piece", ["<at>", "<", "<a"])
async def test_a_long_message_of_markup_is_answered_at_once(
    sqlite_host: Host, errors: ErrorLog, piece: str
) -> None:
    """Teams takes a message up to about 28 KB; parsing a command must not take seconds (a
    lazy `<at>.*?</at>` over 7,000 unclosed mentions took 2 s, the whole host stalled)."""
    text = piece * (28_000 // len(piece))
    started = time.monotonic()
    status, body = await sqlite_host.send(message(KARI, sqlite_host.service_url, text))
    assert time.monotonic() - started < 0.5
    assert_user_safe(sqlite_host, errors, text, status, body)
    await still_serving(sqlite_host)


async def test_a_body_over_the_limit_is_refused_with_413(sqlite_host: Host) -> None:
    assert sqlite_host.client is not None
    activity = message(KARI, sqlite_host.service_url, "x" * (1024**2 + 1))
    response = await sqlite_host.client.post("/api/messages", json=activity)
    assert response.status == 413
    await still_serving(sqlite_host)


# -- regressions: the bugs the properties found -------------------------------------------------


@pytest.mark.parametrize("name", ["composeExtension/query", "task/fetch", "", "x"])
async def test_an_invoke_the_bot_has_no_handler_for_gets_no_5xx(
    sqlite_host: Host, errors: ErrorLog, name: str
) -> None:
    activity = card_action(KARI, sqlite_host.service_url, SUBMIT_VERB, {})
    activity["name"] = name
    status, body = await sqlite_host.send(activity)
    assert_user_safe(sqlite_host, errors, activity, status, body)


ODD_IDS = {
    "conversation id blank": ("conversation.id", " "),
    "conversation id with a control character": ("conversation.id", "a:\x1b"),
    "conversation id with a line break": ("conversation.id", "a:1\nb"),
    "conversation id an object": ("conversation.id", {"id": "a:1"}),
    "conversation id of 9,000 characters": ("conversation.id", "a:" + "x" * 9000),
    "conversation id beyond Latin-1": ("conversation.id", "a:\U0002aa07"),
    "activity id of 9,000 characters": ("id", "x" * 9000),
    "activity id with a brace": ("id", "{"),
}


@pytest.mark.parametrize("field, value", ODD_IDS.values(), ids=ODD_IDS.keys())
async def test_an_id_teams_would_never_send_is_refused_before_the_turn(
    sqlite_host: Host, errors: ErrorLog, field: str, value: Any
) -> None:
    activity = message(KARI, sqlite_host.service_url, "hjelp")
    if field == "id":
        activity["id"] = value
    else:
        activity["conversation"]["id"] = value
    status, body = await sqlite_host.send(activity)
    assert 400 <= status < 500, (status, body)
    assert sqlite_host.connector.received == []
    assert errors.records == [], errors.records[0]


@pytest.mark.parametrize(
    "channel_data",
    [None, [], "teams", {"team": {"name": "no id"}}, {"tenant": []}, {"channel": [1]}],
)
async def test_a_conversation_update_without_channel_data_raises_no_turn_error(
    sqlite_host: Host, errors: ErrorLog, channel_data: Any
) -> None:
    activity = bot_added(KARI, sqlite_host.service_url)
    activity["channelData"] = channel_data
    status, body = await sqlite_host.send(activity)
    assert_user_safe(sqlite_host, errors, activity, status, body)


@pytest.mark.parametrize("channel_id", [None, "", "\x01" * 4600, "ms teams"])
async def test_an_activity_without_a_channel_id_is_refused_before_the_turn(
    sqlite_host: Host, errors: ErrorLog, channel_id: Any
) -> None:
    activity = message(KARI, sqlite_host.service_url, "avtale")
    activity["channelId"] = channel_id
    status, body = await sqlite_host.send(activity)
    assert_user_safe(sqlite_host, errors, activity, status, body)


LONE_SURROGATE = "Kari \ud800"


@pytest.mark.parametrize("where", ["name", "employee in a leader's card", "round id of a check-in"])
async def test_a_lone_surrogate_is_refused_or_taken_without_a_turn_error(
    sqlite_host: Host, errors: ErrorLog, where: str
) -> None:
    await setup_org(sqlite_host, KARI, LARS)
    url = sqlite_host.service_url
    if where == "name":
        activity = message(KARI, url, "hjelp")
        activity["from"]["name"] = LONE_SURROGATE
    elif where.startswith("employee"):
        activity = card_action(LARS, url, TEAM_OPEN_VERB, {"employee": LONE_SURROGATE})
    else:
        activity = card_action(KARI, url, SUBMIT_VERB, {"round_id": LONE_SURROGATE, **FINE})
    status, body = await sqlite_host.send(activity)
    assert_user_safe(sqlite_host, errors, activity, status, body)


COSMOS_ODD = {
    "a slash": "a/b",
    "a path": "../rounds",
    "blank": " ",
    "3,000 letters beyond ASCII": "é" * 3000,
    "none (the id looked up is '')": None,
}


@pytest.mark.parametrize("odd", COSMOS_ODD.values(), ids=COSMOS_ODD.keys())
async def test_an_id_in_card_data_that_cosmos_cannot_hold_is_simply_not_found(
    host: Host, errors: ErrorLog, request: pytest.FixtureRequest, odd: str | None
) -> None:
    await setup_org(host, KARI, LARS)
    employee: dict[str, Any] = {"employee": odd} if odd is not None else {}
    for verb, data in [
        (TEAM_OPEN_VERB, employee),
        (FOLLOWUP_OPEN_VERB, employee),
        (DECIDE_VERB, {**employee, "version": 1, "decision": "approve"}),
        (SUBMIT_VERB, {"round_id": odd, **FINE}),
    ]:
        host.connector.clear()
        status, body = await host.send(card_action(LARS, host.service_url, verb, data))
        assert_user_safe(host, errors, data, status, body)


async def test_a_sender_id_cosmos_cannot_hold_is_refused_or_taken_without_a_turn_error(
    host: Host, errors: ErrorLog, request: pytest.FixtureRequest
) -> None:
    activity = message(KARI, host.service_url, "hjelp")
    activity["from"]["aadObjectId"] = "a/b"
    status, body = await host.send(activity)
    assert_user_safe(host, errors, activity, status, body)


async def test_asking_the_leader_from_a_card_of_no_known_round_opens_no_follow_up(
    sqlite_host: Host, errors: ErrorLog, request: pytest.FixtureRequest
) -> None:
    # A round that exists takes the wish, answered or not (tests/integration/test_contact_wish.py):
    # the employee's own request for contact is never dropped.
    host = sqlite_host
    await setup_org(host, OLE, LARS)
    round_id = "no-such-round"
    snapshots = Snapshots(host, request)
    before = await snapshots.take()
    host.connector.clear()
    data = {"round_id": round_id}
    status, body = await host.send(card_action(OLE, host.service_url, ASK_VERB, data))
    assert_user_safe(host, errors, data, status, body)
    assert changes(before, await snapshots.take()) == {}
    assert {r.conversation_id for r in host.connector.received} <= {OLE.conversation_id}


@pytest.mark.parametrize(
    ("sender_id", "entra"),
    [("a/b", False), ("x?y", False), ("#1", False), ("", False), ("é" * 3, False),
     ("x" * 9000, True), ("29:a b", True)],
)  # fmt: skip
async def test_a_sender_keyed_by_an_id_no_store_can_hold_is_refused_before_the_turn(
    host: Host, errors: ErrorLog, sender_id: str, entra: bool
) -> None:
    activity = (
        install(KARI, host.service_url) if entra else message(KARI, host.service_url, "hjelp")
    )
    activity["from"]["id"] = sender_id
    if not entra:
        activity["from"].pop("aadObjectId", None)
    status, body = await host.send(activity)
    assert status == 400, (status, body)
    assert_user_safe(host, errors, activity, status, body)
