"""An operator steers rounds from the command line beside a running host: `round list`,
`round close [ID]`, and `round open` waiting out a crashed sender's lease."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from bootstrap import open_store
from bot.settings import Settings
from cards.i18n import t
from cli import rounds
from cli.main import parser
from domain.clock import utc_now
from domain.leases import Lease
from domain.org import Role, RoleGrant
from domain.rounds import new_round
from services.round_jobs import LEASE
from storage.leases import LeaseStore
from storage.pulse import PulseCounters
from storage.roles import RoleRepository
from storage.rounds import RoundRepository
from tests.support.card_text import texts
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.teams import TeamsUser, install
from tests.support.turns import check_in, pulse

SCORES = {item: "3" for item in ("stress", "social", "focus", "workload", "balance", "leader",
                                  "learning", "strain")}  # fmt: skip
PEOPLE = [TeamsUser(str(uuid.UUID(int=100 + n)), f"Person {n}") for n in range(3)]
ADMIN = PEOPLE[0]
ROOT = Path(__file__).resolve().parents[2]


async def round_cli(
    settings: Settings, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, str]:
    """`python app.py round …` in this process: its exit status and what it printed."""
    code = await rounds.run_cli(settings, parser().parse_args(["round", *argv]))
    return code, capsys.readouterr().out


async def enrol(host: Host) -> None:
    for user in PEOPLE:
        await host.send(install(user, host.service_url))
    assert host.store is not None
    await RoleRepository(host.store).grant(ADMIN.aad_object_id, RoleGrant(Role.ADMIN))
    host.connector.clear()


async def deliver(host: Host) -> None:
    """What `round open` does, by the host's own jobs: against Cosmos DB the command runs only
    with the bot's identity (README), which a test has not."""
    assert await parts(host).jobs.open_round() is not None


async def test_round_list_shows_the_rounds_newest_first_with_their_numbers(
    host: Host, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await round_cli(host.settings, capsys, "list") == (0, "no round yet\n")
    await enrol(host)
    await deliver(host)
    code, listed = await round_cli(host.settings, capsys, "list", "--json")
    assert code == 0
    (row,) = json.loads(listed)
    await check_in(host, PEOPLE[1], row["id"], SCORES)

    code, listed = await round_cli(host.settings, capsys, "list")
    assert code == 0
    header, line = listed.splitlines()
    assert header.split() == ["round", "opened", "closes", "delivered", "answered", "status"]
    assert line.split()[0] == row["id"] and line.split()[-3:] == ["3", "1", "open"]
    (again,) = json.loads((await round_cli(host.settings, capsys, "list", "--json"))[1])
    assert again | {"answered": 0} == row and again["answered"] == 1
    assert {"opened", "closes", "delivered", "status"} <= again.keys()


async def test_round_close_ends_the_round_now_and_the_pulse_shows_it(
    host: Host, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    await enrol(host)
    await deliver(host)
    (row,) = json.loads((await round_cli(host.settings, capsys, "list", "--json"))[1])
    receipt = await check_in(host, PEOPLE[1], row["id"], SCORES)
    assert t("nb", "receipt.title") in texts(receipt)  # the host has the round cached by now
    assert t("nb", "pulse.no_round") in texts(await pulse(host, ADMIN))

    with caplog.at_level(logging.WARNING):
        code, said = await round_cli(host.settings, capsys, "close")
    assert code == 0 and f"round {row['id']} closed early" in said
    assert any(f"round {row['id']} closed early by" in r.message for r in caplog.records)

    # Nothing more is accepted, though the host read the round a moment before.
    late = await check_in(host, PEOPLE[2], row["id"], SCORES)
    assert shows(texts(late), "nb", "receipt.closed")
    assert t("nb", "receipt.title") not in texts(late)
    (closed,) = json.loads((await round_cli(host.settings, capsys, "list", "--json"))[1])
    assert closed["status"] == "closed early" and closed["answered"] == 1
    assert closed["closes"] < row["closes"]
    # The pulse's rules hold as after any close: the hiding is decided, the round is shown.
    assert host.store is not None
    assert await PulseCounters(host.store).hiding(row["id"]) is not None
    assert t("nb", "pulse.no_round") not in texts(await pulse(host, ADMIN))


async def test_closing_a_closed_or_unknown_round_says_so_and_changes_nothing(
    host: Host, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = await round_cli(host.settings, capsys, "close")
    assert code == 1 and "no round is open; nothing changed" in said
    await enrol(host)
    await deliver(host)
    (row,) = json.loads((await round_cli(host.settings, capsys, "list", "--json"))[1])
    assert (await round_cli(host.settings, capsys, "close", row["id"]))[0] == 0
    assert host.store is not None
    before = await RoundRepository(host.store).get(row["id"], fresh=True)

    code, said = await round_cli(host.settings, capsys, "close", row["id"])
    assert code == 1 and f"round {row['id']} is closed already; nothing changed" in said
    code, said = await round_cli(host.settings, capsys, "close", "s19990101")
    assert code == 1 and "no round s19990101; nothing changed" in said
    code, said = await round_cli(host.settings, capsys, "close")
    assert code == 1 and "no round is open" in said
    assert await RoundRepository(host.store).get(row["id"], fresh=True) == before
    # Opening today's round again sends its closed card to nobody, not even a newcomer.
    await host.send(install(TeamsUser(str(uuid.UUID(int=99)), "Newcomer"), host.service_url))
    host.connector.clear()
    await deliver(host)
    assert host.connector.cards() == []
    assert await RoundRepository(host.store).get(row["id"], fresh=True) == before


async def test_round_close_waits_for_a_delivery_under_way_rather_than_race_it(
    host: Host, capsys: pytest.CaptureFixture[str]
) -> None:
    await enrol(host)
    await deliver(host)
    assert host.store is not None
    # Another host is delivering: were the close written now, its progress would reopen it.
    await LeaseStore(host.store).acquire(LEASE, "another-host", timedelta(seconds=1))
    code, said = await round_cli(host.settings, capsys, "close")
    assert code == 0
    waiting, closed = said.splitlines()
    assert waiting.endswith("waiting…") and "closed early" in closed


async def dead_senders_lease(settings: Settings, seconds: float) -> Lease:
    """The lease of a sender that crashed mid-delivery: held until it runs out."""
    store = await open_store(settings)
    try:
        lease = await LeaseStore(store).acquire(LEASE, "dead-host", timedelta(seconds=seconds))
    finally:
        await store.close()
    assert lease is not None
    return lease


@pytest.mark.parametrize("backend", ["sqlite"])  # Cosmos DB: the next test
async def test_round_open_after_a_crash_waits_for_the_dead_senders_lease_then_delivers(
    settings: Settings, connector: FakeConnector, capsys: pytest.CaptureFixture[str]
) -> None:
    host = Host(settings, connector)
    await host.start()
    try:
        await enrol(host)
    finally:
        await host.stop()
    dead = await dead_senders_lease(settings, 1.5)

    started = time.monotonic()
    code, said = await round_cli(settings, capsys, "open")
    assert code == 0, said
    assert time.monotonic() - started >= 1.2  # it waited the lease out
    waiting, *report = said.splitlines()
    until = dead.expires_at.astimezone(settings.timezone).strftime("%H:%M:%S")
    assert waiting.startswith(f"another sender holds the round's lease until {until} (")
    assert waiting.endswith(" s); waiting…")
    assert "cards      invited 3, delivered 3 (100.0 %)" in "\n".join(report)
    assert len(connector.cards()) == 3


async def test_opening_after_a_crash_waits_for_the_dead_senders_lease_on_every_backend(
    host: Host,
) -> None:
    await enrol(host)
    dead = await dead_senders_lease(host.settings, 1.0)
    told: list[Lease] = []
    status = await parts(host).jobs.open_round_waiting(lambda lease, _: told.append(lease))
    assert [lease.holder for lease in told] == ["dead-host"]
    assert told[0].expires_at == dead.expires_at
    assert status is not None and status.cards.sent == 3 and len(host.connector.cards()) == 3


async def test_ctrl_c_while_waiting_for_the_lease_stops_and_changes_nothing(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    await dead_senders_lease(settings, 60)
    store = await open_store(settings)
    try:
        round_ = await RoundRepository(store).create(new_round("s20261204", utc_now(), ("stress",)))
        closing = asyncio.ensure_future(round_cli(settings, capsys, "close"))
        await asyncio.sleep(0.5)
        closing.cancel()  # what Ctrl-C does to `asyncio.run`'s task
        with pytest.raises(asyncio.CancelledError):
            await closing
        said = capsys.readouterr().out
        assert "waiting…" in said and "stopped" in said
        assert await RoundRepository(store).all() == [round_]  # still open
        lease = await LeaseStore(store).holder_of(LEASE)
        assert lease is not None and lease.holder == "dead-host"
    finally:
        await store.close()


@pytest.mark.slow
async def test_ctrl_c_ends_a_waiting_round_open_process(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    store = await open_store(Settings(sqlite_path=str(database)))
    await LeaseStore(store).acquire(LEASE, "dead-host", timedelta(seconds=60))
    await store.close()
    env = {**os.environ, "SQLITE_PATH": str(database), "PSEUDONYM_KEY": "k", "LOG_LEVEL": "ERROR"}
    env.pop("STORAGE", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "app.py", "round", "open", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    first = await asyncio.wait_for(process.stdout.readline(), 30)
    assert "waiting…" in first.decode()
    process.send_signal(signal.SIGINT)
    rest, _ = await asyncio.wait_for(process.communicate(), 10)
    assert "stopped" in rest.decode()
