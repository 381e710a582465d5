"""The one threading boundary: feeds push quote batches from their threads; one consumer drains them in order."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from desktop.core.alerts.engine import AlertEngine, AlertFire
from desktop.core.batch import TickBatch
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore

QuoteConsumer = Callable[[Sequence[Quote]], None]
# What a feed pushes: a list of quotes, or (fast feeds) a columnar batch. Either is one or more whole steps.
Batch = Sequence[Quote] | TickBatch


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
        self._queue: queue.Queue[Batch] = queue.Queue(maxsize=max_batches)
        self._lock = threading.Lock()
        self._wake_pending = False

    def push(self, quotes: Batch, timeout: float | None = None) -> bool:
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

    def drain(self, max_quotes: int | None = None, max_seconds: float | None = None) -> Flush:
        """Apply queued batches in order to the store, the engine and the consumers.

        With `max_quotes`, stops after the batch that reaches it, leaving the rest queued (and the wake
        flag set, so the owner knows to come back).
        """
        with self._lock:
            self._wake_pending = False
        flush = Flush()
        # Quote lists are applied as they come, so a time budget can stop between them; consecutive
        # columnar batches are merged first (the fast paths pay per call, so bigger is cheaper).
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        batches: list[TickBatch] = []
        taken = 0
        while max_quotes is None or taken < max_quotes:
            if deadline is not None and not batches and time.perf_counter() > deadline:
                break
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            taken += len(item)
            if isinstance(item, TickBatch):
                batches.append(item)
                continue
            if batches:
                self._apply_batch(TickBatch.concat(batches), flush)
                batches = []
            self._apply_quotes(list(item), flush)
        if batches:
            self._apply_batch(TickBatch.concat(batches), flush)
        if not self._queue.empty():
            with self._lock:
                self._wake_pending = True
        return flush

    def _apply_quotes(self, quotes: list[Quote], flush: Flush) -> None:
        if not quotes:
            return
        if self.consumers:
            changed, viewed = self.store.apply_viewed(quotes)  # consumers see the store's view of each tick
        else:
            changed, viewed = self.store.apply_all(quotes), []
        flush.changed |= changed
        flush.count += len(quotes)
        if self.engine is not None:
            flush.fires.extend(self.engine.process(quotes))
        for consume in self.consumers:
            consume(viewed)

    def _apply_batch(self, batch: TickBatch, flush: Flush) -> None:
        flush.changed |= self.store.apply_batch(batch)
        flush.count += len(batch)
        if self.engine is not None:
            flush.fires.extend(self.engine.process_batch(batch))
        if self.consumers:
            quotes = batch.quotes()
            for consume in self.consumers:
                consume(quotes)

    def pending(self) -> bool:
        return not self._queue.empty()

    def reset(self) -> None:
        """Start again from nothing (a replay restarted, a switch of source): queued quotes dropped, the
        store emptied, the engine's prices and rule states forgotten. The one place a restart happens."""
        self.discard_pending()
        self.store.clear()
        if self.engine is not None:
            self.engine.reset()

    def discard_pending(self) -> None:
        """Drop everything queued (a replay restarting from another date)."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        with self._lock:
            self._wake_pending = False
