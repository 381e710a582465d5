"""The price chart of one symbol: a line over a date axis, updated in place with setData."""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.core import formatting as fmt
from desktop.core.alerts.engine import AlertFire
from desktop.core.quote_store import QuoteStore
from desktop.core.sessions import to_new_york
from desktop.ui.theme import LIGHT, Colors


class PriceChart(QWidget):
    """Plots the store's history of the selected symbol; items are created once and only fed new data."""

    def __init__(self, store: QuoteStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.symbol: str | None = None
        self._shown_points = -1
        self.title = QLabel("Select a symbol")
        self.title.setObjectName("chartTitle")
        # Times read in exchange (New York) time, whatever the machine's zone: 09:30 is the open.
        self.axis = pg.DateAxisItem(orientation="bottom", utcOffset=_new_york_axis_offset(time.time()))
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis})
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.getPlotItem().getViewBox().setMouseEnabled(x=True, y=False)
        self.line = self.plot.plot([], [], name="price")
        self.prev_close = pg.InfiniteLine(angle=0, movable=False)
        self.prev_close.setVisible(False)
        self.plot.addItem(self.prev_close, ignoreBounds=True)
        self.markers = pg.ScatterPlotItem(size=12, symbol="t1", hoverable=True, tip=self._marker_tip)
        self.markers.setZValue(10)
        self.plot.addItem(self.markers)
        self._fires: list[AlertFire] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        self.set_colors(LIGHT)

    def set_colors(self, colors: Colors) -> None:
        self.plot.setBackground(colors.chart_background)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(colors.chart_foreground)
            axis.setTextPen(colors.chart_foreground)
        self.line.setPen(pg.mkPen(colors.chart_line, width=2))
        self.markers.setBrush(pg.mkBrush(colors.marker))
        self.markers.setPen(pg.mkPen(colors.chart_foreground, width=1))
        self.prev_close.setPen(pg.mkPen(colors.prev_close_line, width=1, style=pg.QtCore.Qt.PenStyle.DashLine))

    def show_symbol(self, symbol: str | None) -> None:
        self.symbol = symbol
        self._shown_points = -1
        self.refresh()
        self._draw_markers()
        self.plot.enableAutoRange()

    MAX_MARKERS = 2000

    def set_fires(self, fires: list[AlertFire]) -> None:
        """Alert fires to mark (live ones from the log, or a backtest's): each where its rule's leg traded."""
        self._fires = fires[-self.MAX_MARKERS :]
        self._draw_markers()

    def add_fires(self, fires: list[AlertFire]) -> None:
        self.set_fires(self._fires + fires)

    def _draw_markers(self) -> None:
        symbol = self.symbol
        spots = [
            {"pos": (f.time, price), "data": f"{f.title}\nvalue {f.value:,.4g} (level {f.level:g})"}
            for f in self._fires
            for s, price in f.inputs
            if s == symbol
        ]
        self.markers.setData(spots=spots)

    @staticmethod
    def _marker_tip(x: float, y: float, data: object) -> str:
        return str(data)

    def marker_count(self) -> int:
        return len(self.markers.data)

    def symbols_changed(self, symbols: set[str]) -> None:
        """After a flush: redraw only when the shown symbol moved."""
        if self.symbol in symbols:
            self.refresh()

    def refresh(self) -> None:
        history = self._store.history(self.symbol) if self.symbol else None
        if history is None or len(history) == 0:
            self.line.setData(np.empty(0), np.empty(0))
            self.prev_close.setVisible(False)
            self.title.setText(f"{self.symbol} · no quotes yet" if self.symbol else "Select a symbol")
            return
        self.line.setData(history.times, history.prices)
        self.axis.utcOffset = _new_york_axis_offset(float(history.times[-1]))
        self._shown_points = len(history)
        quote = self._store.latest(self.symbol or "")
        if quote is not None:
            change = f"{fmt.format_change(quote.change, quote.price)} ({fmt.format_pct(quote.change_pct)})"
            self.title.setText(
                f"<b>{quote.symbol}</b>  {fmt.format_price(quote.price)}  {change}  ·  {fmt.iso_time(quote)}"
            )
            if quote.prev_close is not None and not quote.daily:
                self.prev_close.setValue(quote.prev_close)
                self.prev_close.setVisible(True)
            else:
                self.prev_close.setVisible(False)


def _new_york_axis_offset(ts: float) -> int:
    """pyqtgraph's utcOffset for New York at `ts` (seconds west of UTC: +14400 in summer, +18000 in winter)."""
    offset = to_new_york(ts).utcoffset()
    return -int(offset.total_seconds()) if offset is not None else 0
