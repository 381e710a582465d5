"""Owns the running feed: start, stop, restart from a date, pace, and its status as a Qt signal."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date

from PySide6.QtCore import QObject, Signal

from desktop.core.pipeline import QuotePipeline
from desktop.feeds.base import FeedStatus, StatusListener
from desktop.feeds.replay import ReplayFeed

ReplayFactory = Callable[[date | None, float, StatusListener], ReplayFeed]


class FeedController(QObject):
    """The UI's handle on the feed. Statuses arrive from the feed thread; the newest is re-emitted here.

    Status reports can come once per replay step; they are coalesced so the GUI thread handles at most
    one pending report at a time.
    """

    status_changed = Signal(object)  # FeedStatus
    restarted = Signal()
    _status_ready = Signal()

    def __init__(
        self,
        make_replay: ReplayFactory,
        pipeline: QuotePipeline,
        *,
        start: date | None,
        speed: float,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._make_replay = make_replay
        self._pipeline = pipeline
        self._symbols: list[str] = []
        self._lock = threading.Lock()
        self._pending: FeedStatus | None = None
        self.status: FeedStatus | None = None
        self._status_ready.connect(self._deliver_status)
        self.feed = make_replay(start, speed, self._report)

    # Called on the feed thread.
    def _report(self, status: FeedStatus) -> None:
        with self._lock:
            first = self._pending is None
            self._pending = status
        if first:
            self._status_ready.emit()

    def _deliver_status(self) -> None:
        with self._lock:
            status, self._pending = self._pending, None
        if status is not None:
            self.status = status
            self.status_changed.emit(status)

    def start(self, symbols: Iterable[str]) -> None:
        self._symbols = list(symbols)
        self.feed.set_symbols(self._symbols)
        self.feed.start()

    def stop(self) -> None:
        self.feed.stop()

    def set_symbols(self, symbols: Iterable[str]) -> None:
        self._symbols = list(symbols)
        self.feed.set_symbols(self._symbols)

    def can_supply(self, symbol: str) -> str | None:
        return self.feed.can_supply(symbol)

    def set_paused(self, paused: bool) -> None:
        self.feed.set_paused(paused)

    def set_speed(self, speed: float) -> None:
        self.feed.set_speed(speed)

    def restart(self, start: date | None) -> None:
        """Play again from `start`: the old feed stops, queued quotes are dropped and the store is emptied."""
        paused, speed = self.feed.paused, self.feed.speed
        self.feed.stop()
        self._pipeline.discard_pending()
        self._pipeline.store.clear()
        self.feed = self._make_replay(start, speed, self._report)
        self.feed.set_paused(paused)
        self.restarted.emit()
        self.start(self._symbols)
