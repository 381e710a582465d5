"""Series for the charts: returns normalised to a start date, and any alert measure over past sessions.

The measure series run the alert engine itself over session closes, so the spread a chart draws is the
value a rule on it would see.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping
from datetime import date

import numpy as np

from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rules import AlertRule
from desktop.core.bars import BarSeries
from desktop.core.prices import FloatArray
from desktop.core.quote import Quote
from desktop.core.sessions import close_timestamp


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@functools.lru_cache(maxsize=16_384)
def _close_of(ordinal: int) -> float:
    return close_timestamp(date.fromordinal(ordinal))


def session_times(ordinals: FloatArray) -> FloatArray:
    """Session date ordinals as the epoch seconds of their 16:00 New York close (for a date axis).

    Every chart redraw asks again for the same sessions: each date's close is worked out once.
    """
    return np.fromiter((_close_of(int(k)) for k in ordinals), dtype=np.float64, count=len(ordinals))


def relative_series(bars: BarSeries, start: date) -> tuple[FloatArray, FloatArray]:
    """(close times, % return) from the last session before `start` (its point is 0 %) onward.

    Empty when the bars do not reach back before `start` (no base, no fallback).
    """
    ordinals = bars.column("t")
    closes = bars.column("c")
    k = bisect.bisect_left(ordinals.tolist(), start.toordinal())
    if k == 0:
        return np.empty(0), np.empty(0)
    base = closes[k - 1]
    return session_times(ordinals[k - 1 :]), (closes[k - 1 :] / base - 1.0) * 100.0


def measure_series(rule: AlertRule, bars: Mapping[str, BarSeries]) -> tuple[FloatArray, FloatArray]:
    """(close times, the rule's value after each session) over the sessions of the rule's symbols."""
    symbols = [s for s in rule.symbols if s in bars]
    if len(symbols) != len(rule.symbols):
        return np.empty(0), np.empty(0)
    steps: dict[float, list[Quote]] = {}
    for symbol in symbols:
        series = bars[symbol]
        for ordinal, close in zip(series.column("t").tolist(), series.column("c").tolist(), strict=True):
            t = close_timestamp(date.fromordinal(int(ordinal)))
            steps.setdefault(t, []).append(Quote(symbol, close, t, daily=True))
    engine = AlertEngine()
    times: list[float] = []
    values: list[float] = []
    for t in sorted(steps):
        engine.process(steps[t])
        value = engine.value(rule)
        if value is not None:
            times.append(t)
            values.append(value)
    return np.array(times, dtype=np.float64), np.array(values, dtype=np.float64)
