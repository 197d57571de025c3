"""botbuilder's `Storage` on our document store, so dialog state lives beside the rest.

Half-done conversations then survive a restart and are shared by every host instance.
Values are kept as jsonpickle text, as botbuilder's own blob storage does, because dialog
state holds SDK objects (DialogState, DialogInstance) that plain JSON cannot round-trip.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import jsonpickle
from botbuilder.core import Storage

from storage.port import DocumentStore, NotFound, PreconditionFailed

CONTAINER = "dialogstate"
_FORBIDDEN_IN_IDS = "\\?/#*"  # Cosmos ids may not hold the first four; '*' escapes them
_MAX_ID = 255


def state_id(key: str) -> str:
    """An id Cosmos accepts for any botbuilder key, distinct keys giving distinct ids."""
    escaped = "".join(f"*{ord(c):02x}" if c in _FORBIDDEN_IN_IDS else c for c in key)
    if len(escaped) <= _MAX_ID:
        return escaped
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return escaped[: _MAX_ID - len(digest)] + digest


def dialog_state_of(reference: Mapping[str, Any] | None) -> str | None:
    """Where ConversationState keeps the dialog of the chat `reference` addresses (its
    document id), or None for a reference without one."""
    conversation = (reference or {}).get("conversation") or {}
    channel = (reference or {}).get("channelId")
    if not conversation.get("id") or not channel:
        return None
    return state_id(f"{channel}/conversations/{conversation['id']}")


class DocumentBotStorage(Storage):
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def read(self, keys: Iterable[str] | None) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key in keys or ():
            doc_id = state_id(key)
            doc = await self._store.read(CONTAINER, doc_id, doc_id)
            if doc is None:
                continue
            value = jsonpickle.decode(doc["state"])
            _set_etag(value, doc["_etag"])
            result[key] = value
        return result

    async def write(self, changes: Mapping[str, Any] | None) -> None:
        if changes is None:
            raise Exception("Changes are required when writing")
        if not changes:
            return
        for key, value in dict(changes).items():
            etag = _get_etag(value)
            if etag == "":
                raise Exception(f"storage.write(): etag missing for {key!r}")
            doc_id = state_id(key)
            doc = {"id": doc_id, "pk": doc_id, "key": key, "state": _encode(value)}
            if etag in (None, "*"):
                await self._store.upsert(CONTAINER, doc)
                continue
            try:
                await self._store.replace(CONTAINER, doc, etag=etag)
            except NotFound:
                await self._store.create(CONTAINER, doc)
            except PreconditionFailed as error:
                raise KeyError(f"Etag conflict for {key!r}") from error

    async def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            doc_id = state_id(key)
            with contextlib.suppress(NotFound):
                await self._store.delete(CONTAINER, doc_id, doc_id)


def _get_etag(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("e_tag")
    return getattr(value, "e_tag", None)


def _set_etag(value: Any, etag: str) -> None:
    if isinstance(value, dict):
        value["e_tag"] = etag
    elif hasattr(value, "__dict__"):
        value.e_tag = etag


def _encode(value: Any) -> str:
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != "e_tag"}
    return str(jsonpickle.encode(value, unpicklable=True))
