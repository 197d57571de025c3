"""Who may run a job now: the rule behind the lease every scheduled job takes first.

APScheduler 3.x does not coordinate several host processes, so a job runs only on the
instance that holds its lease; a lease nobody renews expires and another instance takes over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Lease:
    name: str
    holder: str
    expires_at: datetime
    etag: str = ""


def may_take(current: Lease | None, holder: str, now: datetime) -> bool:
    """A lease can be taken when nobody has it, it has run out, or the taker holds it already."""
    return current is None or current.holder == holder or current.expires_at <= now
