"""Pseudonyms for check-in responses (docs/privacy.md#pseudonyms).

Responses are health data; they are stored under a keyed hash of the Entra object id, so
the store alone does not say whose answers they are. Without the key the hash cannot be
reversed by trying every id of the organisation.
"""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(user_id: str, key: bytes) -> str:
    if not key:
        raise ValueError("the pseudonym key is empty")
    digest = hmac.new(key, user_id.strip().lower().encode("utf-8"), hashlib.sha256)
    return "p" + digest.hexdigest()[:40]


def at_rest_key(key: bytes) -> bytes:
    """The key that seals check-in answers at rest (storage/responses.py).

    Derived from the pseudonym key under its own label, so one secret is kept and rotated, and
    neither use gives away the other.
    """
    if not key:
        raise ValueError("the pseudonym key is empty")
    return hmac.new(key, b"responses-at-rest", hashlib.sha256).digest()


# Upper case on purpose: `pseudonym` lower-cases every id, so no id can hash to this label.
_FINGERPRINT_LABEL = b"Pseudonym key fingerprint v1"


def fingerprint(key: bytes) -> str:
    """What the store keeps to recognise its key (storage/keys.py), and nothing to guess it by.

    A keyed hash of a fixed label under its own label, so it equals no pseudonym and no derived
    key; finding the key from it is as hard as from any pseudonym the store holds already.
    """
    if not key:
        raise ValueError("the pseudonym key is empty")
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()
