"""A candlestick item: draws OHLC bars from arrays into one cached picture."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPicture

from desktop.core.prices import FloatArray


class CandlestickItem(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph has no types
    """Candles at times `t` (bar starts) of width `width` seconds; redrawn only when the data changes."""

    def __init__(self) -> None:
        super().__init__()
        self._picture = QPicture()
        self._bounds = QRectF()
        self.up = QColor("#0a7d32")
        self.down = QColor("#c62828")
        self.count = 0

    def set_colors(self, up: QColor, down: QColor) -> None:
        self.up, self.down = up, down

    def setData(self, t: FloatArray, o: FloatArray, h: FloatArray, lo: FloatArray, c: FloatArray, width: float) -> None:
        picture = QPicture()
        painter = QPainter(picture)
        half = width * 0.35
        up_pen, down_pen = pg.mkPen(self.up, width=1), pg.mkPen(self.down, width=1)
        up_brush, down_brush = pg.mkBrush(self.up), pg.mkBrush(self.down)
        centre = t + width / 2
        rising = c >= o
        for k in range(len(t)):
            x = float(centre[k])
            painter.setPen(up_pen if rising[k] else down_pen)
            painter.setBrush(up_brush if rising[k] else down_brush)
            painter.drawLine(QPointF(x, float(lo[k])), QPointF(x, float(h[k])))
            top, bottom = float(max(o[k], c[k])), float(min(o[k], c[k]))
            painter.drawRect(QRectF(x - half, bottom, 2 * half, max(top - bottom, 1e-9)))
        painter.end()
        self.prepareGeometryChange()
        self._picture = picture
        self.count = len(t)
        if len(t):
            self._bounds = QRectF(
                float(t[0]), float(np.min(lo)), float(t[-1] + width - t[0]), float(np.max(h) - np.min(lo))
            )
        else:
            self._bounds = QRectF()
        self.update()

    def paint(self, painter: QPainter, *_args: object) -> None:
        painter.drawPicture(0, 0, self._picture)

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)
