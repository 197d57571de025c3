"""Short references to people for log lines, instead of their ids.

Logs go to places with wider access than the store (the host's console, Application Insights).
A reference is the same for one id within one process, so the lines about one person can be
followed through a run, but it cannot be turned back into the id: the salt is random per
process and never leaves memory, so hashing every id of the organisation finds nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os

_SALT = os.urandom(16)


def ref(identifier: str) -> str:
    digest = hmac.new(_SALT, identifier.strip().lower().encode("utf-8"), hashlib.sha256)
    return "#" + digest.hexdigest()[:8]
