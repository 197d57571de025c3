"""Check-in responses, partitioned by pseudonym: one document per person and round.

A response is sealed at rest: everything but its address (`id` = round, `pk` = pseudonym) and
`ttl` is AES-GCM ciphertext under a key derived from the pseudonym key, bound to that address.
Cosmos DB stamps every write with `_ts` (whole seconds) and nothing hides it, so whoever reads
the store can line a response up with a document about a person written in the same second (a
follow-up its submit opened, a consent change) and so learn whose partition it is. With the
content sealed and no time of its own in the document, that join yields only which rounds the
person answered, which the send ledger and the reminders show anyway.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
from dataclasses import replace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.checkin import CheckinAnswers, CheckinResponse
from domain.pseudonym import at_rest_key
from storage.port import Conflict, Document, DocumentStore, NotFound

log = logging.getLogger(__name__)

CONTAINER = "responses"
DEFAULT_TTL_SECONDS = 730 * 24 * 3600  # 24 months (docs/privacy.md#retention)
_NONCE_BYTES = 12


class ResponseRepository:
    def __init__(
        self, store: DocumentStore, pseudonym_key: bytes, ttl_seconds: int = DEFAULT_TTL_SECONDS
    ) -> None:
        self._store = store
        self._key = pseudonym_key
        self._ttl = ttl_seconds

    async def add(self, response: CheckinResponse) -> None:
        """Raises Conflict when this person already answered this round.

        The round id is the document id, so a repeated submit can never store twice.
        """
        await self._store.create(CONTAINER, seal(response, self._key, self._ttl))

    async def get(self, pseudonym: str, round_id: str) -> CheckinResponse | None:
        doc = await self._store.read(CONTAINER, pseudonym, round_id)
        return unseal(doc, self._key) if doc else None

    async def for_person(self, pseudonym: str) -> list[CheckinResponse]:
        opened = [unseal(doc, self._key) for doc in await self._store.query(CONTAINER, pseudonym)]
        return [response for response in opened if response is not None]


async def refile(
    store: DocumentStore, old: tuple[str, bytes], new: tuple[str, bytes], now: float
) -> int:
    """Move one person's responses from (pseudonym, key) `old` to `new`; how many moved.

    Each keeps the rest of its TTL, not a fresh one, so a rotation extends no retention. Safe
    to repeat after a crash: a response already moved is a Conflict, then the old one goes.
    """
    moved = 0
    for doc in await store.query(CONTAINER, old[0]):
        response = unseal(doc, old[1])
        if response is None:
            continue  # not this key's: left to its TTL
        ttl = int(doc.get("ttl", DEFAULT_TTL_SECONDS))
        left = max(1, ttl - max(0, int(now) - int(doc.get("_ts", now))))
        with contextlib.suppress(Conflict):
            await store.create(CONTAINER, seal(replace(response, pseudonym=new[0]), new[1], left))
            moved += 1
        with contextlib.suppress(NotFound):
            await store.delete(CONTAINER, old[0], doc["id"])
    return moved


def _associated(pk: str, doc_id: str) -> bytes:
    # The address is authenticated, so a sealed answer moved to another person or round fails.
    return json.dumps([pk, doc_id]).encode()


def seal(response: CheckinResponse, pseudonym_key: bytes, ttl_seconds: int) -> Document:
    content = json.dumps(
        {
            "scores": response.answers.scores,
            "contact_me": response.answers.contact_me,
            "comment": response.answers.comment,
        }
    ).encode()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(at_rest_key(pseudonym_key)).encrypt(
        nonce, content, _associated(response.pseudonym, response.round_id)
    )
    return {
        "id": response.round_id,
        "pk": response.pseudonym,
        "sealed": base64.b64encode(nonce + sealed).decode("ascii"),
        "ttl": ttl_seconds,
    }


def unseal(doc: Document, pseudonym_key: bytes) -> CheckinResponse | None:
    """The response, or None for a document this key cannot open (plaintext from before sealing,
    another key, or tampered with): it is skipped, not a crash."""
    try:
        raw = base64.b64decode(doc["sealed"], validate=True)
        content = json.loads(
            AESGCM(at_rest_key(pseudonym_key)).decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated(doc["pk"], doc["id"])
            )
        )
        answers = CheckinAnswers(
            scores={k: int(v) for k, v in content["scores"].items()},
            contact_me=bool(content.get("contact_me", False)),
            comment=str(content.get("comment", "")),
        )
    except (KeyError, TypeError, ValueError, InvalidTag):
        log.warning("a stored check-in response cannot be opened with this key; skipped")
        return None
    return CheckinResponse(round_id=doc["id"], pseudonym=doc["pk"], answers=answers)
