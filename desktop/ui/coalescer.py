"""At most one call per interval, with everything that arrived meanwhile (like qutebrowser's Throttle).

`add(items)` notes what changed and arms a single-shot timer if none is armed; when it fires, `flush`
gets the union of everything added since the last flush. The timer waits only for what is left of the
interval since the last flush: the first change after a quiet spell is drawn in the next turn of the event
loop, with whatever else that turn adds, instead of a whole interval later (a live stream's quotes mostly
come one at a time, and each waited for a timer of its own). One class for every "redraw at most N times
a second" in the window: the charts, the table's repaints, the alert values, the feed's status.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, QTimer

T = TypeVar("T", bound=Hashable)


class Coalescer(QObject, Generic[T]):
    def __init__(self, interval_ms: int, flush: Callable[[set[T]], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._flush = flush
        self._pending: set[T] = set()
        self._interval_s = interval_ms / 1000
        self._flushed_at = -float("inf")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush_now)

    def add(self, items: Iterable[T] = ()) -> None:
        """Note `items` (none: just "something changed") and flush within the interval."""
        self._pending.update(items)
        if not self._timer.isActive():
            left = self._interval_s - (time.monotonic() - self._flushed_at)
            self._timer.start(math.ceil(max(0.0, left) * 1000))

    def flush_now(self) -> None:
        self._timer.stop()
        self._flushed_at = time.monotonic()
        items, self._pending = self._pending, set()
        self._flush(items)
