"""Spread / ratio / z-score of two symbols, with every alert rule on it drawn as a level you can drag.

The ratio is drawn with its moving average and ±1 and ±2 standard deviation bands over the past N
sessions (the closes before each session, as the trend and z-score rules measure); the z-score of
ln(A / B) with its 0, ±1 and ±2 lines.

Dragging a level line shows the new level as it moves and saves the rule when the mouse is released;
right-click on the chart offers "Alert when this crosses here".
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import DEFAULT_LOOKBACK, AlertRule, AlertType, Condition, new_rule_id
from desktop.core.alerts.windows import Window, parse_window
from desktop.core.measures import measure_series
from desktop.core.quote_store import QuoteStore
from desktop.core.symbol_lists import typed_symbol
from desktop.ui.alerts_controller import AlertsController
from desktop.ui.charts.alert_levels import AlertLevels
from desktop.ui.charts.axes import PercentAxis
from desktop.ui.charts.chart_image import source_line
from desktop.ui.charts.doubled_line import DoubledPlotLine
from desktop.ui.charts.lazy_chart import LazyChart, style_axes
from desktop.ui.charts.summary import series_summary
from desktop.ui.charts.trading_time import DAY, TradingTimeAxis, TradingTimeScale
from desktop.ui.plain_numbers import plain_numbers
from desktop.ui.steady_label import SteadyLabel
from desktop.ui.theme import LIGHT, Colors

WINDOWS = ["day", "5d", "20d", "mtd", "qtd", "ytd"]
BANDS = (-2, -1, 1, 2)  # standard deviations either side of the mean


class SpreadChart(LazyChart):
    """A − B return spread over a window (points), or A / B ratio, with the matching alert rules' levels."""

    def __init__(self, store: QuoteStore, alerts: AlertsController | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.alerts = alerts
        self.colors = LIGHT
        self.a, self.b = "IWM", "QQQ"
        self.kind = AlertType.SPREAD
        self.measure_window: Window = parse_window("qtd")
        self._dirty = True
        self._fires: list[AlertFire] = []

        self.a_edit = QLineEdit(self.a)
        self.b_edit = QLineEdit(self.b)
        self.a_edit.setAccessibleName("Spread: first symbol")
        self.b_edit.setAccessibleName("Spread: second symbol")
        for edit in (self.a_edit, self.b_edit):
            edit.setMaximumWidth(80)
            edit.editingFinished.connect(self._pair_edited)
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName("Spread measure")
        self.kind_box.addItem("Return spread (A − B)", AlertType.SPREAD)
        self.kind_box.addItem("Ratio (A / B)", AlertType.RATIO)
        self.kind_box.addItem("Z-score of ln(A / B)", AlertType.ZSCORE)
        self.length = DEFAULT_LOOKBACK  # sessions in the ratio's average and bands, and the z-score's lookback
        self.length_spin = QSpinBox()
        self.length_spin.setAccessibleName("Lookback in sessions")
        plain_numbers(self.length_spin)
        self.length_spin.setRange(3, 1000)
        self.length_spin.setValue(self.length)
        self.length_spin.setPrefix("over ")
        self.length_spin.setSuffix(" sessions")
        self.length_spin.setToolTip("The past sessions the average, the bands and the z-score are taken over")
        self.length_spin.valueChanged.connect(lambda n: self.set_measure(length=n))
        self.kind_box.currentIndexChanged.connect(
            lambda _i: self.set_measure(kind=AlertType(self.kind_box.currentData()))
        )
        self.window_box = QComboBox()
        self.window_box.setAccessibleName("Return window")
        self.window_box.addItems(WINDOWS)
        self.window_box.setCurrentText(self.measure_window.text)
        self.window_box.currentTextChanged.connect(lambda text: self.set_measure(window=parse_window(text)))
        # Elided to the room the row leaves (the whole text in its tooltip): as a plain label its 315 pixels
        # held the whole chart area, Price tab and all, 805 pixels wide, and the alerts beside it narrow.
        self.hint = SteadyLabel(
            "Drag a level to move its alert · right-click to add one", alignment=Qt.AlignmentFlag.AlignRight
        )
        bar = QHBoxLayout()
        bar.addWidget(QLabel("A"))
        bar.addWidget(self.a_edit)
        bar.addWidget(QLabel("B"))
        bar.addWidget(self.b_edit)
        bar.addWidget(self.kind_box)
        bar.addWidget(self.window_box)
        bar.addWidget(self.length_spin)
        bar.addWidget(self.hint, 1)

        self.value_axis = PercentAxis(suffix=" pts", orientation="left")
        self.axis = TradingTimeAxis()
        self.scale = TradingTimeScale()
        self._values: tuple[np.ndarray, np.ndarray] = (np.empty(0), np.empty(0))  # close times, measure
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis, "left": self.value_axis})
        self.plot.setAccessibleName("Spread chart")
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.getViewBox().setMouseEnabled(x=True, y=False)
        self.plot.getViewBox().setAutoVisible(y=True)
        self.mean_curve = self.plot.plot([], [])
        self.band_curves = {k: self.plot.plot([], []) for k in BANDS}
        self.curve = DoubledPlotLine([], [])
        self.plot.addItem(self.curve)
        self.zero = pg.InfiniteLine(angle=0, pos=0.0, movable=False)
        self.plot.addItem(self.zero, ignoreBounds=True)
        self.markers = pg.ScatterPlotItem(size=12, symbol="t1", hoverable=True, tip=lambda x, y, data: str(data))
        self.markers.setZValue(10)
        self.plot.addItem(self.markers)
        self.levels = AlertLevels(
            self.plot.getPlotItem(), alerts, matches=self.matches, new_rule=self._new_rule, describe=self._fmt,
            snap=self._snap, what="this", parent=self,
        )  # fmt: skip
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)
        if alerts is not None:  # a headless export draws the measure alone
            alerts.fires_logged.connect(lambda stored: self.add_fires([s.fire for s in stored]))

    # -- what is measured -----------------------------------------------------------------------

    def template(self) -> AlertRule:
        """A rule-shaped description of what the chart shows (used to compute it and to add alerts)."""
        window = self.measure_window if self.kind is AlertType.SPREAD else None
        lookback = self.length if self.kind is AlertType.ZSCORE else None
        return AlertRule("chart", self.kind, Condition.CROSSES_ABOVE, 0.0, a=self.a, b=self.b, window=window,
                         lookback=lookback)  # fmt: skip

    def matches(self, rule: AlertRule) -> bool:
        same_pair = (rule.type, rule.a, rule.b) == (self.kind, self.a, self.b)
        if self.kind is AlertType.SPREAD:
            return same_pair and rule.window == self.measure_window
        if self.kind is AlertType.ZSCORE:
            return same_pair and rule.lookback == self.length
        return same_pair

    def set_measure(self, *, a: str | None = None, b: str | None = None, kind: AlertType | None = None,
                    window: Window | None = None, length: int | None = None) -> None:  # fmt: skip
        self.a = (a or self.a).upper()
        self.b = (b or self.b).upper()
        self.kind = kind or self.kind
        self.measure_window = window or self.measure_window
        self.length = length or self.length
        self.a_edit.setText(self.a)
        self.b_edit.setText(self.b)
        if self.kind_box.currentData() != self.kind:
            self.kind_box.setCurrentIndex(self.kind_box.findData(self.kind))
        if self.length_spin.value() != self.length:
            self.length_spin.setValue(self.length)
        self.window_box.setVisible(self.kind is AlertType.SPREAD)
        self.length_spin.setVisible(self.kind is not AlertType.SPREAD)
        self.value_axis.suffix = {AlertType.SPREAD: " pts", AlertType.ZSCORE: " sd"}.get(self.kind, "")
        self.value_axis.signed = self.kind is not AlertType.RATIO
        self.value_axis.picture = None  # the ticks are drawn again in the new style
        self.value_axis.update()
        self._sync_levels()
        self.refresh(force=True)

    def _pair_edited(self) -> None:
        a, b = typed_symbol(self.a_edit.text()), typed_symbol(self.b_edit.text())
        if a and b and a != b and (a, b) != (self.a, self.b):
            self.set_measure(a=a, b=b)

    # -- data -----------------------------------------------------------------------------------

    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        self.plot.setBackground(colors.chart_background)
        style_axes(self.plot, colors)
        self.curve.setPen(pg.mkPen(colors.chart_line, width=2))
        self.mean_curve.setPen(pg.mkPen(colors.prev_close_line, width=1.5))
        for k, band in self.band_curves.items():
            style = Qt.PenStyle.DashLine if abs(k) == 1 else Qt.PenStyle.DotLine
            band.setPen(pg.mkPen(colors.prev_close_line, width=1, style=style))
        self.zero.setPen(pg.mkPen(colors.prev_close_line, style=Qt.PenStyle.DashLine))
        self.markers.setBrush(pg.mkBrush(colors.marker))
        self._sync_levels()

    def symbols_changed(self, symbols: set[str]) -> None:
        if self.a in symbols or self.b in symbols:
            self.refresh()

    def plot_views(self) -> list[pg.GraphicsView]:
        return [self.plot]

    def draw(self) -> None:
        bars = {s: b for s in (self.a, self.b) if (b := self._store.session_bars(s)) is not None}
        x, y = measure_series(self.template(), bars)
        self._values = (x, y)
        self.scale = self.scale.follow(x - DAY / 2, DAY)
        self.axis.set_scale(self.scale)
        self.curve.setData(self.scale.x_of(x), y)
        self._draw_bands(x, y)
        self.zero.setVisible(self.kind is not AlertType.RATIO)
        self.levels.current = float(y[-1]) if len(y) else None
        if len(x):
            self.hint.setText("Drag a level to move its alert · right-click to add one")
        else:
            self.hint.setText(f"No value yet: {self.why_no_value()}")
        self._draw_markers()

    def why_no_value(self) -> str:
        """What the measure lacks when the data gives it no value at all."""
        if self.kind is AlertType.SPREAD:
            return (f"{self.a} − {self.b} {self.measure_window.text} needs each one's close before the window "
                    "starts, and sessions after that")  # fmt: skip
        return f"{self.a} and {self.b} need more sessions of data"

    def bands(self, y: np.ndarray) -> dict[int, np.ndarray]:
        """For the ratio: its mean (key 0) and mean ± k sd (sample) over the `length` values before each
        one (NaN while fewer exist). For the z-score: constant lines at 0, ±1, ±2."""
        n = self.length
        if self.kind is AlertType.ZSCORE:
            return {k: np.full(len(y), float(k)) for k in (0, *BANDS)}
        if self.kind is not AlertType.RATIO or len(y) <= n:
            return {}
        windows = np.lib.stride_tricks.sliding_window_view(y, n)[:-1]  # the n values before each from the n-th
        mean = np.full(len(y), np.nan)
        sd = np.full(len(y), np.nan)
        mean[n:] = windows.mean(axis=1)
        sd[n:] = windows.std(axis=1, ddof=1)
        return {0: mean} | {k: mean + k * sd for k in BANDS}

    def _draw_bands(self, x: np.ndarray, y: np.ndarray) -> None:
        bands = self.bands(y)
        xs = self.scale.x_of(x)
        empty = np.empty(0)
        self.mean_curve.setData(xs if 0 in bands else empty, bands.get(0, empty), connect="finite")
        for k, band in self.band_curves.items():
            band.setData(xs if k in bands else empty, bands.get(k, empty), connect="finite")

    def export_view(self) -> QWidget:
        view: QWidget = self.plot
        return view

    def export_title(self) -> tuple[str, str]:
        if self.kind is AlertType.SPREAD:
            what = f"{self.a} − {self.b} · {self.measure_window.text} return spread (points)"
        elif self.kind is AlertType.ZSCORE:
            what = f"{self.a} / {self.b} · z-score of ln(A / B) over {self.length} sessions, ±1 and ±2 sd"
        else:
            what = f"{self.a} / {self.b} · price ratio, its {self.length}-session mean and ±1, ±2 sd bands"
        levels = len(self.level_lines)
        if levels:
            what += f" · {levels} alert level{'s' if levels > 1 else ''}"
        return what, source_line([self._store.latest(self.a), self._store.latest(self.b)])

    def summary(self) -> dict[str, Any]:
        window = self.measure_window.text if self.kind is AlertType.SPREAD else None
        levels = self.levels.levels()
        length = None if self.kind is AlertType.SPREAD else self.length
        return {"a": self.a, "b": self.b, "measure": self.kind.value, "window": window, "levels": levels,
                "length": length} | series_summary(*self.values(), daily=True)  # fmt: skip

    def values(self) -> tuple[np.ndarray, np.ndarray]:
        """The drawn series: session close times (epoch seconds) and the measure after each session."""
        return self._values

    # -- alert levels ---------------------------------------------------------------------------

    @property
    def level_lines(self) -> dict[str, pg.InfiniteLine]:
        return self.levels.lines

    def _sync_levels(self) -> None:
        self.levels.colors = self.colors
        self.levels.sync()

    def _fmt(self, value: float) -> str:
        if self.kind is AlertType.ZSCORE:
            return f"{value:+.2f} sd"
        return f"{value:+.2f} pts" if self.kind is AlertType.SPREAD else f"{value:.4f}"

    def _snap(self, value: float) -> float:
        """A level placed with the mouse, to the digits `_fmt` shows."""
        return round(value, 2 if self.kind in (AlertType.ZSCORE, AlertType.SPREAD) else 4)

    def _new_rule(self, condition: Condition, level: float) -> AlertRule:
        name = {
            AlertType.SPREAD: f"{self.a} − {self.b} {self.measure_window.text}",
            AlertType.ZSCORE: f"{self.a} / {self.b} z-score ({self.length})",
        }.get(self.kind, f"{self.a} / {self.b}")
        return self.template().with_changes(id=new_rule_id(), condition=condition, level=level, name=name)

    def add_rule_at(self, value: float | None) -> AlertRule | None:
        """A new alert on this pair and measure at `value`, crossing in the direction away from now."""
        _, y = self.values()
        self.levels.current = float(y[-1]) if len(y) else None
        return self.levels.add_at(value)

    # -- markers --------------------------------------------------------------------------------

    def set_fires(self, fires: list[AlertFire]) -> None:
        self._fires = fires[-2000:]
        self._draw_markers()

    def add_fires(self, fires: list[AlertFire]) -> None:
        """New fires from the log: their markers drawn now while the chart is shown (the log may announce
        them after the redraw of their symbols' last tick, as at the end of a replay), else when it is."""
        self._fires = (self._fires + fires)[-2000:]
        if self.isVisible():
            self._draw_markers()
        else:
            self._dirty = True

    def _draw_markers(self) -> None:
        ids = {r.id for r in (self.alerts.rules if self.alerts is not None else []) if self.matches(r)}
        fires = [f for f in self._fires if f.rule_id in ids] if len(self.scale) else []
        xs = self.scale.x_of(np.array([f.time for f in fires], dtype=np.float64))
        spots = [
            {"pos": (float(x), f.value), "data": f"{f.title}\n{self._fmt(f.value)}"}
            for x, f in zip(xs, fires, strict=False)
        ]
        self.markers.setData(spots=spots)

    def marker_count(self) -> int:
        return len(self.markers.data)
