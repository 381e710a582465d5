"""The relative rotation graph's points: each session's (RS-Ratio, RS-Momentum) of a symbol against a
benchmark, with the same formulas as the quadrant rule (see the README's rotation rules).

RS-Ratio at a close averages that close's RS with the `ma` − 1 before it; RS-Momentum compares RS-Ratio
with its value `momentum` steps back. A step is a session, or `step` sessions for a weekly graph (every
fifth shared close, counted back from the newest, so the newest point is always today's).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop.core.alerts.measure import quadrant_code
from desktop.core.alerts.rules import Quadrant
from desktop.core.prices import FloatArray


@dataclass(frozen=True)
class RotationPath:
    """A symbol's points, oldest first: session ordinals, RS-Ratio and RS-Momentum (all defined)."""

    sessions: np.ndarray
    ratio: FloatArray
    momentum: FloatArray

    def __len__(self) -> int:
        return len(self.sessions)

    def quadrant(self, k: int = -1) -> Quadrant:
        return Quadrant.of_code(float(quadrant_code(float(self.ratio[k]), float(self.momentum[k]))))


def rotation_path(
    sessions: np.ndarray,
    closes: FloatArray,
    bench_sessions: np.ndarray,
    bench_closes: FloatArray,
    ma: int = 50,
    momentum: int = 10,
    step: int = 1,
) -> RotationPath:
    """The symbol's path on the sessions both it and the benchmark closed (a session's close being its
    last price, so today's point moves with today's prices); empty while too short."""
    shared, mine, theirs = np.intersect1d(sessions, bench_sessions, assume_unique=True, return_indices=True)
    rs = closes[mine] / bench_closes[theirs]
    if step > 1:  # every step-th close, counted back from the newest
        shared, rs = shared[::-1][::step][::-1], rs[::-1][::step][::-1]
    n = len(rs)
    if n < ma + momentum:
        return RotationPath(np.empty(0, dtype=shared.dtype), np.empty(0), np.empty(0))
    sums = np.cumsum(np.concatenate(([0.0], rs)))
    means = (sums[ma:] - sums[:-ma]) / ma  # the mean over closes j - ma + 1 .. j, for j = ma - 1 ..
    ratio = 100.0 * rs[ma - 1 :] / means
    momentum_of = 100.0 * ratio[momentum:] / ratio[:-momentum]
    return RotationPath(shared[ma - 1 + momentum :], ratio[momentum:], momentum_of)


__all__ = ["RotationPath", "rotation_path"]
