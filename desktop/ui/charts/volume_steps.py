"""The volume pane's bars, with a scale that does not move while the bar in progress grows."""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg

# The pane's top is the smallest of these (times a power of ten) at or above the tallest bar: the
# tallest bar fills at least 80 % of the pane, and a live bar's volume moves the scale only when it
# passes the next step. An auto-range that followed the bar exactly re-scaled the pane, and re-drew its
# axis, on every quote while the bar in progress was the day's tallest (as at the open).
HEADROOM_STEPS = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0)


def headroom_ceiling(value: float) -> float:
    """The first of HEADROOM_STEPS x 10^k at or above `value` (> 0)."""
    power = 10.0 ** math.floor(math.log10(value))
    for step in HEADROOM_STEPS:
        top = step * power
        if top >= value * (1.0 - 1e-12):
            return top
    return 10.0 * power  # not reached: 10 x power is always at or above value


class VolumeSteps(pg.PlotDataItem):  # type: ignore[misc]  # pyqtgraph has no types
    """Volume as one filled step path (a bar per candle in a single stroke: far cheaper to redraw than a
    bar item, which records a rectangle per bar on every update), auto-ranged to a stepped top."""

    def __init__(self) -> None:
        super().__init__([0.0, 1.0], [0.0], stepMode="center", fillLevel=0.0)

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> tuple[Any, Any]:  # noqa: N803
        # (pyqtgraph passes orthoRange by that name)
        low, high = super().dataBounds(ax, frac, orthoRange)
        if ax != 1 or high is None or not math.isfinite(high) or high <= 0:
            return low, high
        return low, headroom_ceiling(float(high))
