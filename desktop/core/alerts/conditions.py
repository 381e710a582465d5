"""When a rule's condition triggers, given its previous defined value: one scalar and one vector form."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from desktop.core.alerts.rules import Condition

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


# A value this close to the level is at the level. Returns are computed in binary floating point: a move
# from 400 to 420 is (420 / 400 - 1) * 100 = 5.000000000000004, which is not "more than 5 %".
LEVEL_TOLERANCE = 1e-9


def level_slack(level: float) -> float:
    """How far from `level` a value still counts as at it (relative to the level, absolute below 1)."""
    return LEVEL_TOLERANCE * max(1.0, abs(level))


def crossed(condition: Condition, prev: float | None, value: float, level: float) -> bool:
    """`crosses_*` need a prev beyond or at the level and a value strictly past it (`crosses`: either way);
    `above`/`below` (and
    `outside`, beyond the level either way of 0) are edge-triggered (true now, and no prev or a prev on
    the other side). A value at the level (within `level_slack`) is neither above nor below it."""
    if condition is Condition.ENTERS:  # `level` is the quadrant's code; never on the first defined value
        return prev is not None and value == level and prev != level
    high, low = level + level_slack(level), level - level_slack(level)
    if condition is Condition.CROSSES_ABOVE:
        return prev is not None and prev <= high < value
    if condition is Condition.CROSSES_BELOW:
        return prev is not None and prev >= low > value
    if condition is Condition.CROSSES:
        return prev is not None and (prev <= high < value or prev >= low > value)
    if condition is Condition.ABOVE:
        return value > high and (prev is None or prev <= high)
    if condition is Condition.OUTSIDE:  # `level` > 0: past it either way, and no prev or a prev within it
        return abs(value) > high and (prev is None or abs(prev) <= high)
    return value < low and (prev is None or prev >= low)


def holds(condition: Condition, value: float, level: float) -> bool:
    """Whether an `above`/`below`/`outside` rule's condition is true of `value` (false for the others)."""
    if condition is Condition.ABOVE:
        return value > level + level_slack(level)
    if condition is Condition.OUTSIDE:
        return abs(value) > level + level_slack(level)
    return condition is Condition.BELOW and value < level - level_slack(level)


def crossed_each(
    condition: Condition, prev: FloatArray, has_prev: BoolArray, values: FloatArray, level: float
) -> BoolArray:
    """`crossed` for every step of a batch at once (`prev[i]` is the value before `values[i]`)."""
    high, low = level + level_slack(level), level - level_slack(level)
    if condition is Condition.CROSSES_ABOVE:
        hit: BoolArray = has_prev & (prev <= high) & (high < values)
    elif condition is Condition.CROSSES_BELOW:
        hit = has_prev & (prev >= low) & (low > values)
    elif condition is Condition.CROSSES:
        hit = has_prev & (((prev <= high) & (high < values)) | ((prev >= low) & (low > values)))
    elif condition is Condition.ABOVE:
        hit = (values > high) & (~has_prev | (prev <= high))
    elif condition is Condition.OUTSIDE:
        hit = (np.abs(values) > high) & (~has_prev | (np.abs(prev) <= high))
    elif condition is Condition.ENTERS:
        hit = has_prev & (values == level) & (prev != level)
    else:
        hit = (values < low) & (~has_prev | (prev >= low))
    return hit
