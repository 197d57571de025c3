"""The pseudonym key's fingerprint, kept in the store it was first used with.

A host or command that opens the store with another key would file everyone under new
pseudonyms: their trends split, and a round could be answered twice. So the first use records
the fingerprint (domain/pseudonym.py), and every later open compares (bootstrap.py).

One document: container `meta`, partition "meta", id "pseudonym-key".
"""

from __future__ import annotations

from enum import Enum

from domain.pseudonym import fingerprint
from storage.port import Conflict, DocumentStore, StorageError

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


class KeyState(Enum):
    MATCHES = "matches"
    DIFFERS = "differs"
    UNRECORDED = "unrecorded"  # a store no host or command has opened with a key yet


class KeyMismatch(StorageError):
    """The configured pseudonym key is not the store's."""

    def __init__(self) -> None:
        super().__init__(MISMATCH)


class KeyFingerprint:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def state(self, key: bytes) -> KeyState:
        doc = await self._store.read(CONTAINER, PK, ID)
        if doc is None:
            return KeyState.UNRECORDED
        return KeyState.MATCHES if doc.get("fingerprint") == fingerprint(key) else KeyState.DIFFERS

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
        if await self.state(key) is not KeyState.MATCHES:
            raise KeyMismatch
