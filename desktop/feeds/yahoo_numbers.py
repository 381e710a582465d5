"""Yahoo sends prices as float32: read them back as the shortest decimal that is the same float32."""

from __future__ import annotations

import math
import struct

_PACK = struct.Struct("<f")


def _as_f32(value: float) -> float:
    return float(_PACK.unpack(_PACK.pack(value))[0])


def f32(value: float) -> float:
    """The shortest decimal whose float32 is `value`'s float32: 672.3499755859375 -> 672.35,
    104234.546875 -> 104234.55 (seven significant digits would say 104234.5)."""
    if not math.isfinite(value) or value == 0:
        return value
    try:
        target = _as_f32(value)
    except OverflowError:
        return value  # beyond float32: not a value Yahoo sent as one
    for digits in range(6, 10):
        text = float(f"{value:.{digits}g}")
        if _as_f32(text) == target:
            return text
    return target
