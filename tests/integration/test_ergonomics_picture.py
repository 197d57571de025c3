"""The safety reps' ergonomics picture in `puls`, through the host on both stores.

Last quarter seven people in Oppvekst had their agreements approved (three workplaces a risk,
two of them asking for BHT) and two in Helse og omsorg, with k = 3 (`small_k_host`). Sigrid Lunde is the
safety rep for Oppvekst, Ole Bakken the union rep, Ingrid Solberg an admin.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from cards.i18n import t
from domain.agreement import Place, Workplace
from domain.agreement_record import Agreement, Status
from domain.ergonomics_picture import Quarter
from domain.org import Role, RoleGrant
from storage.agreements import AgreementRepository
from storage.roles import RoleRepository
from tests.support.card_text import texts
from tests.support.example_org import EXAMPLE, INGRID, KARI, LARS, OLE, SIGRID
from tests.support.gallery import PLAIN_TERMS
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.teams import TeamsUser, message
from tests.support.turns import setup_org

PEOPLE = {row["name"]: row["aad_object_id"] for row in csv.DictReader(EXAMPLE.open())}
SOUND = Workplace(Place.OWN_ROOM, frozenset({"desk", "office_chair"}))
HURTS = Workplace(Place.OWN_ROOM, frozenset({"desk", "office_chair"}), frozenset({"back"}))
# name: (workplace a risk, asked for BHT)
LAST_QUARTER = {
    "Lars Haugen": (True, True),
    "Ole Bakken": (True, True),
    "Sigrid Lunde": (True, False),
    "Nina Strand": (False, False),
    "Per Moen": (False, False),
    "Astrid Dahl": (False, False),
    "Ingrid Solberg": (False, False),
    "Mona Eide": (True, True),
    "Jonas Lie": (False, False),
}


def last_quarter() -> datetime:
    quarter = Quarter.of(datetime.now(UTC).date()).previous
    return datetime.combine(quarter.first_day + timedelta(days=20), time(12), UTC)


async def approve(host: Host, name: str, risk: bool, bht: bool, at: datetime) -> None:
    """An agreement approved at `at`, written as the service writes one (a test fixture: the
    conversation itself is tested elsewhere)."""
    assert host.store is not None
    employee = PEOPLE[name]
    workplace = HURTS if risk else SOUND
    terms = replace(PLAIN_TERMS, workplace=workplace, wants_occupational_health=bht)

    def approved(before: Agreement | None) -> Agreement:
        version = before.version + 1 if before else 1
        return Agreement(
            employee,
            version,
            Status.APPROVED,
            terms,
            leader_id=LARS.aad_object_id,
            submitted_at=at - timedelta(days=2),
            decided_at=at,
            approved_version=version,
        )

    await AgreementRepository(host.store).change(employee, approved)


async def ergonomics_card(host: Host, user: TeamsUser) -> dict[str, Any] | None:
    host.connector.clear()
    await host.send(message(user, host.service_url, "puls"))
    found = [c for c in host.connector.cards() if shows(texts(c), "nb", "pulse.ergonomics.title")]
    assert len(found) <= 1
    return found[0] if found else None


def table_rows(card: dict[str, Any]) -> list[list[str]]:
    (table,) = [e for e in card["body"] if e["type"] == "Table"]
    return [[texts(cell) for cell in row["cells"]] for row in table["rows"]]


async def setup(host: Host) -> None:
    await setup_org(host, SIGRID, OLE, INGRID, KARI)
    assert host.store is not None
    roles = RoleRepository(host.store)
    await roles.grant(SIGRID.aad_object_id, RoleGrant(Role.SAFETY_REP, frozenset({"Oppvekst"})))
    await roles.grant(OLE.aad_object_id, RoleGrant(Role.UNION_REP, frozenset({"Oppvekst"})))
    await roles.grant(INGRID.aad_object_id, RoleGrant(Role.ADMIN))
    for name, (risk, bht) in LAST_QUARTER.items():
        await approve(host, name, risk, bht, last_quarter())


async def test_the_safety_rep_sees_her_areas_last_quarter_within_the_rules(
    small_k_host: Host,
) -> None:
    host = small_k_host
    await setup(host)
    card = await ergonomics_card(host, SIGRID)
    assert card is not None
    assert shows(texts(card), "nb", "pulse.ergonomics.quarter")
    # Oppvekst: 7 assessed, 3 at risk (3 ≤ 3 ≤ 7 − 3); 2 asked for BHT (under k: hidden).
    header, *rows, total = table_rows(card)
    assert header[1:] == [t("nb", f"pulse.ergonomics.{c}") for c in ("assessed", "risk", "bht")]
    assert rows == [["Oppvekst", "7", "3", "–"]]
    assert total == [t("nb", "pulse.ergonomics.total"), "7", "3", "–"]
    # The admin sees every area; Helse og omsorg has 2 (under k): nothing of it is shown, and
    # the total adds up only what is.
    admin = await ergonomics_card(host, INGRID)
    assert admin is not None
    _, *rows, total = table_rows(admin)
    assert rows == [["Helse og omsorg", "–", "–", "–"], ["Oppvekst", "7", "3", "–"]]
    assert total[1:] == ["7", "3", "–"]


async def test_an_approval_or_an_erasure_after_the_quarter_changes_nothing_shown(
    small_k_host: Host,
) -> None:
    host = small_k_host
    await setup(host)
    before = await ergonomics_card(host, SIGRID)
    # Kari's agreement is approved this quarter, and Astrid erases her data.
    await approve(host, "Kari Nordmann", True, True, datetime.now(UTC) - timedelta(minutes=5))
    await parts(host).data_rights.erase(PEOPLE["Astrid Dahl"], None)
    await host.restart()  # another host process: the quarter's counts come from the store
    assert await ergonomics_card(host, SIGRID) == before


async def test_only_safety_reps_and_admins_see_it_and_every_look_is_audited(
    small_k_host: Host,
) -> None:
    host = small_k_host
    await setup(host)
    assert await ergonomics_card(host, SIGRID) is not None
    assert await ergonomics_card(host, INGRID) is not None
    # The union rep has the pulse, not this: the work environment is the safety rep's.
    assert await ergonomics_card(host, OLE) is None
    assert await ergonomics_card(host, KARI) is None
    assert host.store is not None
    month = datetime.now(UTC).strftime("%Y-%m")
    looks = [d for d in await host.store.query("audit", month) if d["action"] == "pulse.ergonomics"]
    assert sorted(d["who"] for d in looks) == sorted([SIGRID.aad_object_id, INGRID.aad_object_id])
    assert {d["scope"] for d in looks} == {"Oppvekst", "*"}
