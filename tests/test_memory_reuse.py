"""The backtest command's allocator setting, in a process of its own (it is process-wide): blocks of
several MB made and dropped again and again, as reading a folder of price files does, come back from the
heap instead of being faulted in afresh."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

ROUNDS = """
import resource, sys
from desktop.cli.memory_reuse import keep_freed_memory
kept = keep_freed_memory() if sys.argv[1] == "keep" else None
size = 6 << 20
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
def round_of_blocks():
    blocks = [bytearray(size) for _ in range(3)]  # a file's bytes, buffers and columns
    del blocks
for _ in range(2):
    round_of_blocks()
before = faults()
for _ in range(20):
    round_of_blocks()
print(kept, (faults() - before) * resource.getpagesize() / (20 * 3 * size))
"""


def faulted_share(mode: str) -> tuple[str, float]:
    """(what keep_freed_memory said, pages faulted per page allocated) over the rounds."""
    done = subprocess.run([sys.executable, "-c", ROUNDS, mode], capture_output=True, text=True, timeout=60, check=True)
    kept, share = done.stdout.split()
    return kept, float(share)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the setting is glibc's")
def test_freed_blocks_are_reused_not_faulted_in_again() -> None:
    kept, share = faulted_share("keep")
    assert kept == "True"
    assert share < 0.05, f"{share:.0%} of the pages were faulted in again"


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the setting is glibc's")
def test_the_rounds_fault_without_the_setting() -> None:
    """What the setting is for: with glibc's defaults the same rounds fault most pages in again (if a
    later glibc stops doing so, the setting can go)."""
    _, share = faulted_share("default")
    assert share > 0.3
