"""The polling feed: Yahoo chart requests every few seconds, for when the stream is down or silent.

Symbols are fetched in batches of at most 50 per cycle (a few requests at a time). HTTP 429 backs off
exponentially ("rate limited, retrying in 40s"); a dead network says "cannot reach Yahoo"; an unknown
symbol is skipped and named. Each cycle sends only bars newer than what it sent before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from desktop import logs
from desktop.config import POLL_INTERVAL_S
from desktop.core.quote import Quote
from desktop.feeds.base import FeedState, FeedStatus, QuoteSink, StatusListener, not_ahead
from desktop.feeds.workers import map_on_daemons
from desktop.feeds.yahoo_http import (
    Chart,
    RateLimitedError,
    UnknownSymbolError,
    UnreachableError,
    YahooError,
    YahooHttp,
)

log = logs.feed

BATCH = 50


class YahooPollFeed:
    """Polls `symbols` (or, when `only` is given, the subset it returns) every `interval` seconds."""

    name = "Yahoo polling"

    def __init__(
        self,
        http: YahooHttp,
        sink: QuoteSink,
        *,
        interval: float = POLL_INTERVAL_S,
        on_status: StatusListener | None = None,
        only: Callable[[list[str]], list[str]] | None = None,
        workers: int = 4,
        backoff_cap: float = 300.0,
    ) -> None:
        self.http = http
        self._sink = sink
        self.interval = interval
        self._on_status = on_status
        self._only = only
        self._workers = workers
        self.backoff_cap = backoff_cap
        self._symbols: list[str] = []
        self._sent: dict[str, float] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop_event = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.unknown: set[str] = set()
        self.cycles = 0
        self.errors = 0  # cycles lost to something unexpected (counted, reported, survived)
        self.status = FeedStatus(FeedState.CONNECTING, "Yahoo polling · starting")

    def start(self) -> None:
        if self._stopping:
            return  # stopped before it was started (the live feed closed during its snapshot)
        self._thread = threading.Thread(target=self._run, name="yahoo-poll", daemon=True)
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        self._stopping = True
        self._stop_event.set()
        self._wake.set()
        if wait and self._thread is not None:
            self._thread.join(timeout=2)  # a request still hanging finishes (or not) on its own daemon

    @property
    def running(self) -> bool:
        """Whether the polling thread is alive (it may outlive `stop(wait=False)` by a request's wait)."""
        return self._thread is not None and self._thread.is_alive()

    def set_symbols(self, symbols: Iterable[str]) -> None:
        with self._lock:
            self._symbols = list(dict.fromkeys(symbols))

    def set_interval(self, seconds: float) -> None:
        self.interval = max(1.0, seconds)
        self._wake.set()

    def can_supply(self, symbol: str) -> str | None:
        return None

    def poll_once(self) -> list[Quote]:
        """One cycle: fetch, push what is new, return it. Raises RateLimitedError / UnreachableError when
        no symbol could be fetched for that reason."""
        with self._lock:
            symbols = list(self._symbols)
        if self._only is not None:
            symbols = self._only(symbols)
        symbols = [s for s in symbols if s not in self.unknown]
        pushed: list[Quote] = []
        errors: list[YahooError] = []
        fetched = 0
        for start in range(0, len(symbols), BATCH):
            batch = symbols[start : start + BATCH]
            results = map_on_daemons(self._fetch, batch, self._workers, "yahoo-poll-get", self._stop_event)
            if self._stopping:
                return pushed
            for symbol, result in zip(batch, results, strict=True):
                if isinstance(result, Chart):
                    fetched += 1
                    quotes = not_ahead(result.quotes(after=self._sent.get(symbol, float("-inf"))), time.time())
                    if quotes:
                        self._sent[symbol] = quotes[-1].time
                        pushed.extend(quotes)
                elif isinstance(result, UnknownSymbolError):
                    self.unknown.add(symbol)
                    log.warning("%s", result)
                elif result is not None:
                    errors.append(result)
        if pushed:
            self._sink(pushed, 5.0)
        self.cycles += 1
        if not fetched and errors:
            raise next((e for e in errors if isinstance(e, RateLimitedError)), errors[0])
        return pushed

    def _fetch(self, symbol: str) -> Chart | YahooError:
        try:
            return self.http.chart(symbol)
        except YahooError as exc:
            return exc

    def _run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                self.poll_once()
            except RateLimitedError:
                failures += 1
                delay = min(self.backoff_cap, self.interval * 2**failures)
                self._report(FeedState.OFFLINE, f"Yahoo polling · rate limited, retrying in {delay:.0f}s")
            except (UnreachableError, YahooError) as exc:
                failures += 1
                delay = min(self.backoff_cap, self.interval * 2 ** min(failures, 4))
                self._report(FeedState.OFFLINE, f"Yahoo polling · {exc}, retrying in {delay:.0f}s")
            except Exception as exc:  # a reply nobody foresaw must cost one cycle, not the polling thread
                failures += 1
                delay = min(self.backoff_cap, self.interval * 2 ** min(failures, 4))
                log.error("polling cycle failed: %r", exc, exc_info=True)
                self.errors += 1
                self._report(FeedState.OFFLINE, f"Yahoo polling · unexpected reply, retrying in {delay:.0f}s")
            else:
                failures = 0
                delay = self.interval
                self._report(FeedState.LIVE, f"Yahoo polling · every {self.interval:g}s")  # unknowns: in the status
            self._wake.wait(delay)
            self._wake.clear()

    def _report(self, state: FeedState, detail: str) -> None:
        self.status = FeedStatus(state, detail, frozenset(self.unknown))
        if self._on_status is not None:
            self._on_status(self.status)

    def mark_sent(self, symbol: str, ts: float) -> None:
        """Another path (the initial snapshot) already delivered up to `ts`."""
        self._sent[symbol] = max(ts, self._sent.get(symbol, float("-inf")))
