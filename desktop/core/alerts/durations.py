"""Durations such as `90s`, `15m`, `2h`, `3d`: wall-clock spans of quote time (a `d` is 24 hours)."""

from __future__ import annotations

import re

UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")


def parse_duration(text: str) -> float:
    """Seconds in `text`; raises ValueError naming the accepted forms."""
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration (use a number and s, m, h or d: 90s, 15m, 2h, 3d)")
    return float(match.group(1)) * UNITS[match.group(2)]


def format_duration(seconds: float) -> str:
    """The shortest exact form: 5400 -> '90m', 86400 -> '1d'."""
    for unit in ("d", "h", "m"):
        size = UNITS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
