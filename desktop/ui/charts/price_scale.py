"""Price scales for the price chart: linear, logarithmic, or percent from the first point shown.

Everything drawn on the price pane (line, candles, markers, level lines, the last-price tag) goes through
`to_y`; the axis labels prices (or percents) at round values of what it shows.
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np
import pyqtgraph as pg

from desktop.core.prices import FloatArray


class ScaleMode(enum.Enum):
    LINEAR = "linear"
    LOG = "log"
    PERCENT = "percent"


class PriceMapping:
    """Price to y and back under a scale mode (`base` is the 0 % price of the percent scale)."""

    def __init__(self, mode: ScaleMode = ScaleMode.LINEAR, base: float = 1.0) -> None:
        self.mode = mode
        self.base = base if base > 0 else 1.0

    def to_y(self, price: FloatArray) -> FloatArray:
        values = np.asarray(price, dtype=np.float64)
        if self.mode is ScaleMode.LOG:
            return np.log10(np.maximum(values, 1e-12))
        if self.mode is ScaleMode.PERCENT:
            return (values / self.base - 1.0) * 100.0
        return values

    def value_to_y(self, price: float) -> float:
        return float(self.to_y(np.array([price]))[0])

    def from_y(self, y: float) -> float:
        if self.mode is ScaleMode.LOG:
            return float(10.0**y)
        if self.mode is ScaleMode.PERCENT:
            return self.base * (1.0 + y / 100.0)
        return float(y)


class PriceAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph has no types
    """Ticks at round prices (round percents on the percent scale), wherever the mapping puts them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mapping = PriceMapping()

    def set_mapping(self, mapping: PriceMapping) -> None:
        old, self.mapping = self.mapping, mapping
        if old.mode is mapping.mode and (mapping.mode is not ScaleMode.PERCENT or old.base == mapping.base):
            return  # the same ticks: keep the cached labels (a range change rebuilds them anyway)
        self.picture = None
        self.update()

    def tickValues(self, lo: float, hi: float, size: float) -> list[tuple[float, list[float]]]:
        mapping = self.mapping
        if mapping.mode is not ScaleMode.LOG:
            levels: list[tuple[float, list[float]]] = super().tickValues(lo, hi, size)
            return levels
        # Log: round prices between the two ends, each placed where the log puts it (spacing stays in price).
        prices = super().tickValues(mapping.from_y(lo), mapping.from_y(hi), size)
        return [(step, [float(v) for v in mapping.to_y(np.array(values))]) for step, values in prices]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        decimals = 0 if spacing >= 1 else 1 if spacing >= 0.1 else 2 if spacing >= 0.01 else 4
        if self.mapping.mode is ScaleMode.PERCENT:
            return [f"{v:+.{decimals}f}%" for v in values]
        return [f"{self.mapping.from_y(v):,.{decimals}f}" for v in values]
