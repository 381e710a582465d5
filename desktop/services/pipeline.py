"""The one threading boundary: feeds push quote batches from their threads; one consumer drains them in order."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from desktop.core.alerts.engine import AlertEngine, AlertFire
from desktop.core.batch import TickBatch
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.services.quote_queue import MAX_QUOTES, QuoteQueue

QuoteConsumer = Callable[[Sequence[Quote]], None]
# What a feed pushes: a list of quotes, or (fast feeds) a columnar batch. Either is one or more whole steps.
Batch = Sequence[Quote] | TickBatch


@dataclass
class Flush:
    """What one drain did: symbols whose latest quote changed, quotes applied, alert fires in order."""

    changed: set[str] = field(default_factory=set)
    count: int = 0
    fires: list[AlertFire] = field(default_factory=list)


class Gate:
    """One feed's way into the pipeline. Closing it (its feed was stopped to make way for another) drops
    what that feed still pushes, queued or not: the owner need not wait for the feed's thread to end."""

    def __init__(self, pipeline: QuotePipeline) -> None:
        self._pipeline = pipeline
        self.closed = False

    def push(self, quotes: Batch, timeout: float | None = None) -> bool:
        """`QuotePipeline.push` for this feed; False (nothing queued) once the gate is closed."""
        return not self.closed and self._pipeline.push(quotes, timeout, self)

    def close(self) -> None:
        self.closed = True


class QuotePipeline:
    """A bounded queue of quote batches between feed threads and the thread that owns the store.

    `push` is thread-safe and blocks while the queue holds `max_queued` quotes (backpressure for a replay
    running as fast as possible; see services.quote_queue). `drain` must always be called from the same
    thread: it applies every queued quote, in order, to the store and to the alert engine (then to any
    other consumer), so a crossing inside a batch fires even though the UI only hears once per drain. A
    drain is `take` (the store) then `settle` (the engine, the consumers); an owner may run other work
    between the two. `on_wake` is called from the pushing thread when the queue turns non-empty, so the
    owner can schedule a drain instead of polling.
    """

    def __init__(self, store: QuoteStore, engine: AlertEngine | None = None, max_queued: int = MAX_QUOTES) -> None:
        self.store = store
        self.engine = engine
        self.consumers: list[QuoteConsumer] = []
        self.on_wake: Callable[[], None] | None = None
        self._queue: QuoteQueue[tuple[Gate | None, Batch]] = QuoteQueue(max_queued)
        self._lock = threading.Lock()
        self._wake_pending = False
        # What `take` applied to the store, waiting for `settle`: the ticks and the store's view of them.
        self._unsettled: list[tuple[list[Quote] | TickBatch, list[Quote]]] = []
        self._flush = Flush()
        self._retiring: list[tuple[QuoteConsumer, Callable[[], None] | None]] = []  # see `retire`

    def gate(self) -> Gate:
        """A way in for one feed, to be closed when that feed is replaced (see Gate)."""
        return Gate(self)

    def push(self, quotes: Batch, timeout: float | None = None, gate: Gate | None = None) -> bool:
        """Queue a batch (from any thread); False when the queue stayed full for `timeout` seconds."""
        if not quotes:
            return True
        if not self._queue.put((gate, quotes), quotes, timeout):
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
        self.take(max_quotes, max_seconds)
        return self.settle()

    def take(self, max_quotes: int | None = None, max_seconds: float | None = None) -> int:
        """A drain's first step: apply queued batches to the store and keep them for `settle`, which
        applies them to the engine and the consumers. Returns the quotes taken.

        The two steps exist so a thread that also paints (the GUI's) can run what fell due in between:
        each step of a large drain costs about half of it.
        """
        with self._lock:
            self._wake_pending = False
        # Quote lists are applied as they come, so a time budget can stop between them; consecutive
        # columnar batches are merged first (the fast paths pay per call, so bigger is cheaper).
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        batches: list[TickBatch] = []
        taken = 0
        while max_quotes is None or taken < max_quotes:
            if deadline is not None and not batches and time.perf_counter() > deadline:
                break
            queued = self._queue.get_nowait()
            if queued is None:
                break
            gate, item = queued
            if gate is not None and gate.closed:
                continue  # pushed by a feed that has been replaced since
            taken += len(item)
            if isinstance(item, TickBatch):
                batches.append(item)
                continue
            if batches:
                self._store_batch(TickBatch.concat(batches))
                batches = []
            self._store_quotes(list(item))
        if batches:
            self._store_batch(TickBatch.concat(batches))
        if not self._queue.empty():
            with self._lock:
                self._wake_pending = True
        return taken

    def settle(self) -> Flush:
        """A drain's second step: apply what `take` stored to the engine and the consumers, in order."""
        flush, self._flush = self._flush, Flush()
        work, self._unsettled = self._unsettled, []
        for ticks, viewed in work:
            if self.engine is not None:
                if isinstance(ticks, TickBatch):
                    flush.fires.extend(self.engine.process_batch(ticks))
                else:
                    flush.fires.extend(self.engine.process(ticks))
            if self.consumers:
                seen = ticks.quotes() if isinstance(ticks, TickBatch) else viewed
                for consume in self.consumers:
                    consume(seen)
        self._let_retiring_go()
        return flush

    def retire(self, consume: QuoteConsumer, then: Callable[[], None] | None = None) -> None:
        """Stop handing quotes to `consume`, then call `then`: at once when nothing taken waits to be
        settled, else after the settle that applies it, so that what the store already took still reaches
        `consume` (a recording stopped between a flush's two steps keeps that flush's quotes)."""
        self._retiring.append((consume, then))
        if not self._unsettled:
            self._let_retiring_go()

    def _let_retiring_go(self) -> None:
        retiring, self._retiring = self._retiring, []
        for consume, then in retiring:
            if consume in self.consumers:
                self.consumers.remove(consume)
            if then is not None:
                then()

    def _store_quotes(self, quotes: list[Quote]) -> None:
        if not quotes:
            return
        if self.consumers:
            changed, viewed = self.store.apply_viewed(quotes)  # consumers see the store's view of each tick
        else:
            changed, viewed = self.store.apply_all(quotes), []
        self._flush.changed |= changed
        self._flush.count += len(quotes)
        self._unsettled.append((quotes, viewed))

    def _store_batch(self, batch: TickBatch) -> None:
        self._flush.changed |= self.store.apply_batch(batch)
        self._flush.count += len(batch)
        self._unsettled.append((batch, []))

    def pending(self) -> bool:
        return not self._queue.empty()

    def idle(self) -> bool:
        """Nothing queued, and nothing taken into the store that waits to be settled."""
        return self._queue.empty() and not self._unsettled

    def reset(self) -> None:
        """Start again from nothing (a replay restarted, a switch of source): queued quotes dropped, the
        store emptied, the engine's prices and rule states forgotten. The one place a restart happens."""
        self.discard_pending()
        self._unsettled, self._flush = [], Flush()
        self._let_retiring_go()
        self.store.clear()
        if self.engine is not None:
            self.engine.reset()

    def discard_pending(self) -> None:
        """Drop everything queued (a replay restarting from another date)."""
        self._queue.clear()
        with self._lock:
            self._wake_pending = False
