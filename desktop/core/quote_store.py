"""The quote store: the latest quote of every symbol and a bounded price history of each."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np

from desktop.core.bars import BarSeries
from desktop.core.batch import TickBatch, encode
from desktop.core.history import PriceHistory
from desktop.core.quote import Quote, is_valid_price
from desktop.core.sessions import market_session_in_day, session_date, session_start

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
        """Apply a columnar batch; the same result as `apply_all(batch.quotes())`, computed in bulk.

        Bars are aggregated for all symbols at once with numpy; only the per-symbol bookkeeping is a loop.
        Batches that span sessions or are not in time order take the per-quote path.
        """
        n = len(batch)
        if not n:
            return set()
        times, prices = batch.times, batch.prices
        if n > 1 and (np.any(np.diff(times) < 0) or session_date(times[0]) != session_date(times[-1])):
            return self.apply_all(batch.quotes())
        day = session_date(times[0])
        session = day.toordinal()
        midnight = session_start(float(times[0]))
        same_length_day = session_start(midnight + 86_400 + 3_600) - midnight == 86_400
        names, code_of = encode(batch.symbols)
        valid = (prices > 0) & (prices < np.inf)
        self.rejected += int(n - valid.sum())
        latest = [self._latest.get(name) for name in names]
        last_time = np.array([-np.inf if q is None else q.time for q in latest])
        fresh = valid & (times >= last_time[code_of])
        self.out_of_order += int(valid.sum() - fresh.sum())
        kept = np.flatnonzero(fresh)
        if not len(kept):
            return set()
        kept = kept[np.argsort(code_of[kept], kind="stable")]  # by symbol, in time order within each
        code, t, p = code_of[kept], times[kept], prices[kept]
        seg = np.flatnonzero(np.diff(code, prepend=-1))  # first row of each symbol
        seg_end = np.append(seg[1:], len(kept))
        seg_codes = code[seg]

        # Cumulative day volume, carried over rows that do not say, starting from what each symbol's
        # minute bars last saw in this session.
        for table, bucket, cap in ((self._session_bars, 0, 5000), (self._minute_bars, 60, 6 * 960)):
            for c in seg_codes.tolist():
                if names[c] not in table:
                    table[names[c]] = BarSeries(bucket, max_bars=cap)
        minutes = [self._minute_bars[names[c]] for c in seg_codes.tolist()]
        seeds = np.array([bars.volume_seed(session) for bars in minutes])
        volume = batch.volume[kept]
        known = ~np.isnan(volume)
        row = np.arange(len(kept))
        last_known = np.maximum.accumulate(np.where(known, row, -1))
        seg_of_row = np.repeat(np.arange(len(seg)), seg_end - seg)
        carried = last_known >= seg[seg_of_row]
        filled = np.where(carried, volume[np.maximum(last_known, 0)], seeds[seg_of_row])
        before = np.empty(len(kept))
        before[1:] = filled[:-1]
        before[seg] = seeds
        steps = filled - before
        steps[~np.isfinite(steps) | (steps < 0)] = 0.0

        key = t - t % 60
        starts = np.flatnonzero((np.diff(code, prepend=-1) != 0) | (np.diff(key, prepend=-np.inf) != 0))
        ends = np.append(starts[1:], len(kept)) - 1
        groups = np.stack(
            [key[starts], p[starts], np.maximum.reduceat(p, starts), np.minimum.reduceat(p, starts), p[ends],
             np.add.reduceat(steps, starts)]
        )  # fmt: skip
        group_seg = np.searchsorted(seg, starts, side="right") - 1
        group_cut = np.searchsorted(group_seg, np.arange(len(seg) + 1))
        day_high = np.fmax(np.fmax.reduceat(np.nan_to_num(batch.day_high[kept], nan=-np.inf), seg),
                           np.maximum.reduceat(p, seg))  # fmt: skip
        day_low = np.fmin(np.fmin.reduceat(np.nan_to_num(batch.day_low[kept], nan=np.inf), seg),
                          np.minimum.reduceat(p, seg))  # fmt: skip
        last_volume = filled[seg_end - 1]

        changed: set[str] = set()
        for j, c in enumerate(seg_codes.tolist()):
            symbol = names[c]
            a, b = int(seg[j]), int(seg_end[j])
            history = self._history.get(symbol)
            if history is None:
                history = self._history[symbol] = PriceHistory(self.history_points)
            history.extend(t[a:b], p[a:b])
            volume_now = None if last_volume[j] != last_volume[j] else float(last_volume[j])
            minutes[j].merge_minutes(groups[:, group_cut[j] : group_cut[j + 1]], volume_now, session)
            self._session_bars[symbol].merge_session(
                session, float(p[a]), float(day_high[j]), float(day_low[j]), float(p[b - 1]), volume_now
            )
            row_index = int(kept[b - 1])
            stamp = float(times[row_index])
            market = market_session_in_day(stamp, midnight, day.weekday()) if same_length_day else None
            quote = batch.quote(row_index, market)
            last = latest[c]
            if quote.prev_close is None and last is not None:
                quote = quote._replace(prev_close=self._carried_prev_close(last, quote))
            self._latest[symbol] = quote
            changed.add(symbol)
        self.applied += len(kept)
        newest = float(t.max())
        if self._newest is None or newest > self._newest:
            self._newest = newest
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
