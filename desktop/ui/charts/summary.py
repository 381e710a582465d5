"""A chart's drawn series in a few plain figures: how many points, and the first and last with their times."""

from __future__ import annotations

from typing import Any

from desktop.core.formatting import moment_iso
from desktop.core.prices import FloatArray


def series_summary(times: FloatArray | None, values: FloatArray | None, daily: bool) -> dict[str, Any]:
    if times is None or values is None or not len(times):
        return {"points": 0, "first": None, "last": None}
    return {
        "points": len(times),
        "first": {"time": moment_iso(float(times[0]), daily), "value": float(values[0])},
        "last": {"time": moment_iso(float(times[-1]), daily), "value": float(values[-1])},
    }
