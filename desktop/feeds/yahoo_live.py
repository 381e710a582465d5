"""The Yahoo source as the app uses it: an initial snapshot, the stream, and polling for quiet symbols.

On start (and for each symbol added later) chart requests fetch the base of the day's change, today's
bars and a year of daily closes, so the table, charts and alert windows are full. The stream opens at
once, independently of those requests; a symbol's streamed quotes wait until its history is in, then
both go to the sink as one batch in time order (history first, whatever order they arrived in). Snapshot
requests that fail for a passing reason (429, a Yahoo error, no network) are retried with backoff within
one overall deadline. Symbols the stream has not updated for `quiet_after` seconds (all of them while it
is down) are polled.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Sequence

from desktop import logs
from desktop.config import POLL_INTERVAL_S
from desktop.core.quote import Quote
from desktop.feeds.base import FeedState, FeedStatus, QuoteSink, StatusListener, not_ahead
from desktop.feeds.workers import map_on_daemons
from desktop.feeds.yahoo_http import Chart, UnknownSymbolError, UnreachableError, YahooError, YahooHttp
from desktop.feeds.yahoo_poll import YahooPollFeed
from desktop.feeds.yahoo_stream import YahooStreamFeed

log = logs.feed

HELD_PER_SYMBOL = 5_000  # streamed quotes kept for a symbol whose history is still being fetched
HOLD_LIMIT = 5.0  # seconds a symbol's streamed quotes wait for its history before they go on alone


class YahooLiveFeed:
    name = "Yahoo"

    def __init__(
        self,
        sink: QuoteSink,
        *,
        on_status: StatusListener | None = None,
        http: YahooHttp | None = None,
        ws_url: str | None = None,
        poll_interval: float = POLL_INTERVAL_S,
        quiet_after: float = 60.0,
        snapshot_deadline: float = 30.0,
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
            self.http, self._from_poll, interval=poll_interval, on_status=lambda _s: self._report(), only=self._quiet
        )
        self.snapshot_deadline = snapshot_deadline
        self._held: dict[str, list[Quote]] = {}  # symbol -> streamed quotes waiting for its history
        self._held_since: dict[str, float] = {}  # symbol -> monotonic time its history was first asked for
        self._sent: dict[str, float] = {}  # symbol -> quote time of the newest streamed quote passed on
        self._unknown: set[str] = set()
        self.snapshot_failures: dict[str, str] = {}  # symbol -> why its history could not be fetched
        self._stop = threading.Event()
        self.status = FeedStatus(FeedState.CONNECTING, "Yahoo · connecting…")

    @property
    def unknown(self) -> set[str]:
        with self._lock:
            return set(self._unknown)

    # -- control --------------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._report()
        with self._lock:
            symbols = list(self._symbols)
            self._held = {s: [] for s in symbols}
            self._held_since = dict.fromkeys(symbols, time.monotonic())

        def snapshot_then_poll() -> None:
            # Polling starts after the snapshot: it must know what the snapshot delivered.
            self._snapshot(symbols)
            if not self._stop.is_set():
                self.poll.start()

        self.stream.start()
        threading.Thread(target=snapshot_then_poll, name="yahoo-snapshot", daemon=True).start()
        self._release_later()

    def stop(self, wait: bool = True) -> None:
        """Stop streaming and polling; with `wait`, until their threads have ended."""
        self._stop.set()
        self.stream.stop(wait)
        self.poll.stop(wait)

    def set_symbols(self, symbols: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(symbols))
        with self._lock:
            added = [s for s in wanted if s not in self._symbols]
            first = not self._symbols and not self.stream.symbols()
            self._symbols = wanted
            later = bool(added) and not first and self.stream.running
            if later:
                for symbol in added:
                    self._held.setdefault(symbol, [])
                    self._held_since.setdefault(symbol, time.monotonic())
        self.stream.set_symbols(wanted)
        self.poll.set_symbols(wanted)
        if self.status.unknown - set(wanted):  # a symbol named as unknown has gone from the list
            self._report()
        if later:
            threading.Thread(target=self._snapshot, args=(added,), name="yahoo-snapshot", daemon=True).start()
            self._release_later()

    def can_supply(self, symbol: str) -> str | None:
        return None

    def validate_symbol(self, symbol: str) -> str | None:
        """Blocking: asks Yahoo. Call it off the GUI thread."""
        return self.http.validate(symbol)

    def set_poll_interval(self, seconds: float) -> None:
        self.poll.set_interval(seconds)

    # -- data paths -----------------------------------------------------------------------------

    def _snapshot(self, symbols: Sequence[str]) -> None:
        """A year of daily closes, the base of the day's change and today's bars for `symbols`, pushed in
        time order as backfill together with the stream's quotes held meanwhile: the table, charts and
        alert windows (qtd, ytd…) have their history, and no alert fires for what happened before the
        app was watching."""
        deadline = time.monotonic() + self.snapshot_deadline
        parts = map_on_daemons(lambda s: self._history_of(s, deadline), symbols, 4, "yahoo-snapshot", self._stop)
        history = [q for part in parts if part for q in part]
        with self._lock:  # the stream waits here, so nothing of these symbols overtakes their history
            held = [q for s in symbols for q in self._held.pop(s, [])]
            for symbol in symbols:
                self._held_since.pop(symbol, None)
            # History that comes after its symbol's quotes were let go alone is kept only where it is newer
            # than what went on: the store and the alert engine see each symbol in time order.
            history = [q for q in history if q.time > self._sent.get(q.symbol, -math.inf)]
            batch = sorted(history + held, key=lambda q: q.time)  # stable: history first at equal times
            if batch and not self._stop.is_set():
                self._sink(batch, 5.0)
        self._report()

    def _history_of(self, symbol: str, deadline: float) -> list[Quote]:
        chart = self._fetch(symbol, deadline)
        if chart is None:
            return []
        quotes = [q._replace(backfill=True) for q in not_ahead(chart.quotes(), time.time())]
        if not quotes:
            return []
        self.poll.mark_sent(symbol, quotes[-1].time)
        daily = self._fetch(symbol, deadline, range_="1y", interval="1d", prepost=False)
        if daily is None:
            return quotes
        return daily.daily_quotes(before=chart.hours.local_date(quotes[0].time)) + quotes

    def _fetch(self, symbol: str, deadline: float, **request: object) -> Chart | None:
        """One chart, retried with backoff on passing failures until `deadline`; None when not had."""
        delay = 1.0
        while True:
            left = deadline - time.monotonic()
            try:
                return self.http.chart(symbol, timeout=max(1.0, min(self.http.timeout, left)), **request)  # type: ignore[arg-type]
            except UnknownSymbolError:
                with self._lock:
                    self._unknown.add(symbol)
                return None
            except UnreachableError as exc:  # no network: polling reports it and takes over when it is back
                log.info("history for %s not fetched: %s", symbol, exc)
                self.snapshot_failures[symbol] = str(exc)
                return None
            except YahooError as exc:
                if self._stop.is_set() or time.monotonic() + delay >= deadline:
                    log.info("history for %s not fetched: %s", symbol, exc)
                    self.snapshot_failures[symbol] = str(exc)
                    return None
                log.info("history for %s: %s; retrying in %.0fs", symbol, exc, delay)
            if self._stop.wait(delay):
                return None
            delay = min(delay * 2, 16.0)

    def _release_later(self) -> None:
        timer = threading.Timer(HOLD_LIMIT + 0.1, self._release_overdue)
        timer.name = "yahoo-hold"
        timer.daemon = True
        timer.start()

    def release_held(self) -> None:
        """Let every held streamed quote go on now, history or not (a command whose time is up)."""
        self._release_overdue(everything=True)

    def _release_overdue(self, everything: bool = False) -> None:
        """Quotes held longer than HOLD_LIMIT go on without their history (which may never come)."""
        now = time.monotonic()
        with self._lock:
            overdue = [s for s in self._held if everything or now - self._held_since.get(s, now) >= HOLD_LIMIT]
            quotes = sorted((q for s in overdue for q in self._held.pop(s)), key=lambda q: q.time)
            for quote in quotes:
                self._sent[quote.symbol] = max(quote.time, self._sent.get(quote.symbol, -math.inf))
            if quotes and not self._stop.is_set():
                self._sink(quotes, 5.0)

    def _from_poll(self, quotes: Sequence[Quote], timeout: float | None = None) -> bool:
        if self._stop.is_set():
            return True  # stopped: a late reply must not reach a pipeline now fed by another source
        return self._sink(quotes, timeout)

    def _from_stream(self, quotes: Sequence[Quote], timeout: float | None = None) -> bool:
        if self._stop.is_set():
            return True  # stopped: the stream's thread may still be closing its connections
        now = time.monotonic()
        with self._lock:
            for quote in quotes:
                self._streamed[quote.symbol] = now
            if self._held:
                passing = []
                for quote in quotes:
                    held = self._held.get(quote.symbol)
                    if held is not None and now - self._held_since.get(quote.symbol, now) > HOLD_LIMIT:
                        # Its history is slow (a hanging or unreachable chart endpoint): go on without it.
                        passing.extend(self._held.pop(quote.symbol))
                        held = None
                    if held is None:
                        passing.append(quote)
                    elif len(held) < HELD_PER_SYMBOL:
                        held.append(quote)
                quotes = passing
            for quote in quotes:
                if quote.time > self._sent.get(quote.symbol, -math.inf):
                    self._sent[quote.symbol] = quote.time
        return self._sink(quotes, timeout) if quotes else True

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
        with self._lock:  # the snapshot's 404s and the polling's, of the symbols still asked for
            unknown = (self._unknown | poll.unknown) & set(self._symbols)
        if unknown:
            detail = f"{status.detail} · no such symbol: {', '.join(sorted(unknown))}"
            status = FeedStatus(status.state, detail, frozenset(unknown))
        self.status = status
        if self._on_status is not None:
            self._on_status(status)
