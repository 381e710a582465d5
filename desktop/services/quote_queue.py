"""The pipeline's queue: batches in arrival order, bounded by the quotes they hold, not by their number.

A bound in batches meant nothing fixed: a fast feed's batches hold a thousand ticks each, a replay's one
step of the watchlist. At 1,024 batches the pipeline benchmark's feed thread queued a million ticks before
the first flush, holding the GIL the GUI thread needed meanwhile: the first flush began 36 ms after the
feed started, and a 5 ms timer on the GUI thread fired 42 ms late. Bounded in quotes, the feed waits
(without the GIL) once two flushes' worth is queued, and the first flush begins after 2 ms. A replay of 13
symbols (a step a batch) may now queue 40,000 quotes where it queued 13,312, one of 500 symbols 40,000
instead of half a million: either way two flushes' worth, which is all a drain can use.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Sized
from typing import Generic, TypeVar

Item = TypeVar("Item")

MAX_QUOTES = 40_000  # two of the window's flushes (FLUSH_BUDGET): the drain never waits on an empty queue


class QuoteQueue(Generic[Item]):
    """Thread-safe FIFO. `put` blocks while its batch would take the queue past `max_quotes`; a batch
    larger than the bound still goes in once the queue is empty (nothing would ever take it otherwise)."""

    def __init__(self, max_quotes: int = MAX_QUOTES) -> None:
        self.max_quotes = max(1, max_quotes)
        self._items: deque[tuple[Item, int]] = deque()
        self._quotes = 0
        self._room = threading.Condition(threading.Lock())

    def put(self, item: Item, batch: Sized, timeout: float | None = None) -> bool:
        """Queue `item` (`batch` is what it carries, for its size); False when there was no room for
        `timeout` seconds."""
        size = len(batch)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._room:
            while self._quotes and self._quotes + size > self.max_quotes:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._room.wait(left)
            self._items.append((item, size))
            self._quotes += size
        return True

    def get_nowait(self) -> Item | None:
        """The oldest item, or None when the queue is empty."""
        with self._room:
            if not self._items:
                return None
            item, size = self._items.popleft()
            self._quotes -= size
            self._room.notify_all()
        return item

    def clear(self) -> None:
        with self._room:
            self._items.clear()
            self._quotes = 0
            self._room.notify_all()

    def empty(self) -> bool:
        return not self._items

    @property
    def quotes(self) -> int:
        """Quotes queued now."""
        return self._quotes
