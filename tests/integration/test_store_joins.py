"""The insider with the store alone: can they tie a pseudonym's answers to a person?

Several people check in over two rounds, with and without consent, a follow-up opens, consents
change; then every document of every container is read the way someone with read access to the
database would. Cosmos DB stamps every write with `_ts` (whole seconds) and nothing hides it:
that join is left to the sealing of responses (storage/responses.py), which this test checks
makes it worthless. Every other time is ours to keep apart.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from bot.settings import Settings
from cards.i18n import t
from domain.checkin import CheckinAnswers, CheckinResponse
from domain.pseudonym import pseudonym
from storage.port import DocumentStore
from storage.responses import ResponseRepository, seal
from tests.support.answers import FINE, STRESSED
from tests.support.card_text import texts
from tests.support.example_org import KARI, LARS, OLE, SIGRID
from tests.support.host import Host
from tests.support.messages import shows
from tests.support.stored import every_document
from tests.support.turns import cards_to, open_rounds, press, say, setup_org, share

PEOPLE = (KARI, OLE, SIGRID, LARS)
ITEMS = ("stress", "social", "focus", "workload", "balance", "leader", "learning", "strain")
NEAR_SECONDS = 60


def moments(value: Any, path: str = "") -> Iterator[tuple[str, datetime]]:
    """Every value that reads as a point in time: ISO strings and epoch seconds."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key not in ("_ts", "_expires_at"):  # the system's; checked on their own below
                yield from moments(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from moments(inner, f"{path}[{n}]")
    elif isinstance(value, str) and len(value) >= 10 and value[:4].isdigit():
        try:
            yield path, datetime.fromisoformat(value)
        except ValueError:
            return
    elif isinstance(value, int | float) and not isinstance(value, bool) and 1e9 < value < 1e10:
        yield path, datetime.fromtimestamp(value).astimezone()


async def check_in(
    host: Host, user: Any, round_id: str, scores: dict[str, str], **extra: Any
) -> str:
    """A check-in with a comment no one else could write; the comment."""
    comment = f"kommentar-{uuid.uuid4().hex}"
    data = {"round_id": round_id, **scores, "comment": comment, **extra}
    body = await press(host, user, "checkin.submit", data)
    assert t("nb", "receipt.title") in texts(body["value"])
    return comment


async def test_the_store_alone_does_not_tie_answers_to_a_person(
    host: Host, settings: Settings
) -> None:
    await setup_org(host, *PEOPLE)
    first, second = await open_rounds(host, 2)
    await share(host, KARI, "stress")
    comments = [
        await check_in(host, KARI, first, STRESSED, contact_me="true"),  # opens a follow-up
        await check_in(host, OLE, first, STRESSED),  # no consent: self-help only
        await check_in(host, SIGRID, first, FINE),
    ]
    await share(host, OLE, "social")
    comments += [
        await check_in(host, KARI, second, FINE),
        await check_in(host, OLE, second, {**FINE, "social": "1"}),
        await check_in(host, SIGRID, second, STRESSED, contact_me="true"),  # a second follow-up
    ]
    await share(host, OLE, "")
    assert len([c for c in cards_to(host, LARS) if shows(texts(c), "nb", "followup.title")]) == 2
    # The employee still reads their own answers.
    assert t("nb", "item.short.stress") in texts(await say(host, KARI, "min utvikling"))

    documents = await every_document(settings)
    responses = [doc for container, doc in documents if container == "responses"]
    assert len(responses) == 6

    # (1) No answer is readable in `responses`, and no check-in comment anywhere: none is shared.
    everything = json.dumps([doc for _, doc in documents])
    assert [c for c in comments if c in everything] == []
    for doc in responses:
        content = json.dumps({k: v for k, v in doc.items() if k not in ("id", "pk")})
        assert not [word for word in (*ITEMS, "contact", "true", "false") if word in content]

    # (2) No time in a response lies near a time in a document about a person.
    ids = [p.aad_object_id for p in PEOPLE]
    about_people = [
        (container, doc) for container, doc in documents if any(i in json.dumps(doc) for i in ids)
    ]
    assert {"users", "followups", "deliveries"} <= {c for c, _ in about_people}
    near = [
        (response["id"], where, container, doc["id"], path)
        for response in responses
        for where, at in moments(response)
        for container, doc in about_people
        for path, other in moments(doc)
        if abs((at - other).total_seconds()) <= NEAR_SECONDS
    ]
    assert near == []
    # The system's own stamps: on SQLite the row's expiry says no more than `_ts`, as on Cosmos.
    for doc in responses:
        assert isinstance(doc["_ts"], int)
        if settings.storage == "sqlite":
            assert doc["_expires_at"] == doc["_ts"] + doc["ttl"]


async def test_a_sealed_answer_opens_only_at_its_own_address(
    store: DocumentStore, caplog: pytest.LogCaptureFixture
) -> None:
    key = b"test-pseudonym-key"
    repository = ResponseRepository(store, key)
    kari, ole = pseudonym(KARI.aad_object_id, key), pseudonym(OLE.aad_object_id, key)
    answers = CheckinAnswers({"stress": 5}, contact_me=True, comment="vondt i nakken")
    await repository.add(CheckinResponse("r1", kari, answers))
    assert (await repository.get(kari, "r1")) == CheckinResponse("r1", kari, answers)
    # Copied to another person or another round, or under another key, it does not open.
    moved = seal(CheckinResponse("r1", kari, answers), key, 60)
    await store.create("responses", {**moved, "pk": ole})
    await store.create("responses", {**moved, "id": "r2"})
    assert await repository.get(ole, "r1") is None
    assert await repository.get(kari, "r2") is None
    assert await ResponseRepository(store, b"another key").for_person(kari) == []
    # A plaintext response from before sealing is skipped, not a crash, and the log says no id.
    await store.create("responses", {"id": "r0", "pk": kari, "scores": {"stress": 4}})
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="storage.responses"):
        assert [r.round_id for r in await repository.for_person(kari)] == ["r1"]
    said = [r.getMessage() for r in caplog.records if r.name == "storage.responses"]
    assert len(said) == 2  # the plaintext one, and the one moved to round r2
    assert all("cannot be opened" in m and kari not in m and "r0" not in m for m in said)
