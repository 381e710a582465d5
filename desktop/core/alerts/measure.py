"""A rule's measure, written once: from its legs' prices (a float each, or an array each for a batch) and
the bases its window needs. Bounds over a batch come from the same formula, since every measure rises
with its first leg and falls with its second."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from desktop.core.alerts.conditions import LEVEL_TOLERANCE
from desktop.core.alerts.past_closes import PastCloses
from desktop.core.alerts.rules import AlertRule, AlertType, Quadrant
from desktop.core.alerts.tracks import SymbolTrack, day_base, window_base

FloatArray = npt.NDArray[np.float64]
Number = TypeVar("Number", float, FloatArray)


ROTATION_TYPES = frozenset({AlertType.TREND, AlertType.ZSCORE, AlertType.QUADRANT})


def bases(
    rule: AlertRule, tracks: dict[str, SymbolTrack], session: int, past: PastCloses | None = None
) -> tuple[float, ...] | None:
    """What the rule's measure needs besides the current prices in `session`: base prices for windows,
    figures of past closes for the rotation types; None while one is unknown (or zero)."""
    kind = rule.type
    if kind is AlertType.PRICE or kind is AlertType.RATIO:
        return ()
    if kind in ROTATION_TYPES:
        return (past or PastCloses()).figures(rule, tracks, session)
    if kind is AlertType.CHANGE:
        base = day_base(tracks[rule.symbol or ""], session)
        return (base,) if base else None
    window = rule.window
    assert window is not None
    a = window_base(tracks[rule.a or ""], window, session)
    if not a:
        return None
    b = window_base(tracks[rule.b or ""], window, session)
    return (a, b) if b else None


def measure(rule: AlertRule, legs: Sequence[Number], base: tuple[float, ...]) -> Number:
    """Price; change in % of the previous close; ratio a / b; spread of window returns in points; trend in %
    of the moving average; z-score of ln(a / b); a quadrant's code (see `rotation`)."""
    kind = rule.type
    if kind is AlertType.PRICE:
        return legs[0]
    if kind is AlertType.TREND:
        x = legs[0] if len(legs) == 1 else legs[0] / legs[1]
        return (x / base[0] - 1.0) * 100.0
    if kind is AlertType.ZSCORE:
        ratio = legs[0] / legs[1]
        # math.log for a batch too: numpy's vector log may round the last bit differently, and the batch
        # path must give exactly the per-tick path's values.
        y = math.log(ratio) if isinstance(ratio, float) else np.fromiter(map(math.log, ratio), float, len(ratio))
        return (y - base[0]) / base[1]
    if kind is AlertType.QUADRANT:
        ratio, momentum = rotation(legs[0] / legs[1], base)
        return quadrant_code(ratio, momentum)
    if kind is AlertType.CHANGE:
        return (legs[0] / base[0] - 1.0) * 100.0
    if kind is AlertType.RATIO:
        return legs[0] / legs[1]
    return (legs[0] / base[0] - 1.0) * 100.0 - (legs[1] / base[1] - 1.0) * 100.0


def rotation(rs: Number, base: tuple[float, ...]) -> tuple[Number, Number]:
    """(RS-Ratio, RS-Momentum) of the relative strength `rs` now, given the quadrant figures of past closes:
    RS-Ratio = 100 × RS / mean(RS now and the `ma` − 1 past closes' RS); RS-Momentum = 100 × RS-Ratio now
    / RS-Ratio at the close `momentum` sessions back."""
    past_sum, ma, ratio_then = base
    ratio = 100.0 * rs / ((rs + past_sum) / ma)
    return ratio, 100.0 * ratio / ratio_then


_CODES = tuple(q.code for q in Quadrant)  # leading, weakening, lagging, improving
# A ratio or momentum of exactly 100 counts as 100 or more; computed in binary floating point, constant prices
# give 100 or a hair under it (99.99999999999999) depending on the prices. Within a billionth is at 100.
_AT_100 = 100.0 * (1.0 - LEVEL_TOLERANCE)


def quadrant_code(ratio: Number, momentum: Number) -> Number:
    """Leading (ratio and momentum >= 100), weakening (ratio only), lagging (neither), improving (momentum
    only), as Quadrant codes."""
    leading, weakening, lagging, improving = _CODES
    if isinstance(ratio, float):
        if ratio >= _AT_100:
            return leading if momentum >= _AT_100 else weakening
        return improving if momentum >= _AT_100 else lagging
    strong = ratio >= _AT_100
    rising = momentum >= _AT_100
    return np.where(strong, np.where(rising, leading, weakening), np.where(rising, improving, lagging))


def bounds(rule: AlertRule, ranges: Sequence[tuple[float, float]], base: tuple[float, ...]) -> tuple[float, float]:
    """The lowest and highest measure the legs' (low, high) price ranges allow."""
    if len(ranges) == 1:
        return measure(rule, [ranges[0][0]], base), measure(rule, [ranges[0][1]], base)
    (a_low, a_high), (b_low, b_high) = ranges
    return measure(rule, [a_low, b_high], base), measure(rule, [a_high, b_low], base)


def reported(
    rule: AlertRule, legs: Sequence[float], base: tuple[float, ...], value: float
) -> tuple[float, float | None]:
    """What a fire reports: the value itself, or for a quadrant rule (RS-Ratio, RS-Momentum)."""
    if rule.type is not AlertType.QUADRANT:
        return value, None
    ratio, momentum = rotation(legs[0] / legs[1], base)
    return float(ratio), float(momentum)
