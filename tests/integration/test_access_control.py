"""Who may read what (docs/roles.md#who-may-see-what), one test per cell, through Teams' paths.

Kari Nordmann (employee) reports to Lars Haugen (her leader). Nina Strand leads another team.
Ole Bakken is a union rep and Sigrid Lunde a safety rep, both for Oppvekst; Ingrid Solberg is
an admin. Kari has answered check-ins, made an agreement that Lars approved, and asked Lars to
contact her (an open follow-up).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from cards.agreement import PDF_VERB
from cards.i18n import t
from domain.org import Role, RoleGrant
from storage.roles import RoleRepository
from storage.rounds import RoundRepository
from tests.support.answers import FINE
from tests.support.card_text import texts
from tests.support.example_org import INGRID, KARI, LARS, OLE
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.teams import TeamsUser
from tests.support.turns import (
    cards_to,
    check_in,
    download_link,
    fill_in,
    open_rounds,
    press,
    pulse,
    say,
    setup_org,
    step,
)

NINA = TeamsUser("ca8225cc-96e0-5607-aa58-1b5fe93b2b47", "Nina Strand")
SIGRID = TeamsUser("dd3f78ca-fefd-5b90-b754-dfd9fb414953", "Sigrid Lunde")
READERS = {
    "employee": KARI,
    "leader of the person": LARS,
    "another leader": NINA,
    "union rep": OLE,
    "safety rep": SIGRID,
    "admin": INGRID,
}

#: The table: what each reader may read of Kari's, or of everyone's in aggregate.
ACCESS: dict[str, set[str]] = {
    "her answers and trend": {"employee"},
    "her agreement": {"employee", "leader of the person"},
    "her written agreement (PDF)": {"employee", "leader of the person"},
    "her follow-up": {"employee", "leader of the person"},
    "her data export": {"employee"},
    "the pulse (aggregates)": {"union rep", "safety rep", "admin"},
    "the ergonomics picture (aggregates)": {"safety rep", "admin"},
}


async def kari_uses_everything(host: Host) -> None:
    await setup_org(host, *READERS.values())
    assert host.store is not None
    roles = RoleRepository(host.store)
    await roles.grant(OLE.aad_object_id, RoleGrant(Role.UNION_REP, frozenset({"Oppvekst"})))
    await roles.grant(SIGRID.aad_object_id, RoleGrant(Role.SAFETY_REP, frozenset({"Oppvekst"})))
    await roles.grant(INGRID.aad_object_id, RoleGrant(Role.ADMIN))
    (round_id,) = await open_rounds(host, 1)
    await check_in(host, KARI, round_id, {**FINE, "stress": "3"}, contact=True)
    await fill_in(host, KARI)
    await step(host, KARI, "summary", {"choice": "send"})
    (approval, *_) = [c for c in cards_to(host, LARS) if shows(texts(c), "nb", "approval.title")]
    await press(host, LARS, "agreement.decide", {**approval["actions"][0]["data"], "comment": ""})
    rounds = RoundRepository(host.store)
    round_ = await rounds.get(round_id, fresh=True)
    assert round_ is not None
    await rounds.save(replace(round_, closes_at=datetime.now(UTC) - timedelta(minutes=1)))


async def reads(host: Host, reader: TeamsUser, resource: str) -> bool:
    """Whether `reader`, using what Teams gives them, gets to see `resource`."""
    if resource == "her answers and trend":
        # The only way to see answers is `min utvikling`, which shows one's own.
        card = await say(host, reader, "min utvikling")
        return t("nb", "item.short.stress") in texts(card) and "3" in texts(card)
    if resource == "her agreement":
        if reader is KARI:
            return t("nb", "agreement.task.concentration") in texts(await say(host, KARI, "avtale"))
        answer = await press(host, reader, "team.open", {"employee": KARI.aad_object_id})
        return t("nb", "agreement.task.concentration") in str(answer["value"])
    if resource == "her written agreement (PDF)":
        answer = await press(host, reader, PDF_VERB, {"employee": KARI.aad_object_id})
        if answer["type"] != "application/vnd.microsoft.card.adaptive":
            return False
        (url,) = [a["url"] for a in answer["value"]["actions"] if a["type"] == "Action.OpenUrl"]
        assert host.client is not None
        response = await host.client.get(re.sub(r"^https?://[^/]+", "", url))
        return response.status == 200 and (await response.read()).startswith(b"%PDF")
    if resource == "her follow-up":
        if reader is KARI:
            export = await parts(host).data_rights.export(KARI.aad_object_id)
            return bool(export["followups"])
        answer = await press(host, reader, "followup.open", {"employee": KARI.aad_object_id})
        return "Oppfølging: Kari Nordmann" in str(answer["value"])
    if resource == "her data export":
        # A reader can only get a link for their own data; Kari's link is hers alone.
        url = await download_link(host, reader)
        assert host.client is not None
        response = await host.client.get(re.sub(r"^https?://[^/]+", "", url))
        return KARI.aad_object_id in await response.text()
    if resource == "the pulse (aggregates)":
        return shows(texts(await pulse(host, reader)), "nb", "pulse.title")
    if resource == "the ergonomics picture (aggregates)":
        return shows(texts(await pulse(host, reader)), "nb", "pulse.ergonomics.title")
    raise AssertionError(resource)


@pytest.fixture
async def used(host: Host) -> Host:
    await kari_uses_everything(host)
    return host


@pytest.mark.parametrize("resource", list(ACCESS))
async def test_access_table(used: Host, resource: str) -> None:
    seen = {role for role, reader in READERS.items() if await reads(used, reader, resource)}
    assert seen == ACCESS[resource]
