"""A chart's drawn series in a few plain figures: how many points, and the first and last with their times."""

from __future__ import annotations

from typing import Any

from desktop.core.prices import FloatArray
from desktop.core.sessions import session_date, to_new_york


def point_time(ts: float, daily: bool) -> str:
    """ISO 8601: the session's date for a daily point, else New York time with its offset."""
    return session_date(ts).isoformat() if daily else to_new_york(ts).isoformat(timespec="seconds")


def series_summary(times: FloatArray | None, values: FloatArray | None, daily: bool) -> dict[str, Any]:
    if times is None or values is None or not len(times):
        return {"points": 0, "first": None, "last": None}
    return {
        "points": len(times),
        "first": {"time": point_time(float(times[0]), daily), "value": float(values[0])},
        "last": {"time": point_time(float(times[-1]), daily), "value": float(values[-1])},
    }
