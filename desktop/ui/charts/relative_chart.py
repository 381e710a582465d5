"""Relative performance: several symbols' returns from a chosen start (default: the quarter's start)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.core.measures import quarter_start, relative_series
from desktop.core.quote_store import QuoteStore
from desktop.core.sessions import session_date
from desktop.core.symbol_lists import typed_symbol
from desktop.ui.charts.axes import PercentAxis
from desktop.ui.charts.chart_image import source_line
from desktop.ui.charts.doubled_line import DoubledPlotLine
from desktop.ui.charts.lazy_chart import LazyChart, style_axes
from desktop.ui.charts.summary import series_summary
from desktop.ui.charts.trading_time import DAY, TradingTimeAxis
from desktop.ui.theme import LIGHT, Colors

DEFAULT_SYMBOLS = ["IWM", "QQQ", "SPY"]


class RelativeChart(LazyChart):
    """One line per symbol, 0 % at the last close before the start date."""

    def __init__(self, store: QuoteStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.colors = LIGHT
        self.symbols: list[str] = list(DEFAULT_SYMBOLS)
        self.start: date | None = None  # None: the start of the newest quote's quarter
        self._dirty = True
        self.symbol_edit = QLineEdit(", ".join(self.symbols))
        self.symbol_edit.setAccessibleName("Symbols to compare")
        self.symbol_edit.setToolTip("Symbols to compare, separated by commas")
        self.symbol_edit.editingFinished.connect(self._symbols_edited)
        self.start_edit = QDateEdit()
        self.start_edit.setAccessibleName("Compare since")
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("yyyy-MM-dd")
        self.start_edit.setToolTip("Returns are measured from the last close before this date")
        self.start_edit.dateChanged.connect(self._start_edited)
        self.note = QLabel("")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Compare"))
        bar.addWidget(self.symbol_edit, 1)
        bar.addWidget(QLabel("since"))
        bar.addWidget(self.start_edit)
        bar.addWidget(self.note)
        self.axis = TradingTimeAxis()
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis, "left": PercentAxis(orientation="left")})
        self.plot.setAccessibleName("Relative performance chart")
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.getViewBox().setMouseEnabled(x=True, y=False)
        self.plot.getViewBox().setAutoVisible(y=True)
        self.legend = self.plot.addLegend(offset=(10, 10))
        self.zero = pg.InfiniteLine(angle=0, pos=0.0, movable=False)
        self.plot.addItem(self.zero, ignoreBounds=True)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._series: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # per symbol: close times, % return
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)

    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        self.plot.setBackground(colors.chart_background)
        style_axes(self.plot, colors)
        self.zero.setPen(pg.mkPen(colors.prev_close_line, style=Qt.PenStyle.DashLine))
        self.legend.setLabelTextColor(colors.chart_foreground)
        for _sample, label in self.legend.items:  # pyqtgraph notes the colour for the next text: set it again
            label.setText(label.text)
        for k, symbol in enumerate(self.symbols):
            if symbol in self.curves:
                self.curves[symbol].setPen(pg.mkPen(colors.series[k % len(colors.series)], width=2))

    def set_symbols(self, symbols: list[str]) -> None:
        self.symbols = [typed_symbol(s) for s in symbols if s.strip()]
        self.symbol_edit.setText(", ".join(self.symbols))
        for symbol in [s for s in self.curves if s not in self.symbols]:
            self.plot.removeItem(self.curves.pop(symbol))
        for k, symbol in enumerate(self.symbols):
            if symbol not in self.curves:
                pen = pg.mkPen(self.colors.series[k % len(self.colors.series)], width=2)
                self.curves[symbol] = DoubledPlotLine([], [], pen=pen, name=symbol)
                self.plot.addItem(self.curves[symbol])
        self.refresh(force=True)

    def set_start(self, start: date | None) -> None:
        self.start = start
        self.refresh(force=True)

    def _symbols_edited(self) -> None:
        self.set_symbols(self.symbol_edit.text().replace(" ", ",").split(","))

    def _start_edited(self, day: QDate) -> None:
        chosen = date(day.year(), day.month(), day.day())
        if chosen != self.effective_start():
            self.set_start(chosen)

    def effective_start(self) -> date | None:
        if self.start is not None:
            return self.start
        newest = self._store.newest_time()
        return quarter_start(session_date(newest)) if newest is not None else None

    def symbols_changed(self, symbols: set[str]) -> None:
        if symbols & set(self.symbols):
            self.refresh()

    def plot_views(self) -> list[pg.GraphicsView]:
        return [self.plot]

    def draw(self) -> None:
        if not self.curves and self.symbols:
            self.set_symbols(self.symbols)
            return
        start = self.effective_start()
        if start is None:
            return
        if self.start_edit.date().toPython() != start:
            self.start_edit.blockSignals(True)
            self.start_edit.setDate(QDate(start.year, start.month, start.day))
            self.start_edit.blockSignals(False)
        missing = []
        self._series = {}
        for symbol in self.curves:
            bars = self._store.session_bars(symbol)
            x, y = relative_series(bars, start) if bars is not None else (np.empty(0), np.empty(0))
            self._series[symbol] = (x, y)
            if not len(x):
                missing.append(symbol)
        # One trading-time axis over every session any of the symbols traded.
        sessions = np.unique(np.concatenate([x for x, _ in self._series.values()] or [np.empty(0)]))
        scale = self.axis.trading.follow(sessions - DAY / 2, DAY)
        self.axis.set_scale(scale)
        for symbol, curve in self.curves.items():
            x, y = self._series[symbol]
            curve.setData(scale.x_of(x), y)
        self.note.setText(f"no data before {start} for {', '.join(missing)}" if missing else "")

    def export_view(self) -> QWidget:
        view: QWidget = self.plot
        return view

    def export_title(self) -> tuple[str, str]:
        start = self.effective_start()
        since = f"since the close before {start.isoformat()}" if start else "(no data yet)"
        quotes = [self._store.latest(s) for s in self.symbols]
        return f"Return of {', '.join(self.symbols)} {since}", source_line(quotes)

    def summary(self) -> dict[str, Any]:
        start = self.effective_start()
        return {
            "symbols": list(self.symbols),
            "since": start.isoformat() if start else None,
            "series": {s: series_summary(*self.values(s), daily=True) for s in self.symbols},
        }

    def values(self, symbol: str) -> tuple[np.ndarray, np.ndarray]:
        """The drawn series of `symbol`: session close times (epoch seconds) and % returns."""
        return self._series.get(symbol, (np.empty(0), np.empty(0)))
