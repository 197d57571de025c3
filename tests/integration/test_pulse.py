"""`puls` through the real host: counters on every submit, the k rule, scopes, CSV, audit."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cards.i18n import t
from cards.pulse import CSV_VERB
from domain.org import Role, RoleGrant
from storage.pulse import AuditLog, PulseCounters
from storage.roles import RoleRepository
from storage.rounds import RoundRepository
from tests.support.attacker_lp import Attacker
from tests.support.card_text import texts
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.processes import run_app
from tests.support.pulse_csv import pulse_csv_rows
from tests.support.teams import TeamsUser, card_action, install
from tests.support.turns import press, pulse

HEADER = "aad_object_id,name,email,manager_aad_object_id,service_area,unit"


def person(n: int) -> TeamsUser:
    return TeamsUser(str(uuid.UUID(int=n)), f"Person {n}")


BOSS = person(1)
REP = person(2)  # union rep for Oppvekst
OPPVEKST = [person(10 + n) for n in range(12)]
KULTUR = [person(40 + n) for n in range(3)]
EVERYONE = [BOSS, REP, *OPPVEKST, *KULTUR]


async def organisation(host: Host) -> None:
    rows = [f"{BOSS.aad_object_id},Boss,boss@x.example,,Stab,Stab"]
    rows.append(f"{REP.aad_object_id},Rep,rep@x.example,{BOSS.aad_object_id},Oppvekst,Skole")
    rows += [
        f"{u.aad_object_id},{u.name},p{i}@x.example,{BOSS.aad_object_id},Oppvekst,Skole"
        for i, u in enumerate(OPPVEKST)
    ]
    rows += [
        f"{u.aad_object_id},{u.name},k{i}@x.example,{BOSS.aad_object_id},Kultur,Bibliotek"
        for i, u in enumerate(KULTUR)
    ]
    outcome = await parts(host).directory.import_csv("\n".join([HEADER, *rows]).encode())
    assert not outcome.errors
    assert host.store is not None
    roles = RoleRepository(host.store)
    await roles.grant(REP.aad_object_id, RoleGrant(Role.UNION_REP, frozenset({"Oppvekst"})))
    await roles.grant(BOSS.aad_object_id, RoleGrant(Role.ADMIN))
    for user in EVERYONE:
        await host.send(install(user, host.service_url))


async def run_round(host: Host, answering: dict[TeamsUser, int]) -> str:
    """A round delivered to everyone, answered by `answering` (stress score each), closed."""
    status = await parts(host).jobs.open_round()
    assert status is not None
    round_id = status.round.id
    for user, stress in answering.items():
        data = {"round_id": round_id, "stress": str(stress), "social": "4", "focus": "3",
                "workload": "3", "balance": "3", "leader": "4", "learning": "3", "strain": "1"}  # fmt: skip
        body = await press(host, user, "checkin.submit", data)
        assert t("nb", "receipt.title") in texts(body["value"])
    assert host.store is not None
    rounds = RoundRepository(host.store)
    round_ = await rounds.get(round_id, fresh=True)
    assert round_ is not None
    await rounds.save(replace(round_, closes_at=datetime.now(UTC) - timedelta(minutes=1)))
    return round_id


async def csv_url(host: Host, user: TeamsUser) -> str:
    """Press the pulse's CSV button: the link the answer opens."""
    answer = await press(host, user, CSV_VERB, {})
    return str(next(a["url"] for a in answer["value"]["actions"] if a["type"] == "Action.OpenUrl"))


def rows_of(card: dict[str, Any]) -> dict[str, list[str]]:
    """Every table row by its first cell, and every breakdown group (a bold heading, then its
    facts or "for få svar") by its heading."""
    found: dict[str, list[str]] = {}
    heading = ""
    for element in card["body"]:
        if element.get("type") == "Table":
            for row in element["rows"]:
                cells = [c["items"][0]["text"] for c in row["cells"]]
                found[cells[0]] = cells[1:]
        elif element.get("type") == "TextBlock" and element.get("separator"):
            heading = element["text"]
        elif heading and element.get("type") == "FactSet":
            found[heading] = [f["value"] for f in element["facts"]]
            heading = ""
        elif heading and element.get("type") == "TextBlock":
            found[heading] = [element["text"]]
            heading = ""
    return found


async def test_twelve_shown_with_their_means_three_hidden_and_not_recoverable(host: Host) -> None:
    await organisation(host)
    answering = {u: 4 for u in OPPVEKST} | {u: 1 for u in KULTUR}
    await run_round(host, answering)

    card = await pulse(host, BOSS)
    shown = texts(card)
    assert "Puls – hele organisasjonen" in shown
    rows = rows_of(card)
    assert rows["Oppvekst"][:2] == ["12", "4,0"]  # respondents, stress mean
    assert rows["Kultur"][0] == t("nb", "pulse.too_few")
    # The total would give Kultur away (15 − 12): it is hidden, and so is the response rate.
    assert t("nb", "pulse.total_hidden") in shown and not shows(shown, "nb", "pulse.round")
    # Every other row — the age band, which here equals the total, too — is hidden.
    headers = {t("nb", "pulse.by_area"), t("nb", "pulse.by_band"), t("nb", "pulse.item")}
    others = {label: r for label, r in rows.items() if label not in headers | {"Oppvekst"}}
    assert others and all(r[0] == t("nb", "pulse.too_few") for r in others.values()), others

    # The CSV holds the same numbers, the same hidden cells.
    url = await csv_url(host, BOSS)
    assert host.client is not None
    path = re.sub(r"^https?://[^/]+", "", url)
    response = await host.client.get(path)
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    table = pulse_csv_rows(await response.text(), "nb")
    area, item, n, mean, note = (
        t("nb", "pulse.csv.area"),
        t("nb", "pulse.csv.item"),
        t("nb", "pulse.answered"),
        t("nb", "pulse.mean"),
        t("nb", "pulse.csv.note"),
    )
    kultur = [r for r in table if r[area] == "Kultur"]
    assert kultur and all(
        r[n] == r[mean] == "" and r[note] == t("nb", "pulse.too_few") for r in kultur
    )
    oppvekst_stress = next(
        r for r in table if r[area] == "Oppvekst" and r[item] == t("nb", "item.short.stress")
    )
    assert oppvekst_stress[n] == "12" and oppvekst_stress[mean] == "4,0"
    # A breakdown cell shows respondents and means only, and there is no area × age band row.
    assert oppvekst_stress[t("nb", "pulse.csv.answered_score", score=4)] == ""
    kinds = {t("nb", f"pulse.csv.breakdown.{k}") for k in ("total", "area", "band")}
    breakdown = t("nb", "pulse.csv.breakdown")
    assert {r[breakdown] for r in table} == kinds
    assert all(
        r[n] == "" and r[note] == t("nb", "pulse.too_few")
        for r in table
        if r[breakdown] == t("nb", "pulse.csv.breakdown.total")
    )
    # The link is used up; a changed token, or none, gets nothing either.
    assert (await host.client.get(path)).status == 403
    fresh = await csv_url(host, BOSS)
    token = fresh.rsplit("=", 1)[1]
    forged = fresh.replace(token, ("A" if token[0] != "A" else "B") + token[1:])
    assert (await host.client.get(re.sub(r"^https?://[^/]+", "", forged))).status == 403
    assert (await host.client.get("/pulse.csv")).status == 403

    assert host.store is not None
    audit = await AuditLog(host.store).month(datetime.now(UTC).strftime("%Y-%m"))
    # The card (with the ergonomics picture and kaffeprat's after it), the card again with each
    # link made (it shows the numbers), the download.
    assert [(e["who"], e["action"], e["scope"]) for e in audit] == [
        (BOSS.aad_object_id, "pulse.view", "*"),
        (BOSS.aad_object_id, "pulse.ergonomics", "*"),
        (BOSS.aad_object_id, "coffee.view", "*"),
        (BOSS.aad_object_id, "pulse.view", "*"),
        (BOSS.aad_object_id, "pulse.csv", "*"),
        (BOSS.aad_object_id, "pulse.view", "*"),
    ]


async def test_a_rep_sees_only_the_scope_with_its_real_response_rate(host: Host) -> None:
    await organisation(host)
    answering = {u: 3 for u in OPPVEKST[:9]} | {u: 5 for u in KULTUR}
    await run_round(host, answering)
    card = await pulse(host, REP)
    shown = texts(card)
    assert "Puls – Oppvekst" in shown
    assert "Kultur" not in shown
    # 13 in Oppvekst got the card (12 and the rep), 9 answered.
    assert "9 av 13 svarte (69 %)" in shown
    assert rows_of(card)["Oppvekst"][:2] == ["9", "3,0"]


async def test_employees_and_leaders_get_no_numbers(host: Host) -> None:
    await organisation(host)
    await run_round(host, {u: 4 for u in OPPVEKST})
    for user in (OPPVEKST[0], KULTUR[0]):
        card = await pulse(host, user)
        assert t("nb", "pulse.not_allowed") in texts(card)
        assert not re.search(r"\d", texts(card))
    assert host.store is not None
    await RoleRepository(host.store).revoke(REP.aad_object_id, Role.UNION_REP)
    assert t("nb", "pulse.not_allowed") in texts(await pulse(host, REP))


async def test_a_round_still_open_is_not_shown(host: Host) -> None:
    await organisation(host)
    status = await parts(host).jobs.open_round()
    assert status is not None
    card = await pulse(host, BOSS)
    assert t("nb", "pulse.no_round") in texts(card)
    counters = await parts(host).pulse._counters.cells(status.round.id)
    assert counters == {}


@pytest.mark.slow
def test_roles_from_the_command_line(tmp_path: Path) -> None:
    env = {"STORAGE": "sqlite", "SQLITE_PATH": str(tmp_path / "bot.sqlite3"), "ADMINS": ""}
    rep = "6d20782b-0ceb-530c-bd69-23bfa3c1a583"
    assert run_app(["roles", "list"], env, tmp_path).stdout == "no roles granted\n"
    refused = run_app(["roles", "grant", rep, "union_rep"], env, tmp_path)
    assert refused.returncode == 2 and "needs --scope" in refused.stderr
    assert run_app(["roles", "grant", "kari", "admin"], env, tmp_path).returncode == 2
    granted = run_app(
        ["roles", "grant", rep.upper(), "union_rep", "--scope", "Oppvekst", "--scope", "Kultur"],
        env,
        tmp_path,
    )
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout == f"granted union_rep to {rep} for Kultur, Oppvekst\n"
    listed = run_app(
        ["roles", "list"], {**env, "ADMINS": "00d73c0c-0147-5ee0-a8a9-6916734a0b02"}, tmp_path
    )
    assert listed.stdout.splitlines() == [
        f"{rep}  union_rep  Kultur, Oppvekst",
        "00d73c0c-0147-5ee0-a8a9-6916734a0b02  admin  everything (ADMINS setting)",
    ]
    assert run_app(["roles", "revoke", rep, "union_rep"], env, tmp_path).returncode == 0
    assert run_app(["roles", "revoke", rep, "union_rep"], env, tmp_path).returncode == 1
    assert run_app(["roles", "list"], env, tmp_path).stdout == "no roles granted\n"


async def test_a_service_area_named_like_a_formula_is_text_in_the_csv(host: Host) -> None:
    """A directory field is attacker-controlled: a spreadsheet must not run it (OWASP)."""
    await organisation(host)
    formula = '=HYPERLINK("http://x","y")'
    rows = [
        f"{u.aad_object_id},{u.name},p{i}@x.example,{BOSS.aad_object_id},{formula},Skole"
        for i, u in enumerate(OPPVEKST)
    ]
    outcome = await parts(host).directory.import_csv(
        "\n".join(
            [
                HEADER,
                f"{BOSS.aad_object_id},Boss,boss@x.example,,Stab,Stab",
                *(r.replace(formula, '"=HYPERLINK(""http://x"",""y"")"') for r in rows),
            ]
        ).encode()
    )
    assert not outcome.errors
    await run_round(host, {u: 4 for u in OPPVEKST})
    url = await csv_url(host, BOSS)
    assert host.client is not None
    text = await (await host.client.get(re.sub(r"^https?://[^/]+", "", url))).text()
    cells = [c for row in pulse_csv_rows(text, "nb") for c in row.values()]
    assert "'" + formula in cells
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells)


async def test_the_issue_example_an_admin_cannot_pin_the_one_person_under_30(host: Host) -> None:
    """Area A: 10 respondents, all 31–40, so A's other bands are 0; area B: one person under
    30 and others elsewhere. With the area × age band interior in the CSV, an attacker who
    knows that counts are whole and never negative pins hidden cells; the published numbers
    must not let it."""
    a_people = [person(100 + n) for n in range(10)]
    b_people = [person(200 + n) for n in range(13)]
    bands = {u: "31-40" for u in a_people} | {b_people[0]: "-30"}
    bands |= {u: "41-50" for u in b_people[1:7]} | {u: "51-60" for u in b_people[7:]}
    rows = [f"{BOSS.aad_object_id},Boss,boss@x.example,,Stab,Stab"]
    rows += [
        f"{u.aad_object_id},{u.name},p{i}@x.example,{BOSS.aad_object_id},{area},Enhet"
        for area, people in (("A", a_people), ("B", b_people))
        for i, u in enumerate(people)
    ]
    outcome = await parts(host).directory.import_csv("\n".join([HEADER, *rows]).encode())
    assert not outcome.errors
    assert host.store is not None
    await RoleRepository(host.store).grant(BOSS.aad_object_id, RoleGrant(Role.ADMIN))
    for user in [BOSS, *a_people, *b_people]:
        await host.send(install(user, host.service_url))
    for user, band in bands.items():
        await host.send(
            card_action(
                user, host.service_url, "settings.save", {"language": "nb", "age_band": band}
            )
        )
    stress = {u: 1 + n % 5 for n, u in enumerate([*a_people, *b_people])}
    await run_round(host, stress)

    url = await csv_url(host, BOSS)
    assert host.client is not None
    text = await (await host.client.get(re.sub(r"^https?://[^/]+", "", url))).text()
    attacker = Attacker.from_csv(text, {"Stab": 1, "A": 10, "B": 13})
    fixed = {"social": 4, "focus": 3, "workload": 3, "balance": 3, "leader": 4, "learning": 3}
    truth: dict[tuple[str, str], list[dict[str, int]]] = {}
    for area, people in (("A", a_people), ("B", b_people)):
        for u in people:
            truth.setdefault((area, bands[u]), []).append(
                {"stress": stress[u], "strain": 1, **fixed}
            )
    unanimous = {
        (p.cells, item, s)
        for p in attacker.known
        for item in attacker.items
        for s in range(5)
        if p.n and all(one[item] == s + 1 for c in p.cells for one in truth.get(c, ()))
    }
    assert attacker.narrowed(truth, 5, unanimous) == []


async def test_a_rounds_hiding_is_decided_once_and_every_host_shows_that_one(host: Host) -> None:
    """The audit's integer programs are time-limited, so two hosts (or one after a restart)
    could decide two patterns for one round; together they would show what each hides."""
    await organisation(host)
    round_id = await run_round(host, {u: 4 for u in OPPVEKST} | {u: 1 for u in KULTUR})
    assert host.store is not None
    counters = PulseCounters(host.store)
    assert await counters.hiding(round_id) is None
    # Another host decided first, hiding more than this one would (Oppvekst too).
    stricter = frozenset({("Oppvekst", None), ("Kultur", None), (None, None)})
    assert await counters.keep_hiding(round_id, stricter) == stricter
    await host.restart()
    rows = rows_of(await pulse(host, BOSS))
    assert rows["Oppvekst"][0] == t("nb", "pulse.too_few")  # the decided pattern, not a new one
    assert host.store is not None
    again = await PulseCounters(host.store).keep_hiding(round_id, frozenset())
    assert again == stricter  # the first one stands


async def test_the_scheduler_decides_the_hiding_when_the_round_has_closed(host: Host) -> None:
    await organisation(host)
    status = await parts(host).jobs.open_round()
    assert status is not None and host.store is not None
    counters = PulseCounters(host.store)
    await parts(host).pulse.scheduled_tick()
    assert await counters.hiding(status.round.id) is None  # still taking answers
    rounds = RoundRepository(host.store)
    await rounds.save(replace(status.round, closes_at=datetime.now(UTC) - timedelta(minutes=1)))
    await parts(host).pulse.scheduled_tick()
    assert await counters.hiding(status.round.id) is not None  # ready before anyone asks
