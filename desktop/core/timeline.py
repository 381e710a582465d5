"""All rows of a set of price series merged into time-ordered steps, and a row as the quote it stands for.

Shared by the replay feed and the backtest, so both see exactly the same quotes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np

from desktop.core.batch import CodedSymbols, TickBatch, stable_order
from desktop.core.prices import PriceSeries
from desktop.core.quote import Quote
from desktop.core.recording_columns import SESSION_CODES
from desktop.core.sessions import MarketSession, market_session, session_date

SOURCE = "replay"


def quote_at(series: PriceSeries, i: int, backfill: bool = False) -> Quote:
    """Row `i` of a price series as the quote a ticker would have shown at that moment (as history sent
    before a replay's start when `backfill`)."""
    prev = float(series.prev_close[i])
    ts = float(series.times[i])
    return Quote(
        symbol=series.symbol,
        price=float(series.close[i]),
        time=ts,
        prev_close=None if np.isnan(prev) else prev,
        day_open=float(series.day_open[i]),
        day_high=float(series.day_high[i]),
        day_low=float(series.day_low[i]),
        volume=None if np.isnan(series.day_volume[i]) else float(series.day_volume[i]),
        source=SOURCE,
        session=_session_of(series, i, ts),
        daily=series.daily,
        backfill=backfill,
        bar_open=None if series.daily else float(series.open[i]),
        bar_high=None if series.daily else float(series.high[i]),
        bar_low=None if series.daily else float(series.low[i]),
    )


def _session_of(series: PriceSeries, i: int, ts: float) -> MarketSession:
    """Regular for a daily bar; a recording's stated session; else what the clock says."""
    if series.daily:
        return MarketSession.REGULAR
    if series.stated_session is not None and series.stated_session[i] >= 0:
        return SESSION_CODES[int(series.stated_session[i])]
    return market_session(ts)


class ReplayTimeline:
    """All rows of all symbols merged into steps: one step per distinct timestamp (a session for daily bars)."""

    def __init__(self, series: dict[str, PriceSeries]) -> None:
        self.series = series
        symbols = list(series)
        times = np.concatenate([series[s].times for s in symbols])
        owner = np.concatenate([np.full(len(series[s]), k, dtype=np.int32) for k, s in enumerate(symbols)])
        rows = np.concatenate([np.arange(len(series[s]), dtype=np.int32) for s in symbols])
        order = np.argsort(times, kind="stable")
        self._symbols = symbols
        self._order = order
        self._owner = owner[order]
        self._row = rows[order]
        sorted_times = times[order]
        self._sorted_times = sorted_times
        # Steps start where the sorted time changes (np.unique would sort the sorted times again).
        self._step_start = np.flatnonzero(np.r_[True, sorted_times[1:] != sorted_times[:-1]])
        self.step_times = sorted_times[self._step_start]
        self._step_end = np.r_[self._step_start[1:], len(sorted_times)]
        self.daily = all(s.daily for s in series.values())

    def __len__(self) -> int:
        return len(self.step_times)

    def first_step_on_or_after(self, day: date) -> int:
        """Index of the first step in the session `day` or later (len(self) when there is none)."""
        for k, ts in enumerate(self.step_times):
            if session_date(float(ts)) >= day:
                return k
        return len(self)

    def rows_of_step(self, k: int) -> Iterator[tuple[str, int]]:
        for j in range(int(self._step_start[k]), int(self._step_end[k])):
            yield self._symbols[int(self._owner[j])], int(self._row[j])

    @property
    def first_date(self) -> date:
        return session_date(float(self.step_times[0]))

    @property
    def last_date(self) -> date:
        return session_date(float(self.step_times[-1]))

    def session_batches(self, end: float | None = None) -> Iterator[tuple[TickBatch, float]]:
        """Every row up to `end`, a New York session at a time, as columnar batches in time order, each with
        the share of rows before it (for progress)."""
        closes = {s: self.series[s].close for s in self._symbols}
        prevs = {s: self.series[s].prev_close for s in self._symbols}
        times = self._sorted_times
        limit = len(times) if end is None else int(np.searchsorted(times, end, side="right"))
        # Each row's session, as its series worked it out when it was read.
        sessions = np.concatenate([self.series[s].session for s in self._symbols])[self._order[:limit]]
        cuts = np.r_[0, np.flatnonzero(np.diff(sessions)) + 1, limit]
        for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
            owner, row = self._owner[a:b], self._row[a:b]
            prices = np.empty(b - a)
            prev = np.empty(b - a)
            by_owner = stable_order(owner, len(self._symbols))  # each symbol's rows, in time order
            cuts_of = np.searchsorted(owner[by_owner], np.arange(len(self._symbols) + 1))
            groups: dict[str, np.ndarray] = {}
            for k, symbol in enumerate(self._symbols):
                mine = by_owner[cuts_of[k] : cuts_of[k + 1]]
                if len(mine):
                    prices[mine] = closes[symbol][row[mine]]
                    prev[mine] = prevs[symbol][row[mine]]
                    groups[symbol] = mine
            batch = TickBatch(
                CodedSymbols(self._symbols, owner), times[a:b], prices, prev_close=prev, source=SOURCE, groups=groups
            )
            yield batch, a / max(1, limit)

    def quotes_of_step(self, k: int, symbols: set[str] | None = None) -> list[Quote]:
        """The quotes of step `k` (of `symbols` only, when given)."""
        return [quote_at(self.series[s], i) for s, i in self.rows_of_step(k) if symbols is None or s in symbols]
