"""The Yahoo source as the app uses it: an initial snapshot, the stream, and polling for quiet symbols.

On start (and for each symbol added later) a chart request fetches the previous close and today's bars,
so the table and chart are full before the first streamed tick. The stream then carries the quotes;
symbols the stream has not updated for `quiet_after` seconds (all of them while it is down) are polled.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from desktop.core.quote import Quote
from desktop.core.sessions import session_date
from desktop.feeds.base import FeedState, FeedStatus, QuoteSink, StatusListener
from desktop.feeds.yahoo_http import UnknownSymbolError, YahooError, YahooHttp
from desktop.feeds.yahoo_poll import YahooPollFeed
from desktop.feeds.yahoo_stream import YahooStreamFeed

log = logging.getLogger("desktop.feed")


class YahooLiveFeed:
    name = "Yahoo"

    def __init__(
        self,
        sink: QuoteSink,
        *,
        on_status: StatusListener | None = None,
        http: YahooHttp | None = None,
        ws_url: str | None = None,
        poll_interval: float = 15.0,
        quiet_after: float = 60.0,
    ) -> None:
        self.http = http or YahooHttp()
        self._sink = sink
        self._on_status = on_status
        self.quiet_after = quiet_after
        self._symbols: list[str] = []
        self._lock = threading.Lock()
        self._streamed: dict[str, float] = {}  # symbol -> monotonic time of its last streamed quote
        self._started = time.monotonic()
        self.stream = YahooStreamFeed(self._from_stream, url=ws_url, on_status=lambda _s: self._report())
        self.poll = YahooPollFeed(
            self.http, sink, interval=poll_interval, on_status=lambda _s: self._report(), only=self._quiet
        )
        self.unknown: set[str] = set()
        self._stopped = False
        self.status = FeedStatus(FeedState.CONNECTING, "Yahoo · connecting…")

    # -- control --------------------------------------------------------------------------------

    def start(self) -> None:
        self._report()
        with self._lock:
            symbols = list(self._symbols)

        def snapshot_then_live() -> None:
            # History first, then the stream and polling extend it (polling must also know what the
            # snapshot delivered). Should the snapshot fail, the feeds still start.
            try:
                self._snapshot(symbols)
            finally:
                if not self._stopped:
                    self.stream.start()
                    self.poll.start()

        self._stopped = False
        threading.Thread(target=snapshot_then_live, name="yahoo-snapshot", daemon=True).start()

    def stop(self) -> None:
        self._stopped = True
        self.stream.stop()
        self.poll.stop()

    def set_symbols(self, symbols: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(symbols))
        with self._lock:
            added = [s for s in wanted if s not in self._symbols]
            first = not self._symbols and not self.stream.symbols()
            self._symbols = wanted
        self.stream.set_symbols(wanted)
        self.poll.set_symbols(wanted)
        if added and not first and self.stream.running:
            threading.Thread(target=self._snapshot, args=(added,), name="yahoo-snapshot", daemon=True).start()

    def can_supply(self, symbol: str) -> str | None:
        return None

    def validate_symbol(self, symbol: str) -> str | None:
        """Blocking: asks Yahoo. Call it off the GUI thread."""
        return self.http.validate(symbol)

    def set_poll_interval(self, seconds: float) -> None:
        self.poll.set_interval(seconds)

    # -- data paths -----------------------------------------------------------------------------

    def _snapshot(self, symbols: Sequence[str]) -> None:
        """A year of daily closes, the previous close and today's bars for `symbols`, pushed in time order
        as backfill: the table, charts and alert windows (qtd, ytd…) have their history, and no alert
        fires for what happened before the app was watching."""
        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="yahoo-snapshot") as pool:
            parts = list(pool.map(self._history_of, symbols))
        batch = [q for part in parts for q in part]
        batch.sort(key=lambda q: q.time)
        if batch:
            self._sink(batch, 5.0)
        self._report()

    def _history_of(self, symbol: str) -> list[Quote]:
        try:
            chart = self.http.chart(symbol)
        except UnknownSymbolError:
            self.unknown.add(symbol)
            return []
        except YahooError as exc:
            log.info("initial state for %s not fetched: %s", symbol, exc)
            return []
        quotes = [q._replace(backfill=True) for q in chart.quotes()]
        if not quotes:
            return []
        self.poll.mark_sent(symbol, quotes[-1].time)
        try:
            daily = self.http.chart(symbol, range_="1y", interval="1d", prepost=False)
        except YahooError as exc:
            log.info("daily history for %s not fetched: %s", symbol, exc)
            return quotes
        return daily.daily_quotes(before=session_date(quotes[0].time)) + quotes

    def _from_stream(self, quotes: Sequence[Quote], timeout: float | None = None) -> bool:
        now = time.monotonic()
        for quote in quotes:
            self._streamed[quote.symbol] = now
        return self._sink(quotes, timeout)

    def _quiet(self, symbols: list[str]) -> list[str]:
        """Symbols to poll: all while the stream is not live, else those it has not updated lately."""
        now = time.monotonic()
        if self.stream.status.state is not FeedState.LIVE:
            return symbols
        if now - self._started < self.quiet_after:
            return []
        return [s for s in symbols if now - self._streamed.get(s, -1e18) > self.quiet_after]

    # -- status ---------------------------------------------------------------------------------

    def _report(self) -> None:
        stream, poll = self.stream.status, self.poll.status
        if stream.state is FeedState.LIVE:
            status = FeedStatus(FeedState.LIVE, stream.detail.replace("Yahoo stream", "Yahoo · stream"))
        elif poll.state is FeedState.LIVE and self.poll.cycles:
            status = FeedStatus(
                FeedState.LIVE, f"{poll.detail} ({stream.detail.replace('Yahoo stream · ', 'stream ')})"
            )
        elif poll.state is FeedState.OFFLINE and stream.state is FeedState.OFFLINE:
            status = FeedStatus(FeedState.OFFLINE, f"{stream.detail}; {poll.detail.replace('Yahoo polling · ', '')}")
        else:
            status = FeedStatus(stream.state, stream.detail)
        if self.unknown:
            status = FeedStatus(status.state, f"{status.detail} · no such symbol: {', '.join(sorted(self.unknown))}")
        self.status = status
        if self._on_status is not None:
            self._on_status(status)
