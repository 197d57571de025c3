"""Soak: many simulated users chatting and checking in at once, against the real host.

    .venv/bin/python -m benchmarks.soak                          # 200 users, 60 s, both stores
    .venv/bin/python -m benchmarks.soak --users 50 --seconds 20 --backend sqlite

For each store (SQLite, then the local Cosmos DB test server with injected 429s and 503s)
it starts processes besides this one: the host exactly as deployed (`python app.py`, local
mode, the scheduler's tick an hour and its cron out of the way), the tests' fake Bot
Connector (`python -m benchmarks.connector`), where the bot's replies arrive, and for Cosmos
the test server (tests/support/cosmos_server.py). This process is the load generator: one asyncio
task per user, each with its own Teams identity and 1:1 conversation, on 127.0.0.1 only.

Each user, until the time is up, with a random think time (`--think`) between turns: types
`hjelp`, `min utvikling`, now and then `avtale` and presses the step card it got. At a
random moment in the first three quarters of the soak it checks in: types `sjekk inn`, gets
the card and answers it (an `adaptiveCard/action` invoke `checkin.submit` with the round id
off the card), sometimes twice in a row (a double click). After that it also opens the card
again now and then, and sends it again (which must answer "already answered"). Every user
submits at least once: one still without a receipt when the time is up keeps trying for up
to `--grace` seconds more, with the faults switched off.

On Cosmos the faults are armed through the test server's /_test/faults endpoint: a couple
of requests fail every `--fault-every` seconds (429 with x-ms-retry-after-ms, some 503),
now and then a burst of 429s, and in the middle one storm: every request 429 for
`--storm` seconds, longer than the SDK's and the app's bounded retries last, so some turns
end in the busy answer.

What a user sees is checked on every turn: the HTTP status, the invoke's `statusCode`, and
the reply itself (for a message turn, what reached the connector for that conversation). An
error is a non-2xx, a failed request, an "unexpected error" text, a reply that is missing or
not what the command gives. A "busy" answer (error.busy: "cannot save right now, nothing is
lost") is counted on its own: under injected 429s a busy answer after the app's bounded
retries is the designed outcome, not a failure. A busy submit may still have stored (the
turn's time budget ran out after the write landed: nothing is lost, as it says), so the user
simply tries again, and the store is the judge: the retry either stores (a receipt) or
answers "already answered", and then what is stored must be what the busy submit sent. In the
end every user who was told a receipt or "already answered" must have exactly one stored
response, with the answers of the submit that stored it, and no user any other.

Afterwards the host stops, `app.py round close` closes the round (so the pulse recounts it
from the answers stored, as after any close), and the stored response documents are counted in
the store itself (SQLite file, or a query of the Cosmos container) and matched to users by
their pseudonym (the host's PSEUDONYM_KEY is set by this script); the participation and pulse
counters are read too, and must equal the answers stored.
The host's peak memory is its VmHWM from /proc, its CPU time from /proc/PID/stat.

A report: exit status 0, or 1 if any check failed (busy answers fail only on SQLite).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp

from benchmarks.connector import CONVERSATION_PATH, SENDS_PATH, SUMMARY_PATH
from benchmarks.traced_host import growth
from benchmarks.turns import (
    REPO,
    Child,
    app_revision,
    child_env,
    free_port,
    load_average,
    start_child,
    wait_ready,
)
from bootstrap import open_store
from bot.settings import Settings
from cards.i18n import t
from domain.delivery import Recipient
from domain.pseudonym import pseudonym
from storage.responses import unseal
from storage.roster import RosterRepository
from storage.rounds import PARTITION as ROUNDS_PARTITION
from tests.support.cosmos_server import CosmosTestServer, running_cosmos_server
from tests.support.teams import BOT_ID, TENANT_ID, TeamsUser, card_action, message

PSEUDONYM_KEY = "soak-pseudonym-key"
COSMOS_DATABASE = "soak"
SUBMIT_VERB = "checkin.submit"
STEP_VERB = "agreement.step"
JSON_HEADERS = {"Content-Type": "application/json"}
REQUEST_TIMEOUT_SECONDS = 60.0
#: Two hosts: how often each one's scheduler ticks, so that the survivor soon finds the dead
#: host's lease run out.
FLEET_TICK_SECONDS = 2

# What a user reads, in the language these users have (nb-NO).
RECEIPT = t("nb", "receipt.title")  # "Takk for svarene dine!"
ALREADY = t("nb", "receipt.already", round="\0").split("\0")[0]  # "Du har allerede svart ..."
BUSY = t("nb", "error.busy")  # "Jeg får ikke lagret akkurat nå. ..."
UNEXPECTED = t("nb", "error.unexpected")  # "Beklager, noe gikk galt hos meg. ..."
UNKNOWN_ACTION = t("nb", "error.unknown_action")
HELP_TITLE = t("nb", "help.title")
TREND_TITLE = t("nb", "trend.title")
# What `sjekk inn` says once the round is answered, up to the round's name.
ANSWERED = t("nb", "receipt.answered", round="\x00", next="").split("\x00")[0]
# Never meant for a user's eyes, whatever the turn.
LEAKS = (UNEXPECTED, "noe gikk galt", "Traceback", "Exception", "Error:")

# The agreement's steps, filled in as a person would (tests/support/answers.py).
STEP_INPUTS: dict[str, dict[str, Any]] = {
    "tasks": {
        "home": "concentration,writing",
        "office": "physical_meetings",
        "expectations": "Svar innen en dag",
    },
    "extent": {"days": "2", "fixed": "fixed", "weekdays": "mon,wed", "reason": ""},
    "ergonomics": {"place": "own_room", "has": "desk,office_chair,external_screen"},
    "equipment": {"package": "2", "it_cost": 2500, "furniture_cost": 4000, "special_needs": ""},
    "network": {"network": "private"},
    "summary": {"choice": "edit"},  # back to the start: no leader to send it to here
}

# Kinds of turn, in the order of the report.
KINDS = (
    "sjekk inn",
    "submit",
    "submit again",
    "hjelp",
    "min utvikling",
    "avtale",
    "agreement step",
)


# -- options -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    users: int
    seconds: float
    backends: tuple[str, ...]
    think: tuple[float, float]
    grace: float
    fault_every: float
    fault_count: int
    burst: int
    burst_every: float
    fault_503_share: float
    retry_after_ms: int
    storm: float
    seed: int
    log_level: str
    keep: Path | None
    hosts: int = 1
    roster: int = 0  # people a scheduled round is delivered to (two hosts); 0: none
    lease: int = 5  # LEASE_SECONDS of the hosts (two hosts)
    kill_share: float = 0.4  # kill the delivering host once this share has its card
    restart_after: float = 10.0  # seconds after the kill
    cosmos_database: str = COSMOS_DATABASE
    trace_memory: float = 0.0  # seconds between tracemalloc snapshots of the host; 0: off
    rss_every: float = 10.0  # seconds between samples of the host's RSS

    @property
    def storm_seconds(self) -> float:
        """At most a quarter of the soak, so that a short run is not all storm."""
        return min(self.storm, self.seconds / 4)


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.soak",
        description="Many users chatting and checking in at once against the real host.",
    )
    parser.add_argument("--users", type=int, default=200, help="simulated users (200)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the soak (60)")
    parser.add_argument(
        "--backend", choices=("sqlite", "cosmos", "both"), default="both", help="store (both)"
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="a user's pause between turns, uniform, in seconds (1 3)",
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=30.0,
        help="seconds after the end for users without a receipt to get one (30)",
    )
    parser.add_argument(
        "--fault-every",
        type=float,
        default=0.1,
        help="Cosmos: arm a fault this often, in seconds (0.1)",
    )
    parser.add_argument(
        "--fault-count",
        type=int,
        default=2,
        help="Cosmos: the next N requests after arming answer the fault (2; 0: none)",
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=40,
        help="Cosmos: now and then arm this many 429s at once instead, more than the SDK's "
        "own retries absorb, so the app's retries run too (40; 0: none)",
    )
    parser.add_argument(
        "--burst-every", type=float, default=5.0, help="Cosmos: seconds between bursts (5)"
    )
    parser.add_argument(
        "--fault-503-share",
        type=float,
        default=0.2,
        help="Cosmos: share of armed faults that are 503 rather than 429 (0.2)",
    )
    parser.add_argument(
        "--retry-after-ms",
        type=int,
        default=50,
        help="Cosmos: x-ms-retry-after-ms of an injected 429 (50)",
    )
    parser.add_argument(
        "--storm",
        type=float,
        default=15.0,
        help="Cosmos: in the middle of the soak, answer every request 429 for this many "
        "seconds (at most a quarter of --seconds), past the app's bounded retries, so some "
        "users get the busy answer (15; 0: off)",
    )
    parser.add_argument("--seed", type=int, default=9, help="random seed of the users (9)")
    parser.add_argument("--log-level", default="WARNING", help="LOG_LEVEL of the host")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the host's and connector's logs and the SQLite file in DIR (default: a "
        "temporary directory, removed afterwards)",
    )
    parser.add_argument(
        "--hosts",
        type=int,
        choices=(1, 2),
        default=1,
        help="host processes behind the one store (1); with 2 a scheduled round is delivered "
        "to --roster people at the start, the delivering host is killed (SIGKILL) mid-delivery "
        "and restarted, and the users fail over to the other host meanwhile",
    )
    parser.add_argument(
        "--roster",
        type=int,
        default=600,
        help="two hosts: people the round's card goes to, the users first (600: 12 s of "
        "delivery at Teams' 50 a second)",
    )
    parser.add_argument(
        "--lease", type=int, default=5, help="two hosts: the hosts' LEASE_SECONDS (5)"
    )
    parser.add_argument(
        "--kill-share",
        type=float,
        default=0.4,
        help="two hosts: kill the delivering host once this share of the roster has its card (0.4)",
    )
    parser.add_argument(
        "--restart-after",
        type=float,
        default=10.0,
        help="two hosts: restart the killed host this many seconds after the kill (10)",
    )
    parser.add_argument(
        "--trace-memory",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="run the host with tracemalloc (benchmarks/traced_host.py), a snapshot every "
        "SECONDS, and print what grew from the first snapshot to the last (0: off)",
    )
    parser.add_argument(
        "--rss-every",
        type=float,
        default=10.0,
        help="seconds between samples of the host's RSS, printed as a curve (10)",
    )
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds <= 0:
        parser.error("--users and --seconds must be positive")
    if args.hosts == 2 and args.roster < args.users:
        parser.error("--roster must be at least --users: the users are in the roster")
    if not 0 <= args.think[0] <= args.think[1]:
        parser.error("--think needs 0 <= MIN <= MAX")
    return Options(
        users=args.users,
        seconds=args.seconds,
        backends=("sqlite", "cosmos") if args.backend == "both" else (args.backend,),
        think=(args.think[0], args.think[1]),
        grace=args.grace,
        fault_every=args.fault_every,
        fault_count=args.fault_count,
        burst=args.burst,
        burst_every=args.burst_every,
        fault_503_share=args.fault_503_share,
        retry_after_ms=args.retry_after_ms,
        storm=args.storm,
        seed=args.seed,
        log_level=args.log_level,
        keep=args.keep,
        hosts=args.hosts,
        roster=args.roster if args.hosts == 2 else 0,
        lease=args.lease,
        kill_share=args.kill_share,
        restart_after=args.restart_after,
        trace_memory=args.trace_memory,
        rss_every=args.rss_every,
    )


# -- what the users saw ----------------------------------------------------------------------


@dataclass
class Person:
    user: TeamsUser
    rng: random.Random
    home: int = 0  # the host this user's turns go to while it is up
    cut: bool = False  # the last request was cut off by a host's death
    checkin_at: float = 0.0  # seconds into the soak when this user first checks in
    card: dict[str, Any] | None = None  # the check-in card last received
    receipts: int = 0  # submits answered with "Takk for svarene" (stored)
    stored_answers: dict[str, int] | None = None  # what the receipted submit sent
    busy_submits: int = 0
    # The answers of submits whose outcome the user could not know: answered busy (the turn's
    # budget ran out, perhaps after the write landed) or cut off by a host's death. Each of
    # them either stored nothing, and the next submit stores, or stored, and the next submit
    # answers "already answered": then what is stored must be one of these.
    in_doubt: list[dict[str, int]] = field(default_factory=list)
    confirmed: bool = False  # "already answered" after a submit in doubt: it had landed
    step_card: dict[str, Any] | None = None  # the agreement step card last received

    @property
    def answered(self) -> bool:
        """Sent an answer that is stored, as far as this user can tell."""
        return bool(self.receipts) or self.confirmed


@dataclass
class Tally:
    turns: Counter[str] = field(default_factory=Counter)
    busy: Counter[str] = field(default_factory=Counter)
    busy_at: list[float] = field(default_factory=list)  # when each busy answer arrived
    samples: list[tuple[float, str, float]] = field(default_factory=list)  # (ended, kind, ms)
    non_2xx: Counter[str] = field(default_factory=Counter)  # "kind: status"
    errors: list[str] = field(default_factory=list)  # everything that is not busy
    error_kinds: Counter[str] = field(default_factory=Counter)
    submits: int = 0  # submit invokes sent before the user had a receipt
    receipts: int = 0
    receipts_with_busy_line: int = 0  # stored, but the follow-up after it failed
    confirmed: int = 0  # submits in doubt that had stored, told by "already answered"
    already: int = 0  # "already answered" to a repeated submit, as expected
    grace_users: int = 0
    failovers: int = 0  # turns sent to the other host, their own being down
    cut: Counter[str] = field(default_factory=Counter)  # requests cut off by a kill, by kind

    def error(self, kind: str, person: Person, what: str) -> None:
        self.error_kinds[kind] += 1
        self.errors.append(f"{kind} [{person.user.aad_object_id[-6:]}]: {what}")


def card_texts(value: Any) -> str:
    """Everything a card or message shows, as one string to search."""
    return json.dumps(value, ensure_ascii=False)


def execute_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Execute in a card, wherever it sits (actions, action sets, cards)."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def checkin_round(card: dict[str, Any]) -> tuple[str, list[str]] | None:
    """The round id the card's submit carries and the items it asks; None if not a check-in."""
    for action in execute_actions(card):
        if action.get("verb") == SUBMIT_VERB and "round_id" in (action.get("data") or {}):
            items = [e["id"] for e in card.get("body", []) if e.get("type") == "Input.ChoiceSet"]
            return str(action["data"]["round_id"]), items
    return None


# -- one backend's run -----------------------------------------------------------------------


@dataclass
class Soak:
    options: Options
    session: aiohttp.ClientSession
    host_urls: list[str]
    connector_url: str
    tally: Tally = field(default_factory=Tally)
    down: set[int] = field(default_factory=set)  # hosts killed and not back yet
    kills: list[float] = field(default_factory=list)  # when (monotonic) a host was killed

    @property
    def service_url(self) -> str:
        return self.connector_url + "/"

    async def post(
        self, kind: str, person: Person, activity: dict[str, Any]
    ) -> tuple[int, bytes] | None:
        """One timed turn; None when it went wrong: an error, or (`person.cut`) cut off by
        the death of the host it went to. Like a load balancer, it goes to the user's own
        host, or to another one while that is down."""
        person.cut = False
        payload = json.dumps(activity).encode("utf-8")
        up = [i for i in range(len(self.host_urls)) if i not in self.down]
        # A host killed a moment ago may not be marked down yet: refused, the next one.
        order = sorted(up, key=lambda i: i != person.home)
        for n, index in enumerate(order):
            sent_at = time.monotonic()
            started = time.perf_counter()
            try:
                async with self.session.post(
                    self.host_urls[index] + "/api/messages", data=payload, headers=JSON_HEADERS
                ) as response:
                    body = await response.read()
                    status = response.status
                break
            except aiohttp.ClientConnectorError as error:
                if n + 1 < len(order) and self.kills:
                    continue
                self.tally.error(kind, person, f"request failed: {type(error).__name__}: {error}")
                return None
            except (aiohttp.ClientError, TimeoutError) as error:
                if any(sent_at <= k for k in self.kills):
                    person.cut = True
                    self.tally.cut[kind] += 1
                    return None
                self.tally.error(kind, person, f"request failed: {type(error).__name__}: {error}")
                return None
        else:
            self.tally.error(kind, person, "no host is up")
            return None
        if index != person.home:
            self.tally.failovers += 1
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.tally.samples.append((time.monotonic(), kind, elapsed_ms))
        self.tally.turns[kind] += 1
        if not 200 <= status < 300:
            self.tally.non_2xx[f"{kind}: HTTP {status}"] += 1
            self.tally.error(kind, person, f"HTTP {status}: {body[:300]!r}")
            return None
        return status, body

    async def replies(self, person: Person) -> list[dict[str, Any]]:
        """The messages the bot sent to this user's conversation since the last look."""
        path = CONVERSATION_PATH.format(cid=quote(person.user.conversation_id, safe=""))
        async with self.session.get(self.connector_url + path) as response:
            data = await response.json()
        return list(data["messages"])

    # -- message turns --

    async def say(self, kind: str, person: Person, text: str) -> list[dict[str, Any]] | None:
        """Type `text`; the cards of the answer, or None when the turn went wrong."""
        if await self.post(kind, person, message(person.user, self.service_url, text)) is None:
            return None
        messages = await self.replies(person)
        shown = card_texts(messages)
        if not messages:
            self.tally.error(kind, person, "no reply reached the connector")
            return None
        if BUSY in shown:
            self.tally.busy[kind] += 1
            self.tally.busy_at.append(time.monotonic())
            return None
        if any(leak in shown for leak in LEAKS):
            self.tally.error(kind, person, f"error shown: {shown[:300]}")
            return None
        return [card for m in messages for card in m["cards"]]

    async def checkin(self, person: Person) -> bool:
        cards = await self.say("sjekk inn", person, "sjekk inn")
        if cards is None:
            return False
        for card in cards:
            if checkin_round(card):
                person.card = card
                return True
            if ANSWERED in card_texts([card]):
                if person.answered:
                    return True  # answered: sending again is pressing the card they still have
                if person.in_doubt:
                    self.confirm(person)  # a submit in doubt had landed
                    return False
        self.tally.error("sjekk inn", person, f"no check-in card: {card_texts(cards)[:300]}")
        return False

    def confirm(self, person: Person) -> None:
        """The bot says this user has answered, though no submit got a receipt: one in doubt
        had landed. Stored and counted; `check` compares what is stored with what it sent."""
        person.confirmed = True
        self.tally.confirmed += 1

    async def expect(self, kind: str, person: Person, text: str, marker: str) -> None:
        cards = await self.say(kind, person, text)
        if cards is not None and marker not in card_texts(cards):
            self.tally.error(kind, person, f"not the {text} card: {card_texts(cards)[:300]}")

    async def agreement(self, person: Person) -> None:
        cards = await self.say("avtale", person, "avtale")
        if cards is None:
            return
        person.step_card = next(
            (c for c in cards if any(a.get("verb") == STEP_VERB for a in execute_actions(c))),
            None,
        )
        if person.step_card is None and not any(
            str(a.get("verb", "")).startswith("agreement.")
            for c in cards
            for a in execute_actions(c)
        ):
            self.tally.error("avtale", person, f"no agreement card: {card_texts(cards)[:300]}")

    async def press_step(self, person: Person) -> None:
        assert person.step_card is not None
        action = next(a for a in execute_actions(person.step_card) if a["verb"] == STEP_VERB)
        data = dict(action.get("data") or {})
        data.update(STEP_INPUTS.get(str(data.get("step")), {}))
        value = await self.invoke("agreement step", person, STEP_VERB, data)
        person.step_card = None
        if value is None:
            return
        kind, shown = value
        pressed = data.get("step")
        steps = (
            [a.get("data", {}).get("step") for a in execute_actions(shown)]
            if kind == "card"
            else []
        )
        if kind == "message" and not str(shown).strip():
            self.tally.error("agreement step", person, f"empty answer: {shown!r}")
        elif pressed in steps and pressed != "summary":
            # The same step again: the answers were refused (or the press got lost).
            self.tally.error("agreement step", person, f"step {pressed} did not advance")

    # -- invokes --

    async def invoke(
        self, kind: str, person: Person, verb: str, data: dict[str, Any]
    ) -> tuple[str, Any] | None:
        """Press an Action.Execute button: ("card", card), ("message", text) or ("busy", text);
        None when it went wrong (counted as an error)."""
        answered = await self.post(
            kind, person, card_action(person.user, self.service_url, verb, data)
        )
        if answered is None:
            return None
        _, body = answered
        try:
            parsed = json.loads(body)
        except ValueError:
            self.tally.error(kind, person, f"invoke body is not JSON: {body[:300]!r}")
            return None
        if not isinstance(parsed, dict) or parsed.get("statusCode") != 200:
            self.tally.error(kind, person, f"invoke answered {body[:300]!r}")
            return None
        value = parsed.get("value")
        shown = card_texts(value)
        is_card = parsed.get("type") == "application/vnd.microsoft.card.adaptive"
        if RECEIPT in shown and is_card:
            return "card", value  # a receipt may carry a busy line about the follow-up
        if BUSY in shown:
            self.tally.busy[kind] += 1
            self.tally.busy_at.append(time.monotonic())
            return "busy", value
        if UNKNOWN_ACTION in shown or any(leak in shown for leak in LEAKS):
            self.tally.error(kind, person, f"error shown: {shown[:300]}")
            return None
        return ("card" if is_card else "message"), value

    async def submit(self, person: Person, again: bool) -> bool:
        """Send the check-in card's answers; True when the bot answered busy."""
        assert person.card is not None
        found = checkin_round(person.card)
        assert found is not None
        round_id, items = found
        answers = {item: person.rng.randint(1, 5) for item in items}
        data = {
            "round_id": round_id,
            **{item: str(score) for item, score in answers.items()},
            "contact_me": "false",
            "comment": "",
        }
        kind = "submit again" if again else "submit"
        if not again:
            self.tally.submits += 1
        value = await self.invoke(kind, person, SUBMIT_VERB, data)
        if value is None and person.cut and not again:
            person.in_doubt.append(answers)  # the host died with it: stored or not, unknown
            return False
        if value is None:
            return False
        if value[0] == "busy":
            if not again:
                person.in_doubt.append(answers)
            return True
        shown = card_texts(value[1])
        if RECEIPT in shown:
            person.receipts += 1
            person.stored_answers = answers
            self.tally.receipts += 1
            if BUSY in shown:
                self.tally.receipts_with_busy_line += 1
            if again:
                self.tally.error(kind, person, "a repeated submit stored again")
        elif ALREADY in shown:
            if not again:
                if person.in_doubt:
                    self.confirm(person)
                else:
                    self.tally.error(kind, person, "'already answered' to a first submit")
            else:
                self.tally.already += 1
        else:
            self.tally.error(kind, person, f"neither receipt nor 'already': {shown[:300]}")
        return False

    # -- a user --

    async def think(self, person: Person) -> None:
        await asyncio.sleep(person.rng.uniform(*self.options.think))

    async def first_submit(self, person: Person) -> None:
        """`sjekk inn`, then answer the card; a busy answer is remembered for the check."""
        if not await self.checkin(person):
            return
        await self.think(person)
        if await self.submit(person, again=False):
            person.busy_submits += 1

    async def live(self, person: Person, started: float, deadline: float) -> None:
        """One user's turns until the deadline: chatting, and checking in once it is time."""
        rng = person.rng
        checkin_at = started + person.checkin_at
        await asyncio.sleep(rng.uniform(0, self.options.think[1]))  # not all at once
        while time.monotonic() < deadline:
            if not person.answered and time.monotonic() >= checkin_at:
                await self.first_submit(person)  # after a busy answer: again next time
                if person.receipts and rng.random() < 0.3:
                    await self.submit(person, again=True)  # a double click on the card
            else:
                await self.chat(person, deadline)
            await self.think(person)

    async def chat(self, person: Person, deadline: float) -> None:
        """One thing a user does besides their first check-in."""
        rng = person.rng
        choice = rng.random()
        if person.answered and choice < 0.25:
            # The card again: open it, and half the time send it again as well.
            if await self.checkin(person) and rng.random() < 0.5:
                await self.think(person)
                if time.monotonic() < deadline:
                    await self.submit(person, again=True)
        elif choice < 0.55:
            await self.expect("hjelp", person, "hjelp", HELP_TITLE)
        elif choice < 0.85:
            await self.expect("min utvikling", person, "min utvikling", TREND_TITLE)
        else:
            await self.agreement(person)
            if person.step_card is not None:
                await self.think(person)
                if time.monotonic() < deadline:
                    await self.press_step(person)

    async def catch_up(self, person: Person, deadline: float) -> None:
        """After the soak: a user still without a receipt tries again, as a person would."""
        if person.answered:
            return
        self.tally.grace_users += 1
        while not person.answered and time.monotonic() < deadline:
            await self.first_submit(person)
            if not person.answered:
                await asyncio.sleep(1.0)


def simulated_users(count: int, seed: int, seconds: float, hosts: int = 1) -> list[Person]:
    """Users who first check in at a random moment in the first three quarters of the soak,
    and chat before and after; spread evenly over the hosts."""
    master = random.Random(seed)
    return [
        Person(
            TeamsUser(f"00000000-0000-4000-5000-{i:012x}", f"Soak Bruker {i}"),
            random.Random(master.random()),
            home=i % hosts,
            checkin_at=master.uniform(0, 0.75 * seconds),
        )
        for i in range(count)
    ]


# -- Cosmos faults ---------------------------------------------------------------------------


@dataclass
class FaultInjector:
    """Arms the Cosmos test server's fault endpoint again and again during the soak."""

    session: aiohttp.ClientSession
    cosmos: CosmosTestServer
    options: Options
    armed: Counter[int] = field(default_factory=Counter)  # requests armed to fail, by status
    storm_window: tuple[float, float] | None = None
    bursts: int = 0

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        async with self.session.request(
            method,
            f"https://127.0.0.1:{self.cosmos.port}{path}",
            json=body,
            ssl=self.cosmos.ssl_context(),
        ) as response:
            response.raise_for_status()
            return await response.json()

    async def arm(self, status: int, count: int) -> None:
        """The next `count` requests answer `status`, unless a burst is still pending (one
        fault at a time: arming replaces what is pending)."""
        pending = (await self.control("GET", "/_test/faults"))["faults"]
        if pending and pending["remaining"] > self.options.fault_count:
            return
        body: dict[str, Any] = {"status": status, "count": count}
        if status == 429:
            body["retryAfterMs"] = self.options.retry_after_ms
        await self.control("POST", "/_test/faults", body)
        self.armed[status] += count

    async def run(self, started: float, deadline: float) -> None:
        options = self.options
        rng = random.Random(options.seed + 1)
        storm = options.storm_seconds
        storm_at = started + (deadline - started - storm) / 2 if storm else None
        next_burst = started + options.burst_every if options.burst else None
        next_fault = started if options.fault_count else None
        while True:
            now = time.monotonic()
            if now >= deadline:
                return
            if storm_at is not None and now >= storm_at:
                storm_at = None
                await self.storm()
            elif next_burst is not None and now >= next_burst:
                next_burst += options.burst_every
                self.bursts += 1
                await self.arm(429, options.burst)
            elif next_fault is not None and now >= next_fault:
                next_fault += options.fault_every
                status = 503 if rng.random() < options.fault_503_share else 429
                await self.arm(status, options.fault_count)
            upcoming = [t for t in (storm_at, next_burst, next_fault) if t is not None]
            await asyncio.sleep(max(0.0, min([deadline, *upcoming]) - time.monotonic()))

    async def storm(self) -> None:
        """Every request 429 for --storm seconds (a count no soak reaches, then cleared)."""
        started = time.monotonic()
        await self.control(
            "POST",
            "/_test/faults",
            {"status": 429, "count": 10**9, "retryAfterMs": self.options.retry_after_ms},
        )
        await asyncio.sleep(self.options.storm_seconds)
        await self.control("DELETE", "/_test/faults")
        self.storm_window = (started, time.monotonic())

    async def stop(self) -> dict[str, Any]:
        await self.control("DELETE", "/_test/faults")
        stats: dict[str, Any] = await self.control("GET", "/_test/stats")
        return stats


# -- the host process ------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, str]:
    fields: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields


def memory_mb(pid: int, name: str) -> float:
    """VmRSS / VmHWM (peak RSS) of a process, in MiB; NaN when it cannot be read."""
    value = proc_status(pid).get(name, "")
    match = re.match(r"(\d+) kB", value)
    return int(match.group(1)) / 1024 if match else math.nan


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def sample_rss(pid: int, into: list[tuple[float, float]], every: float) -> None:
    """The host's RSS every `every` seconds, until cancelled: growth over the soak shows a
    leak."""
    while True:
        into.append((time.monotonic(), memory_mb(pid, "VmRSS")))
        await asyncio.sleep(every)


def stop_child(child: Child) -> int:
    """SIGTERM, as a service manager stops the host; its exit status."""
    if child.process.poll() is None:
        child.process.send_signal(signal.SIGTERM)
        try:
            child.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()
    return child.process.returncode


# -- counting what was stored ----------------------------------------------------------------


Docs = list[dict[str, Any]]


STORED = ("responses", "counters", "deliveries", "rounds")


def read_store(
    workdir: Path, cosmos: CosmosTestServer | None, options: Options, containers: Sequence[str]
) -> dict[str, Docs]:
    """The documents of these containers, from the hosts' SQLite file or by queries across
    partitions of the Cosmos containers."""
    if cosmos is None:
        marks = ", ".join("?" for _ in containers)
        with contextlib.closing(sqlite3.connect(workdir / "bench.sqlite3")) as db:
            rows = db.execute(
                f"SELECT container, body FROM documents WHERE container IN ({marks})",
                tuple(containers),
            ).fetchall()
        found: dict[str, Docs] = {name: [] for name in containers}
        for container, body in rows:
            found[container].append(json.loads(body))
        return found
    client = cosmos.client()
    try:
        database = client.get_database_client(options.cosmos_database)
        return {
            name: list(
                database.get_container_client(name).query_items(
                    "SELECT * FROM c", enable_cross_partition_query=True
                )
            )
            for name in containers
        }
    finally:
        client.close()


# -- the report ------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank: the value `share` of the turns were at or under."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Result:
    backend: str
    tally: Tally
    people: list[Person]
    stored: Docs  # response documents
    counters: Docs  # counter documents (participation, pulse cells, team counts)
    started: float  # time.monotonic() when the users set off
    wall_seconds: float
    rss: list[tuple[float, float]]  # (when, host RSS in MiB), once a second
    rss_start_mb: float
    rss_end_mb: float
    peak_mb: float
    cpu: dict[str, float]  # CPU seconds during the soak, by process
    host_exit: int
    host_log: str
    faults: dict[str, Any] | None = None
    armed: Counter[int] | None = None
    bursts: int = 0
    storm_window: tuple[float, float] | None = None
    stray_messages: int = 0
    round_closed: bool = False  # by `round close` after the host stopped: recounted
    running: tuple[int, int] = (0, 0)  # participation and pulse respondents before the close
    hosts: int = 1
    roster: int = 0  # people the scheduled round went to (two hosts)
    kill: Kill | None = None
    cards: dict[str, int] = field(default_factory=dict)  # the round's cards per conversation
    ledger: Docs = field(default_factory=list)  # the round's card entries
    rounds: Docs = field(default_factory=list)
    memory_growth: list[str] = field(default_factory=list)  # tracemalloc's, with --trace-memory
    problems: list[str] = field(default_factory=list)


def aggregates(counters: Docs) -> tuple[int, int]:
    """The participation counter and the pulse cells' respondents, over every round."""
    participation = sum(int(d.get("answered", 0)) for d in counters if d["id"] == "participation")
    pulse = sum(int(d.get("n", 0)) for d in counters if str(d["id"]).startswith("cell:"))
    return participation, pulse


def check(result: Result) -> None:
    """Lost, doubled, wrong or unannounced answers; errors."""
    tally, problems = result.tally, result.problems
    by_pk: dict[str, list[tuple[str, dict[str, int]]]] = defaultdict(list)
    key = PSEUDONYM_KEY.encode("utf-8")
    for doc in result.stored:
        response = unseal(doc, key)  # an unreadable one shows up below as a wrong answer
        by_pk[doc["pk"]].append((doc["id"], response.answers.scores if response else {}))
    known = set()
    for person in result.people:
        pk = pseudonym(person.user.aad_object_id, key)
        known.add(pk)
        docs = by_pk.get(pk, [])
        who = person.user.aad_object_id[-6:]
        stored = {k: int(v) for k, v in docs[0][1].items()} if docs else None
        if person.answered and not docs:
            told = "a receipt" if person.receipts else "'already answered'"
            problems.append(f"lost: [{who}] was told {told}, nothing stored")
        elif len(docs) > 1:
            problems.append(f"doubled: [{who}] has {len(docs)} stored responses")
        elif docs and not person.answered:
            problems.append(f"stored without a receipt: [{who}] (busy {person.busy_submits}x)")
        elif person.receipts and stored != person.stored_answers:
            problems.append(f"wrong answers stored for [{who}]: {docs[0][1]}")
        elif docs and not person.receipts and stored not in person.in_doubt:
            problems.append(f"stored answers [{who}] sent in no submit in doubt: {docs[0][1]}")
        if person.receipts > 1:
            problems.append(f"[{who}] got {person.receipts} receipts")
        if person.receipts and person.confirmed:
            problems.append(f"[{who}] got a receipt after 'already answered'")
        if not person.answered:
            problems.append(f"[{who}] never got a receipt (busy {person.busy_submits}x)")
    strangers = [pk for pk in by_pk if pk not in known]
    if strangers:
        problems.append(f"{len(strangers)} stored responses belong to no simulated user")
    problems += tally.errors
    if tally.busy and result.backend == "sqlite":
        problems.append(f"{sum(tally.busy.values())} busy answers on SQLite, with no faults")
    if result.stray_messages:
        problems.append(f"{result.stray_messages} messages at the connector nobody asked for")
    participation, pulse = aggregates(result.counters)
    if not result.round_closed:
        problems.append("`round close` failed after the soak: the round was not recounted")
    elif participation != len(result.stored) or pulse != len(result.stored):
        problems.append(
            f"counted {participation} (participation) and {pulse} (pulse) of "
            f"{len(result.stored)} answers stored"
        )
    if result.host_exit != 0:
        problems.append(f"the host exited with status {result.host_exit} on SIGTERM")
    if result.hosts > 1:
        check_fleet(result)


#: How late after the dead host's lease ran out the survivor may take the delivery over: its
#: next tick, plus a loaded machine's slack.
TAKEOVER_SLACK_SECONDS = FLEET_TICK_SECONDS + 10.0
PERSONAL = "a:personal-"  # tests/support/teams.py: a user's 1:1 conversation id
DELIVERY_CONCURRENCY = 64  # services/delivery.py: a round's sends in flight at once


def check_fleet(result: Result) -> None:
    """Two hosts, one killed mid-delivery: one round, every card sent, a card twice only to
    someone whose send was in flight when the host died, and the survivor carried on."""
    problems, kill = result.problems, result.kill
    if kill is None:
        problems.append("no host was killed: the delivery never reached --kill-share")
        return
    if not kill.holder or not kill.lease_expires_in > 0:
        problems.append("the killed host held no rounds lease: it was not delivering")
    if kill.sent_before >= result.roster:
        problems.append("the delivery was over before the kill")
    if len(result.rounds) != 1:
        problems.append(f"{len(result.rounds)} rounds opened, not one")
    sent = [d for d in result.ledger if d.get("state") == "sent"]
    if len(sent) != result.roster:
        problems.append(f"ledger: {len(sent)} of {result.roster} cards recorded as sent")
    if kill.resumed_after is None:
        problems.append("no card after the kill: nobody took the delivery over")
    # Under injected faults a tick may fail to take the lease, or a live holder stop when it
    # cannot renew it in time and another take over: slower, but no card is lost or doubled.
    faults = bool(result.armed)
    carried = Counter(str(d["holder"]) for d in sent if d["holder"] != kill.holder)
    if len(carried) != 1 and not faults:
        problems.append(f"the rest of the delivery was sent by {len(carried)} holders: {carried}")
    if kill.resumed_after is not None and not faults:
        if kill.resumed_after > kill.lease_expires_in + TAKEOVER_SLACK_SECONDS:
            problems.append(
                f"the delivery resumed {kill.resumed_after:.1f} s after the kill, the dead "
                f"host's lease ran out after {kill.lease_expires_in:.1f} s"
            )
        elif kill.restarted_after is not None and kill.resumed_after > kill.restarted_after:
            problems.append("the delivery resumed only when the killed host was back")
    if len(result.cards) != result.roster:
        problems.append(f"{result.roster - len(result.cards)} people never got the round's card")
    twice = {cid.removeprefix(PERSONAL) for cid, n in result.cards.items() if n > 1}
    # A send in flight at the kill went out, unrecorded: its entry, left `sending`, was taken
    # over and sent again. One the dead host had recorded as sent must never be sent again, and
    # no more can be in flight than a delivery's sends at once.
    recorded = {str(d["user_id"]) for d in sent if d["holder"] == kill.holder}
    if twice & recorded:
        problems.append(
            f"{len(twice & recorded)} got the card again after the dead host had recorded it as "
            f"sent: {sorted(twice & recorded)[:5]}"
        )
    if len(twice) > DELIVERY_CONCURRENCY:
        problems.append(
            f"{len(twice)} got the card twice, more than the {DELIVERY_CONCURRENCY} sends a "
            "delivery has in flight at once"
        )


# A turn that began in the storm may still be retrying this long after it ended.
STORM_SLACK_SECONDS = 10.0
APP_RETRY = r"Cosmos DB \d+, retry"  # storage/cosmos_store.py logs each of its retries


def log_count(log: str, pattern: str) -> int:
    return len(re.findall(pattern, log))


def print_latencies(result: Result) -> None:
    """p50 / p99 per kind of turn; with a storm also without the turns that ended in it."""
    calm = None
    if result.storm_window:
        start, end = result.storm_window
        calm = [x for x in result.tally.samples if not start <= x[0] <= end + STORM_SLACK_SECONDS]
    header = f"\n{'turn':<16} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    if calm is not None:
        header += f"   | outside the storm: {'n':>6} {'p50 ms':>8} {'p99 ms':>8}"
    print(header)
    for kind in (*KINDS, "all"):
        values = [ms for _, k, ms in result.tally.samples if kind in (k, "all")]
        line = f"{kind:<16} {len(values):>6}"
        if values:
            line += (
                f" {percentile(values, 0.5):>8.1f} {percentile(values, 0.99):>8.1f} "
                f"{max(values):>8.1f}"
            )
        if calm is not None:
            quiet = [ms for _, k, ms in calm if kind in (k, "all")]
            line = f"{line:<50}   | {'':<19} {len(quiet):>6}"
            if quiet:
                line += f" {percentile(quiet, 0.5):>8.1f} {percentile(quiet, 0.99):>8.1f}"
        print(line)


def print_windows(result: Result, width: float = 10.0) -> None:
    """Turns, latency (by when the turn ended) and the host's RSS by stretch of time: drift
    and growth show here."""
    windows: dict[int, list[float]] = defaultdict(list)
    for ended, _, ms in result.tally.samples:
        windows[int((ended - result.started) // width)].append(ms)
    rss: dict[int, float] = {}
    for at, mb in result.rss:
        rss[int((at - result.started) // width)] = mb  # the last sample of the stretch
    print(f"\n{'over time':<9} {'turns':>5} {'p50 ms':>7} {'p99 ms':>7} {'host RSS MiB':>13}")
    for n, values in sorted(windows.items()):
        memory = f"{rss[n]:>13.1f}" if n in rss else ""
        print(
            f"{n * width:>3.0f}-{(n + 1) * width:<3.0f}s {len(values):>5} "
            f"{percentile(values, 0.5):>7.0f} {percentile(values, 0.99):>7.0f} {memory}"
        )


def print_fleet(result: Result, options: Options) -> None:
    kill, tally = result.kill, result.tally
    print(
        f"\ntwo hosts, one store: a scheduled round to {result.roster} people (the "
        f"{len(result.people)} users among them), LEASE_SECONDS {options.lease}, a tick every "
        f"{FLEET_TICK_SECONDS} s"
    )
    if kill is None:
        print("  no kill: the delivery never reached --kill-share")
        return
    twice = sum(1 for n in result.cards.values() if n > 1)
    holders = Counter(str(d["holder"]) for d in result.ledger if d.get("state") == "sent")
    survivor = sum(n for h, n in holders.items() if h != kill.holder)
    resumed = "never" if kill.resumed_after is None else f"{kill.resumed_after:.1f} s"
    back = "never" if kill.restarted_after is None else f"{kill.restarted_after:.1f} s"
    print(
        f"  host 0 killed (SIGKILL) with {kill.sent_before} of {result.roster} cards sent, "
        f"holding the rounds lease for {kill.lease_expires_in:.1f} s more; "
        f"{len(kill.in_doubt)} sends in flight (ledger `sending`)"
    )
    print(
        f"  the delivery resumed {resumed} after the kill; host 0 answered again after {back}; "
        f"cards recorded by the dead host {holders.get(kill.holder, 0)}, by the others "
        f"{survivor} ({len(holders) - 1} holder(s) after the kill)"
    )
    print(
        f"  cards: {sum(result.cards.values())} sent to {len(result.cards)} people, "
        f"{twice} of them twice (allowed only to those in flight at the kill: unrecorded); "
        f"rounds opened: {len(result.rounds)}"
    )
    print(
        f"  turns sent to the other host: {tally.failovers}; cut off by the kill: "
        f"{dict(tally.cut) or 0}; submits in doubt found stored on the retry: {tally.confirmed}"
    )


def least_squares_slope(points: Sequence[tuple[float, float]]) -> float:
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


WARM_UP_SECONDS = 60.0


def print_rss_curve(result: Result, options: Options) -> None:
    """Every sample of the host's RSS, a minute to a line, and how it grew in each half:
    memory that levels off grows in the first half (caches, pools, the allocator's arenas
    filling) and hardly in the second."""
    samples = [(at - result.started, mb) for at, mb in result.rss if not math.isnan(mb)]
    if len(samples) < 4:
        return
    print(f"\nhost RSS in MiB every {options.rss_every:g} s (a minute to a line):")
    minutes: dict[int, list[float]] = defaultdict(list)
    for seconds, mb in samples:
        minutes[int(seconds // 60)].append(mb)
    for minute, values in sorted(minutes.items()):
        print(f"  {minute:>3} min " + " ".join(f"{v:6.1f}" for v in values))
    # The first minute is the warm-up (imports done, the users' first turns): not growth.
    warm = [s for s in samples if s[0] >= WARM_UP_SECONDS]
    if len(warm) >= 4:
        samples = warm
    half = len(samples) // 2
    first, second = samples[: half + 1], samples[half:]
    print(
        f"  growth from {samples[0][0]:.0f} s: first half {first[-1][1] - first[0][1]:+.1f} MiB, "
        "second half "
        f"{second[-1][1] - second[0][1]:+.1f} MiB; trend over the second half "
        f"{least_squares_slope(second) * 60:+.2f} MiB a minute"
    )


def print_result(result: Result, options: Options) -> None:
    tally = result.tally
    print(f"\n=== {result.backend} ===")
    if result.faults is not None and result.armed is not None:
        faulted, total = result.faults.get("faulted", 0), result.faults.get("total", 0)
        share = faulted / total if total else 0.0
        armed = ", ".join(f"{n} x {s}" for s, n in sorted(result.armed.items()))
        print(
            f"cosmos faults armed: {armed} ({options.fault_count} at a time every "
            f"{options.fault_every:g} s, {options.fault_503_share:.0%} of them 503; "
            f"{result.bursts} bursts of {options.burst} x 429; 429 retry-after "
            f"{options.retry_after_ms} ms)"
            + (
                f"; one storm: every request 429 for {options.storm_seconds:g} s"
                if options.storm_seconds
                else ""
            )
        )
        print(
            f"cosmos requests: {total}, answered with an injected fault: {faulted} "
            f"({share:.1%}) on {result.faults.get('connections', '?')} connections; the app's "
            "own retries (host log): "
            f"{log_count(result.host_log, APP_RETRY)}"
        )
    turns = sum(tally.turns.values())
    last = max((ended for ended, _, _ in tally.samples), default=result.started)
    busy_seconds = last - result.started
    print(
        f"turns: {turns} by {len(result.people)} users in {busy_seconds:.1f} s, "
        f"{turns / max(busy_seconds, 1e-9):.1f} a second"
    )
    stored = len(result.stored)
    print(
        f"answers sent:   {tally.receipts + tally.confirmed}  ({tally.receipts} submits with a "
        f'receipt, "{RECEIPT}", and {tally.confirmed} answered busy or cut off that had '
        f"stored, as the retry's 'already answered' told; {tally.submits} first submits sent, "
        f"by {sum(1 for p in result.people if p.answered)} users; {tally.grace_users} users "
        "needed the grace time)"
    )
    print(f"answers stored: {stored}  (response documents in the store)")
    participation, pulse = aggregates(result.counters)
    print(
        f"  aggregates: participation counter {participation}, pulse cells {pulse} respondents "
        "(after `round close` recounted the round from the answers stored; "
        f"the running counts before: {result.running[0]} and {result.running[1]})"
    )
    print(
        f"repeated submits answered 'already answered': {tally.already} of "
        f"{tally.turns['submit again']} ({tally.busy['submit again']} busy)"
    )
    errors = len(tally.errors)
    print(f"errors: {errors}" + (f"  by turn: {dict(tally.error_kinds)}" if errors else ""))
    print(
        f"  non-2xx: {sum(tally.non_2xx.values())}"
        + (f" {dict(tally.non_2xx)}" if tally.non_2xx else "")
    )
    busy = sum(tally.busy.values())
    print(
        f"busy answers: {busy}"
        + (f"  by turn: {dict(tally.busy)}" if busy else "")
        + f"; receipts with a busy line about the follow-up: {tally.receipts_with_busy_line}"
    )
    if result.storm_window and busy:
        start, end = result.storm_window
        during = sum(1 for at in tally.busy_at if start <= at <= end + STORM_SLACK_SECONDS)
        print(
            f"  {during} of them during the storm or less than {STORM_SLACK_SECONDS:g} s after "
            f"it, {busy - during} at other times"
        )
    print(
        f"  busy submits: {sum(p.busy_submits for p in result.people)}; after each the user's "
        "next submit stored it (a receipt), or found the earlier one stored (already answered: "
        f"{tally.confirmed}), and the store holds what that submit sent (checked below)"
    )
    print(
        "host log: "
        f"{log_count(result.host_log, 'unhandled error in a turn')} unhandled turn errors, "
        f"{log_count(result.host_log, 'storage failed during')} storage failures answered busy, "
        f"{log_count(result.host_log, 'follow-up rules failed')} follow-ups failed after a "
        f"stored answer, {log_count(result.host_log, 'missed one answer')} aggregate counts "
        f"missed; {log_count(result.host_log, r' (?:ERROR|CRITICAL) ')} ERROR lines in all"
    )
    print_latencies(result)
    print_windows(result, 10.0 if options.seconds <= 120 else 60.0)
    print_rss_curve(result, options)
    for line in result.memory_growth:
        print(line)
    print(
        f"\nhost memory: peak RSS (VmHWM) {result.peak_mb:.1f} MiB; RSS {result.rss_start_mb:.1f} "
        f"MiB before the soak, {result.rss_end_mb:.1f} MiB after"
    )
    print(
        f"CPU seconds in {result.wall_seconds:.0f} s on {os.cpu_count()} CPUs: "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in result.cpu.items())
    )
    print(f"host exit status on SIGTERM: {result.host_exit}")
    if result.hosts > 1:
        print_fleet(result, options)
    if result.problems:
        print(f"\nFAILED: {len(result.problems)} problem(s)")
        for problem in result.problems[:25]:
            print(f"  {problem}")
        if len(result.problems) > 25:
            print(f"  ... and {len(result.problems) - 25} more")
    else:
        print(
            "\nOK: answers sent = answers stored, each user's answer stored exactly once, no errors"
        )


# -- main ------------------------------------------------------------------------------------


def host_env(workdir: Path, options: Options, cosmos: CosmosTestServer | None) -> dict[str, str]:
    env = child_env(workdir, 0, options.log_level)
    env.update(
        {
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "SCHEDULER_TICK_SECONDS": "3600",
            "CHECKIN_CRON": "off",  # no scheduled round during the soak
            "ORG_SOURCE": "csv",
        }
    )
    if options.hosts > 1:
        env.update(
            {
                # Due since midnight: the first host's tick at start opens and delivers it.
                "CHECKIN_CRON": "0 0 * * *",
                "SCHEDULER_TICK_SECONDS": str(FLEET_TICK_SECONDS),
                "LEASE_SECONDS": str(options.lease),
            }
        )
    if cosmos is not None:
        bundle = cosmos.write_ca_bundle(workdir / "ca-bundle.pem")
        env.update(
            {
                "STORAGE": "cosmos",
                # Local mode on the local Cosmos DB test server, which holds no real data.
                "LOCAL_MODE_UNSAFE_EXPOSE": "yes-i-know",
                "COSMOS_ENDPOINT": cosmos.endpoint,
                "COSMOS_KEY": cosmos.key,
                "COSMOS_DATABASE": options.cosmos_database,
                "SSL_CERT_FILE": str(bundle),
                "REQUESTS_CA_BUNDLE": str(bundle),
            }
        )
    return env


@dataclass
class Fleet:
    """The host processes behind the one store; host 0 is the one killed and restarted."""

    backend: str
    env: dict[str, str]
    workdir: Path
    trace_memory: float = 0.0
    hosts: list[Child] = field(default_factory=list)
    dead: list[Child] = field(default_factory=list)  # killed ones, for their logs

    def snapshots(self, name: str) -> Path:
        """Where a traced host's tracemalloc snapshots go."""
        return self.workdir / f"tracemalloc-{name}"

    def start(self, index: int, port: int | None = None) -> Child:
        env = {**self.env, "PORT": str(port or free_port())}
        name = f"host-{self.backend}-{index}" + (f"-{len(self.dead) + 1}" if port else "")
        argv = [sys.executable, str(REPO / "app.py")]
        if self.trace_memory:
            argv = [sys.executable, "-m", "benchmarks.traced_host", str(self.snapshots(name))]
            argv.append(str(self.trace_memory))
        child = start_child(name, argv, env, self.workdir)
        if index < len(self.hosts):
            self.hosts[index] = child
        else:
            self.hosts.append(child)
        return child

    def kill(self, index: int) -> None:
        child = self.hosts[index]
        child.process.kill()  # SIGKILL: no stop, no lease released, sends in flight unsettled
        child.process.wait()
        self.dead.append(child)

    @property
    def survivor(self) -> Child:
        """The host that is never killed: whose memory is sampled."""
        return self.hosts[-1]

    def logs(self) -> str:
        return "".join(
            c.log_path.read_text(encoding="utf-8", errors="replace") for c in self.dead + self.hosts
        )


@dataclass
class Kill:
    """What a kill in the middle of the round's delivery left and how the others carried on."""

    at: float  # monotonic
    sent_before: int  # conversations with the card when the host died
    holder: str  # who held the rounds lease then: the killed host
    lease_expires_in: float  # seconds, as stored then
    in_doubt: set[str]  # people whose ledger entry the dead host left `sending`
    resumed_after: float | None = None  # seconds until the next card arrived
    restarted_after: float | None = None  # seconds until the killed host answered again


async def sends(session: aiohttp.ClientSession, connector: Child) -> dict[str, int]:
    """The round's cards per conversation so far."""
    async with session.get(connector.base_url + SENDS_PATH) as response:
        return {k: int(v) for k, v in (await response.json())["sends"].items()}


async def write_roster(env: dict[str, str], people: Sequence[TeamsUser], service_url: str) -> None:
    """Everyone the round goes to, as installing the app writes them, through the app's own
    store and repository, before any host starts."""
    store = await open_store(Settings.from_env(env))
    try:
        roster = RosterRepository(store)
        for user in people:
            await roster.save(
                Recipient(
                    user_id=user.aad_object_id,
                    tenant_id=TENANT_ID,
                    service_url=service_url,
                    bot_id=BOT_ID,
                    user_teams_id=user.teams_id,
                    conversation_id=user.conversation_id,
                )
            )
    finally:
        await store.close()


async def run_backend(
    backend: str, options: Options, workdir: Path, cosmos: CosmosTestServer | None = None
) -> Result:
    """One soak on one store; on Cosmos on `cosmos`, or on a test server of its own."""
    if backend == "cosmos" and cosmos is None:
        with running_cosmos_server() as server:
            return await run_backend(backend, options, workdir, server)
    connector_env = child_env(workdir, free_port(), options.log_level)
    connector = start_child(
        f"connector-{backend}",
        [sys.executable, "-m", "benchmarks.connector", "--port", connector_env["PORT"]],
        connector_env,
        workdir,
    )
    fleet = Fleet(backend, host_env(workdir, options, cosmos), workdir, options.trace_memory)
    people = simulated_users(options.users, options.seed, options.seconds, options.hosts)
    try:
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
        limit = aiohttp.TCPConnector(limit=2 * options.users + 10)
        async with aiohttp.ClientSession(timeout=timeout, connector=limit) as session:
            await wait_ready(session, connector)
            if options.roster:
                quiet = [
                    TeamsUser(f"00000000-0000-4000-6000-{i:012x}", f"Soak Mottaker {i}")
                    for i in range(options.roster - len(people))
                ]
                await write_roster(
                    fleet.env, [p.user for p in people] + quiet, connector.base_url + "/"
                )
            await wait_ready(session, fleet.start(0))
            if options.hosts > 1:
                # The first host alone opens the round and delivers it: the one to kill.
                await first_cards(session, connector)
                await wait_ready(session, fleet.start(1))
            return await soak(backend, options, session, fleet, connector, cosmos, people)
    except Exception:
        for child in (connector, *fleet.dead, *fleet.hosts):
            print(f"--- {child.name} log (last lines) ---\n{child.log_tail()}", file=sys.stderr)
        raise
    finally:
        for child in fleet.hosts:
            stop_child(child)
        stop_child(connector)


async def first_cards(session: aiohttp.ClientSession, connector: Child) -> None:
    deadline = time.monotonic() + 60
    while not await sends(session, connector):
        if time.monotonic() > deadline:
            raise RuntimeError("the first host delivered no card within 60 s")
        await asyncio.sleep(0.05)


async def kill_mid_delivery(
    run: Soak, fleet: Fleet, connector: Child, cosmos: CosmosTestServer | None, deadline: float
) -> Kill | None:
    """Kill host 0 (SIGKILL) once `--kill-share` of the roster has its card, note what it left
    in doubt, restart it `--restart-after` seconds later; watch the others carry on."""
    options, session = run.options, run.session
    while len(await sends(session, connector)) < options.kill_share * options.roster:
        if time.monotonic() > deadline:
            return None
        await asyncio.sleep(0.05)
    run.down.add(0)
    fleet.kill(0)
    at = time.monotonic()
    run.kills.append(at)
    sent_before = len(await sends(session, connector))
    # Nobody else may touch the dead host's entries before its lease runs out: read them now.
    found = await asyncio.to_thread(
        read_store, fleet.workdir, cosmos, options, ("deliveries", "leases")
    )
    lease = next((d for d in found["leases"] if d["id"] == "rounds"), None)
    holder = str(lease["holder"]) if lease else ""
    expires = (
        (datetime.fromisoformat(lease["expires_at"]) - datetime.now(UTC)).total_seconds()
        if lease
        else math.nan
    )
    in_doubt = {
        str(d["user_id"])
        for d in found["deliveries"]
        if d.get("state") == "sending" and d.get("holder") == holder
    }
    kill = Kill(at, sent_before, holder, expires, in_doubt)
    restart_at = at + options.restart_after
    while time.monotonic() < restart_at:
        if kill.resumed_after is None and len(await sends(session, connector)) > sent_before:
            kill.resumed_after = time.monotonic() - at
        await asyncio.sleep(0.05)
    port = fleet.dead[-1].port
    for attempt in range(3):
        # A host that finds the store throttled while it opens exits: its service manager
        # starts it again, and so does this.
        try:
            await wait_ready(session, fleet.start(0, port=port))
            break
        except RuntimeError:
            if attempt == 2:
                raise
    run.down.discard(0)
    kill.restarted_after = time.monotonic() - at
    while kill.resumed_after is None and time.monotonic() < deadline:
        if len(await sends(session, connector)) > sent_before:
            kill.resumed_after = time.monotonic() - at
        await asyncio.sleep(0.05)
    return kill


async def soak(
    backend: str,
    options: Options,
    session: aiohttp.ClientSession,
    fleet: Fleet,
    connector: Child,
    cosmos: CosmosTestServer | None,
    people: list[Person],
) -> Result:
    run = Soak(options, session, [h.base_url for h in fleet.hosts], connector.base_url)
    pid = fleet.survivor.process.pid
    rss_start = memory_mb(pid, "VmRSS")
    pids = {h.name: h.process.pid for h in fleet.hosts} | {"connector": connector.process.pid}
    if cosmos:
        pids["cosmos server"] = cosmos.process.pid
    cpu_start = {name: cpu_seconds(p) for name, p in pids.items()}
    cpu_start["load generator"] = time.process_time()
    injector = FaultInjector(session, cosmos, options) if cosmos else None
    if cosmos:
        cosmos.reset()
    started = time.monotonic()
    deadline = started + options.seconds
    faults = asyncio.create_task(injector.run(started, deadline)) if injector else None
    rss: list[tuple[float, float]] = []
    sampler = asyncio.create_task(sample_rss(pid, rss, options.rss_every))
    killer = (
        asyncio.create_task(kill_mid_delivery(run, fleet, connector, cosmos, deadline))
        if options.hosts > 1
        else None
    )
    await asyncio.gather(*(run.live(p, started, deadline) for p in people))
    stats = None
    if injector and faults:
        await faults
        stats = await injector.stop()
    kill = await killer if killer else None
    await asyncio.gather(*(run.catch_up(p, time.monotonic() + options.grace) for p in people))
    wall = time.monotonic() - started
    sampler.cancel()
    peak, rss_end = memory_mb(pid, "VmHWM"), memory_mb(pid, "VmRSS")
    cpu = {name: cpu_seconds(p) - cpu_start[name] for name, p in pids.items()}
    cpu["load generator"] = time.process_time() - cpu_start["load generator"]
    cards = await sends(session, connector) if options.roster else {}
    async with session.get(connector.base_url + SUMMARY_PATH) as response:
        stray = int((await response.json())["messages"])
    exits = [stop_child(h) for h in fleet.hosts]
    running = read_store(fleet.workdir, cosmos, options, ("counters",))["counters"]
    # Closed as an operator closes it: the pulse then recounts the round from what is stored.
    closing = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "app.py"),
        "round",
        "close",
        env=fleet.env,
        cwd=fleet.workdir,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    closed = await asyncio.wait_for(closing.wait(), timeout=300) == 0
    found = read_store(fleet.workdir, cosmos, options, STORED)
    result = Result(
        backend=backend,
        tally=run.tally,
        people=people,
        stored=found["responses"],
        counters=found["counters"],
        started=started,
        wall_seconds=wall,
        rss=rss,
        rss_start_mb=rss_start,
        rss_end_mb=rss_end,
        peak_mb=peak,
        cpu=cpu,
        host_exit=next((e for e in exits if e != 0), 0),
        round_closed=closed,
        running=aggregates(running),
        host_log=fleet.logs(),
        faults=stats,
        armed=injector.armed if injector else None,
        bursts=injector.bursts if injector else 0,
        storm_window=injector.storm_window if injector else None,
        stray_messages=stray,
        hosts=options.hosts,
        roster=options.roster,
        kill=kill,
        cards=cards,
        ledger=[d for d in found["deliveries"] if d.get("kind") == "card"],
        # The check-in rounds' partition: others (kaffeprat) keep their rounds beside them.
        rounds=[d for d in found["rounds"] if d.get("pk") == ROUNDS_PARTITION],
    )
    if options.trace_memory:
        result.memory_growth = growth(fleet.snapshots(fleet.survivor.name))
    check(result)
    return result


def print_header(argv: Sequence[str], options: Options) -> None:
    print(f"command:  {sys.executable} -m benchmarks.soak {' '.join(argv)}".rstrip())
    print(f"app:      {app_revision()}")
    print(f"machine:  {os.cpu_count()} CPUs, load average {load_average()}")
    print(
        f"load:     {options.users} users for {options.seconds:g} s each store, think time "
        f"{options.think[0]:g}-{options.think[1]:g} s, seed {options.seed}, host LOG_LEVEL "
        f"{options.log_level}"
    )


async def main_async(options: Options, workdir: Path) -> int:
    status = 0
    for backend in options.backends:
        backend_dir = workdir / backend
        backend_dir.mkdir()
        result = await run_backend(backend, options, backend_dir)
        print_result(result, options)
        if result.problems:
            status = 1
    return status


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    options = parse_options(argv)
    print_header(argv, options)
    started = time.monotonic()
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=False)
        status = asyncio.run(main_async(options, options.keep.resolve()))
    else:
        with tempfile.TemporaryDirectory(prefix="bench-soak-") as workdir:
            status = asyncio.run(main_async(options, Path(workdir)))
    print(f"\nload average after: {load_average()}; run time: {time.monotonic() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
