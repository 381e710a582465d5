"""A rule's measure, written once: from its legs' prices (a float each, or an array each for a batch) and
the bases its window needs. Bounds over a batch come from the same formula, since every measure rises
with its first leg and falls with its second."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from desktop.core.alerts.rules import AlertRule, AlertType
from desktop.core.alerts.tracks import SymbolTrack, day_base, window_base

FloatArray = npt.NDArray[np.float64]
Number = TypeVar("Number", float, FloatArray)


def bases(rule: AlertRule, tracks: Mapping[str, SymbolTrack], session: int) -> tuple[float, ...] | None:
    """The base prices the rule's measure divides by in `session`, or None while one is unknown (or zero)."""
    kind = rule.type
    if kind is AlertType.PRICE or kind is AlertType.RATIO:
        return ()
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
    """Price; change in % of the previous close; ratio a / b; spread of window returns in points."""
    if rule.type is AlertType.PRICE:
        return legs[0]
    if rule.type is AlertType.CHANGE:
        return (legs[0] / base[0] - 1.0) * 100.0
    if rule.type is AlertType.RATIO:
        return legs[0] / legs[1]
    return (legs[0] / base[0] - 1.0) * 100.0 - (legs[1] / base[1] - 1.0) * 100.0


def bounds(rule: AlertRule, ranges: Sequence[tuple[float, float]], base: tuple[float, ...]) -> tuple[float, float]:
    """The lowest and highest measure the legs' (low, high) price ranges allow."""
    if len(ranges) == 1:
        return measure(rule, [ranges[0][0]], base), measure(rule, [ranges[0][1]], base)
    (a_low, a_high), (b_low, b_high) = ranges
    return measure(rule, [a_low, b_high], base), measure(rule, [a_high, b_low], base)
