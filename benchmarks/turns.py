"""Turn latency of the real bot against a bare botbuilder echo bot, in one run.

    .venv/bin/python -m benchmarks.turns            # full: 400 requests at c=1, 2000 at c=50
    .venv/bin/python -m benchmarks.turns --quick    # smoke run: 50 requests per scenario

Three processes serve: the real host (`python app.py`: local mode, SQLite in a temp dir),
the echo bot (`python -m benchmarks.echo_bot`) and the fake Bot Connector that receives the
bots' replies (`python -m benchmarks.connector`). This process generates the load, on
127.0.0.1 only. Scenarios:

- `sjekk inn`: a message turn; the bot sends the check-in card to the connector, and
  CloudAdapter answers the POST once the turn is done. Baseline: an echo message turn.
- `submit`: an `adaptiveCard/action` invoke with valid answers, each from a different user,
  so every one is stored. Baseline: the echo bot answering the same invoke.

Every submitting user has opened the check-in card first (an untimed `sjekk inn` per user,
reported as the "new user" row), so profiles exist — as in the real flow, and so that the
measured `sjekk inn` turns are those of a known user. Each scenario runs on both bots in
alternating slices (echo first, then ours first, ...), so drift in the load of a shared
machine hits both alike. Both bots get the same environment and LOG_LEVEL (WARNING by
default: no access-log line per request, which would add the same cost to both).

A report, not a gate: exits 0, unless a request failed or a turn did not do its work
(reply missing at the connector, submits not all stored), then 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import shlex
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.connector import HEALTH_PATH, SUMMARY_PATH
from tests.support.teams import TeamsUser, card_action, message

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SUBMIT_VERB = "checkin.submit"
JSON_HEADERS = {"Content-Type": "application/json"}
STARTUP_SECONDS = 30.0
REQUEST_TIMEOUT_SECONDS = 30.0
TARGET_RATIO = 2.0

Checker = Callable[[int, bytes], str | None]


# -- options -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    concurrencies: tuple[int, ...]
    requests: int | None  # None: the default per concurrency
    warmup: int
    max_seconds: float
    log_level: str
    rounds: int

    def requests_at(self, concurrency: int) -> int:
        # 400 at c=1, 2000 at c=50: enough samples that p99 is more than the single worst.
        return self.requests if self.requests is not None else max(400, 40 * concurrency)


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.turns",
        description="Median and p99 turn latency of the bot against a bare echo bot.",
    )
    parser.add_argument("--requests", type=int, help="requests per scenario and concurrency")
    parser.add_argument("--quick", action="store_true", help="smoke run: 50 requests each")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--warmup", type=int, help="untimed requests per bot and kind (50)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=120.0,
        help="time limit for one bot in one scenario (default 120)",
    )
    parser.add_argument(
        "--rounds", type=int, default=10, help="alternating echo/bot slices per scenario (10)"
    )
    parser.add_argument(
        "--log-level",
        default="WARNING",
        help="LOG_LEVEL of both bots; INFO adds an access-log line per request to both",
    )
    args = parser.parse_args(argv)
    requests = 50 if args.quick and args.requests is None else args.requests
    if requests is not None and requests < 1:
        parser.error("--requests must be at least 1")
    return Options(
        concurrencies=tuple(args.concurrency),
        requests=requests,
        warmup=args.warmup if args.warmup is not None else (20 if args.quick else 50),
        max_seconds=args.max_seconds,
        log_level=args.log_level,
        rounds=args.rounds,
    )


# -- child processes -----------------------------------------------------------------------


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_child(name: str, argv: list[str], env: dict[str, str], workdir: Path) -> Child:
    port = int(env["PORT"])
    log_path = workdir / f"{name}.log"
    # Output goes to a file: a pipe nobody drains would block the child once it fills.
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Child(name, process, port, log_path)


def child_env(workdir: Path, port: int, log_level: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PORT": str(port),
        "HOST": HOST,
        "LOG_LEVEL": log_level,
        # Local mode whatever the caller's environment says; the temp dir has no .env.
        "MicrosoftAppId": "",
        "MicrosoftAppPassword": "",
        "STORAGE": "sqlite",
        "SQLITE_PATH": str(workdir / "bench.sqlite3"),
        "PSEUDONYM_KEY": "benchmark-pseudonym-key",
    }


def start_children(workdir: Path, log_level: str) -> dict[str, Child]:
    python = sys.executable
    commands = {
        "connector": [python, "-m", "benchmarks.connector", "--port"],
        "echo": [python, "-m", "benchmarks.echo_bot", "--port"],
        "ours": [python, str(REPO / "app.py")],
    }
    children: dict[str, Child] = {}
    for name, argv in commands.items():
        env = child_env(workdir, free_port(), log_level)
        if argv[-1] == "--port":
            argv = [*argv, env["PORT"]]
        children[name] = start_child(name, argv, env, workdir)
    return children


async def wait_ready(session: aiohttp.ClientSession, child: Child) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise RuntimeError(f"{child.name} exited during start-up:\n{child.log_tail()}")
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with session.get(child.base_url + HEALTH_PATH) as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{child.name} did not answer {HEALTH_PATH}:\n{child.log_tail()}")


def stop_children(children: dict[str, Child]) -> None:
    for child in children.values():
        if child.process.poll() is None:
            child.process.terminate()
    for child in children.values():
        try:
            child.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()


# -- the load ------------------------------------------------------------------------------


@dataclass
class Measured:
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    truncated: bool = False

    @property
    def ok(self) -> int:
        return len(self.latencies_ms)

    def add(self, other: Measured) -> None:
        self.latencies_ms += other.latencies_ms
        self.failures += other.failures
        self.wall_seconds += other.wall_seconds
        self.truncated = self.truncated or other.truncated


async def run_load(
    session: aiohttp.ClientSession,
    url: str,
    payloads: Sequence[bytes],
    concurrency: int,
    max_seconds: float,
    check: Checker,
) -> Measured:
    """POST every payload with `concurrency` requests in flight; the latency of each."""
    measured = Measured()
    pending: Iterator[bytes] = iter(payloads)
    deadline = time.perf_counter() + max_seconds

    async def worker() -> None:
        for payload in pending:  # shared: each payload goes to exactly one worker
            if time.perf_counter() > deadline:
                measured.truncated = True
                return
            await one_request(session, url, payload, check, measured)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    measured.wall_seconds = time.perf_counter() - started
    return measured


async def one_request(
    session: aiohttp.ClientSession, url: str, payload: bytes, check: Checker, into: Measured
) -> None:
    started = time.perf_counter()
    try:
        async with session.post(url, data=payload, headers=JSON_HEADERS) as response:
            body = await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as error:
        into.failures.append(f"{type(error).__name__}: {error}")
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
    # Checked after the clock stopped, so checking costs neither bot any latency.
    problem = check(status, body)
    if problem:
        into.failures.append(problem)
    else:
        into.latencies_ms.append(elapsed_ms)


def expect_2xx(status: int, body: bytes) -> str | None:
    return None if 200 <= status < 300 else f"HTTP {status}: {body[:200]!r}"


def expect_invoke_ok(status: int, body: bytes) -> str | None:
    """An invoke answered 200 whose body says 200 too (a bot's own error says otherwise)."""
    problem = expect_2xx(status, body)
    if problem:
        return problem
    try:
        answered = json.loads(body)
    except ValueError:
        return f"invoke body is not JSON: {body[:200]!r}"
    if not isinstance(answered, dict) or answered.get("statusCode") != 200:
        return f"invoke answered {body[:200]!r}"
    return None


# -- the traffic ---------------------------------------------------------------------------


def users(prefix: int, count: int) -> list[TeamsUser]:
    """Distinct Entra object ids: a submit from a new id is a new respondent."""
    return [TeamsUser(f"00000000-0000-4000-{prefix:04x}-{i:012x}") for i in range(count)]


def encode(activity: dict[str, Any]) -> bytes:
    return json.dumps(activity).encode("utf-8")


def checkin_messages(people: Sequence[TeamsUser], service_url: str) -> list[bytes]:
    return [encode(message(user, service_url, "sjekk inn")) for user in people]


def submits(
    people: Sequence[TeamsUser], service_url: str, round_id: str, items: Sequence[str]
) -> list[bytes]:
    payloads = []
    for n, user in enumerate(people):
        answers = {item: str(1 + (n + k) % 5) for k, item in enumerate(items)}
        data = {"round_id": round_id, **answers, "contact_me": "false", "comment": ""}
        payloads.append(encode(card_action(user, service_url, SUBMIT_VERB, data)))
    return payloads


def read_checkin_card(card: dict[str, Any]) -> tuple[str, list[str]]:
    """The round id the card's submit carries and the ids of the items it asks."""
    round_id = str(card["actions"][0]["data"]["round_id"])
    items = [e["id"] for e in card["body"] if e.get("type") == "Input.ChoiceSet"]
    return round_id, items


# -- the run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    scenario: str
    bot: str
    concurrency: int
    measured: Measured


@dataclass
class Run:
    options: Options
    session: aiohttp.ClientSession
    children: dict[str, Child]
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    submits_ok: int = 0

    @property
    def service_url(self) -> str:
        return self.children["connector"].base_url + "/"

    async def connector_summary(self) -> dict[str, Any]:
        async with self.session.get(self.children["connector"].base_url + SUMMARY_PATH) as r:
            summary: dict[str, Any] = await r.json()
            return summary

    async def load(
        self,
        bot: str,
        payloads: Sequence[bytes],
        concurrency: int,
        check: Checker,
        max_seconds: float,
    ) -> Measured:
        url = self.children[bot].base_url + "/api/messages"
        return await run_load(self.session, url, payloads, concurrency, max_seconds, check)

    async def measure(
        self,
        scenario: str,
        payloads: Sequence[bytes],
        concurrency: int,
        bots: tuple[str, ...] = ("echo", "ours"),
    ) -> None:
        """One timed scenario on each bot, in alternating slices (A B, B A, A B, ...).

        The machine is shared and its load drifts; slicing the run and swapping which bot goes
        first spreads that drift over both bots instead of charging it to one.
        """
        totals = {bot: Measured() for bot in bots}
        for n, block in enumerate(slices(payloads, self.options.rounds)):
            for bot in bots if n % 2 == 0 else bots[::-1]:
                totals[bot].add(await self.measure_block(scenario, bot, block, concurrency))
        self.rows += [Row(scenario, bot, concurrency, totals[bot]) for bot in bots]

    async def measure_block(
        self, scenario: str, bot: str, payloads: Sequence[bytes], concurrency: int
    ) -> Measured:
        """Timed requests, then a check that every turn did its work."""
        is_submit = scenario == "submit"
        await self.connector_summary()  # forget what arrived before
        check = expect_invoke_ok if is_submit else expect_2xx
        limit = self.options.max_seconds / self.options.rounds
        measured = await self.load(bot, payloads, concurrency, check, limit)
        label = f"{scenario} {bot} c={concurrency}"
        self.problems += [f"{label}: {failure}" for failure in measured.failures]
        arrived = await self.connector_summary()
        expected_messages = 0 if is_submit else measured.ok
        if arrived["messages"] != expected_messages:
            self.problems.append(
                f"{label}: {arrived['messages']} replies at the connector, "
                f"expected {expected_messages}"
            )
        if bot == "ours" and not is_submit and arrived["cards"] != measured.ok:
            self.problems.append(f"{label}: {arrived['cards']} cards for {measured.ok} turns")
        if bot == "ours" and is_submit:
            self.submits_ok += measured.ok
        return measured


def slices(payloads: Sequence[bytes], count: int) -> list[Sequence[bytes]]:
    count = max(1, min(count, len(payloads)))
    return [
        payloads[k * len(payloads) // count : (k + 1) * len(payloads) // count]
        for k in range(count)
    ]


async def warm_up(run: Run, people: Sequence[TeamsUser]) -> tuple[str, list[str]]:
    """Untimed turns of both kinds on both bots; the check-in card the real bot sent."""
    service_url = run.service_url
    opens = checkin_messages(people, service_url)
    concurrency = min(10, len(people))
    await run.connector_summary()
    for bot in ("echo", "ours"):
        warm = await run.load(bot, opens, concurrency, expect_2xx, run.options.max_seconds)
        run.problems += [f"warm-up {bot}: {failure}" for failure in warm.failures]
    card = (await run.connector_summary())["last_card"]
    if card is None:
        raise RuntimeError("the bot sent no check-in card during warm-up")
    round_id, items = read_checkin_card(card)
    presses = submits(people, service_url, round_id, items)
    for bot in ("echo", "ours"):
        warm = await run.load(bot, presses, concurrency, expect_invoke_ok, run.options.max_seconds)
        run.problems += [f"warm-up {bot}: {failure}" for failure in warm.failures]
        if bot == "ours":
            run.submits_ok += warm.ok
    return round_id, items


async def benchmark(run: Run) -> None:
    options = run.options
    warm_people = users(0xFFFF, options.warmup)
    round_id, items = await warm_up(run, warm_people)
    # One block of users per concurrency: each opens the card, then submits once.
    blocks = {c: users(n, options.requests_at(c)) for n, c in enumerate(options.concurrencies, 1)}
    opens = {c: checkin_messages(people, run.service_url) for c, people in blocks.items()}
    presses = {c: submits(people, run.service_url, round_id, items) for c, people in blocks.items()}
    everyone = [payload for c in options.concurrencies for payload in opens[c]]
    await run.measure("sjekk inn, new user", everyone, max(options.concurrencies), ("ours",))
    for scenario, payloads in (("sjekk inn", opens), ("submit", presses)):
        for c in options.concurrencies:
            await run.measure(scenario, payloads[c], c)


def stored_responses(sqlite_path: Path) -> int:
    with contextlib.closing(sqlite3.connect(sqlite_path)) as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM documents WHERE container = 'responses'"
        ).fetchone()
    return int(count)


# -- the report ----------------------------------------------------------------------------


def p99(latencies: Sequence[float]) -> float:
    """Nearest rank: the value 99 % of the requests were at or under."""
    ordered = sorted(latencies)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def print_header(argv: Sequence[str]) -> None:
    command = shlex.join([sys.executable, "-m", "benchmarks.turns", *argv])
    print(f"command:  {command}")
    print(
        f"versions: Python {platform.python_version()}, "
        f"botbuilder-core {version('botbuilder-core')}, "
        f"botbuilder-integration-aiohttp {version('botbuilder-integration-aiohttp')}, "
        f"aiohttp {version('aiohttp')}"
    )
    print(f"app:      {app_revision()}")
    print(f"machine:  {os.cpu_count()} CPUs, load average {load_average()}")


def app_revision() -> str:
    """The commit measured, and whether the working tree differs from it."""
    git = ["git", "-C", str(REPO)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return f"commit {head}" + (" + uncommitted changes" if dirty else "")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def print_table(rows: Sequence[Row]) -> None:
    echo = {(r.scenario, r.concurrency): r.measured for r in rows if r.bot == "echo"}
    header = (
        f"{'scenario':<20} {'bot':<5} {'conc':>4} {'n':>5} {'median ms':>10} {'p99 ms':>9} "
        f"{'req/s':>8} {'median/echo':>12} {'p99/echo':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        m = row.measured
        if not m.latencies_ms:
            print(f"{row.scenario:<20} {row.bot:<5} {row.concurrency:>4} {0:>5}  (no successes)")
            continue
        median, tail = statistics.median(m.latencies_ms), p99(m.latencies_ms)
        base = echo.get((row.scenario.split(",")[0], row.concurrency))
        ratios = ("", "")
        if row.bot == "ours" and base and base.latencies_ms:
            ratios = (
                f"{median / statistics.median(base.latencies_ms):.2f}x",
                f"{tail / p99(base.latencies_ms):.2f}x",
            )
        note = "  (stopped at --max-seconds)" if m.truncated else ""
        print(
            f"{row.scenario:<20} {row.bot:<5} {row.concurrency:>4} {m.ok:>5} {median:>10.2f} "
            f"{tail:>9.2f} {m.ok / m.wall_seconds:>8.1f} {ratios[0]:>12} {ratios[1]:>9}{note}"
        )
    print(f"target: median/echo <= {TARGET_RATIO:.1f}x")


def print_problems(problems: Sequence[str]) -> None:
    print(f"\nFAILED: {len(problems)} problem(s)")
    for problem in problems[:20]:
        print(f"  {problem}")
    if len(problems) > 20:
        print(f"  ... and {len(problems) - 20} more")


# -- main ----------------------------------------------------------------------------------


async def main_async(options: Options, workdir: Path) -> int:
    children = start_children(workdir, options.log_level)
    try:
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
        connector = aiohttp.TCPConnector(limit=max(options.concurrencies))
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            for child in children.values():
                await wait_ready(session, child)
            run = Run(options, session, children)
            await benchmark(run)
    except Exception:
        # The temp dir and its logs go away with us: show what the servers said first.
        for child in children.values():
            print(f"--- {child.name} log (last lines) ---\n{child.log_tail()}", file=sys.stderr)
        raise
    finally:
        stop_children(children)
    print()
    print_table(run.rows)
    stored = stored_responses(workdir / "bench.sqlite3")
    print(f"\nstored responses: {stored} (submits answered OK by the bot: {run.submits_ok})")
    if stored != run.submits_ok:
        run.problems.append(f"{stored} responses stored for {run.submits_ok} submits")
    print(f"load average after: {load_average()}")
    if run.problems:
        print_problems(run.problems)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    options = parse_options(argv)
    print_header(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as workdir:
        status = asyncio.run(main_async(options, Path(workdir)))
    print(f"run time: {time.monotonic() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
