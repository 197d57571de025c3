"""`mine data` and `slett mine data`: the export holds the user's data, and after erasing,
nothing anywhere leads back to them — while the aggregates keep their numbers.

Kari uses every feature first (check-ins with consent, a standing consent, an agreement through
approval, a follow-up, a conversation left half-way), so a container that gains personal data
without storage/personal_data.py knowing fails here.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from bot.links import LINK_SECONDS, DownloadLinks
from bot.settings import Settings
from cards.agreement import PDF_VERB
from cards.coffee import SAVE_VERB as COFFEE_SAVE_VERB
from cards.data_rights import DELETE_VERB, DOWNLOAD_VERB, KEEP_VERB
from cards.followup import DONE_VERB
from cards.i18n import t
from cards.settings import WEEK_VISIBILITY
from cards.week import MONDAY_CARD, SET_VERB, TEAM_DAYS, TEAM_DAYS_VERB
from domain.pseudonym import pseudonym
from domain.week import monday_of
from storage.port import DocumentStore
from tests.support.answers import FINE, STRESSED
from tests.support.card_text import texts
from tests.support.example_org import KARI, LARS, OLE
from tests.support.host import Host, parts
from tests.support.messages import shows
from tests.support.stored import KEPT, every_document
from tests.support.teams import card_action
from tests.support.turns import (
    cards_to,
    check_in,
    download_link,
    fill_in,
    open_rounds,
    press,
    say,
    setup_org,
    share,
    step,
)


async def use_everything(host: Host) -> None:
    await setup_org(host, KARI, LARS, OLE)
    assert await parts(host).jobs.open_round() is not None  # a delivered round: a send ledger
    first, second = await open_rounds(host, 2)
    await share(host, KARI, "stress")
    await check_in(host, KARI, first, STRESSED, contact=True)
    await check_in(host, KARI, second, FINE)
    await check_in(host, OLE, first, FINE)
    await fill_in(host, KARI)
    await step(host, KARI, "summary", {"choice": "send"})
    (approval, *_) = [c for c in cards_to(host, LARS) if shows(texts(c), "nb", "approval.title")]
    await press(host, LARS, "agreement.decide", {**approval["actions"][0]["data"], "comment": ""})
    for user in (KARI, OLE):  # kaffeprat: taking part, and a round with a partner
        choices = {"frequency": "weekly", "meeting": "call", "width": "all"}
        await press(host, user, COFFEE_SAVE_VERB, choices)
    assert await parts(host).coffee.pair_now() is not None
    await download_link(host, KARI)  # a download link not used yet
    # And one Lars made to her written agreement: it names her as what it is about.
    await press(host, LARS, PDF_VERB, {"employee": KARI.aad_object_id})
    # The week plan: team days with the Monday card on, a day changed, hidden, a Monday card.
    week = {TEAM_DAYS: "tue", MONDAY_CARD: "true"}
    await press(host, LARS, TEAM_DAYS_VERB, week)
    next_monday = (monday_of(date.today()) + timedelta(weeks=1)).isoformat()
    await press(host, KARI, SET_VERB, {"day": next_monday, "where": "office"})
    await press(host, KARI, SET_VERB, {"day": next_monday, "where": "office"})
    data = {"language": "nb", "age_band": "none", "share": "stress", WEEK_VISIBILITY: "hidden"}
    await press(host, KARI, "settings.save", data)
    await parts(host).weeks.send_now()
    await say(host, KARI, "ergonomi")  # a conversation left half-way


async def test_export_holds_the_users_data_and_nobody_elses(host: Host) -> None:
    await use_everything(host)
    card = await say(host, KARI, "mine data")
    facts = {
        f["title"]: f["value"]
        for b in card["body"]
        if b.get("type") == "FactSet"
        for f in b["facts"]
    }
    assert facts[t("nb", "data.checkins")] == "2" and facts[t("nb", "data.followups")] == "1"
    assert facts[t("nb", "data.consent")] == t("nb", "settings.share.stress")
    assert host.client is not None
    path = re.sub(r"^https?://[^/]+", "", await download_link(host, KARI))
    response = await host.client.get(path)
    assert response.status == 200
    export = json.loads(await response.text())
    assert [c["scores"]["stress"] for c in export["checkins"]] == [5, 2]
    assert export["agreement"]["status"] == "approved"
    assert [v["version"] for v in export["agreement_versions"]] == [1]
    assert export["followups"][0]["signals"] == ["contact_me", "stress_max"]
    assert export["week_plan"]["visible_to"] == "hidden"
    assert export["week_plan"]["home_days"] == ["mon", "wed"]
    assert list(export["week_plan"]["changes"].values()) == ["office"]
    assert export["kaffeprat"]["membership"]["frequency"] == "weekly"
    assert [r["partners"] for r in export["kaffeprat"]["rounds"]] == [1]
    assert OLE.aad_object_id not in json.dumps(export)  # nobody else's data
    # The link is Kari's alone: another path or a changed token gets nothing.
    assert (await host.client.get(path.replace("my-data.json", "pulse.csv"))).status == 403


async def counters(settings: Settings) -> dict[tuple[str, str, str], dict[str, object]]:
    """The counters, without the answers' entries the round's recount reads."""
    return {
        (c, d["pk"], d["id"]): {k: v for k, v in d.items() if not k.startswith("_")}
        for c, d in await every_document(settings)
        if c == "counters" and not d["id"].startswith("answer:")
    }


async def answer_entries(settings: Settings) -> list[str]:
    return [
        d["id"]
        for c, d in await every_document(settings)
        if c == "counters" and d["id"].startswith("answer:")
    ]


async def test_after_erasing_nothing_leads_back_and_aggregates_stay(
    host: Host, settings: Settings
) -> None:
    await use_everything(host)
    assert host.store is not None
    before = await counters(settings)
    entries = await answer_entries(settings)
    card = await say(host, KARI, "slett mine data")
    kept = await press(host, KARI, KEEP_VERB, {})
    assert t("nb", "data.kept") in texts(kept["value"])
    assert len((await parts(host).data_rights.export(KARI.aad_object_id))["checkins"]) == 2
    assert any(a.get("verb") == DELETE_VERB for a in card["actions"])
    done = await press(host, KARI, DELETE_VERB, {})
    assert "også 2 innsjekker" in texts(done["value"])

    key = settings.load_pseudonym_key()
    secrets = (KARI.aad_object_id, pseudonym(KARI.aad_object_id, key), KARI.conversation_id)
    left = [
        (container, doc["pk"], doc["id"])
        for container, doc in await every_document(settings)
        if container not in KEPT and any(s in json.dumps(doc) for s in secrets)
    ]
    assert left == []
    assert await counters(settings) == before  # the pulse and team numbers are unchanged
    # Her answers' sealed entries for the recount went with her answers (Ole's stay).
    assert len(await answer_entries(settings)) == len(entries) - 2
    # Ole's answers and the rest of the organisation are untouched.
    assert len((await parts(host).data_rights.export(OLE.aad_object_id))["checkins"]) == 1

    # Writing again keeps only what it takes to answer; the export is empty of answers.
    export = await parts(host).data_rights.export(KARI.aad_object_id)
    assert export["checkins"] == [] and export["agreement"] is None
    assert export["followups"] == [] and export["standing_consent"] is None
    assert export["kaffeprat"] == {"membership": None, "rounds": []}
    again = await say(host, KARI, "mine data")
    assert {
        f["value"] for b in again["body"] if b.get("type") == "FactSet" for f in b["facts"]
    } >= {"0", "–"}
    # The half-done conversation is gone too: `avtale` starts from the beginning.
    assert t("nb", "agreement.tasks.title") in texts(await say(host, KARI, "avtale"))


async def test_a_leaders_export_and_erasure_cover_what_they_did_as_leader(
    small_k_host: Host,
) -> None:
    host = small_k_host  # k = 3: Lars's team of three is counted, so a counter names him
    await use_everything(host)
    assert host.store is not None
    _, followup = await parts(host).followups.for_leader(LARS.aad_object_id, KARI.aad_object_id)
    note = "Ringte henne om arbeidsmengden"
    data = {"employee": KARI.aad_object_id, "followup": followup.id, "note": note}
    await press(host, LARS, DONE_VERB, data)
    lars = LARS.aad_object_id

    export = (await parts(host).data_rights.export(lars))["as_leader"]
    (his,) = export["followups"]
    assert his["note"] == note and [a["action"] for a in his["actions"]] == ["followed_up"]
    # Kari's data is hers: not which signals she shared, not even her id.
    assert "signals" not in his and KARI.aad_object_id not in json.dumps(export)
    assert {a["status"] for a in export["agreements"]} >= {"approved"}
    assert {n["kind"] for n in export["notifications"]} >= {"prompt", "approval"}
    assert sorted(c["answered"] for c in export["team_counters"]) == [1, 2]  # rounds still open
    assert export["team_week"] == {"team_days": ["tue"], "monday_card": True}

    await say(host, LARS, "slett mine data")
    await press(host, LARS, DELETE_VERB, {})
    secrets = (lars, LARS.conversation_id, note)
    left = [
        (container, doc["pk"], doc["id"])
        for container, doc in await every_document(host.settings)
        if container != "directory" and any(s in json.dumps(doc) for s in secrets)
    ]
    assert left == []
    # What was shared and done stays Kari's record, and her agreement stays approved.
    kari = await parts(host).data_rights.export(KARI.aad_object_id)
    assert kari["followups"][0]["signals"] == ["contact_me", "stress_max"]
    assert kari["agreement"]["status"] == "approved"


async def test_a_download_link_expires_opens_only_its_path_and_only_once(
    store: DocumentStore,
) -> None:
    now = [1_800_000_000.0]
    links = DownloadLinks(store, "https://bot.example.no", clock=lambda: now[0])
    late = await links.url("/my-data.json", KARI.aad_object_id, "en")
    now[0] += LINK_SECONDS + 1
    assert await links.redeem("/my-data.json", token_of(late)) is None  # expired

    url = await links.url("/my-data.json", KARI.aad_object_id, "en")
    assert await links.redeem("/pulse.csv", token_of(url)) is None  # another path
    assert await links.redeem("/my-data.json", token_of(url)) == (KARI.aad_object_id, "en")
    assert await links.redeem("/my-data.json", token_of(url)) is None  # used
    # What the store keeps names the person, but under no id a link could be made from.
    kept = await links.url("/my-data.json", KARI.aad_object_id, "nb")
    assert all(token_of(kept) not in json.dumps(d) for d in await store.query("users", "links"))


async def test_a_download_button_in_the_chat_history_gets_a_fresh_link(host: Host) -> None:
    await setup_org(host, KARI)
    assert host.client is not None and host.store is not None
    # The card in the chat carries no link that could die there; pressing makes one, and the
    # answer with it is for the pressing client alone: the chat's message keeps the button.
    card = await say(host, KARI, "mine data")
    assert not [a for a in card["actions"] if a["type"] == "Action.OpenUrl"]
    assert not await host.store.query("users", "links")
    (button,) = [a for a in card["actions"] if a.get("verb") == DOWNLOAD_VERB]
    host.connector.clear()
    status, answer = await host.send(
        card_action(KARI, host.service_url, DOWNLOAD_VERB, button["data"], "1:my-data")
    )
    assert status == 200 and not [r for r in host.connector.received if r.method == "PUT"]
    (url,) = [a["url"] for a in answer["value"]["actions"] if a["type"] == "Action.OpenUrl"]
    assert DOWNLOAD_VERB in [a.get("verb") for a in answer["value"]["actions"]]  # another one
    # The next day the link is gone (its TTL); the page says where a new one comes from.
    for link in await host.store.query("users", "links"):
        await host.store.delete("users", "links", link["id"])
    expired = await host.client.get(re.sub(r"^https?://[^/]+", "", url))
    page = await expired.text()
    assert expired.status == 403 and "no-store" in expired.headers["Cache-Control"]
    assert t("nb", "data.link_expired") in page
    assert t("en", "data.link_expired") in page
    # The same button, pressed the next day, gives a link that works.
    _, again = await host.send(card_action(KARI, host.service_url, DOWNLOAD_VERB, button["data"]))
    (fresh,) = [a["url"] for a in again["value"]["actions"] if a["type"] == "Action.OpenUrl"]
    download = await host.client.get(re.sub(r"^https?://[^/]+", "", fresh))
    assert download.status == 200 and KARI.aad_object_id in await download.text()


def token_of(url: str) -> str:
    return url.split("?t=", 1)[1]
