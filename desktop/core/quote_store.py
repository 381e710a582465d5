"""The quote store: the latest quote of every symbol and a bounded price history of each."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np

from desktop.core.bars import BarSeries
from desktop.core.batch import TickBatch, group_rows
from desktop.core.history import PriceHistory
from desktop.core.quote import Quote, is_valid_price
from desktop.core.sessions import session_date

log = logging.getLogger("desktop.store")


class QuoteStore:
    """Latest quote and history per symbol; applies quotes in the order given.

    Not thread-safe: one thread (the pipeline's) applies and reads. A quote older than the symbol's
    latest is ignored, as is one without a valid price (NaN, zero, negative); both are counted.
    A quote that does not carry its previous close gets it from what the store has seen: the last
    price of the symbol's previous session.
    """

    def __init__(self, history_points: int = 25_000) -> None:
        self.history_points = history_points
        self._latest: dict[str, Quote] = {}
        self._history: dict[str, PriceHistory] = {}
        self._minute_bars: dict[str, BarSeries] = {}
        self._session_bars: dict[str, BarSeries] = {}
        self.rejected = 0
        self.out_of_order = 0
        self.applied = 0
        self._newest: float | None = None

    def apply(self, quote: Quote) -> bool:
        """Apply one quote; True when it became the symbol's latest."""
        if not is_valid_price(quote.price):
            self.rejected += 1
            return False
        last = self._latest.get(quote.symbol)
        if last is not None and quote.time < last.time:
            self.out_of_order += 1
            return False
        if quote.prev_close is None and last is not None:
            quote = quote._replace(prev_close=self._carried_prev_close(last, quote))
        self._latest[quote.symbol] = quote
        history = self._history.get(quote.symbol)
        if history is None:
            history = self._history[quote.symbol] = PriceHistory(self.history_points)
        history.append(quote.time, quote.price)
        sessions = self._session_bars.get(quote.symbol)
        if sessions is None:
            sessions = self._session_bars[quote.symbol] = BarSeries(0, max_bars=5000)
        sessions.add(quote)
        if not quote.daily:
            minutes = self._minute_bars.get(quote.symbol)
            if minutes is None:
                minutes = self._minute_bars[quote.symbol] = BarSeries(60, max_bars=6 * 960)
            minutes.add(quote)
        if self._newest is None or quote.time > self._newest:
            self._newest = quote.time
        self.applied += 1
        return True

    def apply_all(self, quotes: Iterable[Quote]) -> set[str]:
        """Apply quotes in order; the symbols whose latest quote changed."""
        changed: set[str] = set()
        for quote in quotes:
            if self.apply(quote):
                changed.add(quote.symbol)
        return changed

    def apply_batch(self, batch: TickBatch) -> set[str]:
        """Apply a columnar batch; the same result as `apply_all(batch.quotes())`, in bulk per symbol.

        Batches that span sessions or are not in time order take the per-quote path.
        """
        n = len(batch)
        if not n:
            return set()
        times, prices = batch.times, batch.prices
        if n > 1 and (np.any(np.diff(times) < 0) or session_date(times[0]) != session_date(times[-1])):
            return self.apply_all(batch.quotes())
        valid = (prices > 0) & (prices < np.inf)
        self.rejected += int(n - valid.sum())
        changed: set[str] = set()
        for symbol, rows in group_rows(batch.symbols).items():
            rows = rows[valid[rows]]
            last = self._latest.get(symbol)
            if last is not None and len(rows):
                fresh = rows[times[rows] >= last.time]
                self.out_of_order += len(rows) - len(fresh)
                rows = fresh
            if not len(rows):
                continue
            t, p = times[rows], prices[rows]
            history = self._history.get(symbol)
            if history is None:
                history = self._history[symbol] = PriceHistory(self.history_points)
            history.extend(t, p)
            volumes, highs, lows = batch.volume[rows], batch.day_high[rows], batch.day_low[rows]
            for table, bucket, cap in ((self._session_bars, 0, 5000), (self._minute_bars, 60, 6 * 960)):
                bars = table.get(symbol)
                if bars is None:
                    bars = table[symbol] = BarSeries(bucket, max_bars=cap)
                bars.add_many(t, p, volumes, highs, lows)
            quote = batch.quote(int(rows[-1]))
            if quote.prev_close is None and last is not None:
                quote = quote._replace(prev_close=self._carried_prev_close(last, quote))
            self._latest[symbol] = quote
            self.applied += len(rows)
            changed.add(symbol)
            if self._newest is None or quote.time > self._newest:
                self._newest = quote.time
        return changed

    @staticmethod
    def _carried_prev_close(last: Quote, quote: Quote) -> float | None:
        if session_date(last.time) < session_date(quote.time):
            return last.price
        return last.prev_close

    def latest(self, symbol: str) -> Quote | None:
        return self._latest.get(symbol)

    def history(self, symbol: str) -> PriceHistory | None:
        return self._history.get(symbol)

    def minute_bars(self, symbol: str) -> BarSeries | None:
        """One-minute OHLCV bars from intraday quotes (about the last six extended sessions)."""
        return self._minute_bars.get(symbol)

    def session_bars(self, symbol: str) -> BarSeries | None:
        """One bar per New York session (`t` is the session's date ordinal)."""
        return self._session_bars.get(symbol)

    def symbols(self) -> list[str]:
        return list(self._latest)

    def newest_time(self) -> float | None:
        """Time of the newest quote of any symbol."""
        return self._newest

    def forget(self, symbol: str) -> None:
        for table in (self._latest, self._history, self._minute_bars, self._session_bars):
            table.pop(symbol, None)

    def clear(self) -> None:
        for table in (self._latest, self._history, self._minute_bars, self._session_bars):
            table.clear()
        self._newest = None
