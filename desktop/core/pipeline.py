"""The one threading boundary: feeds push quote batches from their threads; one consumer drains them in order."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from desktop.core.alerts.engine import AlertEngine, AlertFire
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore

QuoteConsumer = Callable[[Sequence[Quote]], None]


@dataclass
class Flush:
    """What one drain did: symbols whose latest quote changed, quotes applied, alert fires in order."""

    changed: set[str] = field(default_factory=set)
    count: int = 0
    fires: list[AlertFire] = field(default_factory=list)


class QuotePipeline:
    """A bounded queue of quote batches between feed threads and the thread that owns the store.

    `push` is thread-safe and blocks while the queue is full (backpressure for a replay running as
    fast as possible). `drain` must always be called from the same thread: it applies every queued
    quote, in order, to the store and to the alert engine (then to any other consumer), so a crossing
    inside a batch fires even though the UI only hears once per drain.
    `on_wake` is called from the pushing thread when the queue turns non-empty, so the owner can
    schedule a drain instead of polling.
    """

    def __init__(self, store: QuoteStore, engine: AlertEngine | None = None, max_batches: int = 1024) -> None:
        self.store = store
        self.engine = engine
        self.consumers: list[QuoteConsumer] = []
        self.on_wake: Callable[[], None] | None = None
        self._queue: queue.Queue[Sequence[Quote]] = queue.Queue(maxsize=max_batches)
        self._lock = threading.Lock()
        self._wake_pending = False

    def push(self, quotes: Sequence[Quote], timeout: float | None = None) -> bool:
        """Queue a batch (from any thread); False when the queue stayed full for `timeout` seconds."""
        if not quotes:
            return True
        try:
            self._queue.put(quotes, timeout=timeout)
        except queue.Full:
            return False
        with self._lock:
            wake = not self._wake_pending
            self._wake_pending = True
        if wake and self.on_wake is not None:
            self.on_wake()
        return True

    def drain(self, max_quotes: int | None = None) -> Flush:
        """Apply queued batches in order to the store, the engine and the consumers.

        With `max_quotes`, stops after the batch that reaches it, leaving the rest queued (and the wake
        flag set, so the owner knows to come back).
        """
        with self._lock:
            self._wake_pending = False
        taken: list[Quote] = []
        while max_quotes is None or len(taken) < max_quotes:
            try:
                taken.extend(self._queue.get_nowait())
            except queue.Empty:
                break
        if not self._queue.empty():
            with self._lock:
                self._wake_pending = True
        flush = Flush(self.store.apply_all(taken), len(taken))
        if self.engine is not None and taken:
            flush.fires = self.engine.process(taken)
        for consume in self.consumers:
            consume(taken)
        return flush

    def pending(self) -> bool:
        return not self._queue.empty()

    def discard_pending(self) -> None:
        """Drop everything queued (a replay restarting from another date)."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        with self._lock:
            self._wake_pending = False
