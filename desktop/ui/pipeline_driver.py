"""Drains the quote pipeline on the GUI thread, woken by the feeds, and tells the views once per flush."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.services.pipeline import QuotePipeline

FLUSH_INTERVAL_MS = 50
# One flush applies at most this many quotes, and stops taking more after FLUSH_SECONDS, so the GUI thread
# never stays busy long; what is left is taken up again as soon as the events waiting meanwhile ran.
FLUSH_BUDGET = 20_000
FLUSH_SECONDS = 0.008
# With a backlog, the next flush comes this soon. The timers, input and paints that fell due meanwhile run
# before it whatever the pause (Qt delivers them in the loop pass the timer waits in): the pause only sets
# how much of the GUI thread a backlog may take. 2 ms instead of 8 took the pipeline benchmark from about
# 460k to 620k ticks/s (interleaved runs) and the window's lateness at a flat-out replay from 20-21 to 23 ms;
# 1 ms instead of 2, with the two-step flush, 1.25 to 1.33 M ticks/s (six alternated runs each) at the same
# lateness. At 0 the next flush could come before a timer that fell due (p99 lateness 12-22 ms, from 11-13).
BACKLOG_PAUSE_MS = 1
# A flush whose store step took longer than this settles (engine, views) in a later turn of the event loop.
SETTLE_AT_ONCE_S = 0.002


class PipelineDriver(QObject):
    """Coalesces quote traffic into flushes at most every `interval_ms`.

    No timer runs while nothing arrives: a feed's push wakes the driver (a queued signal from the feed
    thread). Quotes that arrive `interval_ms` or more after the last flush are applied on that wake; those
    that arrive sooner wait for the rest of the interval on a single-shot timer. A live stream's quotes
    mostly come alone, so waiting a whole interval after each would wake the GUI thread twice per quote
    (once for the feed's signal, once for the timer) for no gathering at all.
    """

    quotes_applied = Signal(object, int)  # (set of symbols whose latest quote changed, quotes applied)
    alerts_fired = Signal(list)  # AlertFire, in order, from the ticks of one flush
    _woken = Signal()

    def __init__(
        self, pipeline: QuotePipeline, interval_ms: int = FLUSH_INTERVAL_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.pipeline = pipeline
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(0)
        self._settle_timer.timeout.connect(self.settle)
        self._woken.connect(self._arm)
        self._recent: deque[tuple[float, int]] = deque()
        self._interval_s = interval_ms / 1000
        self._last_flush = -float("inf")
        self.total = 0
        pipeline.on_wake = self._woken.emit  # called from feed threads; Qt queues it to this thread

    def _arm(self) -> None:
        if self._timer.isActive() or self._settle_timer.isActive():
            return
        since = time.perf_counter() - self._last_flush
        if since >= self._interval_s:
            self.flush()
        else:
            self._timer.start(max(1, round((self._interval_s - since) * 1000)))

    def flush(self, settle_now: bool = False) -> None:
        """Take queued quotes into the store; settle them at once when that was quick (or `settle_now`),
        else in a turn of their own, so the timers, input and paints that fell due meanwhile run between
        the two halves."""
        started = self._last_flush = time.perf_counter()
        self.pipeline.take(FLUSH_BUDGET, FLUSH_SECONDS)
        if settle_now or time.perf_counter() - started < SETTLE_AT_ONCE_S:
            self.settle()
        else:
            self._settle_timer.start()

    def settle(self) -> None:
        """Apply what the store took to the engine, then tell the views once."""
        self._settle_timer.stop()
        flush = self.pipeline.settle()
        if flush.count:
            self.total += flush.count
            self._recent.append((time.monotonic(), flush.count))
            self.quotes_applied.emit(flush.changed, flush.count)
        if flush.fires:
            self.alerts_fired.emit(flush.fires)
        if self.pipeline.pending():
            self._timer.start(BACKLOG_PAUSE_MS)  # a backlog: continue after the events that queued up meanwhile

    def quotes_per_second(self, window: float = 2.0) -> float:
        """Quotes applied per second over the last `window` seconds."""
        cutoff = time.monotonic() - window
        while self._recent and self._recent[0][0] < cutoff:
            self._recent.popleft()
        return sum(n for _, n in self._recent) / window

    def stop(self) -> None:
        self.pipeline.on_wake = None
        self._timer.stop()
        self._settle_timer.stop()
