"""People marked unreachable come back (issue 19): their own next turn, an operator's
`round resend-failed` and `roster revive`, and a breaker that marks no one when every send
fails because of the bot (a wrong app password). Through the host, on both backends."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cli import roster as roster_cli
from cli.main import main
from domain.delivery import BREAKER_AFTER, Recipient
from domain.rounds import new_round
from services.round_jobs import CARD, Resent
from storage.ledger import DeliveryLedger
from storage.roster import RosterRepository
from storage.rounds import RoundRepository
from storage.sqlite_store import SqliteStore
from tests.support.example_org import KARI
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, parts
from tests.support.teams import TENANT_ID, TeamsUser, card_action, install, message
from tests.support.turns import cards_to

ITEMS = ("stress", "social", "focus", "workload", "balance", "leader", "learning", "strain")
# Teams' answer when the app is no longer installed for the user: not their blocking of it.
NOT_INSTALLED = (403, "BotNotInConversationRoster")


def people(host: Host, n: int) -> list[Recipient]:
    return [
        Recipient(
            user_id=f"user-{i:05d}",
            tenant_id=TENANT_ID,
            service_url=host.service_url,
            bot_id="28:bot",
            user_teams_id=f"29:user-{i:05d}",
            conversation_id=f"a:conv-{i:05d}",
        )
        for i in range(n)
    ]


async def enrol(host: Host, recipients: list[Recipient]) -> RosterRepository:
    assert host.store is not None
    roster = RosterRepository(host.store)
    await asyncio.gather(*(roster.save(r) for r in recipients))
    return roster


async def next_round(host: Host, round_id: str) -> None:
    """A round the scheduler has still to deliver; `round open` delivers it."""
    assert host.store is not None
    await RoundRepository(host.store).create(
        new_round(round_id, datetime.now(UTC), ITEMS, delivered=False)
    )


TURNS: dict[str, Callable[[TeamsUser, str], dict[str, Any]]] = {
    "message": lambda user, url: message(user, url, "hjelp"),
    "card action": lambda user, url: card_action(user, url, "no.such.verb", {}),
    "install": install,
}


@pytest.mark.parametrize("turn", TURNS)
async def test_someone_marked_unreachable_who_comes_back_gets_the_next_round(
    host: Host, turn: str
) -> None:
    assert host.store is not None
    roster = RosterRepository(host.store)
    await host.send(message(KARI, host.service_url, "hjelp"))
    host.connector.refuse[KARI.conversation_id] = NOT_INSTALLED
    await parts(host).jobs.open_round()
    marked = await roster.get(KARI.aad_object_id)
    assert marked is not None and marked.dead
    # Nothing of hers reaches the next round while she is away.
    host.connector.refuse.clear()
    await next_round(host, "away")
    host.connector.clear()
    await parts(host).jobs.open_round()
    assert cards_to(host, KARI) == []

    await host.send(TURNS[turn](KARI, host.service_url))
    await next_round(host, "back")
    host.connector.clear()
    status = await parts(host).jobs.open_round()
    assert status is not None and status.round.id == "back"
    (card,) = cards_to(host, KARI)
    assert card["actions"][0]["data"]["round_id"] == "back"


async def test_resend_failed_sends_each_person_not_reached_once_and_a_second_run_nothing(
    host: Host,
) -> None:
    everyone = people(host, 6)
    gave_up, gone, left_out = everyone[1], everyone[2], everyone[3]
    roster = await enrol(host, everyone)
    await roster.save(Recipient(**{**left_out.__dict__, "dead": True}))  # an earlier round's
    host.connector.refuse = {
        gave_up.conversation_id: (403, "BotDisabledByAdmin"),
        gone.conversation_id: NOT_INSTALLED,
    }
    status = await parts(host).jobs.open_round()
    assert status is not None
    assert (status.cards.sent, status.cards.failed, status.cards.dead) == (3, 1, 1)
    # The cause is fixed (the admin enabled the app again, the policy reinstalled it).
    host.connector.refuse.clear()

    resent = await parts(host).jobs.resend_failed()
    assert isinstance(resent, Resent)
    assert (resent.tried, resent.sent, resent.failed, resent.dead) == (3, 3, 0, 0)
    assert resent.report() == (
        f"round {status.round.id}: resent to 3: delivered 3, failed 0, dead 0, pending 0"
    )
    assert {c: host.connector.delivered[c.conversation_id] for c in everyone} == {
        c: 1 for c in everyone
    }
    assert not any(r.dead for r in await roster.everyone())  # reached: reachable after all

    again = await parts(host).jobs.resend_failed(status.round.id)
    assert isinstance(again, Resent) and again.tried == 0
    assert again.report() == f"round {status.round.id}: nothing to resend"
    assert set(host.connector.delivered.values()) == {1}
    after = await parts(host).jobs.status()
    assert after is not None and (after.cards.invited, after.cards.sent) == (6, 6)


async def test_roster_revive_takes_the_marks_away_and_is_safe_to_repeat(
    host: Host, capsys: pytest.CaptureFixture[str]
) -> None:
    everyone = people(host, 4)
    roster = await enrol(host, [Recipient(**{**r.__dict__, "dead": True}) for r in everyone])

    async def revive(*user_ids: str, all_: bool = False) -> str:
        args = argparse.Namespace(roster_action="revive", all=all_, user_ids=list(user_ids))
        assert await roster_cli.run_cli(host.settings, args) == 0
        captured = capsys.readouterr()
        return captured.out + captured.err

    output = await revive("{" + everyone[0].user_id.upper() + "}", "no-such-person")
    assert "revived 1" in output and "not in the roster: no-such-person" in output
    assert [r.user_id for r in await roster.everyone() if r.dead] == [
        r.user_id for r in everyone[1:]
    ]
    assert "revived 3" in await revive(all_=True)
    assert "revived 0" in await revive(all_=True)
    assert not any(r.dead for r in await roster.everyone())
    # The next round reaches them all.
    status = await parts(host).jobs.open_round()
    assert status is not None and status.cards.sent == 4


async def test_the_breaker_stops_a_delivery_whose_first_sends_all_get_401_and_marks_no_one(
    host: Host, caplog: pytest.LogCaptureFixture
) -> None:
    assert host.store is not None
    everyone = people(host, 3 * BREAKER_AFTER + 90)  # more than the sends in flight at once
    roster = await enrol(host, everyone)
    host.connector.refuse_all = (401, "Unauthorized")  # a wrong MicrosoftAppPassword
    with caplog.at_level(logging.WARNING, logger="services.delivery"):
        status = await parts(host).jobs.open_round()
    reason = "stopped: the first 20 sends all got 401 Unauthorized — check MicrosoftAppId/password"
    assert reason in caplog.text
    assert status is not None and status.round.delivered_at is None  # unfinished
    assert reason in status.report(host.settings.timezone)
    assert host.connector.requests[401] < len(everyone)  # it stopped early
    # Nobody marked: not failed, not dead, pending.
    assert (status.cards.sent, status.cards.failed, status.cards.dead) == (0, 0, 0)
    assert await DeliveryLedger(host.store).entries(status.round.id, CARD) == {}
    assert not any(r.dead for r in await roster.everyone())

    host.connector.refuse_all = None  # the password fixed
    again = await parts(host).jobs.open_round()
    assert again is not None and again.round.id == status.round.id
    assert again.cards.sent == len(everyone) and again.round.delivered_at is not None
    assert len(host.connector.delivered) == len(everyone)
    assert set(host.connector.delivered.values()) == {1}
    assert "stopped" not in again.report(host.settings.timezone)


@pytest.mark.slow
async def test_the_operator_sees_the_stop_and_resends_from_the_command_line(
    tmp_path: Path,
    connector: FakeConnector,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = tmp_path / "cli.sqlite3"
    store = await SqliteStore.open(database)
    everyone = [
        Recipient(f"user-{i:05d}", TENANT_ID, connector.service_url, "28:bot", f"29:{i}", f"a:{i}")
        for i in range(BREAKER_AFTER + 5)
    ]
    for recipient in everyone:
        await RosterRepository(store).save(recipient)
    await store.close()
    monkeypatch.setenv("SQLITE_PATH", str(database))
    monkeypatch.setenv("PSEUDONYM_KEY", "k")
    monkeypatch.delenv("STORAGE", raising=False)

    async def app(*argv: str) -> tuple[int, str]:
        code = await asyncio.to_thread(main, list(argv))
        return code, capsys.readouterr().out

    connector.refuse_all = (401, "Unauthorized")
    _, opened = await app("round", "open")
    assert "stopped: the first 20 sends all got 401 Unauthorized" in opened
    _, status = await app("round", "status")
    assert "check MicrosoftAppId/password" in status and "(delivery unfinished)" in status

    connector.refuse_all = None
    connector.refuse = {"a:3": (403, "BotDisabledByAdmin")}
    _, opened = await app("round", "open")
    assert "failed 1, dead 0, pending 0" in opened and "stopped" not in opened
    connector.refuse.clear()
    round_id = opened.split(":")[0].removeprefix("round ")
    code, resent = await app("round", "resend-failed", round_id)
    assert code == 0 and f"round {round_id}: resent to 1: delivered 1" in resent
    code, again = await app("round", "resend-failed")
    assert code == 0 and f"round {round_id}: nothing to resend" in again
    assert set(connector.delivered.values()) == {1} and len(connector.delivered) == len(everyone)
