"""The Yahoo stream feed against a real websocket server on loopback speaking Yahoo's frame format."""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from desktop.core.quote import Quote
from desktop.core.sessions import MarketSession
from desktop.feeds.base import FeedState, FeedStatus
from desktop.feeds.yahoo_stream import YahooStreamFeed

from ..collector import held
from ..fakes.yahoo_http import REAL
from ..fakes.yahoo_streamer import FakeStreamer

T0 = 1_760_000_000_000  # ms


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll a condition set by other threads (no Qt event loop here to wait on)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        threading.Event().wait(0.01)


class Sink:
    def __init__(self) -> None:
        self.quotes: list[Quote] = []
        self.batches: list[tuple[float, int]] = []  # (when, how many quotes) of each push
        self.lock = threading.Lock()

    def __call__(self, quotes: Sequence[Quote], timeout: float | None = None) -> bool:
        with self.lock:
            self.quotes.extend(quotes)
            self.batches.append((time.monotonic(), len(quotes)))
        return True

    def prices(self, symbol: str) -> list[float]:
        with self.lock:
            return [q.price for q in self.quotes if q.symbol == symbol]


@pytest.fixture
def streamer() -> Iterator[FakeStreamer]:
    server = FakeStreamer()
    yield server
    server.stop()


@pytest.fixture
def make_feed(streamer: FakeStreamer) -> Iterator[Callable[..., tuple[YahooStreamFeed, Sink, list[FeedStatus]]]]:
    feeds: list[YahooStreamFeed] = []

    def make(symbols: Sequence[str] = ("SPY", "QQQ", "IWM"), **options: object):  # type: ignore[no-untyped-def]
        sink = Sink()
        statuses: list[FeedStatus] = []
        options.setdefault("backoff_initial", 0.05)
        options.setdefault("backoff_cap", 0.2)
        feed = YahooStreamFeed(sink, url=streamer.url, on_status=statuses.append, **options)  # type: ignore[arg-type]
        feed.set_symbols(symbols)
        feed.start()
        feeds.append(feed)
        return feed, sink, statuses

    yield make
    for feed in feeds:
        feed.stop()


def test_quotes_flow_with_all_fields(streamer: FakeStreamer, make_feed) -> None:  # type: ignore[no-untyped-def]
    _, sink, statuses = make_feed()
    wait_for(lambda: streamer.subscribed() == {"SPY", "QQQ", "IWM"})
    fields = {"previous_close": 669.21, "change_percent": 0.4692, "day_volume": 51234567, "day_high": 673.1}
    streamer.send_quote(
        id="SPY", price=672.35, time=T0, day_low=668.5, market_hours=1, short_name="SPDR S&P 500", **fields
    )
    wait_for(lambda: sink.prices("SPY") == [672.35])
    q = sink.quotes[0]
    assert (q.time, q.prev_close, q.day_high, q.day_low, q.volume) == (T0 / 1000, 669.21, 673.1, 668.5, 51234567)
    assert q.session is MarketSession.REGULAR and q.source == "yahoo" and q.name == "SPDR S&P 500"
    streamer.send_quote(id="QQQ", price=600.5, time=T0 + 1000)  # pre-market: market_hours absent (0)
    wait_for(lambda: sink.prices("QQQ") == [600.5])
    assert sink.quotes[-1].session is MarketSession.PRE and sink.quotes[-1].prev_close is None
    assert any(s.state is FeedState.LIVE for s in statuses)


def test_subscriptions_follow_the_watchlist(streamer: FakeStreamer, make_feed) -> None:  # type: ignore[no-untyped-def]
    feed, sink, _ = make_feed()
    wait_for(lambda: streamer.subscribed() == {"SPY", "QQQ", "IWM"})
    feed.set_symbols(["SPY", "QQQ", "IWM", "NVDA"])
    wait_for(lambda: streamer.subscribed() == {"SPY", "QQQ", "IWM", "NVDA"})
    feed.set_symbols(["SPY", "NVDA"])
    wait_for(lambda: streamer.subscribed() == {"SPY", "NVDA"})
    kinds = [next(iter(m)) for _, m in streamer.messages]
    assert "unsubscribe" in kinds
    streamer.send_quote(id="QQQ", price=600.0, time=T0)  # a late frame for a removed symbol
    streamer.send_quote(id="NVDA", price=180.0, time=T0)
    wait_for(lambda: sink.prices("NVDA") == [180.0])
    assert sink.prices("QQQ") == []


def test_malformed_frames_are_counted_and_skipped(streamer: FakeStreamer, make_feed) -> None:  # type: ignore[no-untyped-def]
    feed, sink, _ = make_feed()
    wait_for(lambda: streamer.subscribed() == {"SPY", "QQQ", "IWM"})
    streamer.send_text("this is not json")
    streamer.send_text(json.dumps({"type": "pricing", "message": "%%% not base64 %%%"}))
    streamer.send_text(json.dumps({"type": "pricing", "message": base64.b64encode(b"\xff\xff\xff\xff").decode()}))
    streamer.send_text(json.dumps({"type": "heartbeat", "message": ""}))
    streamer.send_text(json.dumps(["a", "list"]))
    streamer.send_text("[" * 100_000)  # nested past Python's recursion limit: the decoder's RecursionError
    streamer.send_quote(id="SPY", price=0.0, time=T0)  # no price
    streamer.send_quote(id="SPY", price=3.4028234663852886e38, time=T0)  # float32's largest: garbled
    streamer.send_quote(id="SPY", price=671.0, time=T0)
    wait_for(lambda: sink.prices("SPY") == [671.0])
    assert feed.stats.malformed == 8 and feed.stats.frames == 9
    assert feed.stats.reconnects == 0, "one bad frame does not cost the connection"


def test_a_bare_base64_frame_over_the_socket_is_a_quote(streamer: FakeStreamer, make_feed) -> None:  # type: ignore[no-untyped-def]
    """A real recorded frame sent as the streamer's first version sends it: the base64 text alone."""
    feed, sink, _ = make_feed(("AAPL",))
    wait_for(lambda: streamer.subscribed() == {"AAPL"})
    recorded = json.loads((REAL / "stream-frames.json").read_text())
    streamer.send_text(next(f["frame"] for f in recorded if f["name"] == "aapl-regular-2026"))
    wait_for(lambda: sink.prices("AAPL") == [307.2])
    assert feed.stats.malformed == 0


def test_a_frame_from_the_future_is_skipped_and_does_not_hold_back_the_real_ones(  # type: ignore[no-untyped-def]
    streamer: FakeStreamer, make_feed
) -> None:
    feed, sink, _ = make_feed()
    wait_for(lambda: streamer.subscribed() == {"SPY", "QQQ", "IWM"})
    year_ahead = int((time.time() + 366 * 86_400) * 1000)
    streamer.send_quote(id="SPY", price=9999.0, time=year_ahead, market_hours=1)
    streamer.send_quote(id="SPY", price=671.0, time=T0, market_hours=1)
    wait_for(lambda: sink.prices("SPY") == [671.0])
    assert feed.stats.malformed == 1


def test_server_close_reconnects_and_resubscribes(streamer: FakeStreamer, make_feed) -> None:  # type: ignore[no-untyped-def]
    feed, sink, statuses = make_feed()
    wait_for(lambda: streamer.subscribed() == {"SPY", "QQQ", "IWM"})
    streamer.close_all()
    wait_for(lambda: streamer.connections == 2 and streamer.subscribed() == {"SPY", "QQQ", "IWM"})
    streamer.send_quote(id="IWM", price=250.0, time=T0)
    wait_for(lambda: sink.prices("IWM") == [250.0])
    assert feed.stats.reconnects == 1
    assert any("reconnecting in" in s.detail for s in statuses), [s.detail for s in statuses]
    assert statuses[-1].state is FeedState.LIVE


def test_dropped_connection_reconnects(streamer: FakeStreamer, make_feed) -> None:  # type: ignore[no-untyped-def]
    _, sink, _ = make_feed()
    wait_for(lambda: streamer.subscribed() == {"SPY", "QQQ", "IWM"})
    streamer.drop_all()
    wait_for(lambda: streamer.connections == 2 and streamer.subscribed() == {"SPY", "QQQ", "IWM"})
    streamer.send_quote(id="SPY", price=680.0, time=T0)
    wait_for(lambda: sink.prices("SPY") == [680.0])


@pytest.mark.expected_log_warnings
def test_silent_server_is_detected_as_stalled(streamer: FakeStreamer, make_feed) -> None:  # type: ignore[no-untyped-def]
    feed, _, statuses = make_feed(stall_after=0.5, market_open=lambda _t: True)
    wait_for(lambda: feed.stats.stalls >= 1 and streamer.connections >= 2)
    assert any("no data for" in s.detail for s in statuses)


@pytest.mark.expected_log_warnings
def test_a_server_that_answers_and_then_falls_silent_is_given_longer_each_time(  # type: ignore[no-untyped-def]
    streamer: FakeStreamer, make_feed
) -> None:
    """Each connection's subscription is answered (one frame, as Yahoo answers with a snapshot) and then
    nothing comes: the symbols trade rarely (a fund), the server is alive. The silence allowed doubles
    (1, 2, 4 s here) instead of the connection being re-opened every second all day."""
    _, _, statuses = make_feed(("VFIAX",), stall_after=1.0, backoff_initial=0.01, market_open=lambda _t: True)
    opened: list[float] = []
    deadline = time.monotonic() + 30
    while len(opened) < 4 and time.monotonic() < deadline:
        number = streamer.connections
        if number > len(opened) and any(n == number and "subscribe" in m for n, m in list(streamer.messages)):
            opened.append(time.monotonic())
            streamer.send_quote(id="VFIAX", price=600.0 + number, time=T0 + number, market_hours=1)
        threading.Event().wait(0.01)  # polling the fake server's side: nothing to wait on
    assert len(opened) == 4, f"{len(opened)} connections in 30 s"
    first, _, third = (later - earlier for earlier, later in itertools.pairwise(opened))
    assert third > 2.2 * first, (first, third)  # about 4 s against 1 s (each read waits up to 0.5 s)
    assert any(s.detail.startswith("Yahoo stream · no data for 2s") for s in statuses)


@pytest.mark.expected_log_warnings
def test_frames_that_keep_coming_bring_the_silence_allowed_back(  # type: ignore[no-untyped-def]
    streamer: FakeStreamer, make_feed
) -> None:
    """After a quiet spell had doubled the silence allowed (2 -> 4 s), a connection whose frames keep coming
    is a live one again: when it then falls silent, it is re-opened after 2 s, not 4."""
    _, sink, _ = make_feed(("SPY",), stall_after=2.0, backoff_initial=0.01, market_open=lambda _t: True)

    def subscribed_on(number: int) -> bool:
        return any(n == number and "subscribe" in m for n, m in list(streamer.messages))

    wait_for(lambda: subscribed_on(1))
    streamer.send_quote(id="SPY", price=600.0, time=T0, market_hours=1)  # the answer, then silence
    wait_for(lambda: subscribed_on(2))
    for k in range(1, 16):  # 3 s of frames, 0.2 s apart
        streamer.send_quote(id="SPY", price=600.0 + k, time=T0 + k, market_hours=1)
        threading.Event().wait(0.2)  # the pace of a live stream
    wait_for(lambda: sink.prices("SPY")[-1:] == [615.0])
    last_frame = time.monotonic()
    wait_for(lambda: subscribed_on(3), timeout=10.0)
    assert time.monotonic() - last_frame < 3.3  # 2 s and a read's wait; 4 s had the spell been kept


def test_silence_while_market_closed_is_not_a_stall(streamer: FakeStreamer, make_feed) -> None:  # type: ignore[no-untyped-def]
    feed, _, _ = make_feed(stall_after=0.3, market_open=lambda _t: False)
    wait_for(lambda: streamer.open_count() == 1)
    threading.Event().wait(1.0)  # nothing to wait on: checking that nothing happens
    assert feed.stats.stalls == 0 and streamer.connections == 1


def test_symbols_split_across_connections(streamer: FakeStreamer, make_feed) -> None:  # type: ignore[no-untyped-def]
    symbols = ["A", "B", "C", "D", "E"]
    make_feed(symbols, per_connection=2)
    wait_for(lambda: streamer.subscribed() == set(symbols) and streamer.open_count() == 3)
    per_connection: dict[int, set[str]] = {}
    for number, message in streamer.messages:
        per_connection.setdefault(number, set()).update(message.get("subscribe", []))
    assert all(len(s) <= 2 for s in per_connection.values())


def test_unreachable_server_says_so_and_retries() -> None:
    statuses: list[FeedStatus] = []
    feed = YahooStreamFeed(
        Sink(), url="ws://127.0.0.1:9/", on_status=statuses.append, backoff_initial=0.05, backoff_cap=0.1
    )
    feed.set_symbols(["SPY"])
    feed.start()
    try:
        wait_for(lambda: sum("retrying in" in s.detail for s in statuses) >= 3)
    finally:
        feed.stop()
    assert all(s.state is not FeedState.LIVE for s in statuses)


def test_frames_that_arrive_together_are_read_together(streamer: FakeStreamer, make_feed) -> None:  # type: ignore[no-untyped-def]
    """After a frame the socket rests for `read_every`: what arrives meanwhile is read and pushed as one
    batch, at most that much later (a thread woken per frame cost more than the frames)."""
    symbols = ("SPY", "QQQ", "IWM", "NVDA", "TSLA", "AAPL")
    feed, sink, _ = make_feed(symbols, read_every=0.5)
    wait_for(lambda: streamer.subscribed() == set(symbols))
    streamer.send_quote(id="SPY", price=670.0, time=T0, market_hours=1)
    wait_for(lambda: len(sink.quotes) == 1)
    sent = time.monotonic()
    for k, symbol in enumerate(symbols[1:]):  # five frames while the socket rests
        streamer.send_quote(id=symbol, price=100.0 + k, time=T0 + 1000, market_hours=1)
    wait_for(lambda: len(sink.quotes) == 6)
    assert [count for _, count in sink.batches] == [1, 5]
    assert sink.batches[1][0] - sent < feed.read_every + 0.4
    assert feed.stats.quotes == 6 and feed.stats.frames == 6


def _sockets_open_to(port: int) -> int:
    """This process's open TCP sockets whose far end is `port` on this machine (Linux's /proc)."""
    inodes = set()
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[2].rsplit(":", 1)[1], 16) == port and fields[9] in inodes:
                    count += 1
    return count


@pytest.mark.skipif(not Path("/proc/self/net/tcp").exists(), reason="counts sockets through Linux's /proc")
def test_a_stop_while_a_connection_is_closing_closes_its_socket(streamer: FakeStreamer) -> None:
    """A connection no longer needed (the watchlist shrank) closes with a handshake; a stop meanwhile ends
    the feed's loop. Its socket must not be left open behind the closed loop for the garbage collector to
    find (it was: the stop dropped only the connections still serving)."""
    feed = YahooStreamFeed(Sink(), url=streamer.url, per_connection=1, market_open=lambda _t: False)
    feed.set_symbols(["SPY", "QQQ"])
    feed.start()
    with held():  # what is left open would be closed only when the collector runs: count before it does
        wait_for(lambda: streamer.open_count() == 2 and streamer.subscribed() == {"SPY", "QQQ"})
        streamer.stop_reading()  # the closing handshake will wait for an answer
        feed.set_symbols(["SPY"])  # the second connection starts closing
        threading.Event().wait(0.3)
        feed.stop()
        assert not feed.running
        assert _sockets_open_to(streamer.port) == 0


def test_a_stop_right_after_the_start_ends_the_feed_without_connecting(streamer: FakeStreamer) -> None:
    """`start` does not wait for the feed's thread to be ready (the window calls it): a stop given before
    the thread has run at all still reaches it, and no connection is left behind."""
    for _ in range(20):
        feed = YahooStreamFeed(Sink(), url=streamer.url)
        feed.set_symbols(["SPY"])
        feed.start()
        feed.stop()
        assert not feed.running
    assert _sockets_open_to(streamer.port) == 0
