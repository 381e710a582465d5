"""Axis labels in the app's own number formats."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg

from desktop.core.formatting import format_volume


class VolumeAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph has no types
    """Volume ticks as 20M, 1.5M, 500K instead of 2e+07 (round numbers, so no trailing zeros)."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [format_volume(v * scale, trailing_zeros=False) for v in values]


class PercentAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph has no types
    """Ticks as +1.5 %."""

    def __init__(self, suffix: str = "%", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.suffix = suffix
        self.signed = True  # a change or spread shows its sign; a ratio is a plain number

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        decimals = 0 if spacing >= 1 else 1 if spacing >= 0.1 else 2 if spacing >= 0.01 else 3
        sign = "+" if self.signed else ""

        def label(value: float) -> str:
            text = f"{value:{sign}.{decimals}f}"
            return (f"{0:.{decimals}f}" if float(text) == 0 else text) + self.suffix  # zero has no sign: not +0

        return [label(v * scale) for v in values]
