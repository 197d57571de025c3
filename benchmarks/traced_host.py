"""The host as deployed (`python app.py`), with tracemalloc on: where memory grows.

    python -m benchmarks.traced_host DIR SECONDS     # instead of `python app.py`

Traces every allocation from the start (10 frames each) and dumps a snapshot into DIR every
SECONDS, with the number of objects alive by type, from a thread of its own, so the host's
event loop runs as always (slower: tracing costs CPU). `benchmarks.soak --trace-memory` runs the host this way and prints `growth()`:
what was allocated and not freed between the first snapshot after the warm-up and the last.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
import tracemalloc
from collections import Counter
from pathlib import Path

FRAMES = 10


def dump_every(directory: Path, seconds: float, stop: threading.Event) -> None:
    n = 0
    while not stop.wait(seconds):
        tracemalloc.take_snapshot().dump(str(directory / f"{n:04d}.snapshot"))
        # Objects by type too: a small Python object that keeps C memory alive (an SSL
        # connection's OpenSSL state, say) hardly shows in tracemalloc's sizes, but its count does.
        counts = Counter(type(o).__qualname__ for o in gc.get_objects())
        (directory / f"{n:04d}.types.json").write_text(json.dumps(counts))
        n += 1


def growth(directory: Path, first: int = 1, top: int = 12) -> list[str]:
    """The allocations that grew most from snapshot `first` to the last, by where the
    allocating code sits (its innermost frames in the app or a library)."""
    paths = sorted(directory.glob("*.snapshot"))
    if len(paths) <= first:
        return [f"too few snapshots in {directory} ({len(paths)})"]
    ignore = (
        tracemalloc.Filter(False, tracemalloc.__file__),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap*>"),
    )
    before = tracemalloc.Snapshot.load(str(paths[first])).filter_traces(ignore)
    after = tracemalloc.Snapshot.load(str(paths[-1])).filter_traces(ignore)
    lines = [
        f"tracemalloc: {paths[first].name} -> {paths[-1].name}, traced total "
        f"{_mib(sum(s.size for s in before.statistics('filename')))} -> "
        f"{_mib(sum(s.size for s in after.statistics('filename')))} MiB"
    ]
    grown = [s for s in after.compare_to(before, "traceback") if s.size_diff > 0]
    for stat in sorted(grown, key=lambda s: s.size_diff, reverse=True)[:top]:
        lines.append(
            f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks, now "
            f"{stat.size / 1024:9.1f} KiB"
        )
        # Innermost first: the allocating line, then its callers.
        lines += [f"    {line}" for line in stat.traceback.format(most_recent_first=True)[:10]]
    lines += _type_growth(directory, first, top)
    return lines


def _type_growth(directory: Path, first: int, top: int) -> list[str]:
    paths = sorted(directory.glob("*.types.json"))
    if len(paths) <= first:
        return []
    before = Counter(json.loads(paths[first].read_text()))
    after = Counter(json.loads(paths[-1].read_text()))
    grown = sorted(after, key=lambda name: after[name] - before[name], reverse=True)[:top]
    return ["objects alive by type (gc), the most grown:"] + [
        f"  {after[name] - before[name]:+7d}  now {after[name]:7d}  {name}"
        for name in grown
        if after[name] > before[name]
    ]


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f}"


def main() -> int:
    directory, seconds = Path(sys.argv[1]), float(sys.argv[2])
    directory.mkdir(parents=True, exist_ok=True)
    # Imported before tracing starts: start-up stays quick, and the modules are no growth.
    import bootstrap  # noqa: F401
    from cli.main import main as app_main

    tracemalloc.start(FRAMES)
    stop = threading.Event()
    threading.Thread(target=dump_every, args=(directory, seconds, stop), daemon=True).start()
    try:
        return app_main([])
    finally:
        stop.set()


if __name__ == "__main__":
    sys.exit(main())
