"""All rows of a set of price series merged into time-ordered steps, and a row as the quote it stands for.

Shared by the replay feed and the backtest, so both see exactly the same quotes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from desktop.core.batch import CodedSymbols, TickBatch
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


@dataclass(frozen=True)
class _Steps:
    """Every row of every symbol in time order (ties in the symbols' order), cut into steps."""

    owner: np.ndarray  # each sorted row's symbol, as its index in the timeline's symbols
    row: np.ndarray  # each sorted row's index in its symbol's series
    step_start: np.ndarray
    step_end: np.ndarray
    step_times: np.ndarray


class ReplayTimeline:
    """All rows of all symbols merged into steps: one step per distinct timestamp (a session for daily bars).

    The merge of every row is made on the thread that makes the timeline (a replay's is read off the GUI
    thread), unless `steps_now` is False: then when first asked for. A backtest of intraday bars reads a
    session at a time and never needs it (see `session_batches`)."""

    def __init__(self, series: dict[str, PriceSeries], *, steps_now: bool = True) -> None:
        self.series = series
        self._symbols = list(series)
        self.daily = all(s.daily for s in series.values())
        if steps_now and series:
            _ = self._steps

    @cached_property
    def _steps(self) -> _Steps:
        series, symbols = self.series, self._symbols
        times = np.concatenate([series[s].times for s in symbols])
        owner = np.concatenate([np.full(len(series[s]), k, dtype=np.int32) for k, s in enumerate(symbols)])
        rows = np.concatenate([np.arange(len(series[s]), dtype=np.int32) for s in symbols])
        order = np.argsort(times, kind="stable")
        sorted_times = times[order]
        # Steps start where the sorted time changes (np.unique would sort the sorted times again).
        step_start = np.flatnonzero(np.r_[True, sorted_times[1:] != sorted_times[:-1]])
        step_end = np.r_[step_start[1:], len(sorted_times)]
        return _Steps(owner[order], rows[order], step_start, step_end, sorted_times[step_start])

    @property
    def step_times(self) -> np.ndarray:
        return self._steps.step_times

    def __len__(self) -> int:
        return len(self.step_times)

    def first_step_on_or_after(self, day: date) -> int:
        """Index of the first step in the session `day` or later (len(self) when there is none)."""
        for k, ts in enumerate(self.step_times):
            if session_date(float(ts)) >= day:
                return k
        return len(self)

    def rows_of_step(self, k: int) -> Iterator[tuple[str, int]]:
        steps = self._steps
        for j in range(int(steps.step_start[k]), int(steps.step_end[k])):
            yield self._symbols[int(steps.owner[j])], int(steps.row[j])

    @property
    def first_date(self) -> date:
        return session_date(float(self.step_times[0]))

    @property
    def last_date(self) -> date:
        return session_date(float(self.step_times[-1]))

    def session_batches(self, end: float | None = None) -> Iterator[tuple[TickBatch, float]]:
        """Every row up to `end`, a New York session at a time, as columnar batches in time order, each with
        the share of rows before it (for progress).

        A row's session is its New York date, so sessions follow one another in time across all symbols:
        each batch merges only that session's rows of each series. (Merging every row at once, a stable
        sort of all of them, was a third of a backtest over a year of one-minute bars.)"""
        series = [self.series[s] for s in self._symbols]
        if not series:
            return
        sessions = [one.session[: _rows_until(one, end)] for one in series]
        total = max(1, sum(len(own) for own in sessions))
        every = np.unique(np.concatenate([_distinct(own) for own in sessions]))
        # Rows [first[k, j], after[k, j]) of series k are in session every[j].
        first = np.array([np.searchsorted(own, every, side="left") for own in sessions]).reshape(len(series), -1)
        after = np.array([np.searchsorted(own, every, side="right") for own in sessions]).reshape(len(series), -1)
        done = 0
        for j in range(len(every)):
            spans = [(k, int(first[k, j]), int(after[k, j])) for k in np.flatnonzero(after[:, j] > first[:, j])]
            times = np.concatenate([series[k].times[a:b] for k, a, b in spans])
            order = np.argsort(times, kind="stable")  # equal times in the symbols' order, as the steps have them
            at = np.empty_like(order)
            at[order] = np.arange(len(order))  # where each row, as concatenated, goes in the batch
            owner = np.empty(len(order), dtype=np.int32)
            prices = np.empty(len(order))
            prev = np.empty(len(order))
            groups: dict[str, np.ndarray] = {}
            offset = 0
            for k, a, b in spans:
                mine = at[offset : offset + b - a]  # ascending: a series' rows are in time order
                owner[mine] = k
                prices[mine] = series[k].close[a:b]
                prev[mine] = series[k].prev_close[a:b]
                groups[self._symbols[k]] = mine
                offset += b - a
            symbols = CodedSymbols(self._symbols, owner)
            yield TickBatch(symbols, times[order], prices, prev_close=prev, source=SOURCE, groups=groups), done / total
            done += len(order)

    def quotes_of_step(self, k: int, symbols: set[str] | None = None) -> list[Quote]:
        """The quotes of step `k` (of `symbols` only, when given)."""
        return [quote_at(self.series[s], i) for s, i in self.rows_of_step(k) if symbols is None or s in symbols]


def _rows_until(series: PriceSeries, end: float | None) -> int:
    return len(series) if end is None else int(np.searchsorted(series.times, end, side="right"))


def _distinct(sorted_values: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array (np.unique would sort it again)."""
    if not len(sorted_values):
        return sorted_values
    return sorted_values[np.r_[True, sorted_values[1:] != sorted_values[:-1]]]
