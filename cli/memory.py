"""How the host asks glibc to manage its memory (called by `serve`)."""

from __future__ import annotations

import ctypes

# glibc raises its mmap threshold each time a mapped block is freed (up to 32 MiB), so after a
# while the 256 KiB buffer of every new TLS connection (Cosmos DB, the Bot Connector) and
# other large blocks come from the heap instead, between long-lived objects, and the heap only
# grows: on Cosmos DB the soak's RSS rose ~1.5 MiB a minute for 20 minutes while the Python
# objects alive (tracemalloc) stayed flat. Pinned at glibc's initial 128 KiB, large blocks are
# mapped and given back when freed.
MMAP_THRESHOLD = 128 * 1024
_M_MMAP_THRESHOLD = -3  # malloc.h


def pin_mmap_threshold() -> bool:
    """Pin glibc's mmap threshold; False where there is no glibc mallopt (nothing to pin)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
