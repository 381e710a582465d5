"""Draws the watchlist's trend cells: a small line of today's prices (or recent closes), coloured by direction."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF
from PySide6.QtGui import QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.ui.theme import LIGHT, Colors
from desktop.ui.watchlist_model import SPARK_ROLE

MAX_POINTS = 80  # a cell is ~100 px wide: more points than pixels buys nothing


class SparklineDelegate(QStyledItemDelegate):
    """Paints only the visible rows; each cell thins its series to at most MAX_POINTS before drawing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors: Colors = LIGHT

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)  # background, selection
        data = index.data(SPARK_ROLE)
        if not data:
            return
        _times, prices = data
        values = np.asarray(prices, dtype=float)
        if len(values) < 2:
            return
        if len(values) > MAX_POINTS:
            picks = np.linspace(0, len(values) - 1, MAX_POINTS).astype(int)
            values = values[picks]
        low, high = float(values.min()), float(values.max())
        span = high - low or 1.0
        rect = option.rect.adjusted(4, 4, -4, -4)
        xs = np.linspace(rect.left(), rect.right(), len(values))
        ys = rect.bottom() - (values - low) / span * rect.height()
        polygon = QPolygonF([QPointF(float(x), float(y)) for x, y in zip(xs, ys, strict=True)])
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = self.colors.up if values[-1] >= values[0] else self.colors.down
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(option.palette.highlightedText().color() if selected else colour)
        pen.setWidthF(1.4)
        painter.setPen(pen)
        painter.drawPolyline(polygon)
        painter.restore()
