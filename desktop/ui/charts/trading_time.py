"""Trading time: an x axis where sessions sit side by side, with no room for nights, weekends and holidays.

Bar `k` of a chart occupies x in [k - 0.5, k + 0.5] and is centred on k, whatever its length in clock
time, so a 5-day intraday chart is five sessions wide and a daily candle sits on its own date. Times
inside a bar (ticks) map linearly within it. The axis labels the strongest calendar boundaries that fit
(year, month, week, session, hour...), one label per place, never two overlapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

from desktop.core.prices import FloatArray
from desktop.core.sessions import to_new_york

DAY = 86_400.0
LABEL_PX = 64  # room one label needs on the axis
LABEL_GAP_PX = 8  # the least room between two labels' texts
# Boundary strengths, strongest last; clock times within a session below the day.
YEAR, QUARTER, MONTH, WEEK, DAY_MARK = 9, 8, 7, 6, 5
TIME_MARKS = ((4, 120), (3, 60), (2, 30), (1, 15))  # (strength, every so many minutes), coarsest first


@dataclass
class TradingTimeScale:
    """Bars of `width` seconds starting at `starts` (ascending), mapped to x = 0, 1, 2, ..."""

    starts: FloatArray = field(default_factory=lambda: np.empty(0))
    width: float = DAY
    _cache: tuple[list[datetime], list[int]] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def daily(self) -> bool:
        return self.width >= DAY

    def __len__(self) -> int:
        return len(self.starts)

    def x_of(self, times: FloatArray) -> FloatArray:
        """x of each time: its bar's index, offset by where in the bar it falls (-0.5 at the bar's start)."""
        times = np.asarray(times, dtype=np.float64)
        if not len(self.starts):
            return np.full(times.shape, np.nan)
        k = np.clip(np.searchsorted(self.starts, times, side="right") - 1, 0, len(self.starts) - 1)
        inside = np.clip((times - self.starts[k]) / self.width, 0.0, 1.0)
        return k - 0.5 + inside

    def time_of(self, x: float) -> float:
        """The time at x (a bar's start plus the part of its width): the crosshair's inverse of `x_of`."""
        if not len(self.starts):
            return float("nan")
        k = int(np.clip(np.floor(x + 0.5), 0, len(self.starts) - 1))
        return float(self.starts[k] + np.clip(x - k + 0.5, 0.0, 1.0) * self.width)

    def index_at(self, x: float) -> int | None:
        """The bar under x, or None when there are no bars."""
        if not len(self.starts):
            return None
        return int(np.clip(np.floor(x + 0.5), 0, len(self.starts) - 1))

    def labels(self, lo: float, hi: float, pixels: float) -> list[tuple[float, str]]:
        """(x, text) of the calendar boundaries to label between x = lo and hi on an axis `pixels` wide.

        The finest kind of boundary whose usual spacing leaves room for a label is the finest labelled
        (so the steps are even: every hour, or every Monday); a stronger boundary wins a clash. The first bar
        is no boundary of its own: with day numbers or times labelled, it gives way to a month's start in
        its label's room (a range from 30 June names July first, not June); the first label shown says the
        month and year.
        """
        n = len(self.starts)
        if not n or pixels <= 0 or hi <= lo:
            return []
        first = max(int(np.ceil(lo)), 0)
        last = min(int(np.floor(hi)), n - 1)
        moments, strengths = self._boundaries()
        gap = LABEL_PX * (hi - lo) / pixels  # bars one label needs
        finest = next((s for s, bars in self._spacings() if bars >= gap), YEAR)
        offset = 0.0 if self.daily else -0.5  # a date on its bar's centre; a clock time at its bar's start
        least = max(finest, 1)
        # Among day numbers or clock times a month's first day wins the first bar's place, else those would
        # read as the first bar's month; among months the range's start keeps it.
        start = YEAR if finest >= MONTH else MONTH

        def strength(k: int) -> int:
            return start if k == 0 else strengths[k]

        # A label too near the axis' start to be centred on its bar is drawn from the start (TradingTimeAxis):
        # it takes the room there, so it is placed there when making room for the others.
        def room_at(x: float) -> float:
            return max(x, lo + gap / 2)

        kept: list[tuple[float, int]] = []
        for k in sorted(range(first, last + 1), key=lambda k: (-strength(k), k == 0, k)):
            if strength(k) < least:
                break
            x = k + offset
            if all(abs(room_at(x) - room_at(other)) >= gap for other, _ in kept):
                kept.append((x, k))
        kept.sort()
        return [(x, self._text(moments[k], strengths[k], finest, j == 0)) for j, (x, k) in enumerate(kept)]

    def _spacings(self) -> list[tuple[int, float]]:
        """(strength, usual bars between two boundaries of it), finest first."""
        if self.daily:
            return [(DAY_MARK, 1.0), (WEEK, 5.0), (MONTH, 21.0), (QUARTER, 63.0), (YEAR, 252.0)]
        per_minute = 60.0 / self.width
        session = self._bars_per_session()
        marks = [(strength, step * per_minute) for strength, step in TIME_MARKS[::-1]]
        days = [(DAY_MARK, session), (WEEK, 5 * session), (MONTH, 21 * session), (QUARTER, 63 * session)]
        return [*marks, *days, (YEAR, 252 * session)]

    def _bars_per_session(self) -> float:
        strengths = self._boundaries()[1]
        sessions = sum(1 for s in strengths if s >= DAY_MARK)
        return len(strengths) / max(sessions, 1)

    def _text(self, moment: datetime, strength: int, finest: int, first: bool) -> str:
        if self.daily:
            if first:
                return moment.strftime("%b %Y")
            if strength >= YEAR:
                return str(moment.year)
            return moment.strftime("%b") if strength >= MONTH else moment.strftime("%-d")
        if strength < DAY_MARK:
            return moment.strftime("%H:%M")
        if first or strength >= YEAR:
            return moment.strftime("%b %-d %Y") if strength >= YEAR and not first else moment.strftime("%b %-d")
        # Days apart: the weekday names them; weeks or months apart: the date does.
        return moment.strftime("%a %-d") if finest <= DAY_MARK else moment.strftime("%b %-d")

    def follow(self, starts: FloatArray, width: float) -> TradingTimeScale:
        """The scale of `starts`, keeping what this one worked out when they only add bars at the end
        (the usual redraw: the newest bar grows or a new one opens)."""
        scale = TradingTimeScale(starts, width)
        n = len(self.starts)
        if (
            self._cache is not None
            and width == self.width
            and 0 < n <= len(starts)
            and starts[0] == self.starts[0]
            and starts[n - 1] == self.starts[n - 1]
        ):
            moments, strengths = self._cache
            scale._cache = (moments.copy(), strengths.copy())
        return scale

    def _boundaries(self) -> tuple[list[datetime], list[int]]:
        """Each bar's time in New York and the strength of its boundary with the bar before, worked out once
        (and only for the bars added since, after `follow`)."""
        if self._cache is None:
            self._cache = ([], [])
        moments, strengths = self._cache
        shift = self.width / 2 if self.daily else 0.0
        for t in self.starts[len(moments) :]:
            moment = to_new_york(float(t) + shift)
            strengths.append(self._strength(moments[-1] if moments else None, moment))
            moments.append(moment)
        return self._cache

    def _strength(self, before: datetime | None, now: datetime) -> int:
        """How strong the calendar boundary between two bars is (0: none)."""
        if before is None or now.year != before.year:
            return YEAR
        if now.month != before.month:
            return QUARTER if now.month % 3 == 1 else MONTH
        if now.date() != before.date():
            return WEEK if now.isocalendar()[1] != before.isocalendar()[1] else DAY_MARK
        if self.daily:
            return 0
        minutes = now.hour * 60 + now.minute
        return next((strength for strength, step in TIME_MARKS if minutes % step == 0), 0)


class TradingTimeAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph has no types
    """A bottom axis that labels a `TradingTimeScale` (not `scale`: AxisItem and QGraphicsItem use that name)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(orientation="bottom", **kwargs)
        self.trading = TradingTimeScale()
        self._texts: dict[float, str] = {}

    def set_scale(self, scale: TradingTimeScale) -> None:
        old, self.trading = self.trading, scale
        if _same_bars(old, scale):
            return  # the newest bar grew: the labels are the same (rebuilding them was half a live redraw)
        self.picture = None  # labels are cached: rebuild them
        self.update()

    def tickValues(self, lo: float, hi: float, size: float) -> list[tuple[float, list[float]]]:
        labels = self.trading.labels(lo, hi, size)
        self._texts = dict(labels)
        return [(1.0, [x for x, _ in labels])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self._texts.get(v, "") for v in values]

    def generateDrawSpecs(self, p: QPainter) -> Any:
        """pyqtgraph's, with the first label kept: centred on a bar near the axis' start it would stick out,
        and pyqtgraph leaves such a label out; the first one names the month and year ("13 · 20 · 27 · May"
        said nothing of April). It is drawn from the axis' start instead, when it clears the next one."""
        specs = super().generateDrawSpecs(p)
        if specs is None or not self._texts:
            return specs
        line, ticks, texts = specs
        value, text = min(self._texts.items())
        bounds = self.mapRectFromParent(self.geometry())
        low, high = self.range
        if high <= low or not low <= value <= high:
            return specs
        x = bounds.left() + (value - low) * bounds.width() / (high - low)
        size = p.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text)
        if x - size.width() / 2 >= bounds.left():
            return specs  # it fits, and pyqtgraph drew it
        top = bounds.top() + max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
        rect = QRectF(bounds.left(), top, size.width(), size.height())
        if any(rect.right() + LABEL_GAP_PX > other.left() for other, _flags, _text in texts):
            return specs
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip
        return line, ticks, [(rect, flags, text), *texts]


def _same_bars(a: TradingTimeScale, b: TradingTimeScale) -> bool:
    """Whether two scales lay out the same bars (same count, width, first and last start)."""
    n = len(a.starts)
    return (
        n == len(b.starts)
        and a.width == b.width
        and (n == 0 or (a.starts[0] == b.starts[0] and a.starts[n - 1] == b.starts[n - 1]))
    )
