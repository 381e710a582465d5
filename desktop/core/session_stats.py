"""Figures a watchlist shows from the session bars the app already has: the 52-week range, and today's
volume against its recent average."""

from __future__ import annotations

import numpy as np

from desktop.core.bars import BarSeries

YEAR_DAYS = 365
AVERAGE_SESSIONS = 20


def year_range(bars: BarSeries) -> tuple[float, float] | None:
    """(low, high) over the sessions of the last 365 days up to the newest (None without two sessions)."""
    t = bars.column("t")
    if len(t) < 2:
        return None
    keep = t > t[-1] - YEAR_DAYS
    return float(np.min(bars.column("l")[keep])), float(np.max(bars.column("h")[keep]))


def volume_ratio(bars: BarSeries, sessions: int = AVERAGE_SESSIONS) -> float | None:
    """The newest session's volume over the average of the `sessions` before it (None when unknown)."""
    volume = bars.column("v")
    if len(volume) < sessions + 1:
        return None
    before = volume[-sessions - 1 : -1]
    average = float(np.mean(before))
    return None if average <= 0 or not np.all(np.isfinite(before)) else float(volume[-1]) / average
