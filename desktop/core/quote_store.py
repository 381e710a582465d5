"""The quote store: the latest quote of every symbol and a bounded price history of each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from desktop import logs
from desktop.core.bars import BarSeries, SessionClock
from desktop.core.batch import TickBatch, stable_order
from desktop.core.history import PriceHistory
from desktop.core.quote import MAX_PRICE, Quote, is_valid_price
from desktop.core.sessions import MarketSession, market_session_in_day, session_date, session_start

log = logs.store


class RegularClose(NamedTuple):
    """A symbol's latest regular session: its New York date ordinal, its last price, and its base."""

    day: int
    close: float
    base: float | None


class QuoteStore:
    """Latest quote and history per symbol; applies quotes in the order given.

    Not thread-safe: one thread (the pipeline's) applies and reads. A quote older than the symbol's
    latest is ignored, as is one without a valid price (NaN, zero, negative); both are counted.

    The base of the day's change is the last *regular-session* close: a quote that does not state its
    previous close gets it from the regular sessions the store has seen (so a post-market print never
    becomes the base, not even after New York midnight), and a quote outside the regular session also
    gets that session's close and change ("At close" beside "After hours"). What the source said of the
    instrument once (currency, price hint, time zone, name) stays on its later quotes.
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
        self._regular: dict[str, RegularClose] = {}
        self._clock = SessionClock()

    def apply(self, quote: Quote) -> bool:
        """Apply one quote; True when it became the symbol's latest."""
        if not is_valid_price(quote.price):
            self.rejected += 1
            return False
        last = self._latest.get(quote.symbol)
        if last is not None and quote.time < last.time:
            self.out_of_order += 1
            return False
        quote = self._completed(last, quote)
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

    def apply_viewed(self, quotes: Iterable[Quote]) -> tuple[set[str], list[Quote]]:
        """`apply_all`, also returning each accepted quote as the store holds it (with its base filled in):
        what a consumer that prints or records every tick should see."""
        changed: set[str] = set()
        viewed: list[Quote] = []
        for quote in quotes:
            if self.apply(quote):
                changed.add(quote.symbol)
                viewed.append(self._latest[quote.symbol])
        return changed, viewed

    def apply_batch(self, batch: TickBatch) -> set[str]:
        """Apply a columnar batch; the same result as `apply_all(batch.quotes())`, computed in bulk.

        Bars are aggregated for all symbols at once with numpy; only the per-symbol bookkeeping is a loop.
        Batches that span sessions or are not in time order take the per-quote path.
        """
        n = len(batch)
        if not n:
            return set()
        times, prices = batch.times, batch.prices
        if n > 1 and (
            np.any(np.diff(times) < 0)
            or session_date(times[0]) != session_date(times[-1])
            or not _is_regular(batch.quote(0))
            or not _is_regular(batch.quote(n - 1))
        ):
            # Across days, out of order, or outside the regular session (where a quote's base and day
            # figures depend on the rows before it): row by row.
            return self.apply_all(batch.quotes())
        day = session_date(times[0])
        session = day.toordinal()
        midnight = session_start(float(times[0]))
        same_length_day = session_start(midnight + 86_400 + 3_600) - midnight == 86_400
        names, code_of = batch.encoded()
        valid = (prices > 0) & (prices <= MAX_PRICE)  # as is_valid_price
        self.rejected += int(n - valid.sum())
        latest = [self._latest.get(name) for name in names]
        last_time = np.array([-np.inf if q is None else q.time for q in latest])
        fresh = valid & (times >= last_time[code_of])
        self.out_of_order += int(valid.sum() - fresh.sum())
        kept = np.flatnonzero(fresh)
        if not len(kept):
            return set()
        # By symbol, in time order within each: the batch's own order when every row is kept (the engine's
        # groups use it too), else a sort of what is kept.
        kept = batch.symbol_order() if len(kept) == n else kept[stable_order(code_of[kept], len(names))]
        code, t, p = code_of[kept], times[kept], prices[kept]
        seg = np.flatnonzero(np.diff(code, prepend=-1))  # first row of each symbol
        seg_end = np.append(seg[1:], len(kept))
        seg_codes = code[seg]
        # Two rows of one symbol at the same instant are rare: when there are none, histories skip the check.
        distinct = not bool(np.any((np.diff(t) == 0) & (np.diff(code) == 0)))

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

        last_rows = kept[seg_end - 1]
        stamps = times[last_rows].tolist()
        weekday = day.weekday()
        markets = [market_session_in_day(s, midnight, weekday) if same_length_day else None for s in stamps]
        quotes = batch.quotes_at(last_rows, markets)
        symbol_first, symbol_stop = seg.tolist(), seg_end.tolist()
        opens, closes = p[seg].tolist(), p[seg_end - 1].tolist()
        highs, lows, volumes = day_high.tolist(), day_low.tolist(), last_volume.tolist()
        cuts = group_cut.tolist()
        session_bars, history_of = self._session_bars, self._history
        changed: set[str] = set()
        for j, c in enumerate(seg_codes.tolist()):
            symbol = names[c]
            a, b = symbol_first[j], symbol_stop[j]
            history = history_of.get(symbol)
            if history is None:
                history = history_of[symbol] = PriceHistory(self.history_points)
            history.extend(t[a:b], p[a:b], distinct)
            volume_now = None if volumes[j] != volumes[j] else volumes[j]
            minutes[j].merge_minutes(groups[:, cuts[j] : cuts[j + 1]], volume_now, session)
            session_bars[symbol].merge_session(session, opens[j], highs[j], lows[j], closes[j], volume_now)
            final = quotes[j]
            if final.volume is None and volume_now is not None:  # the volume the rows before it gave, as one by one
                final = final._replace(volume=volume_now)
            self._latest[symbol] = self._completed(latest[c], final)
            changed.add(symbol)
        self.applied += len(kept)
        newest = float(t.max())
        if self._newest is None or newest > self._newest:
            self._newest = newest
        return changed

    def _completed(self, last: Quote | None, quote: Quote) -> Quote:
        """`quote` with its base, its last regular close and what earlier quotes said of the instrument."""
        if last is not None and (
            (quote.currency is None and last.currency is not None)
            or (quote.timezone is None and last.timezone is not None)
            or (quote.price_hint is None and last.price_hint is not None)
            or (not quote.name and last.name)
        ):
            quote = quote._replace(
                currency=quote.currency or last.currency,
                timezone=quote.timezone or last.timezone,
                price_hint=last.price_hint if quote.price_hint is None else quote.price_hint,
                name=quote.name or last.name,
            )
        symbol = quote.symbol
        regular = self._regular.get(symbol)
        day = self._clock.ordinal(quote.time)
        if (
            last is not None
            and not quote.daily
            and not last.daily
            and _leaves_out_what(last, quote)
            and self._clock.ordinal(last.time) == day
        ):
            quote = _with_the_days_figures(quote, last)
        high, low = quote.day_high, quote.day_low
        if (high is not None and high < quote.price) or (low is not None and low > quote.price):
            quote = _holding_its_price(quote)
        base = quote.prev_close
        if _is_regular(quote):
            if base is None:
                if regular is not None:
                    base = regular.close if regular.day < day else regular.base
                elif last is not None:
                    base = self._carried_prev_close(last, quote)
            if regular is None or regular.day <= day:
                self._regular[symbol] = RegularClose(day, quote.price, base)
            return quote if base is quote.prev_close else quote._replace(prev_close=base)
        closing = quote.regular_close
        change = quote.regular_change
        if base is None:
            if regular is not None:
                base = regular.close
            elif last is not None:
                base = self._carried_prev_close(last, quote)
        if closing is None:
            if regular is not None:
                closing = regular.close
                change = None if regular.base is None else regular.close - regular.base
            else:
                closing = base  # outside the regular session the base is the last regular close
        if base is quote.prev_close and closing is quote.regular_close and change is quote.regular_change:
            return quote
        return quote._replace(prev_close=base, regular_close=closing, regular_change=change)

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

    def clear(self) -> None:
        for table in (self._latest, self._history, self._minute_bars, self._session_bars, self._regular):
            table.clear()
        self._newest = None


def _is_regular(quote: Quote) -> bool:
    return quote.daily or quote.session is MarketSession.REGULAR


def _holding_its_price(quote: Quote) -> Quote:
    """A regular quote's day range widened to hold its price: a stated range can lag the price (Yahoo's for
    the ^TNX index: 4.237-4.261 beside 4.275). A print outside the session keeps the regular range."""
    high, low, price = quote.day_high, quote.day_low, quote.price
    if not _is_regular(quote):
        return quote
    return quote._replace(
        day_high=None if high is None else max(high, price), day_low=None if low is None else min(low, price)
    )


def _leaves_out_what(last: Quote, quote: Quote) -> bool:
    """Whether `quote` leaves out a figure of the day that `last` has."""
    return (
        (quote.day_high is None and last.day_high is not None)
        or (quote.day_low is None and last.day_low is not None)
        or (quote.volume is None and last.volume is not None)
        or (quote.day_open is None and last.day_open is not None)
    )


def _with_the_days_figures(quote: Quote, last: Quote) -> Quote:
    """`quote` with the day's figures it leaves out taken from the same day's `last`: Yahoo's regular-session
    frames carry the day's volume and no range, an after-hours frame often its price alone. A regular print
    widens the range it keeps; one outside the session does not (the day's range is the regular session's).
    (A columnar batch, the replay's, states no day figures: its last quote takes the volume its rows gave.)"""
    high, low = quote.day_high, quote.day_low
    if _is_regular(quote):
        if high is None and last.day_high is not None:
            high = max(last.day_high, quote.price)
        if low is None and last.day_low is not None:
            low = min(last.day_low, quote.price)
    else:
        high = last.day_high if high is None else high
        low = last.day_low if low is None else low
    volume, volume_24h = (
        (quote.volume, quote.volume_24h) if quote.volume is not None else (last.volume, last.volume_24h)
    )
    return quote._replace(
        day_open=last.day_open if quote.day_open is None else quote.day_open,
        day_high=high,
        day_low=low,
        volume=volume,
        volume_24h=volume_24h,
    )
