"""The price line: two pixels thick, drawn as a one-pixel line twice.

Qt's raster engine draws a one-pixel cosmetic pen on its fast path and strokes any wider pen as polygons.
For the chart's 2-pixel line that was most of a redraw: a day of 1 Hz ticks (1,800 points after
downsampling) took 1.1 ms of a 1.9 ms paint. The same segments drawn with a 1-pixel pen half a pixel up
and left, then again half a pixel down and right, cover the same pixels (878 of a test line's 880: they
differ where a segment ends) for 0.2 ms.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPen, QTransform

# The two passes, in device-independent pixels: a 2-pixel pen covers the pixels whose centres lie within
# a pixel of the line, that is those a 1-pixel pen covers half a pixel to either side; up and left, down
# and right, so a flat run gets both rows and a steep one both columns. (Whole-pixel offsets, 0 and 1,
# missed a third of the band wherever the line fell between pixels.)
PASSES = (QTransform.fromTranslate(-0.5, -0.5), QTransform.fromTranslate(0.5, 0.5))


def doubles(pen: QPen) -> bool:
    """Whether `pen` is a line this item draws as two thin passes: cosmetic, 2 pixels wide, solid and
    opaque (where the passes overlap, a translucent pen would show it)."""
    return (
        pen.isCosmetic()
        and pen.widthF() == 2.0
        and pen.style() == Qt.PenStyle.SolidLine
        and pen.isSolid()
        and pen.color().alphaF() == 1.0
    )


class DoubledLine(pg.PlotCurveItem):  # type: ignore[misc]  # pyqtgraph has no types
    """A curve whose 2-pixel solid pen is drawn as two 1-pixel passes; any other pen, a fill, antialiasing
    or an export (whose options pyqtgraph sets on the item) is drawn by pyqtgraph as usual."""

    def paint(self, painter: QPainter, option: Any, widget: Any) -> None:
        pen: QPen = self.opts["pen"]
        plain = (
            self._exportOpts is False
            and not self.opts["antialias"]
            and self.opts["fillLevel"] is None
            and self.opts["shadowPen"] is None
            and self.opts["compositionMode"] is None
            and not self.opts["stepMode"]
            and self.opts["segmentedLineMode"] != "off"
        )
        if not plain or not doubles(pen) or self.xData is None or not len(self.xData):
            super().paint(painter, option, widget)
            return
        thin = QPen(pen)
        thin.setWidthF(1.0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(thin)
        segments = self._getLineSegments()
        placed = painter.transform()
        for shift in PASSES:
            painter.setTransform(placed * shift)
            painter.drawLines(*segments)
        painter.setTransform(placed)


class PriceLine(pg.PlotDataItem):  # type: ignore[misc]
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
