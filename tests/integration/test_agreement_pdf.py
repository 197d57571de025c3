"""The written agreement's download through the host (bot/agreement_pdf_turns.py), on both stores.

Kari Nordmann's agreement is approved by her leader Lars Haugen. From the agreement card each of
them gets a link, single-use and short-lived, to the PDF in their own language; nobody else gets
one (another leader, Lars's own leader, a rep, HR), and a used, expired or altered link opens
nothing. The document is read back with pypdf.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from bot.links import LINK_SECONDS
from bot.settings import Settings
from cards.agreement import DECIDE_VERB, PDF_VERB, REVISE_VERB
from cards.i18n import t
from cards.legal_facts import POINT_LABELS, legal_facts
from cards.refusals import REFUSALS
from cards.team import with_back
from domain.language import Language
from domain.legal_terms import POINTS
from domain.org import Role, RoleGrant
from domain.refusals import Refusal
from storage.roles import RoleRepository
from tests.support.card_text import texts
from tests.support.example_org import INGRID, KARI, LARS, NINA, OLE
from tests.support.fake_connector import FakeConnector
from tests.support.host import Host, parts
from tests.support.teams import TeamsUser
from tests.support.turns import (
    cards_to,
    fill_in,
    press,
    press_change,
    reorganise,
    say,
    setup_org,
    step,
)

LARS_EN = replace(LARS, locale="en-GB")  # Lars reads English
MESSAGE = "application/vnd.microsoft.activity.message"


async def approved(host: Host) -> None:
    """Kari proposes, Lars approves: version 1 in force."""
    await setup_org(host, KARI, LARS_EN, NINA, OLE, INGRID)
    await fill_in(host, KARI)
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (approval,) = [c for c in cards_to(host, LARS) if c["actions"][0].get("verb") == DECIDE_VERB]
    await press(host, LARS_EN, DECIDE_VERB, {**approval["actions"][0]["data"], "comment": ""})


def local(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


async def link(host: Host, reader: TeamsUser) -> str | dict[str, Any]:
    """`reader` presses the PDF button of Kari's agreement card: the link it answers with, or
    the answer itself when there is none (a refusal)."""
    answer = await press(host, reader, PDF_VERB, {"employee": KARI.aad_object_id})
    if answer["type"] == MESSAGE:
        return answer
    urls = [a["url"] for a in answer["value"]["actions"] if a["type"] == "Action.OpenUrl"]
    shown = texts(answer["value"])
    assert len(urls) == 1 and any(t(lang, "download.ready") in shown for lang in ("nb", "en"))
    return str(urls[0])


async def link_of(host: Host, reader: TeamsUser) -> str:
    url = await link(host, reader)
    assert isinstance(url, str), url
    return url


async def download(host: Host, url: str) -> tuple[int, bytes, dict[str, str]]:
    assert host.client is not None
    response = await host.client.get(local(url))
    return response.status, await response.read(), dict(response.headers)


def text_of(document: bytes, lang: Language) -> str:
    reader = PdfReader(io.BytesIO(document))
    pages = [
        page.extract_text().replace(t(lang, "pdf.page", page=number), "")
        for number, page in enumerate(reader.pages, start=1)
    ]
    return " ".join(" ".join(pages).split())


async def the_pdf(host: Host, reader: TeamsUser) -> bytes:
    status, body, headers = await download(host, await link_of(host, reader))
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert headers["Cache-Control"] == "no-store" and "attachment" in headers["Content-Disposition"]
    return body


async def test_kari_and_her_leader_each_download_it_in_their_language(host: Host) -> None:
    await approved(host)
    # Kari's button is on the card `avtale` shows once the agreement is in force.
    card = await say(host, KARI, "avtale")
    (button,) = [a for a in card["actions"] if a.get("verb") == PDF_VERB]
    assert button["data"]["employee"] == KARI.aad_object_id
    in_force = await parts(host).agreements.approved(KARI.aad_object_id)
    assert in_force is not None
    readers: tuple[tuple[TeamsUser, Language], ...] = ((KARI, "nb"), (LARS_EN, "en"))
    for reader, lang in readers:
        text = text_of(await the_pdf(host, reader), lang)
        assert t(lang, "pdf.title") in text
        assert KARI.name in text and LARS.name in text  # both parties
        for point in POINTS:
            assert " ".join(t(lang, POINT_LABELS[point]).split()) in text
        assert t(lang, "pdf.ergonomics.title") in text and t(lang, "pdf.equipment.sum") in text
        assert "hjemmekontorforskriften § 2" in text and "arbeidsmiljøloven" in text
        if in_force.terms.legal is None:
            # Agreed before the conversation asked for points 2–8: the document says so.
            assert text.count(t(lang, "pdf.not_agreed")) == len(POINTS) - 1
        else:  # points 2–8 as the agreement card shows them
            for label, value in legal_facts(lang, in_force.terms.legal, escape=str):
                assert " ".join(f"{label} {value}".split()) in text
    # Lars finds the same button on the card `mitt team` opens, and the answer keeps its way
    # back to the team.
    opened = await press(host, LARS_EN, "team.open", {"employee": KARI.aad_object_id})
    assert PDF_VERB in [a.get("verb") for a in opened["value"]["actions"]]
    answer = await press(host, LARS_EN, PDF_VERB, {"employee": KARI.aad_object_id})
    assert texts(with_back({"body": [], "actions": []}, "en")) in texts(answer["value"])


async def test_a_changed_agreement_keeps_its_earlier_versions_in_the_document(
    host: Host,
) -> None:
    await approved(host)
    summary = (await press(host, KARI, REVISE_VERB, {}))["value"]
    await press_change(host, KARI, summary, "network")
    await step(host, KARI, "network", {"network": "job_phone"})
    host.connector.clear()
    await step(host, KARI, "summary", {"choice": "send"})
    (second,) = [c for c in cards_to(host, LARS) if c["actions"][0].get("verb") == DECIDE_VERB]
    await press(host, LARS_EN, DECIDE_VERB, {**second["actions"][0]["data"], "comment": ""})
    text = text_of(await the_pdf(host, KARI), "nb")
    history = text[text.index(t("nb", "pdf.history.title")) :]
    approved_ = t("nb", "pdf.status.approved")
    assert re.search(rf"1 \d\d\.\d\d\.\d{{4}} {approved_} 2 ", history)
    in_force = t("nb", "pdf.history.in_force", status=approved_)
    assert re.search(rf"2 \d\d\.\d\d\.\d{{4}} {re.escape(in_force)}", history)
    assert t("nb", "agreement.network.job_phone") in text  # the document is version 2


async def test_nobody_else_gets_a_link_and_learns_nothing(host: Host) -> None:
    await approved(host)
    assert host.store is not None
    await RoleRepository(host.store).grant(
        OLE.aad_object_id, RoleGrant(Role.UNION_REP, frozenset({"Oppvekst"}))
    )
    await RoleRepository(host.store).grant(INGRID.aad_object_id, RoleGrant(Role.ADMIN))
    # Another leader, a rep, and HR (an admin, here also Lars's own leader): the same refusal
    # as for a Kari without any agreement, so it says nothing about hers.
    refusal = t("nb", REFUSALS[Refusal.NOT_YOUR_EMPLOYEE])
    for reader in (NINA, OLE, INGRID):
        answer = await link(host, reader)
        assert isinstance(answer, dict) and answer["value"] == refusal, reader
    # Ole has no agreement and Nina is not his leader: she is told exactly the same.
    assert await link(host, NINA) == await press(
        host, NINA, PDF_VERB, {"employee": OLE.aad_object_id}
    )
    assert not await host.store.query("users", "links")  # and no link was made


async def test_a_link_is_checked_again_when_it_is_used(host: Host) -> None:
    await approved(host)
    # Kari moves to Nina's team: Nina, her leader now, may have it; Lars, who approved the
    # version in force, still may too.
    await reorganise(host, {KARI: NINA})
    nina_link = await link_of(host, NINA)
    assert (await download(host, await link_of(host, LARS_EN)))[0] == 200
    # Back to Lars before Nina used her link: it now opens a refusal, not the file.
    await reorganise(host, {KARI: LARS})
    status, body, _ = await download(host, nina_link)
    assert status == 403 and body.decode() == t("nb", REFUSALS[Refusal.NOT_YOUR_EMPLOYEE])


async def test_a_used_expired_or_altered_link_opens_nothing(host: Host) -> None:
    await approved(host)
    assert host.store is not None
    url = await link_of(host, KARI)
    token = url.split("?t=", 1)[1]
    altered = url[:-1] + ("A" if url[-1] != "A" else "B")
    elsewhere = f"/my-data.json?t={token}"  # the token on another download's path
    for wrong in (altered, elsewhere):
        status, body, _ = await download(host, wrong)
        assert status == 403 and b"%PDF" not in body
    status, body, _ = await download(host, url)
    assert status == 200 and body.startswith(b"%PDF")
    status, body, _ = await download(host, url)  # a second time
    page = body.decode()
    assert status == 403 and t("nb", "pdf.link_expired") in page
    assert t("en", "pdf.link_expired") in page
    # A link not used within LINK_SECONDS: its expiry is in the past.
    late = await link_of(host, KARI)
    for doc in await host.store.query("users", "links"):
        kept = {k: v for k, v in doc.items() if not k.startswith("_")}
        await host.store.upsert("users", {**kept, "expires": doc["expires"] - LINK_SECONDS - 1})
    status, body, _ = await download(host, late)
    assert status == 403 and t("en", "pdf.link_expired") in body.decode()


async def test_a_local_run_without_the_font_says_so_at_the_button_and_makes_no_link(
    settings: Settings, connector: FakeConnector, tmp_path: Path
) -> None:
    # `./dev run` on a machine without DejaVu Sans (and no root to install it) still starts.
    running = Host(replace(settings, agreement_pdf_font_dir=str(tmp_path / "none")), connector)
    await running.start()
    try:
        await approved(running)
        answer = await link(running, KARI)
        assert isinstance(answer, dict) and answer["value"] == t("nb", "pdf.no_font")
    finally:
        await running.stop()
