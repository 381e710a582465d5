"""At most one call per interval, with everything that arrived meanwhile (like qutebrowser's Throttle).

`add(items)` notes what changed and arms a single-shot timer if none is armed; when it fires, `flush`
gets the union of everything added since the last flush. One class for every "redraw at most N times a
second" in the window: the charts, the table's repaints, the alert values, the feed's status.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, QTimer

T = TypeVar("T", bound=Hashable)


class Coalescer(QObject, Generic[T]):
    def __init__(self, interval_ms: int, flush: Callable[[set[T]], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._flush = flush
        self._pending: set[T] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush_now)

    def add(self, items: Iterable[T] = ()) -> None:
        """Note `items` (none: just "something changed") and flush within the interval."""
        self._pending.update(items)
        if not self._timer.isActive():
            self._timer.start()

    def flush_now(self) -> None:
        self._timer.stop()
        items, self._pending = self._pending, set()
        self._flush(items)
