"""The pseudonym key's fingerprint, kept in the store it was first used with.

A host or command that opens the store with another key would file everyone under new
pseudonyms: their trends split, and a round could be answered twice. So the first use records
the fingerprint (domain/pseudonym.py), and every later open compares (bootstrap.py).

One document: container `meta`, partition "meta", id "pseudonym-key". During a rotation
(`python app.py key rotate`) it also names the new key's fingerprint, and nothing starts
until the rotation has finished.
"""

from __future__ import annotations

from enum import Enum

from domain.pseudonym import fingerprint
from storage.port import Conflict, Document, DocumentStore, StorageError

CONTAINER = "meta"
PK = "meta"
ID = "pseudonym-key"

MISMATCH = (
    "the pseudonym key (PSEUDONYM_KEY, or PSEUDONYM_KEY_FILE in local mode) is not the key this "
    "store was first used with: with it everyone would get new pseudonyms, their trends would "
    "split and a round could be answered twice. Restore the key the store was used with (Key "
    "Vault keeps its earlier versions); `python app.py key check` tells whether a key fits. "
    "Changing the key on purpose is a rotation: see docs/privacy.md#rotating-the-key"
)


ROTATING = (
    "a pseudonym key rotation is under way, or was interrupted: nothing starts until it has "
    "finished. Run `python app.py key rotate` again with the same PSEUDONYM_KEY_OLD and "
    "PSEUDONYM_KEY (docs/privacy.md#rotating-the-key)"
)


class KeyState(Enum):
    MATCHES = "matches"
    DIFFERS = "differs"
    UNRECORDED = "unrecorded"  # a store no host or command has opened with a key yet
    ROTATING = "rotating"  # `key rotate` has begun and not finished


class KeyMismatch(StorageError):
    """The configured pseudonym key is not the store's."""

    def __init__(self, message: str = MISMATCH) -> None:
        super().__init__(message)


class KeyFingerprint:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def _doc(self) -> Document | None:
        return await self._store.read(CONTAINER, PK, ID)

    async def state(self, key: bytes) -> KeyState:
        doc = await self._doc()
        if doc is None:
            return KeyState.UNRECORDED
        if doc.get("rotating_to"):
            return KeyState.ROTATING
        return KeyState.MATCHES if doc.get("fingerprint") == fingerprint(key) else KeyState.DIFFERS

    async def begin_rotation(self, old: bytes, new: bytes) -> None:
        """Mark the store as moving from `old` to `new`; again after a crash, the same pair."""
        if old == new:
            raise KeyMismatch("PSEUDONYM_KEY_OLD and PSEUDONYM_KEY are the same key")
        doc = await self._doc()
        if doc and not doc.get("rotating_to") and doc.get("fingerprint") == fingerprint(new):
            raise KeyMismatch("the store uses PSEUDONYM_KEY already: the rotation is done")
        if doc is None or doc.get("fingerprint") != fingerprint(old):
            raise KeyMismatch(
                "PSEUDONYM_KEY_OLD is not the key this store uses; nothing was changed. "
                + ("" if doc else "(The store has recorded no key: start once with it first.)")
            )
        if doc.get("rotating_to") not in (None, fingerprint(new)):
            raise KeyMismatch(
                "another rotation to a different new key was begun and not finished: run it "
                "again with that PSEUDONYM_KEY; nothing was changed"
            )
        await self._store.replace(CONTAINER, {**doc, "rotating_to": fingerprint(new)}, doc["_etag"])

    async def finish_rotation(self, new: bytes) -> None:
        await self._store.upsert(CONTAINER, {"id": ID, "pk": PK, "fingerprint": fingerprint(new)})

    async def require(self, key: bytes) -> None:
        """Record the key on first use; raise KeyMismatch when the store knows another."""
        if await self.state(key) is KeyState.UNRECORDED:
            try:
                await self._store.create(
                    CONTAINER, {"id": ID, "pk": PK, "fingerprint": fingerprint(key)}
                )
                return
            except Conflict:
                pass  # another instance recorded one at the same moment: compare with it
        state = await self.state(key)
        if state is KeyState.ROTATING:
            raise KeyMismatch(ROTATING)
        if state is not KeyState.MATCHES:
            raise KeyMismatch
