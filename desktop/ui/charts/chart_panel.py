"""The chart area: the rotation grid over tabs for the price, relative-performance and spread charts, the
relative rotation graph and the rotation board."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop.core.alerts.engine import AlertEngine
from desktop.core.quote_store import QuoteStore
from desktop.ui.alerts_controller import AlertsController
from desktop.ui.charts.chart_image import chart_image, image_bytes
from desktop.ui.charts.price_chart import RANGES, PriceChart
from desktop.ui.charts.price_scale import ScaleMode
from desktop.ui.charts.relative_chart import RelativeChart
from desktop.ui.charts.rotation_board import RotationBoard
from desktop.ui.charts.rotation_graph import RotationGraph
from desktop.ui.charts.rotation_panel import RotationPanel
from desktop.ui.charts.spread_chart import SpreadChart
from desktop.ui.coalescer import Coalescer
from desktop.ui.theme import Colors

# Charts redraw at most this often: a person cannot read a chart faster, and each redraw costs paint time.
REDRAW_MS = 500


class ChartPanel(QWidget):
    """Only the visible tab redraws on new quotes, at most every REDRAW_MS; the others catch up when shown."""

    def __init__(
        self, store: QuoteStore, engine: AlertEngine, alerts: AlertsController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.rotation = RotationPanel(engine)
        self.price = PriceChart(store, alerts)
        self.relative = RelativeChart(store)
        self.spread = SpreadChart(store, alerts)
        self.rrg = RotationGraph(store)
        self.board = RotationBoard(engine)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.price, "Price")
        self.tabs.addTab(self.relative, "Relative")
        self.tabs.addTab(self.spread, "Spread")
        self.tabs.addTab(self.rrg, "Rotation")
        self.tabs.addTab(self.board, "Board")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.rotation)
        layout.addWidget(self.tabs, 1)
        self._redraw: Coalescer[str] = Coalescer(REDRAW_MS, self._redraw_now, self)

    def symbols_changed(self, symbols: set[str]) -> None:
        """Called once per flush: note what moved; the charts hear about it on the next redraw. The price
        chart's header follows at once, so it always agrees with the table."""
        if self.price.symbol in symbols:
            self.price.update_title()
        self._redraw.add(symbols)

    def _redraw_now(self, symbols: set[str]) -> None:
        self.price.symbols_changed(symbols)
        self.relative.symbols_changed(symbols)
        self.spread.symbols_changed(symbols)
        self.rrg.symbols_changed(symbols)
        self.board.symbols_changed(symbols)
        self.rotation.symbols_changed(symbols)

    def set_colors(self, colors: Colors) -> None:
        for chart in (self.price, self.relative, self.spread, self.rotation, self.rrg, self.board):
            chart.set_colors(colors)

    def set_watchlist(self, symbols: list[str]) -> None:
        """The rotation graph and the board show the watchlist on view."""
        self.rrg.set_symbols(symbols)
        self.board.set_symbols(symbols)

    def refresh_all(self) -> None:
        self.price.refresh(reset_view=True)
        self.relative.refresh()
        self.spread.refresh()
        self.rrg.refresh()
        self.board.refresh()
        self.rotation.refresh()

    def view_choices(self) -> tuple[str, str, bool, str]:
        """(tab, price range, candles, price scale): what a restart should show again."""
        tab = self.tabs.tabText(self.tabs.currentIndex())
        return tab, self.price.range, self.price.candles_on, self.price.mapping.mode.value

    def restore_view(self, tab: str, price_range: str, candles: bool, scale: str) -> None:
        """Show what `view_choices` saved; a value this version does not know keeps the default."""
        names = [self.tabs.tabText(k) for k in range(self.tabs.count())]
        if tab in names:
            self.tabs.setCurrentIndex(names.index(tab))
        if price_range in RANGES:
            self.price.set_range(price_range)
        self.price.set_candles(bool(candles))
        if scale in {m.value for m in ScaleMode}:
            self.price.set_scale_mode(ScaleMode(scale))

    def summary(self) -> dict[str, Any]:
        """The shown tab and what it draws (for the window's state dump)."""
        shown = self.tabs.currentWidget()
        assert isinstance(shown, PriceChart | RelativeChart | SpreadChart | RotationGraph | RotationBoard)
        return {"tab": self.tabs.tabText(self.tabs.currentIndex())} | shown.summary()

    def export_name(self) -> str:
        """A file name stem for the shown chart: 'SPY-5D', 'relative', 'IWM-QQQ-qtd'."""
        shown = self.tabs.currentWidget()
        if shown is self.price:
            return f"{self.price.symbol or 'chart'}-{self.price.range}"
        if shown is self.spread:
            return f"{self.spread.a}-{self.spread.b}-{self.spread.measure_window.text}"
        if shown is self.rrg or shown is self.board:
            return f"rotation-{self.rrg.benchmark}"
        return "relative"

    def export_image(self, path: Path) -> bytes:
        """The shown chart alone (its plot under a title band), encoded as `path`'s suffix says; the caller
        writes it (off the GUI thread). Raises ImageFormatError."""
        shown = self.tabs.currentWidget()
        if shown is self.board:
            shown = self.rrg  # the board is a table: its picture is the graph
        assert isinstance(shown, PriceChart | RelativeChart | SpreadChart | RotationGraph)
        return image_bytes(chart_image(shown), path)
