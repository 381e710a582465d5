"""OHLCV bars built from quotes: one-minute bars from intraday ticks, one bar per session for daily figures.

Live ticks aggregate into the current bar. A bar's volume comes from the day's cumulative volume that
quotes carry (the difference since the previous quote of the same session), or from the bar itself for
daily quotes. Storage is bounded like PriceHistory: the newest `max_bars` are always kept.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

import numpy as np

from desktop.core.prices import FloatArray
from desktop.core.quote import Quote
from desktop.core.sessions import NEW_YORK, session_date

FIELDS = ("t", "o", "h", "l", "c", "v")


# New York's day (its start, its end, its ordinal) by UTC hour, shared by every clock: each hour lies in one
# New York day (the offsets are whole hours), and a replay's daily rows for many symbols share their hours.
_DAYS_BY_HOUR: dict[int, tuple[float, float, int]] = {}
_DAYS_KEPT = 20_000


class SessionClock:
    """Maps timestamps to New York session ordinals, converting time zones only when the day changes."""

    __slots__ = ("_end", "_ordinal", "_start")

    def __init__(self) -> None:
        self._start = math.inf
        self._end = -math.inf
        self._ordinal = 0

    def ordinal(self, ts: float) -> int:
        if not self._start <= ts < self._end:
            hour = int(ts // 3600)
            found = _DAYS_BY_HOUR.get(hour)
            if found is None:
                day = session_date(ts)
                start = datetime.combine(day, time.min, NEW_YORK).timestamp()
                end = datetime.combine(day + timedelta(days=1), time.min, NEW_YORK).timestamp()
                found = (start, end, day.toordinal())
                if len(_DAYS_BY_HOUR) >= _DAYS_KEPT:
                    _DAYS_BY_HOUR.clear()
                _DAYS_BY_HOUR[hour] = found
            self._start, self._end, self._ordinal = found
        return self._ordinal


class BarSeries:
    """Bars of one symbol at one resolution: `bucket` seconds, or 0 for one bar per New York session."""

    __slots__ = ("_clock", "_data", "_last_session", "_last_volume", "_n", "bucket", "max_bars")

    def __init__(self, bucket: int, max_bars: int = 10_000) -> None:
        self.bucket = bucket
        self.max_bars = max_bars
        self._data = np.empty((6, 64))
        self._n = 0
        self._last_volume: float | None = None
        self._last_session = -1
        self._clock = SessionClock()

    def __len__(self) -> int:
        return self._n

    def add(self, quote: Quote) -> None:
        """Fold one quote into the current bar, or open the next bar."""
        session = self._clock.ordinal(quote.time)
        if self.bucket == 0 and quote.daily:
            self._put_daily(quote, session)
            return
        key = float(session) if self.bucket == 0 else quote.time - quote.time % self.bucket
        price = quote.price
        if quote.volume_24h:  # a rolling 24-hour figure (crypto) is not a session total: no bar volume
            quote = quote._replace(volume=None)
        volume = 0.0
        if quote.volume is not None:
            if session == self._last_session and self._last_volume is not None:
                volume = max(0.0, quote.volume - self._last_volume)
            elif self.bucket == 0:
                volume = quote.volume
            self._last_volume = quote.volume
        self._last_session = session
        n = self._n
        d = self._data
        if n and d[0, n - 1] == key:
            high = price if quote.bar_high is None else max(price, quote.bar_high)
            low = price if quote.bar_low is None else min(price, quote.bar_low)
            if self.bucket == 0:  # a session bar also knows the day's range the source reports
                high = max(price, quote.day_high or price)
                low = min(price, quote.day_low or price)
            if high > d[2, n - 1]:
                d[2, n - 1] = high
            if low < d[3, n - 1]:
                d[3, n - 1] = low
            d[4, n - 1] = price
            d[5, n - 1] = quote.volume if self.bucket == 0 and quote.volume is not None else d[5, n - 1] + volume
            return
        if n and key < d[0, n - 1]:
            return  # older than the current bar: bars only grow forward
        if self.bucket == 0:
            opening = quote.day_open if quote.day_open is not None else price
            row = (key, opening, max(price, quote.day_high or price), min(price, quote.day_low or price), price,
                   quote.volume if quote.volume is not None else 0.0)  # fmt: skip
        else:
            opening = price if quote.bar_open is None else quote.bar_open
            high = price if quote.bar_high is None else max(price, quote.bar_high, opening)
            low = price if quote.bar_low is None else min(price, quote.bar_low, opening)
            row = (key, opening, high, low, price, volume)
        self._append(row)

    def merge_minutes(self, groups: np.ndarray, last_volume: float | None, session: int) -> None:
        """Fold pre-aggregated bars (6 x m: start, open, high, low, close, volume) of one session in."""
        if not groups.shape[1]:
            return
        n = self._n
        d = self._data
        first = 0
        if n and d[0, n - 1] == groups[0, 0]:
            d[2, n - 1] = max(d[2, n - 1], groups[2, 0])
            d[3, n - 1] = min(d[3, n - 1], groups[3, 0])
            d[4, n - 1] = groups[4, 0]
            d[5, n - 1] += groups[5, 0]
            first = 1
        elif n and groups[0, 0] < d[0, n - 1]:
            return
        if first < groups.shape[1]:
            self._append_many(groups[:, first:])
        self.note_volume(last_volume, session)

    def merge_session(self, session: int, opening: float, high: float, low: float, close: float,
                      last_volume: float | None) -> None:  # fmt: skip
        """Fold one session's ticks, already summarised, into the session bars."""
        key = float(session)
        n = self._n
        d = self._data
        if n and d[0, n - 1] == key:
            d[2, n - 1] = max(d[2, n - 1], high)
            d[3, n - 1] = min(d[3, n - 1], low)
            d[4, n - 1] = close
            if last_volume is not None:
                d[5, n - 1] = last_volume
        elif not n or key > d[0, n - 1]:
            self._append((key, opening, high, low, close, last_volume or 0.0))
        self.note_volume(last_volume, session)

    def volume_seed(self, session: int) -> float:
        """The cumulative volume last seen in `session` (NaN when none): where a batch's increments start."""
        if session == self._last_session and self._last_volume is not None:
            return self._last_volume
        return np.nan

    def note_volume(self, last_volume: float | None, session: int) -> None:
        if last_volume is not None:
            self._last_volume = last_volume
        self._last_session = session

    def _put_daily(self, quote: Quote, session: int) -> None:
        key = float(session)
        price = quote.price
        row = (
            key,
            quote.day_open if quote.day_open is not None else price,
            quote.day_high if quote.day_high is not None else price,
            quote.day_low if quote.day_low is not None else price,
            price,
            quote.volume if quote.volume is not None else 0.0,
        )
        n = self._n
        if n and self._data[0, n - 1] == key:
            self._data[:, n - 1] = row
        elif not n or key > self._data[0, n - 1]:
            self._append(row)

    def _append_many(self, rows: np.ndarray) -> None:
        """Append columns of bars (6 x m) at once, within the same bounds as `_append`."""
        m = rows.shape[1]
        if m > self.max_bars:
            rows, m = rows[:, -self.max_bars :], self.max_bars
        n = self._n
        need = n + m
        if need > self._data.shape[1]:
            size = min(2 * self.max_bars, max(need, 2 * self._data.shape[1]))
            if size >= need:
                grown = np.empty((6, size))
                grown[:, :n] = self._data[:, :n]
                self._data = grown
            else:
                keep = self.max_bars - m
                self._data[:, :keep] = self._data[:, n - keep : n]
                n = keep
        self._data[:, n : n + m] = rows
        self._n = n + m

    def _append(self, row: tuple[float, ...]) -> None:
        n = self._n
        if n == self._data.shape[1]:
            if n < 2 * self.max_bars:
                self._data = np.concatenate([self._data, np.empty_like(self._data)], axis=1)
            else:
                keep = self.max_bars
                self._data[:, :keep] = self._data[:, n - keep : n]
                n = keep
        self._data[:, n] = row
        self._n = n + 1

    def column(self, name: str) -> FloatArray:
        """A view of one field (t is the bar's start time, or the session ordinal for session bars)."""
        return self._data[FIELDS.index(name), : self._n]

    def arrays(self) -> dict[str, FloatArray]:
        return {name: self.column(name) for name in FIELDS}
