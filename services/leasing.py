"""Run a piece of work only while holding its lease, renewing it as the work goes on.

Should a renewal fail (another instance took the lease after a stall), the work is cancelled:
two instances must never deliver the same round side by side. A renewal that the store keeps
refusing (throttling) is tried again while the lease lasts, but only until a third of it is
left: then the work stops, before the lease runs out and another instance may take it. (A
renewal left to the store's own retries ran on past the lease, and the delivery with it, while
a second host took the lease over: both sent cards.)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from domain.leases import Lease
from storage import retrying
from storage.leases import LeaseStore
from storage.port import StorageUnavailable

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
            renewed = await _renewed(leases, lease, duration)
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


#: How long to wait before trying a refused renewal again.
RENEW_PAUSE_SECONDS = 0.2


async def _renewed(leases: LeaseStore, lease: Lease, duration: timedelta) -> Lease | None:
    """`lease` renewed; None when it was lost, or could not be renewed while more than a third
    of it was left: enough for the work to stop before another instance may take it."""
    stop_at = lease.expires_at - duration / 3
    while (left := (stop_at - leases.now()).total_seconds()) > 0:
        try:
            with retrying.turn(left):
                return await leases.renew(lease, duration)
        except StorageUnavailable as error:
            log.warning("%s: renewing the lease failed (%s); trying again", lease.name, error)
            await asyncio.sleep(min(RENEW_PAUSE_SECONDS, left))
    log.warning("%s: the lease could not be renewed in time; stopping the work", lease.name)
    return None
