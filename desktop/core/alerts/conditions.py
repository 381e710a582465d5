"""When a rule's condition triggers, given its previous defined value: one scalar and one vector form."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from desktop.core.alerts.rules import Condition

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def crossed(condition: Condition, prev: float | None, value: float, level: float) -> bool:
    """`crosses_*` need a prev beyond or at the level and a value strictly past it; `above`/`below` are
    edge-triggered (true now, and no prev or a prev on the other side)."""
    if condition is Condition.CROSSES_ABOVE:
        return prev is not None and prev <= level < value
    if condition is Condition.CROSSES_BELOW:
        return prev is not None and prev >= level > value
    if condition is Condition.ABOVE:
        return value > level and (prev is None or prev <= level)
    if condition is Condition.ENTERS:  # `level` is the quadrant's code; never on the first defined value
        return prev is not None and value == level and prev != level
    return value < level and (prev is None or prev >= level)


def crossed_each(
    condition: Condition, prev: FloatArray, has_prev: BoolArray, values: FloatArray, level: float
) -> BoolArray:
    """`crossed` for every step of a batch at once (`prev[i]` is the value before `values[i]`)."""
    if condition is Condition.CROSSES_ABOVE:
        hit: BoolArray = has_prev & (prev <= level) & (level < values)
    elif condition is Condition.CROSSES_BELOW:
        hit = has_prev & (prev >= level) & (level > values)
    elif condition is Condition.ABOVE:
        hit = (values > level) & (~has_prev | (prev <= level))
    elif condition is Condition.ENTERS:
        hit = has_prev & (values == level) & (prev != level)
    else:
        hit = (values < level) & (~has_prev | (prev >= level))
    return hit
