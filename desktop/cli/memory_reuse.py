"""Letting a command that reads many large files reuse the memory it frees instead of giving it back.

glibc's allocator hands a block of more than its threshold (at most 32 MB, raised as large blocks are
freed) straight back to the system, and trims its heap when more than twice that lies free at the top.
Reading a folder of price files makes and drops a few blocks of several MB per file (the file's bytes,
the parser's buffers, the columns), so each file's memory was mapped again and every page of it faulted
in afresh: `tickerdesk backtest` over a year of one-minute bars for 100 symbols (550 MB of CSV) took
about 2.2 GB of page faults and 1.5-2.3 s of system time for 2.8 s of reading. Keeping freed memory in
the heap takes that to about 1.1 GB and 0.6-0.9 s, and the read to 2.1-2.2 s (see the README's
Performance). Only for commands that exit when done: a window that ran for days would keep its peak.
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
MAP_FROM_BYTES = 32 << 20  # blocks this large still come from the system (glibc's own largest threshold)
TRIM_FROM_BYTES = 256 << 20  # free memory at the heap's top given back only past this


def keep_freed_memory() -> bool:
    """Ask glibc to keep freed blocks for reuse (see above); False where the C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no mallopt: not glibc
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MAP_FROM_BYTES)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_FROM_BYTES))
