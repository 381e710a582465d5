"""Lines two pixels thick (the price line, the relative chart's returns, the spread), drawn where they can be
as a one-pixel line twice.

Qt's raster engine draws a one-pixel cosmetic pen on its fast path and strokes any wider pen as polygons.
For the chart's 2-pixel line that was most of a redraw: a day of 1 Hz ticks (1,800 points after
downsampling) took 1.1 ms of a 1.9 ms paint. A segment that runs near an axis, or spans a pixel or two,
covers the same pixels drawn with a 1-pixel pen half a device pixel up and left, then again half a device
pixel down and right (878 of a test line's 880: they differ where a segment ends). A long diagonal does
not: its two passes lie on top of each other one way and apart the other, a thin or hollow line. Those
few (a dense line of ticks is nearly all short or upright segments) are left to Qt's own 2-pixel stroke.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QPainter, QPen, QTransform

try:  # pyqtgraph's own array of line segments, as its curves use for drawLines (0.13 and 0.14)
    from pyqtgraph.Qt.internals import PrimitiveArray
except ImportError:  # another pyqtgraph: its curves draw themselves
    PrimitiveArray = None

# The two passes lie half a device pixel to either side: a 2-pixel cosmetic pen covers the device pixels
# whose centres lie within a pixel of the line, that is those a 1-pixel pen covers half a pixel to either
# side. (Whole-pixel offsets, 0 and 1, missed a third of the band wherever the line fell between pixels.)
# A cosmetic pen's width is in device pixels (two to a point on a high-density screen): so is the shift.
HALF_DEVICE_PIXEL = 0.5
# pyqtgraph's own curve methods this item calls (private: present in 0.13 and 0.14).
_CURVE_HELPERS = ("_getLineSegments", "_shouldUseDrawLineSegments")
# A segment is stroked by Qt when it is longer than this on its longer side, in pixels...
SHORT_PX = 2.0
# ...and its shorter side is more than this share of its longer (steeper than 14 degrees off an axis).
NEAR_AXIS = 0.25


def passes(device_pixel_ratio: float) -> tuple[QTransform, QTransform]:
    """The two passes' shifts, in the painter's device-independent pixels."""
    shift = HALF_DEVICE_PIXEL / device_pixel_ratio
    return QTransform.fromTranslate(-shift, -shift), QTransform.fromTranslate(shift, shift)


def diagonal(lines: np.ndarray, scale_x: float, scale_y: float) -> np.ndarray:
    """Which segments (rows of x1, y1, x2, y2 in the item's coordinates) run diagonally over more than
    SHORT_PX pixels, at the given pixels per unit."""
    wide = np.abs((lines[:, 2] - lines[:, 0]) * scale_x)
    tall = np.abs((lines[:, 3] - lines[:, 1]) * scale_y)
    longer, shorter = np.maximum(wide, tall), np.minimum(wide, tall)
    picked: np.ndarray = (longer > SHORT_PX) & (shorter > NEAR_AXIS * longer)
    return picked


def _segments(rows: np.ndarray) -> PrimitiveArray:
    segments = PrimitiveArray(QLineF, 4)
    segments.resize(len(rows))
    if len(rows):
        segments.ndarray()[:] = rows
    return segments


class DoubledLine(pg.PlotCurveItem):  # type: ignore[misc]  # pyqtgraph has no types
    """A curve whose 2-pixel solid pen is drawn as two 1-pixel passes, but for its long diagonal segments;
    any other pen, a fill, antialiasing, a rotated view or an export (whose options pyqtgraph sets on the
    item) is drawn by pyqtgraph as usual."""

    doubled_paints = 0  # paints that took the two passes (not pyqtgraph's own): for tests

    def paint(self, painter: QPainter, option: Any, widget: Any) -> None:
        pen: QPen = self.opts["pen"]
        placed = painter.transform()
        if not self._doubles(pen, placed) or self.xData is None or not len(self.xData):
            super().paint(painter, option, widget)
            return
        whole = self._getLineSegments()  # pyqtgraph's segments, made once per data change
        made = getattr(self, "_lineSegments", None)
        if not isinstance(made, PrimitiveArray):  # kept some other way by this pyqtgraph
            super().paint(painter, option, widget)
            return
        self.doubled_paints += 1
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        lines = made.ndarray()
        slanted = diagonal(lines, placed.m11(), placed.m22())
        if slanted.any():
            # (each array is kept in a name while Qt reads it: its drawargs point into its memory)
            stroked, upright = _segments(lines[slanted]), _segments(lines[~slanted])
            painter.setPen(pen)
            painter.drawLines(*stroked.drawargs())
            whole = upright.drawargs()
        thin = QPen(pen)
        thin.setWidthF(1.0)
        painter.setPen(thin)
        device = painter.device()
        for shift in passes(device.devicePixelRatioF() if device is not None else 1.0):
            painter.setTransform(placed * shift)
            painter.drawLines(*whole)
        painter.setTransform(placed)

    def _doubles(self, pen: QPen, placed: QTransform) -> bool:
        """Whether this paint may take the two passes: a cosmetic 2-pixel pen that pyqtgraph itself would
        draw as separate segments (solid, opaque, not antialiased), no fill, shadow or export, an unrotated
        view, and a pyqtgraph whose segment helpers this item knows."""
        if PrimitiveArray is None or not all(hasattr(self, name) for name in _CURVE_HELPERS):
            return False
        return bool(
            pen.isCosmetic()
            and pen.widthF() == 2.0
            and pen.style() == Qt.PenStyle.SolidLine  # ("on" mode would segment a dashed pen too)
            and self._shouldUseDrawLineSegments(pen)
            and self._exportOpts is False
            and self.opts["fillLevel"] is None
            and self.opts["shadowPen"] is None
            and self.opts["compositionMode"] is None
            and not self.opts["stepMode"]
            and placed.m12() == 0.0
            and placed.m21() == 0.0
        )


class DoubledPlotLine(pg.PlotDataItem):  # type: ignore[misc]
    """A plot data item (downsampling, clipping to the view) that draws its curve as a `DoubledLine`.

    pyqtgraph's data item makes its curve, a plain PlotCurveItem, in its constructor and has no way to be
    given another: the plain one is taken out and a DoubledLine put in its place, before any data is set.
    (Changing the made curve's `__class__` instead crashed the interpreter when the item was deleted.)"""

    curve: pg.PlotCurveItem

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__()
        plain = self.curve
        plain.sigClicked.disconnect(self.sigClicked)
        plain.setParentItem(None)
        doubled = DoubledLine()
        doubled.setParentItem(self)
        doubled.sigClicked.connect(self.sigClicked)
        self.curve = doubled
        self.setData(*args, **options)
