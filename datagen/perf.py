"""Process-level tuning for big runs: keep freed memory in the heap.

glibc hands every large array (>= 32 MB by default) to its own mmap and returns it to the
kernel when freed, so the next array of that size page-faults all of its memory again.
On a VM where page faults are slow that costs more than the arithmetic (measured: a
10M-element gather took 0.2-0.3 s cold and 0.02 s warm). Turning mmap off for malloc and
never trimming makes freed arrays' pages reusable. Arrow buffers normally come from
mimalloc's own mappings, so Arrow is pointed at the system allocator too (kernel time
for a 2M-event run: 1.25 s -> 0.69 s). Only the CLI calls this: the process exits after
one run, so holding on to memory is harmless.

One arena: every thread that mallocs (the writer, Arrow's kernels) would otherwise get its
own glibc arena, made of 64 MB heaps that are mmapped fresh and unmapped again when
emptied, so their pages fault over and over whatever the settings above say (measured at
10M events: 8.3 s -> 3.6 s of kernel time). The threads allocate a few large blocks, so
sharing the main arena's lock costs nothing measurable.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import pyarrow as pa

M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_MAX = -4
M_ARENA_MAX = -8


def keep_freed_memory() -> bool:
    """Apply the malloc settings above; False (and no change) where glibc is absent."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    ok = mallopt(M_MMAP_MAX, 0) == 1
    ok &= mallopt(M_TRIM_THRESHOLD, 2**31 - 1) == 1
    ok &= mallopt(M_TOP_PAD, 256 * 2**20) == 1
    ok &= mallopt(M_ARENA_MAX, 1) == 1
    if ok:
        pa.set_memory_pool(pa.system_memory_pool())
    return bool(ok)
