"""A bounded, append-only (time, price) series: a symbol's chart history that never grows past a cap."""

from __future__ import annotations

import numpy as np

from desktop.core.prices import FloatArray


class PriceHistory:
    """Keeps the newest `max_points` observations (at least) of one symbol.

    Storage is a buffer of twice the cap: when it fills, the newest `max_points` move to the front, so
    an append is amortised O(1) and memory stays bounded. Arrays handed out by `times`/`prices` are
    views: they are valid until the next append.
    """

    __slots__ = ("_n", "_prices", "_times", "max_points")

    def __init__(self, max_points: int = 25_000, initial: int = 256) -> None:
        if max_points < 1:
            raise ValueError("max_points must be positive")
        self.max_points = max_points
        size = min(initial, 2 * max_points)
        self._times = np.empty(size)
        self._prices = np.empty(size)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def append(self, ts: float, price: float) -> None:
        n = self._n
        if n and ts == self._times[n - 1]:
            self._prices[n - 1] = price  # same instant: the newer observation wins
            return
        if n == len(self._times):
            n = self._make_room()
        self._times[n] = ts
        self._prices[n] = price
        self._n = n + 1

    def _make_room(self) -> int:
        n = self._n
        cap = 2 * self.max_points
        if len(self._times) < cap:
            size = min(cap, 2 * len(self._times))
            self._times = np.resize(self._times, size)
            self._prices = np.resize(self._prices, size)
            return n
        keep = self.max_points
        self._times[:keep] = self._times[n - keep : n]
        self._prices[:keep] = self._prices[n - keep : n]
        return keep

    def extend(self, times: FloatArray, prices: FloatArray, distinct: bool = False) -> None:
        """Append many observations (time-ordered) at once; same bounds as `append`. `distinct`: the caller
        knows no two of `times` are equal (the check is a third of the cost of a short extend)."""
        if not len(times):
            return
        if not distinct:
            last_of_run = np.diff(times, append=np.inf) != 0  # same instant twice: the newer one wins
            times, prices = times[last_of_run], prices[last_of_run]
        n = self._n
        if n and times[0] == self._times[n - 1]:
            self._prices[n - 1] = prices[0]
            times, prices = times[1:], prices[1:]
        m = len(times)
        if not m:
            return
        if m >= self.max_points:  # the batch alone fills the history: keep its newest part
            times, prices, n = times[-self.max_points :], prices[-self.max_points :], 0
            m = len(times)
        need = n + m
        cap = 2 * self.max_points
        if need > len(self._times) and len(self._times) < cap:
            size = min(cap, max(need, 2 * len(self._times)))
            self._times = np.resize(self._times, size)
            self._prices = np.resize(self._prices, size)
        if need > len(self._times):
            keep = self.max_points - m
            self._times[:keep] = self._times[n - keep : n]
            self._prices[:keep] = self._prices[n - keep : n]
            n = keep
        self._times[n : n + m] = times
        self._prices[n : n + m] = prices
        self._n = n + m

    @property
    def times(self) -> FloatArray:
        return self._times[: self._n]

    @property
    def prices(self) -> FloatArray:
        return self._prices[: self._n]

    def clear(self) -> None:
        self._n = 0
