"""What every chart widget shares: redraw only while visible, catch up when shown; themed axes."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGraphicsItem, QWidget

from desktop.ui.theme import Colors


def style_axes(plot: pg.PlotItem | pg.PlotWidget, colors: Colors) -> None:
    for name in ("left", "bottom", "right"):
        axis = plot.getAxis(name)
        axis.setPen(colors.chart_foreground)
        axis.setTextPen(colors.chart_foreground)
        # Axis labels are the costliest part of a repaint: keep them as a pixmap until they change.
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def settle(view: pg.GraphicsView) -> None:
    """Apply a pending auto-range before the paint. Left to the paint, pyqtgraph moves the view's range
    while painting, which asks for a second full paint right after the first: two redraws per update."""
    scene = view.scene()
    if isinstance(scene, pg.GraphicsScene):
        scene.prepareForPaint()


class LazyChart(QWidget):
    """A chart that redraws only while it can be seen: hidden, it notes that it is out of date and
    redraws when shown. Subclasses implement `draw()`."""

    _dirty = True

    def refresh(self, force: bool = False) -> None:
        if not self.isVisible() and not force:
            self._dirty = True
            return
        self._dirty = False
        self.draw()
        for view in self.plot_views():
            settle(view)

    def draw(self) -> None:
        raise NotImplementedError

    def plot_views(self) -> list[pg.GraphicsView]:
        """The chart's pyqtgraph views (settled after each draw)."""
        return []

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh(force=True)
