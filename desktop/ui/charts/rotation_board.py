"""The Board tab: every watchlist symbol against a benchmark at a glance, and a rule from any cell.

Columns: the return spread against the benchmark over 1D, 5D, 1M, QTD and YTD (points), the symbol's
rotation quadrant, and its trend against the 50-session average (%). Every figure comes from the live
alert engine, through the same rule measures an alert would use, so a rule made from a cell watches
exactly what the cell shows. Double-click (or Enter on) a cell to open the editor with that rule.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rules import (
    DEFAULT_BENCHMARK,
    DEFAULT_MA,
    DEFAULT_MOMENTUM,
    AlertRule,
    AlertType,
    Condition,
    Quadrant,
)
from desktop.core.alerts.windows import parse_window
from desktop.core.formatting import DASH
from desktop.core.symbol_lists import typed_symbol
from desktop.ui.charts.lazy_chart import LazyChart
from desktop.ui.charts.rotation_panel import WINDOWS
from desktop.ui.theme import LIGHT, Colors

Index = QModelIndex | QPersistentModelIndex
HEADERS = ["Symbol", *(label for label, _ in WINDOWS), "Quadrant", f"vs {DEFAULT_MA}d avg"]
QUADRANT_COLUMN = 1 + len(WINDOWS)
TREND_COLUMN = QUADRANT_COLUMN + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
QUADRANT_ORDER = {q: k for k, q in enumerate(Quadrant)}


def board_rule(symbol: str, benchmark: str, column: int) -> AlertRule:
    """The rule a cell shows the value of (its level a starting point the editor lets you change)."""
    if column == QUADRANT_COLUMN:
        return AlertRule(f"{symbol}-enters-leading", AlertType.QUADRANT, Condition.ENTERS, Quadrant.LEADING.code,
                         symbol=symbol, benchmark=benchmark, ma=DEFAULT_MA, momentum=DEFAULT_MOMENTUM)  # fmt: skip
    if column == TREND_COLUMN:
        return AlertRule(f"{symbol}-above-{DEFAULT_MA}d", AlertType.TREND, Condition.CROSSES_ABOVE, 0.0,
                         symbol=symbol, ma=DEFAULT_MA)  # fmt: skip
    label, window = WINDOWS[column - 1]
    return AlertRule(f"{symbol}-{benchmark}-{label.lower()}", AlertType.SPREAD, Condition.CROSSES_ABOVE, 0.0,
                     a=symbol, b=benchmark, window=parse_window(window))  # fmt: skip


class RotationBoardModel(QAbstractTableModel):
    """Rows: symbols; values read from the engine on `refresh` (once per redraw, not per paint)."""

    def __init__(self, engine: AlertEngine, parent: Any = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.colors: Colors = LIGHT
        self.benchmark = DEFAULT_BENCHMARK
        self.symbols: list[str] = []
        self.values: dict[str, list[float | None]] = {}
        # Symbols whose data ends before the benchmark's newest session, with their last session: their
        # figures are as of that day (the engine's: no move since), and the row says so.
        self.ends: dict[str, date] = {}
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_symbols(self, symbols: list[str]) -> None:
        self.beginResetModel()
        self.symbols = [s for s in symbols if s != self.benchmark]
        self._read()
        self.endResetModel()

    def refresh(self) -> None:
        self._read()
        if self.symbols:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.symbols) - 1, len(HEADERS) - 1))

    def _read(self) -> None:
        self.values = {s: self._values_of(s) for s in self.symbols}
        newest = self.engine.last_session(self.benchmark)
        days = {s: self.engine.last_session(s) for s in self.symbols}
        self.ends = {s: day for s, day in days.items() if newest is not None and day is not None and day < newest}

    def _values_of(self, symbol: str) -> list[float | None]:
        return [self.engine.value(board_rule(symbol, self.benchmark, c)) for c in range(1, len(HEADERS))]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.symbols)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section:
            if section == QUADRANT_COLUMN:
                return f"Relative rotation quadrant against {self.benchmark} ({DEFAULT_MA}/{DEFAULT_MOMENTUM})"
            if section == TREND_COLUMN:
                return f"Price against its {DEFAULT_MA}-session average, in %"
            return f"Return minus {self.benchmark}'s return over {HEADERS[section]}, in points"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        symbol, column = self.symbols[index.row()], index.column()
        value = None if column == 0 else self.values[symbol][column - 1]
        ended = self.ends.get(symbol)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return symbol if ended is None else f"{symbol} (to {ended:%b} {ended.day})"
            if value is None:
                return DASH
            if column == QUADRANT_COLUMN:
                return Quadrant.of_code(value).value
            return f"{value:+.2f}" + ("%" if column == TREND_COLUMN else "")
        if role == SORT_ROLE:
            if column == 0:
                return symbol
            if value is None:
                return float("-inf")
            return QUADRANT_ORDER[Quadrant.of_code(value)] if column == QUADRANT_COLUMN else value
        if role == Qt.ItemDataRole.ForegroundRole and value is not None:
            if column == QUADRANT_COLUMN:
                good = Quadrant.of_code(value) in (Quadrant.LEADING, Quadrant.IMPROVING)
            else:
                good = value > 0
            return QBrush(self.colors.up if good else self.colors.down)
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and ended is not None:
            return self._italic
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and ended is not None:
            return (
                f"{symbol}'s data ends {ended.isoformat()}, before {self.benchmark}'s: its figures are as of then "
                f"(no move since, against {self.benchmark}'s moves)"
            )
        if role == Qt.ItemDataRole.ToolTipRole and column:
            return f"Double-click: an alert on {board_rule(symbol, self.benchmark, column).describe()}"
        return None


class RotationBoard(LazyChart):
    """The board's table, sortable by any column; `rule_requested` carries the cell's rule."""

    rule_requested = Signal(object)  # AlertRule

    def __init__(self, engine: AlertEngine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RotationBoardModel(engine, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setAccessibleName("Rotation board")
        self.view.setObjectName("rotationBoard")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(len(WINDOWS) - 1, Qt.SortOrder.DescendingOrder)  # QTD leaders first
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.view.doubleClicked.connect(self._cell_chosen)
        self.view.activated.connect(self._cell_chosen)
        self.benchmark_edit = QLineEdit(DEFAULT_BENCHMARK)
        self.benchmark_edit.setAccessibleName("Board benchmark")
        self.benchmark_edit.setMaximumWidth(90)
        self.benchmark_edit.editingFinished.connect(lambda: self.set_benchmark(self.benchmark_edit.text()))
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Each symbol against"))
        bar.addWidget(self.benchmark_edit)
        bar.addWidget(QLabel("· double-click a cell to make it an alert"), 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def set_colors(self, colors: Colors) -> None:
        self.model.colors = colors
        self.refresh(force=True)

    def set_symbols(self, symbols: list[str]) -> None:
        self.model.set_symbols(symbols)

    def set_benchmark(self, symbol: str) -> None:
        symbol = typed_symbol(symbol) or DEFAULT_BENCHMARK
        self.benchmark_edit.setText(symbol)
        if symbol != self.model.benchmark:
            every = [*self.model.symbols, self.model.benchmark]
            self.model.benchmark = symbol
            self.model.set_symbols(every)

    def symbols_changed(self, _symbols: set[str]) -> None:
        self.refresh()

    def draw(self) -> None:
        self.model.refresh()

    def cell_text(self, symbol: str, header: str) -> str:
        row = self.model.symbols.index(symbol)
        return str(self.model.data(self.model.index(row, HEADERS.index(header))))

    def _cell_chosen(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        if source.isValid() and source.column() > 0:
            symbol = self.model.symbols[source.row()]
            self.rule_requested.emit(board_rule(symbol, self.model.benchmark, source.column()))

    def summary(self) -> dict[str, Any]:
        return {
            "benchmark": self.model.benchmark,
            "rows": {s: {h: self.cell_text(s, h) for h in HEADERS[1:]} for s in self.model.symbols},
        }
