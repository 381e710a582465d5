"""The price chart of one symbol: line or candlesticks over a volume pane, ranges, crosshair, alert markers.

Plot items are created once; updates only feed them new arrays (`setData`). A hidden chart remembers that
it is out of date and redraws when shown.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import formatting as fmt
from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import AlertRule, AlertType, Condition, new_rule_id
from desktop.core.bars import BarSeries
from desktop.core.measures import session_times
from desktop.core.prices import FloatArray
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.core.sessions import NEW_YORK, session_date, to_new_york
from desktop.ui.alerts_controller import AlertsController
from desktop.ui.charts.alert_levels import AlertLevels
from desktop.ui.charts.axes import VolumeAxis
from desktop.ui.charts.candles import CandlestickItem
from desktop.ui.charts.chart_image import source_line
from desktop.ui.charts.doubled_line import DoubledPlotLine
from desktop.ui.charts.lazy_chart import settle, style_axes
from desktop.ui.charts.price_scale import PriceAxis, PriceMapping, ScaleMode
from desktop.ui.charts.summary import series_summary
from desktop.ui.charts.trading_time import TradingTimeAxis, TradingTimeScale
from desktop.ui.charts.volume_steps import VolumeSteps
from desktop.ui.steady_label import SteadyLabel
from desktop.ui.theme import LIGHT, Colors

RANGES = ["1D", "5D", "1M", "3M", "YTD", "1Y", "All"]
# Candle width for the intraday ranges; longer ranges draw one candle per session.
INTRADAY_BUCKET = {"1D": 5 * 60, "5D": 30 * 60}
DAY_SECONDS = 86_400.0
CANDLES_TIP = "Candlesticks: each bar's open, high, low and close"
NO_RANGES_TIP = "This data has a close per bar and no high or low: drawn as a line"
VOLUME_TICK_LENGTH = -5  # pyqtgraph's own (ticks drawn inward); 0 hides them on a pane with no volume
# Ticks drawn per pixel of the plot's width. pyqtgraph's "peak" downsampling keeps each group's low and high,
# so one group per pixel draws the same column of ink as every tick; its default of five groups per pixel
# drew ten points per pixel, and a day of 1 Hz ticks (21,600 points at 15:00) cost 4 ms of line drawing
# per update.
SAMPLES_PER_PIXEL = 1.0


def _midnight(day: date) -> float:
    return datetime.combine(day, datetime.min.time(), NEW_YORK).timestamp()


def regroup(bars: BarSeries, bucket: int, since: float) -> dict[str, FloatArray]:
    """Minute bars from `since` merged into `bucket`-second bars (first open, max high, min low, last close)."""
    a = bars.arrays()
    keep = a["t"] >= since
    t = a["t"][keep]
    if not len(t):
        return {k: np.empty(0) for k in a}
    keys = t - t % bucket
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(t)] - 1
    return {
        "t": keys[starts],
        "o": a["o"][keep][starts],
        "h": np.maximum.reduceat(a["h"][keep], starts),
        "l": np.minimum.reduceat(a["l"][keep], starts),
        "c": a["c"][keep][ends],
        "v": np.add.reduceat(a["v"][keep], starts),
    }


class PriceChart(QWidget):
    """Plots the selected symbol from the store: its ticks as a line, or OHLC candles, with volume below."""

    def __init__(
        self, store: QuoteStore, alerts: AlertsController | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self.mapping = PriceMapping()
        self.symbol: str | None = None
        self.range = "All"
        self.candles_on = False  # what the user chose
        self.draws_candles = False  # what is drawn: a line for bars with no high-low range, whatever the choice
        self._dirty = False
        self._fires: list[AlertFire] = []
        self._bars: dict[str, FloatArray] = {}
        self._shown: tuple[FloatArray, FloatArray] = (np.empty(0), np.empty(0))  # drawn times (epoch s), prices
        self.colors = LIGHT

        # The header changes with every flush: a label whose size does not follow its text, so a new price
        # repaints one line instead of laying out the chart (and the window) again.
        self.title = SteadyLabel("Select a symbol")
        self.title.setObjectName("chartTitle")
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.readout = QLabel("")
        self.readout.setObjectName("chartReadout")
        self.range_buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        for name in RANGES:
            button = QPushButton(name)
            button.setCheckable(True)
            button.setFlat(True)
            button.setFixedWidth(42)
            button.clicked.connect(lambda _c=False, r=name: self.set_range(r))
            group.addButton(button)
            top.addWidget(button)
            self.range_buttons[name] = button
        self.range_buttons[self.range].setChecked(True)
        self.candle_button = QPushButton("Candles")
        self.candle_button.setCheckable(True)
        self.candle_button.setFlat(True)
        self.candle_button.toggled.connect(self.set_candles)
        top.addWidget(self.candle_button)
        self.scale_box = QComboBox()
        self.scale_box.setAccessibleName("Price scale")
        for mode, label in ((ScaleMode.LINEAR, "Linear"), (ScaleMode.LOG, "Log"), (ScaleMode.PERCENT, "Percent")):
            self.scale_box.addItem(label, mode)
        self.scale_box.setToolTip("Price scale: linear, logarithmic, or percent from the first point shown")
        self.scale_box.currentIndexChanged.connect(lambda _i: self.set_scale_mode(self.scale_box.currentData()))
        top.addWidget(self.scale_box)

        # Trading time, read in exchange (New York) time whatever the machine's zone: sessions side by side.
        self.scale = TradingTimeScale()
        self.axis = TradingTimeAxis()
        self.volume_axis = TradingTimeAxis()
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setAccessibleName("Price chart")
        # Prices read on the right, as on a trading terminal: beside the newest bar and its price tag.
        self.price_axis = PriceAxis(orientation="right")
        self.price_plot = self.canvas.addPlot(row=0, col=0, axisItems={"bottom": self.axis, "right": self.price_axis})
        self.volume_plot = self.canvas.addPlot(
            row=1, col=0, axisItems={"bottom": self.volume_axis, "right": VolumeAxis(orientation="right")}
        )
        self.canvas.ci.layout.setRowStretchFactor(0, 4)
        self.canvas.ci.layout.setRowStretchFactor(1, 1)
        self.volume_plot.setXLink(self.price_plot)
        self.price_plot.hideAxis("bottom")  # the volume pane below carries the shared time axis
        for plot in (self.price_plot, self.volume_plot):
            plot.setMenuEnabled(False)
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.getViewBox().setMouseEnabled(x=True, y=False)
            plot.getViewBox().setAutoVisible(y=True)
            plot.hideButtons()
        self.volume_plot.setMaximumHeight(110)
        for plot in (self.price_plot, self.volume_plot):
            plot.hideAxis("left")
            plot.showAxis("right")
            plot.getAxis("right").setWidth(70)
        self.price_plot.setClipToView(True)
        self.price_plot.setDownsampling(auto=True, mode="peak")
        self.line = DoubledPlotLine([], [], name="price", autoDownsampleFactor=SAMPLES_PER_PIXEL)
        self.price_plot.addItem(self.line)
        self.candles = CandlestickItem()
        self.price_plot.addItem(self.candles)
        self.volume = VolumeSteps()
        self.volume_plot.addItem(self.volume)
        self.has_volume = True  # the shown bars have some volume (else the pane's scale is hidden)
        self.prev_close = pg.InfiniteLine(angle=0, movable=False)
        self.prev_close.setVisible(False)
        self.price_plot.addItem(self.prev_close, ignoreBounds=True)
        self.last_tag = pg.InfiniteLine(
            angle=0, movable=False, label="", labelOpts={"position": 1.0, "anchors": [(1, 0.5), (1, 0.5)]}
        )
        self.last_tag.setVisible(False)
        self.price_plot.addItem(self.last_tag, ignoreBounds=True)
        self.levels = AlertLevels(
            self.price_plot, alerts, matches=self._matches, new_rule=self._new_rule, describe=self._price_text,
            snap=self._snap_price, what="price", parent=self,
        )  # fmt: skip
        self.markers = pg.ScatterPlotItem(size=12, symbol="t1", hoverable=True, tip=self._marker_tip)
        self.markers.setZValue(10)
        self.price_plot.addItem(self.markers)
        self.cross_v = pg.InfiniteLine(angle=90, movable=False)
        self.cross_h = pg.InfiniteLine(angle=0, movable=False)
        for line in (self.cross_v, self.cross_h):
            line.setVisible(False)
            self.price_plot.addItem(line, ignoreBounds=True)
        self._mouse = pg.SignalProxy(self.canvas.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)

        # With fewer than two points there is nothing to draw: a sentence instead of nonsense axes.
        self.empty_note = QLabel("No data for this range")
        self.empty_note.setObjectName("chartEmpty")
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(self.empty_note)
        self.empty_reason: str | None = "no symbol"  # why nothing is drawn; None while the canvas shows

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.readout)
        self.set_colors(LIGHT)

    # -- appearance -----------------------------------------------------------------------------

    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        self.readout.setText("")
        self.canvas.setBackground(colors.chart_background)
        for plot in (self.price_plot, self.volume_plot):
            style_axes(plot, colors)
        self.line.setPen(pg.mkPen(colors.chart_line, width=2))
        self.candles.set_colors(colors.up, colors.down)
        self.volume.setBrush(pg.mkBrush(colors.prev_close_line))
        self.volume.setPen(pg.mkPen(None))
        self.prev_close.setPen(pg.mkPen(colors.prev_close_line, width=1, style=Qt.PenStyle.DashLine))
        cross = pg.mkPen(colors.chart_foreground, width=1, style=Qt.PenStyle.DotLine)
        self.cross_v.setPen(cross)
        self.cross_h.setPen(cross)
        self.markers.setBrush(pg.mkBrush(colors.marker))
        self.markers.setPen(pg.mkPen(colors.chart_foreground, width=1))
        self.last_tag.setPen(pg.mkPen(colors.chart_line, width=1, style=Qt.PenStyle.DotLine))
        self.last_tag.label.fill = pg.mkBrush(colors.chart_line)
        self.last_tag.label.setColor(colors.chart_background)
        self.levels.colors = colors
        self.levels.sync()
        self._dirty = True
        self.refresh()

    # -- what is shown --------------------------------------------------------------------------

    def show_symbol(self, symbol: str | None) -> None:
        self.symbol = symbol
        self.canvas.setAccessibleName(f"Price chart of {symbol}" if symbol else "Price chart")
        self.readout.setText("")  # the crosshair's figures were the previous symbol's
        self.levels.sync()
        self.refresh(reset_view=True)

    def set_scale_mode(self, mode: ScaleMode) -> None:
        self.mapping = PriceMapping(mode, self.mapping.base)
        self.scale_box.setCurrentIndex(self.scale_box.findData(mode))
        self.refresh(reset_view=True)

    # -- price alerts ---------------------------------------------------------------------------

    def _matches(self, rule: AlertRule) -> bool:
        return rule.type is AlertType.PRICE and rule.symbol == self.symbol

    def _price_hint(self) -> int | None:
        """The shown symbol's own decimals (a currency pair's four), as its row in the table shows them."""
        quote = self._store.latest(self.symbol) if self.symbol else None
        return quote.decimals if quote is not None else None

    def _price_text(self, price: float) -> str:
        return fmt.format_price(price, self._price_hint())

    def _snap_price(self, price: float) -> float:
        return round(price, fmt.price_decimals(price, self._price_hint()))

    def _new_rule(self, condition: Condition, level: float) -> AlertRule | None:
        if not self.symbol:
            return None
        name = f"{self.symbol} {'below' if condition is Condition.CROSSES_BELOW else 'above'} {self._price_text(level)}"
        return AlertRule(new_rule_id(), AlertType.PRICE, condition, level, symbol=self.symbol, name=name)

    def add_rule_at(self, price: float | None) -> AlertRule | None:
        """A new price alert on the shown symbol at `price`, crossing away from the last price."""
        quote = self._store.latest(self.symbol) if self.symbol else None
        self.levels.current = quote.price if quote is not None else None
        return self.levels.add_at(price)

    def set_range(self, name: str) -> None:
        self.range = name
        self.readout.setText("")
        self.range_buttons[name].setChecked(True)
        self.refresh(reset_view=True)

    def set_candles(self, on: bool) -> None:
        self.candles_on = on
        self.candle_button.setChecked(on)
        self.refresh()

    def symbols_changed(self, symbols: set[str]) -> None:
        """After a flush: redraw only when the shown symbol moved, and only while visible."""
        if self.symbol in symbols:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh(reset_view=True)

    # -- data -----------------------------------------------------------------------------------

    def range_start(self, last: float) -> float | None:
        """Where the chosen range begins, ending at the newest quote `last`."""
        day = session_date(last)
        if self.range == "1D":
            return _midnight(day)
        if self.range == "5D":
            bars = self._store.session_bars(self.symbol or "")
            ordinals = bars.column("t") if bars is not None else np.empty(0)
            first = date.fromordinal(int(ordinals[-5])) if len(ordinals) >= 5 else day - timedelta(days=7)
            return _midnight(first)
        if self.range == "YTD":
            return _midnight(date(day.year, 1, 1))
        days = {"1M": 31, "3M": 92, "1Y": 366}.get(self.range)
        return None if days is None else last - days * DAY_SECONDS

    def _series(self, since: float | None) -> tuple[FloatArray, FloatArray, dict[str, FloatArray], float]:
        """(line x, line y, bars, bar width) for the range starting at `since`."""
        symbol = self.symbol or ""
        history = self._store.history(symbol)
        minutes = self._store.minute_bars(symbol)
        sessions = self._store.session_bars(symbol)
        start = since if since is not None else -np.inf
        bucket = INTRADAY_BUCKET.get(self.range)
        if not bucket and minutes is not None and sessions is not None:
            # A long range over a few sessions of intraday data (a live day, a short recording) shows the
            # intraday picture: one point per session would leave the chart empty.
            in_range = int(np.count_nonzero(session_times(sessions.column("t")) >= start))
            if in_range <= 5:
                bucket = INTRADAY_BUCKET["5D"]
        if bucket and minutes is not None and len(minutes) and minutes.column("t")[-1] >= start:
            bars = regroup(minutes, bucket, start)
            width = float(bucket)
        elif sessions is not None and len(sessions):
            a = sessions.arrays()
            times = session_times(a["t"]) - DAY_SECONDS / 2  # a session's candle centred on its close
            keep = times + DAY_SECONDS / 2 >= start
            bars = {k: v[keep] for k, v in a.items()}
            bars["t"] = times[keep]
            width = DAY_SECONDS
        else:
            bars, width = {k: np.empty(0) for k in "tohlcv"}, 1.0
        if history is None:
            return np.empty(0), np.empty(0), bars, width
        if bucket or minutes is None:
            keep_ticks = history.times >= start
            return history.times[keep_ticks], history.prices[keep_ticks], bars, width
        # Long ranges draw the session closes (what a daily chart shows), then today's ticks.
        x = bars["t"] + width / 2
        return x, bars["c"], bars, width

    def refresh(self, reset_view: bool = False) -> None:
        if not self.isVisible():
            self._dirty = True
            return
        self._dirty = False
        symbol = self.symbol
        quote = self._store.latest(symbol) if symbol else None
        if quote is None:
            self.line.setData(np.empty(0), np.empty(0))
            self.candles.setData(*(np.empty(0),) * 5, 1.0)
            self.volume.setData([0.0, 1.0], [0.0])
            self.prev_close.setVisible(False)
            self.last_tag.setVisible(False)
            self.title.setText(f"{symbol} · no quotes yet" if symbol else "Select a symbol")
            self._bars = {}
            self._shown = (np.empty(0), np.empty(0))
            self._show_empty(f"No quotes for {symbol} yet" if symbol else "Select a symbol in the watchlist")
            self._draw_markers()
            return
        since = self.range_start(quote.time)
        x, y, bars, width = self._series(since)
        if max(len(x), len(bars["t"])) < 2:
            unit = "daily bars" if quote.daily else "data"
            self._show_empty(
                f"{quote.symbol} has {unit} with fewer than two points in {self.range}",
                heading="No data for this range",
            )
        else:
            self.empty_reason = None
            self.stack.setCurrentWidget(self.canvas)
        self._bars = bars | {"width": np.array([width])}
        self._shown = (x, y)
        self.scale = scale = self.scale.follow(bars["t"], width)
        self.axis.set_scale(scale)
        self.volume_axis.set_scale(scale)
        first = float(y[0]) if len(y) else float(bars["c"][0]) if len(bars["c"]) else 1.0
        self.mapping = mapping = PriceMapping(self.mapping.mode, first)  # percent: 0 % at the first point
        self.price_axis.set_mapping(mapping)
        self.levels.set_mapping(mapping.value_to_y, mapping.from_y)
        to_y = mapping.to_y
        lefts = np.arange(len(bars["t"]), dtype=np.float64) - 0.5  # bar k spans k - 0.5 .. k + 0.5
        # Bars with no range at all (a file of closes, a fund's NAV) would be dots as candles: a line instead.
        ranged = bool(len(bars["h"])) and not np.array_equal(bars["h"], bars["l"])
        self.draws_candles = candles = self.candles_on and ranged
        self.candle_button.setToolTip(CANDLES_TIP if ranged or not len(bars["h"]) else NO_RANGES_TIP)
        self.line.setVisible(not candles)
        self.candles.setVisible(candles)
        if candles:  # a hidden item is not redrawn: its picture is only rebuilt when shown
            self.candles.setData(lefts, to_y(bars["o"]), to_y(bars["h"]), to_y(bars["l"]), to_y(bars["c"]), 1.0)
        else:
            self.line.setData(scale.x_of(x), to_y(y))
        self.set_volume(lefts, bars["v"], 1.0)
        self.update_title(quote)
        show_prev = self.range == "1D" and quote.prev_close is not None and not quote.daily
        self.prev_close.setVisible(show_prev)
        if show_prev and quote.prev_close is not None:
            self.prev_close.setValue(mapping.value_to_y(quote.prev_close))
        self.last_tag.setVisible(True)
        self._tag_last_price(mapping.value_to_y(quote.price), f" {fmt.quote_price(quote)} ")
        self._limit_view(len(bars["t"]), reset_view)
        self._draw_markers()
        settle(self.canvas)

    def _tag_last_price(self, y: float, text: str) -> None:
        """Move the last-price tag and give it `text`, laying its text out once (a moved line's label
        re-sets its own text from its format string, and each text set lays out a text document)."""
        label = self.last_tag.label
        label.format = text.replace("{", "{{").replace("}", "}}")
        self.last_tag.setValue(y)
        if label.toPlainText() != text:
            label.setText(text)

    def update_title(self, quote: Quote | None = None) -> None:
        """The header from the symbol's latest quote: cheap, so it follows every flush like the table."""
        quote = quote or (self._store.latest(self.symbol) if self.symbol else None)
        if quote is None:
            return
        change = f"{fmt.quote_change(quote)} ({fmt.format_pct(quote.change_pct)})"
        closing = fmt.at_close(quote)
        session = f"{quote.session.value.capitalize()}: " if closing else ""
        text = (
            f"{quote.symbol}  {session}{fmt.quote_price(quote)}  {change}"
            f"{'  ·  ' + closing if closing else ''}  ·  {fmt.readable_time(quote)}"
        )
        if text != self.title.text():
            self.title.setText(text)

    def export_view(self) -> QWidget:
        """The plot alone for an export (the crosshair follows the mouse, not the data: hidden)."""
        self.cross_v.setVisible(False)
        self.cross_h.setVisible(False)
        shown = self.stack.currentWidget()
        assert shown is not None
        return shown

    def export_title(self) -> tuple[str, str]:
        quote = self._store.latest(self.symbol) if self.symbol else None
        style = "candles" if self.draws_candles else "line"
        headline = f"{self.symbol or 'No symbol'} · {self.range} · {style}"
        if quote is not None:
            headline += f" · {fmt.quote_price(quote)} {fmt.quote_change(quote)} ({fmt.format_pct(quote.change_pct)})"
        return headline, source_line([quote])

    @property
    def shown(self) -> tuple[FloatArray, FloatArray]:
        """The drawn series in clock time: (epoch seconds, prices); the line's own x is trading time."""
        return self._shown

    def summary(self) -> dict[str, Any]:
        """What is drawn, in plain figures (the window's state dump)."""
        width = self._bars.get("width")
        daily = width is not None and float(width[0]) >= DAY_SECONDS
        return {
            "symbol": self.symbol,
            "range": self.range,
            "style": "candles" if self.draws_candles else "line",
            "title": self.title.text(),
            "empty": self.empty_reason,
        } | series_summary(*self._shown, daily)

    @property
    def has_data(self) -> bool:
        return self.empty_reason is None

    def _show_empty(self, reason: str, heading: str = "") -> None:
        self.empty_reason = reason
        self.empty_note.setText(f"{heading}: {reason}" if heading else reason)
        self.stack.setCurrentWidget(self.empty_note)

    def set_volume(self, starts: FloatArray, volumes: FloatArray, width: float) -> None:
        """Bars of `width` at `starts`, with a gap between them: steps at start, end, start, end, ...
        With no volume at all (a currency, an index, a file of closes) the pane stays empty and unscaled:
        auto-ranged to a height of zero, its axis read 0, 0, -0."""
        has_volume = bool(np.any(volumes > 0))
        if has_volume != self.has_volume:
            self.has_volume = has_volume
            axis = self.volume_plot.getAxis("right")
            axis.setStyle(showValues=has_volume, tickLength=VOLUME_TICK_LENGTH if has_volume else 0)
            self.volume_plot.showGrid(x=True, y=has_volume, alpha=0.15)
            if not has_volume:
                self.volume_plot.getViewBox().setYRange(0.0, 1.0, padding=0.0)
        if not len(starts):
            self.volume.setData([0.0, 1.0], [0.0])
            return
        gap = width * 0.1
        edges = np.empty(2 * len(starts))
        edges[0::2] = starts + gap
        edges[1::2] = starts + width - gap
        heights = np.zeros(2 * len(starts) - 1)
        heights[0::2] = np.nan_to_num(volumes, nan=0.0)
        self.volume.setData(edges, heights)

    def _limit_view(self, bars: int, reset: bool) -> None:
        """Zoom and pan stay within the bars (x is the bar index on the trading-time axis)."""
        if not bars:
            return
        box = self.price_plot.getViewBox()
        box.setLimits(xMin=-1.0, xMax=float(bars), minXRange=min(float(bars) + 1.0, 6.0))
        if reset:
            # Follow the data as it grows; zooming or panning by hand turns this off until the next reset.
            box.enableAutoRange(axis="x")
        box.enableAutoRange(axis="y")
        if self.has_volume:
            self.volume_plot.getViewBox().enableAutoRange(axis="y")

    # -- crosshair ------------------------------------------------------------------------------

    def readout_at(self, x: float) -> str:
        """The bar under `x` (on the trading-time axis): its time, O/H/L/C and volume."""
        k = self.scale.index_at(x)
        if k is None or not self._bars.get("t", np.empty(0)).size:
            return ""
        daily = self.scale.daily
        start = float(self._bars["t"][k])
        when = to_new_york(start + (DAY_SECONDS / 2 if daily else 0.0))
        stamp = when.strftime("%Y-%m-%d") if daily else when.strftime("%Y-%m-%d %H:%M")
        o, h, lo, c, v = (float(self._bars[f][k]) for f in "ohlcv")
        price = self._price_text  # a currency pair's four decimals, as its row shows them
        return f"{stamp}   O {price(o)}  H {price(h)}  L {price(lo)}  C {price(c)}   Vol {fmt.format_volume(v)}"

    def _mouse_moved(self, event: tuple[QPointF]) -> None:
        pos = event[0]
        box = self.price_plot.getViewBox()
        if not self.price_plot.sceneBoundingRect().contains(pos):
            self.cross_v.setVisible(False)
            self.cross_h.setVisible(False)
            return
        point = box.mapSceneToView(pos)
        self.cross_v.setPos(point.x())
        self.cross_h.setPos(point.y())
        self.cross_v.setVisible(True)
        self.cross_h.setVisible(True)
        self.readout.setText(self.readout_at(point.x()))

    # -- alert markers --------------------------------------------------------------------------

    MAX_MARKERS = 2000

    def set_fires(self, fires: list[AlertFire]) -> None:
        """Alert fires to mark (live ones from the log, or a backtest's): each where its rule's leg traded."""
        self._fires = fires[-self.MAX_MARKERS :]
        self._draw_markers()

    def add_fires(self, fires: list[AlertFire]) -> None:
        """New fires from the log: their markers drawn now when they are on the shown symbol (the log may
        announce them after the redraw of their symbol's last tick, as at the end of a replay)."""
        self._fires = (self._fires + fires)[-self.MAX_MARKERS :]
        if not self.isVisible():
            self._dirty = True
        elif any(s == self.symbol for f in fires for s, _price in f.inputs):
            self._draw_markers()

    def _draw_markers(self) -> None:
        symbol = self.symbol
        hits = [(f, price) for f in self._fires for s, price in f.inputs if s == symbol]
        if not hits or not len(self.scale):
            self.markers.setData(spots=[])
            return
        # Only fires within the drawn bars: one before the range would pile up on its first bar.
        first, end = float(self.scale.starts[0]), float(self.scale.starts[-1]) + self.scale.width
        hits = [(f, price) for f, price in hits if first <= f.time <= end]
        xs = self.scale.x_of(np.array([f.time for f, _ in hits]))
        ys = self.mapping.to_y(np.array([price for _, price in hits]))
        spots = [
            {
                "pos": (float(x), float(y)),
                "data": f"{f.title}\nvalue {f.value_text} (level {f.level_text})",
            }
            for x, y, (f, _price) in zip(xs, ys, hits, strict=True)
        ]
        self.markers.setData(spots=spots)

    @staticmethod
    def _marker_tip(x: float, y: float, data: object) -> str:
        return str(data)

    def marker_count(self) -> int:
        return len(self.markers.data)
