"""Run a piece of work only while holding its lease, renewing it as the work goes on.

Should a renewal fail (another instance took the lease after a stall), the work is cancelled:
two instances must never deliver the same round side by side.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from storage.leases import LeaseStore

log = logging.getLogger(__name__)
T = TypeVar("T")


class LeaseLost(Exception):
    pass


async def run_leased(
    leases: LeaseStore,
    name: str,
    holder: str,
    work: Callable[[], Awaitable[T]],
    duration: timedelta | None = None,
) -> T | None:
    """`work()`'s result, or None when another instance holds the lease (held for `duration`,
    by default the store's, and renewed while the work goes on)."""
    duration = duration or leases.duration
    lease = await leases.acquire(name, holder, duration)
    if lease is None:
        log.info("%s: another instance holds the lease; skipping", name)
        return None
    task: asyncio.Future[T] = asyncio.ensure_future(work())
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=duration.total_seconds() / 3)
            if done:
                return task.result()
            renewed = await leases.renew(lease, duration)
            if renewed is None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                raise LeaseLost(f"{name}: lease lost to another instance; work stopped")
            lease = renewed
    except BaseException:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise
    finally:
        if task.done():
            await leases.release(lease)
