"""Rotating the pseudonym key: every response the store can tie to a person, re-filed and
re-sealed under the new key (docs/privacy.md#rotating-the-key).

Only `responses` is filed under pseudonyms and sealed under the key; nothing else needs
re-keying. The people are those the roster and the directory name: a response of someone in
neither cannot be tied to anyone, stays under the old key unreadable, and expires with its TTL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from domain.pseudonym import pseudonym
from storage.directory import DirectoryRepository
from storage.keys import KeyFingerprint
from storage.port import DocumentStore
from storage.responses import refile
from storage.roster import RosterRepository


@dataclass(frozen=True)
class Rotated:
    people: int  # whose partitions were looked at
    responses: int  # moved to the new key


async def rotate_key(
    store: DocumentStore, old: bytes, new: bytes, clock: Callable[[], float] = time.time
) -> Rotated:
    """Raises KeyMismatch, having changed nothing, when `old` is not the store's key."""
    keys = KeyFingerprint(store)
    await keys.begin_rotation(old, new)  # from here on no host or command starts
    ids = {r.user_id.strip().lower() for r in await RosterRepository(store).everyone()}
    ids |= {p.id for p in await DirectoryRepository(store).everyone()}
    moved = 0
    for user_id in sorted(ids):
        moved += await refile(
            store, (pseudonym(user_id, old), old), (pseudonym(user_id, new), new), clock()
        )
    await keys.finish_rotation(new)
    return Rotated(len(ids), moved)
