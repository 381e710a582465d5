"""The pipeline's queue is bounded by the quotes it holds: a fast feed's big batches stop it sooner than a
replay's small steps."""

from __future__ import annotations

import threading

import numpy as np

from desktop.core.batch import TickBatch
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.services.pipeline import QuotePipeline
from desktop.services.quote_queue import QuoteQueue


def _ticks(n: int, start: float = 0.0) -> TickBatch:
    return TickBatch(["X"] * n, start + np.arange(n, dtype=float), np.full(n, 10.0))


def test_the_bound_counts_quotes_not_batches() -> None:
    queue: QuoteQueue[str] = QuoteQueue(max_quotes=10)
    assert queue.put("a", [1] * 6, timeout=0.01)
    assert queue.put("b", [1] * 4, timeout=0.01)
    assert not queue.put("c", [1], timeout=0.01), "ten quotes queued: no room for an eleventh"
    assert queue.quotes == 10
    assert queue.get_nowait() == "a"
    assert queue.put("c", [1] * 6, timeout=0.01), "taking six made room for six"
    assert [queue.get_nowait(), queue.get_nowait(), queue.get_nowait()] == ["b", "c", None]
    assert queue.empty() and queue.quotes == 0


def test_a_batch_larger_than_the_bound_goes_in_once_the_queue_is_empty() -> None:
    queue: QuoteQueue[str] = QuoteQueue(max_quotes=10)
    assert queue.put("small", [1], timeout=0.01)
    assert not queue.put("big", [1] * 50, timeout=0.01)
    queue.get_nowait()
    assert queue.put("big", [1] * 50, timeout=0.01), "else nothing could ever take it"


def test_a_waiting_feed_goes_on_when_the_drain_makes_room() -> None:
    queue: QuoteQueue[int] = QuoteQueue(max_quotes=3)
    for k in range(3):
        queue.put(k, [1])
    done = threading.Event()

    def feed() -> None:
        queue.put(3, [1])  # waits: no timeout
        done.set()

    thread = threading.Thread(target=feed)
    thread.start()
    assert not done.wait(0.05), "the feed waits while the queue is full"
    assert queue.get_nowait() == 0
    assert done.wait(5), "and goes on once a batch is taken"
    thread.join(5)
    assert [queue.get_nowait() for _ in range(4)] == [1, 2, 3, None]


def test_clear_lets_a_waiting_feed_go_on() -> None:
    queue: QuoteQueue[int] = QuoteQueue(max_quotes=1)
    queue.put(0, [1])
    done = threading.Event()
    thread = threading.Thread(target=lambda: (queue.put(1, [1]), done.set()))
    thread.start()
    assert not done.wait(0.05), "the feed waits while the queue is full"
    queue.clear()  # a replay restarted from another date: what was queued is dropped
    assert done.wait(5)
    thread.join(5)
    assert queue.get_nowait() == 1 and queue.get_nowait() is None


def test_pipeline_holds_a_fast_feed_to_its_quote_bound_and_a_replay_to_the_same() -> None:
    fast = QuotePipeline(QuoteStore(), max_queued=5_000)
    pushed = 0
    while fast.push(_ticks(1_000, pushed), timeout=0.01):
        pushed += 1_000
    assert pushed == 5_000, "five batches of a thousand ticks fill it"
    replay = QuotePipeline(QuoteStore(), max_queued=5_000)
    steps = 0
    while replay.push([Quote(f"S{k}", 10.0, float(steps)) for k in range(13)], timeout=0.01):
        steps += 1
    assert steps == 5_000 // 13, "a replay's 13-quote steps fill it at the same number of quotes"
    assert fast.drain().count == 5_000 and replay.drain().count == 13 * steps
