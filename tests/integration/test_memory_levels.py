"""The host pins glibc's mmap threshold, so that its heap does not only grow (cli/memory.py).

A host opens TLS connections all day (Cosmos DB, the Bot Connector), each with a 256 KiB
buffer, while long-lived objects are made in between. Once glibc has raised its mmap threshold
(it does so each time a large mapped block is freed), those buffers come from the heap, the
long-lived objects settle in the holes they leave, and the heap can never shrink: the soak's
RSS on Cosmos DB rose for 20 minutes. The same pattern, in a process of its own, with and
without the pin.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHURN = """
import random, sys
from cli.memory import pin_mmap_threshold

def heap_kib():
    text = open("/proc/self/smaps").read()
    at = text.find("[heap]")
    return int(text[at:].split("Rss:")[1].split("kB")[0]) if at >= 0 else 0

if sys.argv[1] == "pinned":
    assert pin_mmap_threshold()
big = bytearray(4 * 2**20)
del big  # a large mapped block freed: unpinned, glibc raises its threshold past 256 KiB
rng = random.Random(1)
connections = [bytearray(256 * 1024) for _ in range(16)]
kept = []
before = heap_kib()
for n in range(3000):
    i = rng.randrange(len(connections))
    connections[i] = None  # a connection closes
    kept.append(bytearray(rng.choice((700, 2000, 5000))))  # something that stays
    if n % 3:
        kept.pop(rng.randrange(len(kept)))
    connections[i] = bytearray(256 * 1024 + rng.randrange(64 * 1024))  # a new one opens
    connections[i][::4096] = b"x" * len(connections[i][::4096])
print(heap_kib() - before)
"""


def heap_growth_kib(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CHURN, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator only")
def test_with_the_pin_large_buffers_are_given_back_and_the_heap_hardly_grows() -> None:
    unpinned, pinned = heap_growth_kib("unpinned"), heap_growth_kib("pinned")
    assert pinned * 3 < unpinned, (pinned, unpinned)
    assert pinned < 8 * 1024
