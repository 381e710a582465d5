"""Naming many things in one status-bar sentence: the first few, then how many more."""

from __future__ import annotations

from collections.abc import Sequence


def some(items: Sequence[str], at_most: int, sep: str = ", ") -> str:
    """'SPY, QQQ, IWM, and 10 more': the first `at_most` items and a count of the rest."""
    more = len(items) - at_most
    return sep.join(items[:at_most]) + (f"{sep}and {more:,} more" if more > 0 else "")
