"""The Rotation tab: a relative rotation graph of the watchlist against a benchmark.

Each symbol is a point at (RS-Ratio, RS-Momentum) with a tail of its last TAIL steps; the four quadrants
are shaded and named. Hover a point for its figures, click it to select the symbol. Daily or weekly
(5-session) steps; Play walks the tails forward over the history, as the replay does with quotes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from desktop.core.alerts.measure import quadrant_code
from desktop.core.alerts.rules import DEFAULT_BENCHMARK, DEFAULT_MA, DEFAULT_MOMENTUM, Quadrant
from desktop.core.formatting import listed
from desktop.core.quote_store import QuoteStore
from desktop.core.rotation_graph import RotationPath, rotation_path
from desktop.core.symbol_lists import typed_symbol
from desktop.ui.charts.chart_image import source_line
from desktop.ui.charts.label_places import place_labels
from desktop.ui.charts.lazy_chart import LazyChart, style_axes
from desktop.ui.theme import LIGHT, Colors

TAIL = 10  # steps of history behind each point
PLAY_MS = 150  # one step of Play
STEPS = {"Daily": 1, "Weekly": 5}
# Where each quadrant lies from (100, 100), and its tint (green leads, yellow weakens, red lags, blue improves).
QUADRANT_PLACES: dict[Quadrant, tuple[int, int, str]] = {
    Quadrant.LEADING: (1, 1, "#2e7d32"),
    Quadrant.WEAKENING: (1, -1, "#f9a825"),
    Quadrant.LAGGING: (-1, -1, "#c62828"),
    Quadrant.IMPROVING: (-1, 1, "#1565c0"),
}


class RotationGraph(LazyChart):
    """Every watchlist symbol against the benchmark; `symbol_clicked` when a point is clicked."""

    symbol_clicked = Signal(str)

    def __init__(self, store: QuoteStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.colors = LIGHT
        self.symbols: list[str] = []
        self.benchmark = DEFAULT_BENCHMARK
        self.step = 1
        self.paths: dict[str, RotationPath] = {}
        self.as_of: int | None = None  # a session ordinal while playing or scrubbed back; None: the newest
        self._sessions: np.ndarray = np.empty(0)  # every session some path has a point on, ascending

        self.benchmark_edit = QLineEdit(self.benchmark)
        self.benchmark_edit.setAccessibleName("Rotation graph benchmark")
        self.benchmark_edit.setMaximumWidth(90)
        self.benchmark_edit.setToolTip("What every symbol's relative strength is measured against")
        self.benchmark_edit.editingFinished.connect(lambda: self.set_benchmark(self.benchmark_edit.text()))
        self.step_box = QComboBox()
        self.step_box.setAccessibleName("Steps")
        self.step_box.addItems(list(STEPS))
        self.step_box.setToolTip("Daily steps, or weekly: every fifth session counted back from the newest")
        self.step_box.currentTextChanged.connect(lambda text: self.set_step(STEPS[text]))
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Walk the tails forward over the history")
        self.play_button.toggled.connect(self._play_toggled)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("The session the graph shows: drag back to see how the rotation went")
        self.slider.valueChanged.connect(self._slid)
        self.when_label = QLabel()
        self.note = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Against"))
        bar.addWidget(self.benchmark_edit)
        bar.addWidget(self.step_box)
        bar.addWidget(self.play_button)
        bar.addWidget(self.slider, 1)
        bar.addWidget(self.when_label)
        self._timer = QTimer(self)
        self._timer.setInterval(PLAY_MS)
        self._timer.timeout.connect(self._play_step)

        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName("Relative rotation graph")
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=0.12)
        self.plot.setLabel("bottom", "RS-Ratio")
        self.plot.setLabel("left", "RS-Momentum")
        self.plot.getViewBox().setAspectLocked(False)
        self.shades: dict[Quadrant, QGraphicsRectItem] = {}
        self.labels: dict[Quadrant, pg.TextItem] = {}
        for quadrant, (dx, dy, tint) in QUADRANT_PLACES.items():
            shade = QGraphicsRectItem(QRectF(100.0, 100.0, dx * 1000.0, dy * 1000.0).normalized())
            colour = QColor(tint)
            colour.setAlpha(28)
            shade.setBrush(QBrush(colour))
            shade.setPen(QPen(Qt.PenStyle.NoPen))
            shade.setZValue(-10)
            self.plot.addItem(shade, ignoreBounds=True)
            self.shades[quadrant] = shade
            label = pg.TextItem(quadrant.value.capitalize(), color=tint, anchor=(0.5 + dx / 2, 0.5 - dy / 2))
            self.plot.addItem(label, ignoreBounds=True)
            self.labels[quadrant] = label
        self.tails: dict[str, pg.PlotDataItem] = {}
        self.names: dict[str, pg.TextItem] = {}
        self.heads = pg.ScatterPlotItem(size=11, hoverable=True, tip=self._tip)
        self.heads.sigClicked.connect(self._clicked)
        self.plot.addItem(self.heads)
        self.plot.getViewBox().sigRangeChanged.connect(self._place_labels)
        self.plot.getViewBox().sigResized.connect(self._place_names)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)

    # -- choices ----------------------------------------------------------------------------------

    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        self.plot.setBackground(colors.chart_background)
        style_axes(self.plot, colors)
        self.refresh(force=True)

    def set_symbols(self, symbols: list[str]) -> None:
        self.symbols = list(symbols)
        self.refresh()

    def set_benchmark(self, symbol: str) -> None:
        symbol = typed_symbol(symbol) or DEFAULT_BENCHMARK
        self.benchmark_edit.setText(symbol)
        if symbol != self.benchmark:
            self.benchmark = symbol
            self.refresh(force=True)

    def set_step(self, step: int) -> None:
        self.step = step
        name = next(n for n, s in STEPS.items() if s == step)
        if self.step_box.currentText() != name:
            self.step_box.setCurrentText(name)
        self.as_of = None
        self.refresh(force=True)

    def symbols_changed(self, symbols: set[str]) -> None:
        if self.as_of is None and symbols & ({self.benchmark} | set(self.symbols)):
            self.refresh()

    # -- drawing ------------------------------------------------------------------------------------

    def compute(self) -> None:
        """Every symbol's path from the store's session bars (closes so far: today's moves with prices)."""
        bench = self._store.session_bars(self.benchmark)
        self.paths = {}
        if bench is None:
            return
        bench_sessions, bench_closes = bench.column("t"), bench.column("c")
        for symbol in self.symbols:
            bars = self._store.session_bars(symbol)
            if symbol == self.benchmark or bars is None:
                continue
            path = rotation_path(
                bars.column("t"),
                bars.column("c"),
                bench_sessions,
                bench_closes,
                DEFAULT_MA,
                DEFAULT_MOMENTUM,
                self.step,
            )
            if len(path):
                self.paths[symbol] = path
        sessions = [p.sessions for p in self.paths.values()]
        self._sessions = np.unique(np.concatenate(sessions)) if sessions else np.empty(0)

    def plot_views(self) -> list[pg.GraphicsView]:
        return [self.plot]

    def draw(self) -> None:
        self.compute()
        self._sync_slider()
        shown = self.shown_points()
        for symbol in [s for s in self.tails if s not in shown]:
            self.plot.removeItem(self.tails.pop(symbol))
            self.plot.removeItem(self.names.pop(symbol))
        spots = []
        behind = self.behind()
        for k, (symbol, (xs, ys)) in enumerate(shown.items()):
            colour = self.colors.series[k % len(self.colors.series)]
            tail = self.tails.get(symbol)
            if tail is None:
                tail = self.tails[symbol] = self.plot.plot([], [])
                backdrop = QColor(self.colors.chart_background)
                backdrop.setAlpha(170)  # a name stays readable over the other tails
                self.names[symbol] = pg.TextItem(symbol, anchor=(-0.15, 0.5), fill=backdrop)
                self.plot.addItem(self.names[symbol], ignoreBounds=True)
            tail.setData(xs, ys, pen=pg.mkPen(colour, width=1.5), symbol="o", symbolSize=4, symbolBrush=colour,
                         symbolPen=None)  # fmt: skip
            self.names[symbol].setColor(colour)
            self.names[symbol].setPos(float(xs[-1]), float(ys[-1]))
            # A symbol whose data ends before the day shown is drawn hollow where it was last (the note says when).
            head = {"brush": colour, "pen": None} if symbol not in behind else {
                "brush": QColor(self.colors.chart_background), "pen": pg.mkPen(colour, width=2)}  # fmt: skip
            spots.append({"pos": (float(xs[-1]), float(ys[-1])), "data": symbol, **head})
        self.heads.setData(spots)
        self._show_extent(shown)
        self._place_names()
        missing = [s for s in self.symbols if s != self.benchmark and s not in self.paths]
        needed = (DEFAULT_MA + DEFAULT_MOMENTUM) * self.step
        notes = [stale_note(behind)] if behind else []
        if missing:
            notes.append(
                f"Not enough shared history with {self.benchmark} (about {needed} sessions) for {', '.join(missing)}"
            )
        self.note.setText(". ".join(notes))

    def _ends(self) -> dict[str, int]:
        """How many of each symbol's steps are shown (those up to `as_of`, or all), for those with any."""
        ends = {}
        for symbol, path in self.paths.items():
            end = len(path) if self.as_of is None else int(np.searchsorted(path.sessions, self.as_of, side="right"))
            if end:
                ends[symbol] = end
        return ends

    def shown_points(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Each symbol's tail as drawn (RS-Ratio, RS-Momentum), oldest first, ending at `as_of` (or the newest)."""
        out = {}
        for symbol, end in self._ends().items():
            path, start = self.paths[symbol], max(0, end - TAIL - 1)
            out[symbol] = (path.ratio[start:end], path.momentum[start:end])
        return out

    def behind(self) -> dict[str, date]:
        """The symbols whose last step shown is older than the day shown (their data ends earlier, or has a
        gap there), with the day of that step."""
        shown = self.shown_date()
        if shown is None:
            return {}
        days = {
            symbol: date.fromordinal(int(self.paths[symbol].sessions[end - 1])) for symbol, end in self._ends().items()
        }
        return {symbol: day for symbol, day in days.items() if day < shown}

    def _show_extent(self, shown: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """Centre the view on (100, 100), wide enough for every tail."""
        if not shown:
            self.plot.setRange(xRange=(98, 102), yRange=(98, 102), padding=0)
            return
        xs = np.concatenate([x for x, _ in shown.values()])
        ys = np.concatenate([y for _, y in shown.values()])
        half_x = max(1.0, float(np.max(np.abs(xs - 100.0)))) * 1.15
        half_y = max(1.0, float(np.max(np.abs(ys - 100.0)))) * 1.15
        self.plot.setRange(xRange=(100 - half_x, 100 + half_x), yRange=(100 - half_y, 100 + half_y), padding=0)

    def _place_labels(self) -> None:
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        for quadrant, label in self.labels.items():
            dx, dy, _ = QUADRANT_PLACES[quadrant]
            label.setPos(QPointF(x1 if dx > 0 else x0, y1 if dy > 0 else y0))
        self._place_names()

    def _place_names(self) -> None:
        """Each symbol's name beside its point where it covers no other name or point (the view's pixels
        change with its range and size, so this follows both)."""
        if not self.names:
            return
        view = self.plot.getViewBox()
        names = list(self.names.values())
        points = [view.mapViewToScene(name.pos()) for name in names]
        sizes = [name.textItem.boundingRect().size() for name in names]
        anchors = place_labels([(p.x(), p.y()) for p in points], [(z.width(), z.height()) for z in sizes])
        for name, anchor in zip(names, anchors, strict=True):
            name.setAnchor(anchor)

    def _tip(self, x: float, y: float, data: Any) -> str:
        last = self.behind().get(str(data))
        since = "" if last is None else f"\nits data ends {last.isoformat()}: shown where it was then"
        return f"{data} · {quadrant_at(x, y).value}\nRS-Ratio {x:.2f}\nRS-Momentum {y:.2f}{since}"

    def _clicked(self, _item: object, points: list[Any], *_args: object) -> None:
        if len(points):
            self.symbol_clicked.emit(str(points[0].data()))

    # -- history: the slider and Play -----------------------------------------------------------------

    def _sync_slider(self) -> None:
        count = len(self._sessions)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, count - 1))
        at = count - 1 if self.as_of is None else int(np.searchsorted(self._sessions, self.as_of, side="right")) - 1
        self.slider.setValue(max(0, at))
        self.slider.blockSignals(False)
        self.slider.setEnabled(count > 1)
        self.play_button.setEnabled(count > 1)
        day = self.shown_date()
        self.when_label.setText(day.isoformat() if day else "")

    def shown_date(self) -> date | None:
        if not len(self._sessions):
            return None
        return date.fromordinal(int(self._sessions[-1] if self.as_of is None else min(self.as_of, self._sessions[-1])))

    def _slid(self, index: int) -> None:
        if not len(self._sessions):
            return
        self.as_of = None if index >= len(self._sessions) - 1 else int(self._sessions[index])
        self.refresh(force=True)

    def _play_toggled(self, on: bool) -> None:
        self.play_button.setText("Pause" if on else "Play")
        if on:
            if self.as_of is None and len(self._sessions) > TAIL:  # from the start of the history
                self.as_of = int(self._sessions[TAIL])
            self._timer.start()
        else:
            self._timer.stop()

    def _play_step(self) -> None:
        if self.as_of is None:
            self.play_button.setChecked(False)
            return
        k = int(np.searchsorted(self._sessions, self.as_of, side="right"))
        self.as_of = None if k >= len(self._sessions) - 1 else int(self._sessions[k])
        self.refresh(force=True)

    # -- export -----------------------------------------------------------------------------------------

    def export_view(self) -> QWidget:
        view: QWidget = self.plot
        return view

    def export_title(self) -> tuple[str, str]:
        day = self.shown_date()
        steps = "weekly" if self.step > 1 else "daily"
        headline = f"Relative rotation against {self.benchmark} ({steps}, {DEFAULT_MA}/{DEFAULT_MOMENTUM})"
        quotes = [self._store.latest(s) for s in [self.benchmark, *self.paths]]
        detail = source_line(quotes)
        if behind := self.behind():
            detail = f"{detail} · {stale_note(behind)}"
        return (f"{headline} · {day.isoformat()}" if day else headline), detail

    def summary(self) -> dict[str, Any]:
        shown, behind = self.shown_points(), self.behind()
        return {
            "benchmark": self.benchmark,
            "step": self.step,
            "as_of": d.isoformat() if (d := self.shown_date()) else None,
            "points": {
                s: {"ratio": float(x[-1]), "momentum": float(y[-1]), "quadrant": quadrant_at(x[-1], y[-1]).value}
                | ({"last_session": day.isoformat()} if (day := behind.get(s)) else {})
                for s, (x, y) in shown.items()
            },
        }


def stale_note(behind: dict[str, date]) -> str:
    """'Hollow: no data since 2026-07-02 for AAPL, AMZN and NVDA', the symbols grouped by their last day (as of
    the day shown: their data ends there, or has a gap)."""
    by_day: dict[date, list[str]] = {}
    for symbol, day in behind.items():
        by_day.setdefault(day, []).append(symbol)
    parts = [f"{day.isoformat()} for {listed(symbols)}" for day, symbols in sorted(by_day.items(), reverse=True)]
    return f"Hollow: no data since {'; '.join(parts)}"


def quadrant_at(ratio: float, momentum: float) -> Quadrant:
    return Quadrant.of_code(float(quadrant_code(float(ratio), float(momentum))))
