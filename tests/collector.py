"""Holding Python's cycle collector for a count, and leaving it as it was found."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def held() -> Iterator[None]:
    """No automatic collection inside the block; afterwards automatic again only if it was before (once a
    window runs, collection belongs to a GUI-thread timer: switched back on, it could start on any thread)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
