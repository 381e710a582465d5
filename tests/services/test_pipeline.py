"""The threading boundary: batches pushed from threads are applied in order, every tick seen by consumers."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rules import rule_from_dict
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.services.pipeline import QuotePipeline


def test_drain_applies_every_tick_in_order_and_consumers_see_all() -> None:
    pipeline = QuotePipeline(QuoteStore())
    seen: list[float] = []
    pipeline.consumers.append(lambda quotes: seen.extend(q.price for q in quotes))
    pipeline.push([Quote("X", 10.0, 1.0), Quote("X", 12.0, 2.0)])
    pipeline.push([Quote("X", 9.0, 3.0)])
    flush = pipeline.drain()
    assert flush.changed == {"X"} and flush.count == 3
    assert seen == [10.0, 12.0, 9.0], "a move inside a batch reaches the consumer, not only the final price"
    latest = pipeline.store.latest("X")
    assert latest is not None and latest.price == 9.0


def test_engine_sees_every_tick_of_a_drain() -> None:
    rule = rule_from_dict({"id": "x", "type": "price", "symbol": "X", "condition": "crosses_above", "level": 100})
    pipeline = QuotePipeline(QuoteStore(), AlertEngine([rule]))
    pipeline.push([Quote("X", 99.0, 1.0), Quote("X", 101.0, 2.0)])
    pipeline.push([Quote("X", 98.0, 3.0)])
    flush = pipeline.drain()
    assert [f.value for f in flush.fires] == [101.0], "fired inside the drain though it ends below the level"


def test_wake_is_called_once_until_drained() -> None:
    pipeline = QuotePipeline(QuoteStore())
    wakes: list[int] = []
    pipeline.on_wake = lambda: wakes.append(1)
    for i in range(5):
        pipeline.push([Quote("X", 10.0 + i, float(i))])
    assert len(wakes) == 1
    pipeline.drain()
    pipeline.push([Quote("X", 1.0, 10.0)])
    assert len(wakes) == 2


def test_budget_leaves_the_rest_queued() -> None:
    pipeline = QuotePipeline(QuoteStore())
    for i in range(10):
        pipeline.push([Quote("X", 10.0 + i, float(i))])
    assert pipeline.drain(max_quotes=3).count == 3 and pipeline.pending()
    assert pipeline.drain().count == 7 and not pipeline.pending()


def test_full_queue_pushes_back() -> None:
    pipeline = QuotePipeline(QuoteStore(), max_queued=2)
    assert pipeline.push([Quote("X", 1.0, 1.0)], timeout=0.01)
    assert pipeline.push([Quote("X", 1.0, 2.0)], timeout=0.01)
    assert not pipeline.push([Quote("X", 1.0, 3.0)], timeout=0.01)


def test_concurrent_producers_lose_nothing() -> None:
    pipeline = QuotePipeline(QuoteStore(), max_queued=8)
    got: list[Quote] = []

    def consume(quotes: Sequence[Quote]) -> None:
        got.extend(quotes)

    pipeline.consumers.append(consume)

    def produce(symbol: str) -> None:
        for i in range(2000):
            pipeline.push([Quote(symbol, 1.0 + i, float(i))])

    producers = [threading.Thread(target=produce, args=(s,)) for s in ("A", "B", "C")]
    for t in producers:
        t.start()
    while any(t.is_alive() for t in producers) or pipeline.pending():
        pipeline.drain()
    assert len(got) == 6000
    for symbol in "ABC":
        prices = [q.price for q in got if q.symbol == symbol]
        assert prices == sorted(prices), "each producer's order is kept"


def test_columnar_batches_and_quote_lists_mix_in_order() -> None:
    import numpy as np

    from desktop.core.batch import TickBatch

    rule = rule_from_dict({"id": "x", "type": "price", "symbol": "X", "condition": "crosses_above", "level": 100})
    pipeline = QuotePipeline(QuoteStore(), AlertEngine([rule]))
    seen: list[float] = []
    pipeline.consumers.append(lambda quotes: seen.extend(q.price for q in quotes))
    pipeline.push([Quote("X", 99.0, 1.0)])
    pipeline.push(TickBatch(["X", "Y", "X"], np.array([2.0, 2.0, 3.0]), np.array([101.0, 5.0, 98.0])))
    pipeline.push([Quote("X", 102.0, 4.0)])
    flush = pipeline.drain()
    assert flush.count == 5 and flush.changed == {"X", "Y"}
    assert seen == [99.0, 101.0, 5.0, 98.0, 102.0]
    assert [f.time for f in flush.fires] == [2.0, 4.0]
    latest = pipeline.store.latest("X")
    assert latest is not None and latest.price == 102.0


def test_take_stores_and_settle_fires_what_was_taken() -> None:
    rule = rule_from_dict({"id": "x", "type": "price", "symbol": "X", "condition": "crosses_above", "level": 100})
    pipeline = QuotePipeline(QuoteStore(), AlertEngine([rule]))
    seen: list[float] = []
    pipeline.consumers.append(lambda quotes: seen.extend(q.price for q in quotes))
    pipeline.push([Quote("X", 99.0, 1.0), Quote("X", 101.0, 2.0), Quote("X", 98.0, 3.0)])
    assert pipeline.take() == 3
    latest = pipeline.store.latest("X")
    assert latest is not None and latest.price == 98.0, "the store has the quotes after the first step"
    assert seen == [], "the engine and the consumers wait for the second"
    pipeline.push([Quote("X", 102.0, 4.0)])
    assert pipeline.take() == 1
    flush = pipeline.settle()
    assert [f.time for f in flush.fires] == [2.0, 4.0], "both takes reach the engine, in order"
    assert flush.count == 4 and flush.changed == {"X"} and seen == [99.0, 101.0, 98.0, 102.0]
    assert pipeline.settle().count == 0, "settled once"


def test_reset_forgets_what_was_taken_but_not_settled() -> None:
    rule = rule_from_dict({"id": "x", "type": "price", "symbol": "X", "condition": "crosses_above", "level": 100})
    pipeline = QuotePipeline(QuoteStore(), AlertEngine([rule]))
    pipeline.push([Quote("X", 99.0, 1.0), Quote("X", 101.0, 2.0)])
    pipeline.take()
    pipeline.reset()  # a replay restarted between the two steps: the old day's ticks must not fire now
    flush = pipeline.settle()
    assert flush.count == 0 and flush.fires == [] and pipeline.store.latest("X") is None


def test_a_closed_gate_drops_what_its_feed_pushed_and_pushes() -> None:
    pipeline = QuotePipeline(QuoteStore())
    old, new = pipeline.gate(), pipeline.gate()
    assert old.push([Quote("X", 10.0, 1.0)]) and new.push([Quote("Y", 20.0, 1.0)])
    old.close()  # its feed was replaced: its thread may still be running
    assert not old.push([Quote("X", 11.0, 2.0)]), "a push through a closed gate says so (the feed stops)"
    assert pipeline.push([Quote("Z", 30.0, 1.0)]), "a push with no gate is never dropped"
    flush = pipeline.drain()
    assert flush.changed == {"Y", "Z"} and flush.count == 2, "what it had queued before the close is dropped too"
    assert pipeline.store.latest("X") is None


def test_a_consumer_retired_between_take_and_settle_still_gets_what_was_taken() -> None:
    pipeline = QuotePipeline(QuoteStore())
    seen: list[float] = []
    events: list[str] = []

    def consume(quotes: Sequence[Quote]) -> None:
        seen.extend(q.price for q in quotes)

    pipeline.consumers.append(consume)
    pipeline.push([Quote("X", 10.0, 1.0), Quote("X", 11.0, 2.0)])
    pipeline.take()
    pipeline.retire(consume, lambda: events.append(f"closed after {len(seen)}"))
    assert events == [], "the store took quotes the consumer has not had yet"
    pipeline.settle()
    assert seen == [10.0, 11.0] and events == ["closed after 2"]
    pipeline.push([Quote("X", 12.0, 3.0)])
    pipeline.drain()
    assert seen == [10.0, 11.0], "retired: later quotes do not reach it"


def test_a_consumer_retired_with_nothing_waiting_goes_at_once() -> None:
    pipeline = QuotePipeline(QuoteStore())
    events: list[str] = []
    consume = lambda _quotes: events.append("quotes")  # noqa: E731
    pipeline.consumers.append(consume)
    pipeline.retire(consume, lambda: events.append("closed"))
    assert events == ["closed"] and consume not in pipeline.consumers
