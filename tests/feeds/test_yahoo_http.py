"""The chart endpoint client, the polling feed and the combined live feed against loopback fakes."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from desktop.core.prices import read_price_file
from desktop.core.sessions import MarketSession, session_date
from desktop.feeds.base import FeedState, FeedStatus
from desktop.feeds.yahoo_http import (
    RateLimitedError,
    UnknownSymbolError,
    UnreachableError,
    YahooHttp,
    parse_chart,
)
from desktop.feeds.yahoo_live import HOLD_LIMIT, YahooLiveFeed
from desktop.feeds.yahoo_poll import YahooPollFeed

from ..fakes.yahoo_http import FIXTURES, FakeYahooHttp, chart_body, recorded
from ..fakes.yahoo_streamer import FakeStreamer
from .test_yahoo_stream import Sink, wait_for


def session_bars(intraday_dir: Path, symbol: str, day: str) -> tuple[list[tuple[float, ...]], float]:
    """One session of real 5-minute bars and the previous session's close."""
    series = read_price_file(intraday_dir / f"{symbol}.csv")
    rows = [i for i in range(len(series)) if session_date(float(series.times[i])).isoformat() == day]
    columns = (series.times, series.open, series.high, series.low, series.close, series.volume)
    bars = [tuple(float(a[i]) for a in columns) for i in rows]
    return bars, float(series.prev_close[rows[0]])  # type: ignore[return-value]


@pytest.fixture
def fake_http() -> Iterator[FakeYahooHttp]:
    server = FakeYahooHttp()
    yield server
    server.stop()


def test_recorded_daily_chart_parses() -> None:
    body = recorded("gadicc_chart-AAPL-2020-08-31-to-2020-11-07.json")["bodyJson"]
    chart = parse_chart("AAPL", body)
    raw = body["chart"]["result"][0]
    assert chart.symbol == "AAPL" and chart.name == "Apple Inc."
    assert len(chart.bars) == sum(c is not None for c in raw["indicators"]["quote"][0]["close"])
    assert chart.bars[-1][4] == pytest.approx(raw["indicators"]["quote"][0]["close"][-1])
    # chartPreviousClose (124.808) is the close before the range's first bar in 2020, not the base of the
    # 2025 price this reply carries: with no previous close stated, the base is unknown rather than wrong.
    assert raw["meta"]["range"] == "" and chart.prev_close is None


def test_weekend_minute_chart_has_only_metadata() -> None:
    body = recorded("gadicc_chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json")["bodyJson"]
    chart = parse_chart("AAPL", body)
    assert chart.bars == [] and chart.prev_close == 244.47
    (quote,) = chart.quotes()
    assert quote.price == 244.87 and quote.prev_close == 244.47 and quote.change == pytest.approx(0.40)


def test_unknown_symbol_and_bad_shapes() -> None:
    with pytest.raises(UnknownSymbolError, match="no such symbol on Yahoo Finance"):
        parse_chart("ZZZZ", json.loads(json.dumps({"chart": {"result": None, "error": {"code": "Not Found"}}})))
    assert FIXTURES.is_dir()


def test_client_tells_unknown_from_unreachable_from_rate_limited(fake_http: FakeYahooHttp, intraday_dir: Path) -> None:
    bars, prev = session_bars(intraday_dir, "SPY", "2026-07-21")
    fake_http.charts["SPY"] = chart_body("SPY", bars, prev)
    http = YahooHttp(fake_http.url)
    chart = http.chart("SPY")
    assert len(chart.bars) == 78 and chart.prev_close == prev
    quotes = chart.quotes()
    assert quotes[-1].price == bars[-1][4] and quotes[-1].session is MarketSession.REGULAR
    assert quotes[-1].day_high == max(b[2] for b in bars) and quotes[-1].volume == sum(b[5] for b in bars)
    assert http.validate("SPY") is None
    assert http.validate("ZZZZ") == "ZZZZ: no such symbol on Yahoo Finance"
    # A share class as brokers write it is named as Yahoo does; an exchange suffix (London's .L) is not.
    hint = " (Yahoo writes share classes with a dash: BRK-B)"
    assert http.validate("BRK.B") == "BRK.B: no such symbol on Yahoo Finance" + hint
    assert http.validate("ZZZZ.L") == "ZZZZ.L: no such symbol on Yahoo Finance"
    fake_http.rate_limit(1)
    with pytest.raises(RateLimitedError):
        http.chart("SPY")
    down = YahooHttp("http://127.0.0.1:9")
    with pytest.raises(UnreachableError):
        down.chart("SPY")
    reason = down.validate("SPY")
    assert reason is not None and reason.startswith("Cannot reach Yahoo") and "no such symbol" not in reason


def test_symbols_with_url_characters_reach_yahoo_escaped_as_its_own_pages_write_them(fake_http: FakeYahooHttp) -> None:
    fake_http.serve_recorded("EURUSD=X", "chart-EURUSD=X-2020-01-01-to-2020-01-03.json")
    chart = YahooHttp(fake_http.url).chart("EURUSD=X", range_="5d", interval="1d")
    assert chart.price_hint == 4 and len(chart.bars) == 3
    assert YahooHttp(fake_http.url).validate("^VIX") == "^VIX: no such symbol on Yahoo Finance"
    assert [path for path, _ in fake_http.requests] == ["/v8/finance/chart/EURUSD%3DX", "/v8/finance/chart/%5EVIX"]


def test_poll_backs_off_on_429_then_recovers(fake_http: FakeYahooHttp, intraday_dir: Path) -> None:
    bars, prev = session_bars(intraday_dir, "QQQ", "2026-07-21")
    fake_http.charts["QQQ"] = chart_body("QQQ", bars[:40], prev)
    fake_http.rate_limit(2)
    sink = Sink()
    statuses: list[FeedStatus] = []
    feed = YahooPollFeed(YahooHttp(fake_http.url), sink, interval=0.05, on_status=statuses.append, backoff_cap=0.2)
    feed.set_symbols(["QQQ"])
    feed.start()
    try:
        wait_for(lambda: len(sink.prices("QQQ")) == 40)
        fake_http.charts["QQQ"] = chart_body("QQQ", bars[:45], prev)  # five new bars
        wait_for(lambda: len(sink.prices("QQQ")) == 45)
    finally:
        feed.stop()
    details = [s.detail for s in statuses]
    assert sum("rate limited, retrying in" in d for d in details) == 2
    assert statuses[-1].state is FeedState.LIVE
    assert sink.prices("QQQ") == [b[4] for b in bars[:45]], "each bar once, in order"


@pytest.mark.expected_log_warnings
def test_poll_names_unknown_symbols_and_a_dead_network(fake_http: FakeYahooHttp) -> None:
    fake_http.charts["SPY"] = chart_body("SPY", [(1_784_640_600.0, 1, 1, 1, 600.0, 10)], 599.0)
    statuses: list[FeedStatus] = []
    feed = YahooPollFeed(YahooHttp(fake_http.url), Sink(), interval=0.05, on_status=statuses.append)
    feed.set_symbols(["SPY", "NOPE"])
    feed.poll_once()
    assert feed.unknown == {"NOPE"}
    dead = YahooPollFeed(YahooHttp("http://127.0.0.1:9"), Sink(), interval=0.05, on_status=statuses.append,
                         backoff_cap=0.1)  # fmt: skip
    dead.set_symbols(["SPY"])
    dead.start()
    try:
        wait_for(lambda: any("cannot reach Yahoo" in s.detail for s in statuses))
    finally:
        dead.stop()


def test_live_feed_snapshot_then_stream(fake_http: FakeYahooHttp, intraday_dir: Path) -> None:
    bars, prev = session_bars(intraday_dir, "SPY", "2026-07-21")
    fake_http.charts["SPY"] = chart_body("SPY", bars, prev, name="SPDR S&P 500 ETF")
    streamer = FakeStreamer()
    sink = Sink()
    statuses: list[FeedStatus] = []
    feed = YahooLiveFeed(sink, on_status=statuses.append, http=YahooHttp(fake_http.url), ws_url=streamer.url)
    feed.set_symbols(["SPY"])
    feed.start()
    try:
        wait_for(lambda: len(sink.prices("SPY")) == len(bars))
        wait_for(lambda: streamer.subscribed() == {"SPY"})
        later = int(bars[-1][0] * 1000) + 60_000
        streamer.send_quote(id="SPY", price=701.25, time=later, previous_close=prev, market_hours=2)
        wait_for(lambda: sink.prices("SPY")[-1] == 701.25)
    finally:
        feed.stop()
        streamer.stop()
    assert sink.quotes[0].prev_close == prev and sink.quotes[0].name == "SPDR S&P 500 ETF"
    assert np.all(np.diff([q.time for q in sink.quotes]) > 0)
    assert any(s.state is FeedState.LIVE and "stream" in s.detail for s in statuses)


def test_live_snapshot_brings_a_year_of_closes_as_backfill(
    fake_http: FakeYahooHttp, intraday_dir: Path, daily_dir: Path
) -> None:
    bars, prev = session_bars(intraday_dir, "SPY", "2026-07-21")
    fake_http.charts["SPY"] = chart_body("SPY", bars, prev)
    daily = read_price_file(daily_dir / "SPY.csv")
    columns = (daily.times, daily.open, daily.high, daily.low, daily.close, daily.volume)
    # Yahoo stamps daily bars at the open: 16:00 - 6.5 h. The last 250 sessions up to and including today.
    rows = [(float(t) - 6.5 * 3600, *(float(c[i]) for c in columns[1:])) for i, t in enumerate(daily.times)]
    rows = [r for r in rows if session_date(r[0]).isoformat() <= "2026-07-21"][-250:]
    fake_http.daily_charts["SPY"] = chart_body("SPY", rows, prev)
    sink = Sink()
    feed = YahooLiveFeed(sink, http=YahooHttp(fake_http.url), ws_url="ws://127.0.0.1:9/")
    feed.set_symbols(["SPY"])
    feed.start()
    try:
        wait_for(lambda: len(sink.quotes) >= 249 + len(bars))
    finally:
        feed.stop()
    history = [q for q in sink.quotes if q.daily]
    assert len(history) == 249, "every session before today's, not today's partial bar"
    assert all(q.backfill for q in sink.quotes)
    assert session_date(history[-1].time).isoformat() == "2026-07-20"
    assert history[-1].price == pytest.approx(float(daily.close[daily.index_at(history[-1].time)]))


@pytest.mark.expected_log_warnings
def test_a_yahoo_error_is_retried_and_never_drops_the_symbol(fake_http: FakeYahooHttp) -> None:
    # A real 400 body: a Yahoo error, not "no such symbol". Polling keeps the symbol and fetches it
    # again once Yahoo answers.
    bad = json.loads((FIXTURES / "real" / "errors.json").read_text())["bad_request_400"]
    fake_http.raw["SPY"] = (bad["status"], json.dumps(bad["body"]))
    statuses: list[FeedStatus] = []
    sink = Sink()
    feed = YahooPollFeed(YahooHttp(fake_http.url), sink, interval=0.05, on_status=statuses.append, backoff_cap=0.1)
    feed.set_symbols(["SPY"])
    feed.start()
    try:
        wait_for(lambda: any("Yahoo error" in s.detail and "Bad Request" in s.detail for s in statuses))
        assert feed.unknown == set()
        del fake_http.raw["SPY"]
        fake_http.charts["SPY"] = chart_body("SPY", [(1_784_640_600.0, 1, 1, 1, 600.0, 10)], 599.0)
        wait_for(lambda: sink.prices("SPY") == [600.0])
    finally:
        feed.stop()
    assert not any("no such symbol" in s.detail for s in statuses)


def test_snapshot_is_retried_after_a_429(fake_http: FakeYahooHttp, intraday_dir: Path) -> None:
    bars, prev = session_bars(intraday_dir, "SPY", "2026-07-21")
    fake_http.charts["SPY"] = chart_body("SPY", bars, prev)
    fake_http.rate_limit(2)
    sink = Sink()
    feed = YahooLiveFeed(sink, http=YahooHttp(fake_http.url), ws_url="ws://127.0.0.1:9/", snapshot_deadline=20)
    feed.set_symbols(["SPY"])
    feed.start()
    try:
        wait_for(lambda: len(sink.prices("SPY")) >= len(bars), timeout=20)
    finally:
        feed.stop()
    assert sink.quotes[0].prev_close == prev
    assert fake_http.chart_requests("SPY") >= 3


def test_a_stream_tick_that_beats_its_snapshot_waits_for_the_history(
    fake_http: FakeYahooHttp, intraday_dir: Path
) -> None:
    bars, prev = session_bars(intraday_dir, "SPY", "2026-07-21")
    fake_http.charts["SPY"] = chart_body("SPY", bars, prev)
    fake_http.rate_limit(1)  # the snapshot's first request fails: the stream gets there first
    streamer = FakeStreamer()
    sink = Sink()
    feed = YahooLiveFeed(sink, http=YahooHttp(fake_http.url), ws_url=streamer.url, snapshot_deadline=20)
    feed.set_symbols(["SPY"])
    feed.start()
    try:
        wait_for(lambda: streamer.subscribed() == {"SPY"})
        later = int(bars[-1][0] * 1000) + 60_000
        streamer.send_quote(id="SPY", price=701.25, time=later, change=1.25, market_hours=1)
        wait_for(lambda: sink.prices("SPY")[-1:] == [701.25], timeout=20)
    finally:
        feed.stop()
        streamer.stop()
    times = [q.time for q in sink.quotes]
    assert len(sink.quotes) == len(bars) + 1 and times == sorted(times), "history first, then the held tick"
    assert not sink.quotes[-1].backfill and all(q.backfill for q in sink.quotes[:-1])


def test_a_chart_endpoint_that_never_answers_does_not_hold_the_stream() -> None:
    # A real listening socket that accepts connections and never replies: the snapshot hangs on it.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    streamer = FakeStreamer()
    sink = Sink()
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    feed = YahooLiveFeed(sink, http=YahooHttp(url, timeout=30), ws_url=streamer.url, snapshot_deadline=60)
    feed.set_symbols(["SPY"])
    started = time.monotonic()
    feed.start()
    try:
        wait_for(lambda: streamer.subscribed() == {"SPY"})
        for k in range(3):
            streamer.send_quote(id="SPY", price=700.0 + k, time=1_784_649_600_000 + 1000 * k, change=1.0)
        wait_for(lambda: sink.prices("SPY") == [700.0, 701.0, 702.0], timeout=15)
    finally:
        feed.stop()
        streamer.stop()
        silent.close()
    assert time.monotonic() - started < HOLD_LIMIT + 5


@pytest.mark.expected_log_warnings
def test_polling_survives_a_cycle_that_fails_unexpectedly(fake_http: FakeYahooHttp) -> None:
    fake_http.charts["SPY"] = chart_body("SPY", [(1_784_640_600.0, 1, 1, 1, 600.0, 10)], 599.0)
    http = YahooHttp(fake_http.url)
    real_chart = http.chart
    calls = {"n": 0}

    def flaky(symbol: str, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("a reply nobody foresaw")
        return real_chart(symbol, **kwargs)  # type: ignore[arg-type]

    http.chart = flaky  # type: ignore[method-assign]
    statuses: list[FeedStatus] = []
    sink = Sink()
    feed = YahooPollFeed(http, sink, interval=0.05, on_status=statuses.append, backoff_cap=0.1)
    feed.set_symbols(["SPY"])
    feed.start()
    try:
        wait_for(lambda: sink.prices("SPY") == [600.0])
    finally:
        feed.stop()
    assert feed.errors == 1 and any("unexpected reply" in s.detail for s in statuses)


def test_a_pasted_list_is_checked_a_few_symbols_at_a_time(fake_http: FakeYahooHttp, intraday_dir: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from desktop.feeds.yahoo_http import CHECKS_AT_ONCE

    bars, prev = session_bars(intraday_dir, "SPY", "2026-07-21")
    names = [f"S{k:02d}" for k in range(12)]
    for name in names:
        fake_http.charts[name] = chart_body(name, bars, prev)
    fake_http.reply_delay = 0.05
    http = YahooHttp(fake_http.url)
    with ThreadPoolExecutor(len(names)) as pool:  # one thread a symbol, as the window starts them
        answers = list(pool.map(http.validate, [*names, "ZZZZ"]))
    assert answers == [None] * len(names) + ["ZZZZ: no such symbol on Yahoo Finance"]
    assert fake_http.most_in_flight == CHECKS_AT_ONCE, "Yahoo meets at most a few checks at once"
