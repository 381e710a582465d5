"""The replay feed: priming, steps in time order, pace control, symbols added mid-replay."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from desktop.core.prices import load_prices
from desktop.core.quote import Quote
from desktop.core.sessions import session_date
from desktop.core.timeline import ReplayTimeline
from desktop.feeds.base import FeedStatus
from desktop.feeds.replay import ReplayFeed, speed_unit
from desktop.feeds.replay_source import default_start, load_timeline


class Collector:
    """A sink that records batches and lets a test wait for a count of quotes."""

    def __init__(self) -> None:
        self.batches: list[list[Quote]] = []
        self.cv = threading.Condition()

    def __call__(self, quotes: Sequence[Quote], timeout: float | None = None) -> bool:
        with self.cv:
            self.batches.append(list(quotes))
            self.cv.notify_all()
        return True

    @property
    def quotes(self) -> list[Quote]:
        with self.cv:
            return [q for b in self.batches for q in b]

    def wait_for(self, n: int, timeout: float = 10.0) -> list[Quote]:
        with self.cv:
            assert self.cv.wait_for(lambda: sum(map(len, self.batches)) >= n, timeout), "replay produced too little"
        return self.quotes


@pytest.fixture
def timeline(daily_dir: Path) -> ReplayTimeline:
    return ReplayTimeline(load_prices([daily_dir / "IWM.csv", daily_dir / "QQQ.csv"]))


def test_primes_with_all_history_before_start_as_backfill_then_plays_sessions(timeline: ReplayTimeline) -> None:
    sink = Collector()
    feed = ReplayFeed(timeline, sink, speed=0, start=date(2025, 10, 1))
    feed.set_symbols(["IWM", "QQQ"])
    feed.start()
    before = {s: int((v.times < timeline.step_times[feed.start_step]).sum()) for s, v in timeline.series.items()}
    try:
        quotes = sink.wait_for(sum(before.values()) + 2 * 5)
    finally:
        feed.stop()
    history = sink.batches[:2]  # one batch per symbol, so the window can paint between them
    assert [{q.symbol for q in b} for b in history] == [{"IWM"}, {"QQQ"}] and min(before.values()) > 400
    for batch in history:
        assert len(batch) == before[batch[0].symbol]
        days = [session_date(q.time) for q in batch]
        assert days[0] == timeline.first_date and days[-1] == date(2025, 9, 30) and days == sorted(days)
        assert all(q.backfill for q in batch), "history before the start never fires"
    assert not any(q.backfill for b in sink.batches[2:] for q in b)
    assert all(q.prev_close is not None for q in quotes if session_date(q.time) > timeline.first_date)
    # One step is one session: both symbols of a session arrive in one batch.
    assert [{q.symbol for q in b} for b in sink.batches[2:5]] == [{"IWM", "QQQ"}] * 3
    assert session_date(sink.batches[2][0].time) == date(2025, 10, 1)


def test_pace_and_pause(timeline: ReplayTimeline) -> None:
    sink = Collector()
    statuses: list[FeedStatus] = []
    feed = ReplayFeed(timeline, sink, speed=50, start=date(2025, 10, 1), on_status=statuses.append)
    feed.set_symbols(["IWM"])
    feed.start()
    try:
        sink.wait_for(5)
        feed.set_paused(True)
        count = len(sink.quotes)
        threading.Event().wait(0.3)  # nothing to wait on: we are checking that nothing arrives
        assert len(sink.quotes) <= count + 1  # at most the step that was in flight
        assert "paused" in statuses[-1].detail
        feed.set_paused(False)
        sink.wait_for(count + 3)
    finally:
        feed.stop()
    assert "Replay · 2025-10-01 →" in feed.describe()


def test_added_symbol_is_backfilled_from_the_start(timeline: ReplayTimeline) -> None:
    sink = Collector()
    feed = ReplayFeed(timeline, sink, speed=200, start=date(2025, 10, 1))
    feed.set_symbols(["IWM"])
    feed.start()
    try:
        sink.wait_for(20)
        feed.set_symbols(["IWM", "QQQ"])
        with sink.cv:
            sink.cv.wait_for(lambda: any(q.symbol == "QQQ" for b in sink.batches for q in b), 5)
        feed.set_paused(True)
    finally:
        feed.stop()
    qqq_batch = next(b for b in sink.batches if any(q.symbol == "QQQ" for q in b))
    qqq = [q for q in qqq_batch if q.symbol == "QQQ"]
    qqq_days = [session_date(q.time) for q in qqq]
    assert qqq_days[0] == timeline.first_date, "from the first session of the data"
    assert qqq_days == sorted(qqq_days) and qqq_days[-1] >= date(2025, 10, 1)
    assert all(q.backfill == (day < date(2025, 10, 1)) for q, day in zip(qqq, qqq_days, strict=True))


def test_unknown_symbol_is_refused_with_reason(timeline: ReplayTimeline) -> None:
    feed = ReplayFeed(timeline, Collector())
    assert feed.can_supply("IWM") is None
    reason = feed.can_supply("ZZZZ")
    assert reason is not None and "ZZZZ" in reason and "replay data" in reason


def test_runs_to_the_end_and_says_finished(timeline: ReplayTimeline) -> None:
    sink = Collector()
    statuses: list[FeedStatus] = []
    feed = ReplayFeed(timeline, sink, speed=0, start=date(2026, 8, 1), on_status=statuses.append)
    feed.set_symbols(["IWM"])
    feed.start()
    try:
        sink.wait_for(1 + 15)
        for _ in range(100):
            if feed.finished:
                break
            threading.Event().wait(0.02)
    finally:
        feed.stop()
    assert feed.finished and "finished" in feed.describe()
    assert session_date(sink.quotes[-1].time) == date(2026, 8, 21)


def test_default_start_and_speed_words(daily_dir: Path, intraday_dir: Path) -> None:
    assert default_start(load_timeline([daily_dir])) == date(2025, 10, 1)
    intraday = load_timeline([intraday_dir])
    assert default_start(intraday) == intraday.first_date  # its data starts after 2025-10-01
    assert speed_unit(True, 1) == "1 session/s"
    assert speed_unit(False, 20) == "20 bars/s"
    assert speed_unit(True, 0) == "as fast as possible"
