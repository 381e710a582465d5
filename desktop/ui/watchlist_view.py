"""The watchlist table view: sorting by header (the model sorts itself), selection by symbol, remove by key
or menu."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeyEvent, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from desktop.ui.fitted_columns import FittedColumns, Widths
from desktop.ui.look_delegate import LookDelegate
from desktop.ui.sparkline_delegate import SparklineDelegate
from desktop.ui.watchlist_model import HEADERS, OPTIONAL, SYMBOL_ROLE, Column, WatchlistModel

# (width with room, narrowest it gives way to) of every column but the symbol's and the name's
COLUMN_WIDTHS: Widths = {
    Column.LAST: (85, 64), Column.CHANGE: (75, 56), Column.CHANGE_PCT: (75, 60), Column.VOLUME: (80, 60),
    Column.RANGE: (140, 104), Column.UPDATED: (150, 70), Column.AGE: (50, 40), Column.TREND: (110, 64),
    Column.YEAR_RANGE: (140, 104), Column.VOL_RATIO: (75, 52),
}  # fmt: skip
NAME_MIN = 110
EMPTY_HINT = "This watchlist is empty. Type a symbol in the field above (NVDA, BRK-B, ^VIX, EURUSD=X) and press Enter."


class WatchlistView(QTableView):
    """Shows a `WatchlistModel` sorted by any column; speaks in symbols, never in row numbers."""

    current_symbol_changed = Signal(str)
    remove_requested = Signal(list)

    def __init__(self, model: WatchlistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source_model = model
        self.after_paint: Callable[[], None] | None = None  # the start-up benchmark's hook (app.report_first_paint)
        self.setModel(model)
        model.column_hidden = self.isColumnHidden
        model.shown_rows = self.shown_rows
        # A model can outlive its view (a flash still ending): it must not ask a deleted view.
        self.destroyed.connect(lambda: setattr(model, "column_hidden", lambda _column: False))
        self.destroyed.connect(lambda: setattr(model, "shown_rows", lambda: (0, model.rowCount() - 1)))
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the user's order until a header is clicked
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        symbol = self._bold_width("EURUSD=X") + 14  # a currency pair or a London listing whole
        # The name takes what is over; in a narrow window (a laptop's) the others give way first, down to
        # what still reads, so that the trend lines stay in view (see ui/fitted_columns.py).
        self.fitted = FittedColumns(self, Column.NAME, {Column.SYMBOL: (symbol, symbol), **COLUMN_WIDTHS}, NAME_MIN)
        for column in OPTIONAL:
            self.setColumnHidden(column, True)
        # Right-click the header: show or hide columns (kept with the list's widths and sort).
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        # Every cell's look comes from the model in one call (ui/look_delegate.py); the trend cells also
        # draw their line.
        self.setItemDelegate(LookDelegate(model, self))
        self.sparklines = SparklineDelegate(model, self)
        self.setItemDelegateForColumn(Column.TREND, self.sparklines)
        for change in (model.modelReset, model.rowsRemoved):
            change.connect(lambda *_args: self.sparklines.keep_only(set(model.symbols)))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._show_menu)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        self.remove_action = QAction("Remove from Watchlist", self)
        self.remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self._request_remove)
        self.addAction(self.remove_action)
        self.extra_menu_actions: list[QAction] = []

    def column_actions(self) -> list[QAction]:
        """One checkable action per column but the symbol: checked while the column shows."""
        actions = []
        for column in Column:
            if column == Column.SYMBOL:
                continue
            action = QAction(HEADERS[column], self)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.setColumnHidden(c, not on))
            actions.append(action)
        return actions

    def _bold_width(self, text: str) -> int:
        bold = QFont(self.font())
        bold.setBold(True)
        return QFontMetrics(bold).horizontalAdvance(text)

    def _column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addActions(self.column_actions())
        menu.popup(self.horizontalHeader().mapToGlobal(pos))

    def shown_rows(self) -> tuple[int, int]:
        """The first and last rows in view, give or take the header's height at the bottom (measured on the
        view itself: asking for the viewport would build its Python wrapper, 8 ms, before the first paint)."""
        top = self.rowAt(0)
        if top < 0:
            return 0, -1
        bottom = self.rowAt(self.height())
        return top, bottom if bottom >= 0 else self.source_model.rowCount() - 1

    def selected_symbols(self) -> list[str]:
        rows = self.selectionModel().selectedRows()
        return [str(self.source_model.data(index, SYMBOL_ROLE)) for index in sorted(rows, key=lambda i: i.row())]

    def current_symbol(self) -> str | None:
        index = self.currentIndex()
        return str(self.source_model.data(index, SYMBOL_ROLE)) if index.isValid() else None

    def select_symbol(self, symbol: str) -> bool:
        row = self.source_model.row_of(symbol)
        if row is None:
            return False
        index = self.source_model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected_symbols():
            self._request_remove()
            return
        super().keyPressEvent(event)

    def _request_remove(self) -> None:
        symbols = self.selected_symbols()
        if symbols:
            self.remove_requested.emit(symbols)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The selected row's symbol, or "" when no row is current (the last one removed, an empty list)."""
        self.current_symbol_changed.emit(str(self.source_model.data(current, SYMBOL_ROLE)) if current.isValid() else "")

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.after_paint is not None:
            self.after_paint()
        if self.source_model.rowCount():
            return
        # An empty list says how to fill it instead of showing a bare grid.
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().placeholderText().color())
        painter.drawText(
            self.viewport().rect().adjusted(24, 24, -24, -24),
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            EMPTY_HINT,
        )
        painter.end()

    def _show_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        if not self.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.select_symbol(str(self.source_model.data(index, SYMBOL_ROLE)))
        symbols = self.selected_symbols()
        menu = QMenu(self)
        self.remove_action.setText(
            f"Remove {', '.join(symbols)}" if len(symbols) <= 3 else f"Remove {len(symbols)} symbols"
        )
        menu.addAction(self.remove_action)
        for action in self.extra_menu_actions:
            menu.addAction(action)
        menu.popup(self.viewport().mapToGlobal(pos))
