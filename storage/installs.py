"""What the bot asked Graph to install, per person: so that nobody is asked for twice.

One small document in the person's own `users` partition (erasure deletes it with the rest):
`requested` while an install is on its way, `installed` once Graph has it (or said it was
there already).
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from storage.port import Conflict, DocumentStore, NotFound

CONTAINER = "users"
ID = "install"


class InstallMarks:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def claim(self, user_id: str, now: datetime) -> bool:
        """True for the first claim: the caller asks Graph; False when someone asked already."""
        try:
            await self._store.create(
                CONTAINER,
                {"id": ID, "pk": user_id, "state": "requested", "at": now.isoformat()},
            )
        except Conflict:
            return False
        return True

    async def installed(self, user_id: str, now: datetime) -> None:
        await self._store.upsert(
            CONTAINER, {"id": ID, "pk": user_id, "state": "installed", "at": now.isoformat()}
        )

    async def is_installed(self, user_id: str) -> bool:
        doc = await self._store.read(CONTAINER, user_id, ID)
        return doc is not None and doc.get("state") == "installed"

    async def release(self, user_id: str) -> None:
        """The install failed: a later need may ask again."""
        with contextlib.suppress(NotFound):
            await self._store.delete(CONTAINER, user_id, ID)
