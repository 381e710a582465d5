"""The quote store: latest quotes, change against the previous close, bad quotes, bounded history."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from desktop.core.history import PriceHistory
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.core.sessions import close_timestamp

DAY1 = close_timestamp(date(2025, 12, 18))
DAY2 = close_timestamp(date(2025, 12, 19))


def test_change_against_previous_close() -> None:
    store = QuoteStore()
    store.apply(Quote("AMZN", 227.35, DAY2, prev_close=226.76))
    q = store.latest("AMZN")
    assert q is not None
    assert q.change == pytest.approx(0.59)
    assert q.change_pct == pytest.approx(0.2602, abs=1e-4)


def test_previous_close_is_carried_from_the_last_session_when_missing() -> None:
    store = QuoteStore()
    store.apply(Quote("X", 100.0, DAY1))
    store.apply(Quote("X", 101.0, DAY2 - 3600))  # next session, no prev close in the quote
    store.apply(Quote("X", 99.0, DAY2))  # same session: the same previous close
    q = store.latest("X")
    assert q is not None and q.prev_close == 100.0 and q.change_pct == pytest.approx(-1.0)


@pytest.mark.parametrize("price", [math.nan, math.inf, 0.0, -5.0, 3.4028234663852886e38])  # the last: float32 max
def test_invalid_prices_are_rejected_and_counted(price: float) -> None:
    store = QuoteStore()
    store.apply(Quote("X", 10.0, DAY1))
    assert not store.apply(Quote("X", price, DAY2))
    assert store.rejected == 1
    latest = store.latest("X")
    assert latest is not None and latest.price == 10.0


def test_older_quote_does_not_replace_newer() -> None:
    store = QuoteStore()
    store.apply(Quote("X", 10.0, DAY2))
    assert not store.apply(Quote("X", 9.0, DAY1))
    latest = store.latest("X")
    assert latest is not None and latest.price == 10.0 and store.out_of_order == 1


def test_apply_all_reports_changed_symbols_and_newest_time() -> None:
    store = QuoteStore()
    changed = store.apply_all([Quote("A", 1.0, DAY1), Quote("B", 2.0, DAY2), Quote("A", math.nan, DAY2)])
    assert changed == {"A", "B"}
    assert store.newest_time() == DAY2
    store.clear()
    assert store.newest_time() is None and store.symbols() == []


def test_history_stays_bounded_and_keeps_the_newest() -> None:
    history = PriceHistory(max_points=100)
    for i in range(10_000):
        history.append(float(i), float(i) * 2)
    assert 100 <= len(history) <= 200
    assert history.times[-1] == 9999.0 and history.prices[-1] == 19998.0
    assert np.all(np.diff(history.times) == 1.0), "still one contiguous, ordered run"
    assert history._times.nbytes <= 200 * 8  # the buffer never grows past twice the cap


def test_history_same_instant_replaces() -> None:
    history = PriceHistory(max_points=10)
    history.append(1.0, 5.0)
    history.append(1.0, 6.0)
    assert list(history.prices) == [6.0]


def test_store_history_per_symbol() -> None:
    store = QuoteStore(history_points=50)
    for i in range(500):
        store.apply(Quote("X", 100.0 + i, DAY1 + i))
    history = store.history("X")
    assert history is not None and 50 <= len(history) <= 100 and history.prices[-1] == 599.0


def test_market_session_in_day_agrees_with_the_time_zone_path() -> None:
    import random

    from desktop.core.sessions import market_session, market_session_in_day, session_date, session_start

    rng = random.Random(3)
    for _ in range(2000):
        ts = 1_767_225_600 + rng.random() * 365 * 86400  # through 2026, clock changes included
        midnight = session_start(ts)
        if session_start(midnight + 90_000) - midnight != 86_400:
            continue  # the store takes the time-zone path on the two days with a clock change
        assert market_session_in_day(ts, midnight, session_date(ts).weekday()) is market_session(ts)


def test_a_real_frame_without_the_days_range_keeps_it_and_widens_it() -> None:
    # Yahoo's real regular-session frames carry the day's volume and no day high or low (the AAPL frame
    # below, captured from the streamer): the day range the snapshot gave went blank at the first of them.
    import json
    from pathlib import Path

    from desktop.feeds.yahoo_protocol import decode_frame

    frames = json.loads((Path(__file__).resolve().parents[1] / "fixtures/yahoo/real/stream-frames.json").read_text())
    raw = next(f["frame"] for f in frames if f["name"] == "aapl-regular-2026")
    frame = decode_frame(raw)
    assert frame is not None and frame.day_high is None and frame.volume is not None
    store = QuoteStore()
    snapshot = Quote("AAPL", 308.0, frame.time - 60, prev_close=309.38, day_open=309.0, day_high=310.0, day_low=307.5,
                     volume=5_000_000.0)  # fmt: skip
    store.apply(snapshot)
    store.apply(frame)
    latest = store.latest("AAPL")
    assert latest is not None and latest.price == frame.price < 307.5
    assert (latest.day_open, latest.day_high, latest.day_low) == (309.0, 310.0, frame.price), "widened to the print"
    assert latest.volume == frame.volume
    store.apply(frame._replace(price=311.0, time=frame.time + 1, volume=None))  # nor a frame without volume
    latest = store.latest("AAPL")
    assert latest is not None and (latest.day_high, latest.volume) == (311.0, frame.volume)
    next_day = frame._replace(time=frame.time + 86_400, price=312.0, volume=100.0)  # a new day starts afresh
    store.apply(next_day)
    latest = store.latest("AAPL")
    assert latest is not None and latest.day_high is None and latest.volume == 100.0


def test_a_regular_quote_whose_stated_range_lags_its_price_shows_a_range_that_holds_it() -> None:
    """Yahoo's stated day range can lag an index's price (the recorded ^TNX reply: 4.237-4.261 beside 4.275);
    a regular-session quote, streamed or batched, shows a range that holds its price. A print after the
    close outside the day's range keeps the regular session's range."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from desktop.core.batch import TickBatch
    from desktop.core.sessions import MarketSession

    at = dt.datetime(2026, 2, 2, 13, 59, 52, tzinfo=ZoneInfo("America/New_York")).timestamp()
    lagging = Quote("^TNX", 4.275, at, prev_close=4.227, day_high=4.261, day_low=4.237)
    one_by_one = QuoteStore()
    one_by_one.apply(lagging)
    shown = one_by_one.latest("^TNX")
    assert shown is not None and (shown.day_low, shown.day_high) == (4.237, 4.275)
    batched = QuoteStore()
    batched.apply_batch(TickBatch.from_quotes([lagging]))
    assert batched.latest("^TNX") == shown
    late = lagging._replace(price=4.300, time=at + 3 * 3600, session=MarketSession.POST, day_high=None, day_low=None)
    one_by_one.apply(late)
    after = one_by_one.latest("^TNX")
    assert after is not None and (after.day_low, after.day_high) == (4.237, 4.275)
