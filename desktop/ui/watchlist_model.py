"""The watchlist table model: one row per symbol, read from the quote store, refreshed once per flush."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QFont

from desktop.core import formatting as fmt
from desktop.core.market_calendar import US_MARKET
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.core.session_stats import volume_ratio, year_range
from desktop.core.sessions import MarketSession, session_start
from desktop.ui import item_roles
from desktop.ui.coalescer import Coalescer
from desktop.ui.look_delegate import CellLook
from desktop.ui.theme import LIGHT, Colors

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SYMBOL_ROLE = Qt.ItemDataRole.UserRole + 2
# The trend column's data: (times, prices) of what the sparkline draws, or None.
SPARK_ROLE = Qt.ItemDataRole.UserRole + 3

FLASH_SECONDS = 0.7
# A flash ends with the next repaint after it is due (one paint instead of two); the timer ends it only
# when no repaint comes within this grace (the quotes stopped).
FLASH_GRACE_S = 0.25
SPARK_REPAINT_S = 3.0  # a sparkline is an overview: redrawn at most this often per row
# At most this many sparklines are redrawn per repaint (0.7 ms each): in a burst every row's comes due at
# once, and the others wait for the next repaints, which spreads them out.
SPARKS_PER_REPAINT = 8
SPARK_POINTS = 80  # a trend cell is ~100 px wide: more points than pixels buys nothing
# Up to this many changed rows per repaint, only the cells whose text changed are repainted (a live day);
# beyond it (a fast replay, a burst) comparing texts costs more than it saves: rows repaint whole.
CELL_BY_CELL_UP_TO = 40
# The table repaints at most this often: five times a second reads as live, and painting costs.
REPAINT_MS = 200
ALERT_HIGHLIGHT_SECONDS = 8.0

Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    SYMBOL = 0
    NAME = 1
    LAST = 2
    CHANGE = 3
    CHANGE_PCT = 4
    VOLUME = 5
    RANGE = 6
    UPDATED = 7
    AGE = 8
    TREND = 9
    YEAR_RANGE = 10
    VOL_RATIO = 11


HEADERS = {
    Column.SYMBOL: "Symbol",
    Column.NAME: "Name",
    Column.LAST: "Last",
    Column.CHANGE: "Change",
    Column.CHANGE_PCT: "Change %",
    Column.VOLUME: "Volume",
    Column.RANGE: "Day range",
    Column.UPDATED: "Updated",
    Column.AGE: "Age",
    Column.TREND: "Trend",
    Column.YEAR_RANGE: "52-wk range",
    Column.VOL_RATIO: "Vol / avg",
}
# Shown only when chosen from the header's menu (the table is full enough by default).
OPTIONAL = {Column.YEAR_RANGE, Column.VOL_RATIO}
NUMERIC = {Column.LAST, Column.CHANGE, Column.CHANGE_PCT, Column.VOLUME, Column.RANGE, Column.AGE,
           Column.YEAR_RANGE, Column.VOL_RATIO}  # fmt: skip
SIGNED = {Column.CHANGE, Column.CHANGE_PCT}
# Cells that flash when the quote moves.
FLASHING = (Column.LAST, Column.CHANGE, Column.CHANGE_PCT)

# What data() answers; any other role (decoration, check state, ...) is None without looking further.
_ANSWERED = frozenset({
    item_roles.DISPLAY, item_roles.ALIGNMENT, item_roles.FOREGROUND, item_roles.BACKGROUND, item_roles.FONT,
    item_roles.TOOLTIP, SORT_ROLE, SYMBOL_ROLE, SPARK_ROLE,
})  # fmt: skip

_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ALIGNMENT = [_ALIGN_RIGHT if c in NUMERIC else _ALIGN_LEFT for c in Column]
_ALIGNMENT_FLAGS = [Qt.AlignmentFlag(a) for a in _ALIGNMENT]  # made once: each makes an enum member
_QUOTE_TEXT = {Column.LAST, Column.CHANGE, Column.CHANGE_PCT, Column.VOLUME, Column.RANGE}


def _quote_texts(q: Quote) -> dict[int, str]:
    return {
        Column.LAST: fmt.quote_price(q),
        Column.CHANGE: fmt.quote_change(q),
        Column.CHANGE_PCT: fmt.format_pct(q.change_pct),
        Column.VOLUME: fmt.quote_volume(q),
        Column.RANGE: fmt.format_range(q.day_low, q.day_high, q.decimals),
    }


_UPDATE_ROLES = [
    SPARK_ROLE,
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole,
    SORT_ROLE,
]


COLUMN_COUNT = len(Column)
# Plain ints for the comparisons a painted cell makes (reaching an IntEnum member costs ~0.4 us each time).
_SYMBOL, _NAME, _CHANGE, _AGE = int(Column.SYMBOL), int(Column.NAME), int(Column.CHANGE), int(Column.AGE)
# What the name cell of a symbol the live source does not know says, in the error colour, until it is quoted.
UNKNOWN_NAME = "no such symbol"  # (the tooltip: on which source, and any hint)
_NAMING = (int(Column.SYMBOL), int(Column.NAME))


class _Brushes(NamedTuple):
    """The cells' brushes for one set of colours, made once (not once per painted cell)."""

    up: QBrush
    down: QBrush
    warning: QBrush
    error: QBrush
    alert: QBrush
    flash_up: QBrush
    flash_down: QBrush

    @classmethod
    def of(cls, colors: Colors) -> _Brushes:
        return cls(*(QBrush(c) for c in (colors.up, colors.down, colors.warning, colors.error_text,
                                         colors.alert_highlight, colors.flash_up, colors.flash_down)))  # fmt: skip


# Columns whose text a quote can change (the trend cell is drawn, not text: see SPARK_REPAINT_S).
PAINTED_TEXT = (Column.LAST, Column.CHANGE, Column.CHANGE_PCT, Column.VOLUME, Column.RANGE, Column.UPDATED,
                Column.AGE)  # fmt: skip
# The columns whose text changes with the clock alone (the 1 s tick repaints these).
CLOCK_TEXT = (Column.UPDATED, Column.AGE)
# Worked out from the history only when painted (hidden by default): repainted with every quote.
HISTORY_TEXT = (Column.YEAR_RANGE, Column.VOL_RATIO)
# Columns whose order quotes never change: sorting by them needs no re-sort as prices move.
STATIC_SORT = {Column.SYMBOL, Column.NAME}


class WatchlistModel(QAbstractTableModel):
    """Rows are the watchlist's symbols, in the user's order or sorted by a column; cells read the store's
    latest quotes.

    The model sorts itself (`sort`, as a view's header asks) and keeps the sort as quotes move, instead of
    sitting behind a QSortFilterProxyModel: through a proxy every painted cell cost about thirty calls into
    Python (each role's data() plus the row and column counts behind every mapToSource), and painting
    the table was most of what a live day costs. `clock` gives "now" for the Age column: wall time for
    live data, the replay clock for a replay.
    """

    def __init__(
        self,
        store: QuoteStore,
        names: dict[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._names = dict(names or {})
        self.clock = clock
        self.colors = LIGHT
        # Live data only: a quote older than this during regular hours is stale (None: never, e.g. a replay).
        self.stale_after: float | None = None
        # Set by the view: a hidden column's cells are not announced as they change (an announcement costs
        # about as much as painting a cell; showing the column repaints it whole anyway).
        self.column_hidden: Callable[[int], bool] = lambda _column: False
        # Also set by the view: the first and last rows it shows. Their trend lines come first for the few a
        # repaint may redraw (SPARKS_PER_REPAINT): in a burst over 500 rows those went to rows in any order,
        # mostly out of sight, and a line in view waited about 12 s instead of 3.
        self.shown_rows: Callable[[], tuple[int, int]] = lambda: (0, len(self._symbols) - 1)
        self._order: list[str] = []  # the user's order (the watchlist's)
        self._symbols: list[str] = []  # as shown: the user's order, or sorted by `_sort_column`
        self._row_of: dict[str, int] = {}
        self._sort_column = -1  # -1: the user's order
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._shown_price: dict[str, float] = {}
        self._flash: dict[str, tuple[float, bool]] = {}  # symbol -> (expires at, moved up)
        self._alerted: dict[str, float] = {}  # symbol -> highlight expires at
        self._unknown: dict[str, str] = {}  # symbol -> why the source never quotes it ("ZZZZ: no such symbol …")
        self._texts: dict[str, tuple[Quote, dict[int, str]]] = {}  # symbol -> (quote, its formatted cells)
        self._stats: dict[str, tuple[Quote, tuple[tuple[float, float] | None, float | None]]] = {}
        self._painted: dict[str, dict[int, str]] = {}  # symbol -> column -> the text last painted
        self._spark_painted: dict[str, float] = {}  # symbol -> when its sparkline was last redrawn
        self._spark_behind: set[str] = set()  # sparklines with data newer than what they show
        self._spark_budget = SPARKS_PER_REPAINT  # left for the repaint under way
        # What each trend cell shows: the series as it was when the cell last came due, thinned. A cell
        # repainted in between (its neighbours changed, a scroll) shows the same line, copied, not redrawn.
        self._spark_shown: dict[str, np.ndarray] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._repaint: Coalescer[str] = Coalescer(REPAINT_MS, self._repaint_rows, self)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._expire_flashes)

    # -- Qt model API ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._symbols)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Qt's own checks the row and column through rowCount and columnCount: two calls into Python for
        # every cell the view paints, where this is one.
        if 0 <= row < len(self._symbols) and 0 <= column < COLUMN_COUNT and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column` (-1: the user's order), and keep it sorted as quotes move."""
        self._sort_column = column if 0 <= column < COLUMN_COUNT else -1
        self._sort_order = order
        self._resort()

    def _resort(self) -> None:
        """Put the rows in the sort's order, moving persistent indexes (selection, current row) along; ties
        keep the user's order. Nothing is emitted when the order did not change."""
        if self._sort_column < 0:
            order = list(self._order)
        else:
            column = Column(self._sort_column)
            keys = {s: self._sort_key(s, column, self._store.latest(s)) for s in self._order}
            descending = self._sort_order == Qt.SortOrder.DescendingOrder
            order = sorted(self._order, key=lambda s: _Key(keys[s]), reverse=descending)
        if order == self._symbols:
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        new_row = {s: k for k, s in enumerate(order)}
        after = [self.index(new_row[self._symbols[i.row()]], i.column()) if i.isValid() else i for i in before]
        self._symbols = order
        self._reindex()
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            column = Column(section)
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[column]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _ALIGN_RIGHT if column in NUMERIC else _ALIGN_LEFT
        return None

    def data(self, index: Index, role: int = item_roles.DISPLAY) -> Any:
        if role not in _ANSWERED or not index.isValid() or not (0 <= index.row() < len(self._symbols)):
            return None
        symbol = self._symbols[index.row()]
        column = index.column()  # an int: Column members compare equal to it, without building one
        quote = self._store.latest(symbol)
        if role == item_roles.DISPLAY:
            return self._display(symbol, column, quote)
        if role == item_roles.ALIGNMENT:
            return _ALIGNMENT[column]
        if role == item_roles.FOREGROUND:
            return self._foreground(symbol, column, quote)
        if role == item_roles.BACKGROUND:
            return self._background(symbol, column)
        if role == item_roles.FONT:
            return self._bold if column == Column.SYMBOL else None
        if role == SORT_ROLE:
            return self._sort_key(symbol, Column(column), quote)
        if role == SYMBOL_ROLE:
            return symbol
        if role == SPARK_ROLE:
            return self._spark_shown.get(symbol) if column == Column.TREND else None
        if quote is None and symbol in self._unknown:  # the tooltip of a row its source never quotes
            return self._unknown[symbol]
        if quote is not None:  # the tooltip
            stale = " · stale: no update lately during market hours" if self.is_stale(quote) else ""
            closing = fmt.at_close(quote)
            closing = f"\n{closing}" if closing else ""
            line = f"{symbol} · {fmt.iso_time(quote)} · {quote.source} · {quote.session.value} session{stale}{closing}"
            full_name = self._names.get(symbol, "")
            return f"{full_name}\n{line}" if column == Column.NAME and full_name else line
        return None

    def look(self, row: int, column: int) -> CellLook | None:
        """What a painted cell shows, in one call: (text, alignment, text brush, background brush, font),
        the answers data() gives for those roles (None: out of range). The view's delegate asks this
        instead of data() once per role, each a call from C++ into Python (see `ui/look_delegate.py`)."""
        if not (0 <= row < len(self._symbols) and 0 <= column < COLUMN_COUNT):
            return None
        symbol = self._symbols[row]
        quote = self._store.latest(symbol)
        return (
            self._display(symbol, column, quote),
            _ALIGNMENT_FLAGS[column],
            self._foreground(symbol, column, quote),
            self._background(symbol, column),
            self._bold if column == _SYMBOL else None,
        )

    @property
    def colors(self) -> Colors:
        return self._colors

    @colors.setter
    def colors(self, colors: Colors) -> None:
        self._colors = colors
        self._brushes = _Brushes.of(colors)

    def _foreground(self, symbol: str, column: int, quote: Quote | None) -> QBrush | None:
        if column in SIGNED and quote is not None:
            change = quote.change
            # "0.00" after rounding is neither up nor down
            if change and self._display(symbol, _CHANGE, quote).startswith(("+", "-")):
                return self._brushes.up if change > 0 else self._brushes.down
        if column == _AGE and quote is not None and self.is_stale(quote):
            return self._brushes.warning
        if column == _NAME and quote is None and symbol in self._unknown:
            return self._brushes.error
        return None

    def _background(self, symbol: str, column: int) -> QBrush | None:
        if column in _NAMING and symbol in self._alerted:
            return self._brushes.alert
        flash = self._flash.get(symbol)
        if flash is not None and column in FLASHING:
            return self._brushes.flash_up if flash[1] else self._brushes.flash_down
        return None

    def _display(self, symbol: str, column: int, q: Quote | None) -> str:
        if column == Column.SYMBOL:
            return symbol
        if column == Column.NAME:
            if q is None and symbol in self._unknown:
                return UNKNOWN_NAME
            return fmt.short_name(self._names.get(symbol, ""))
        if q is None:
            return fmt.DASH
        if column in _QUOTE_TEXT:
            cached = self._texts.get(symbol)
            if cached is None or cached[0] is not q:  # formatted once per quote, not once per paint
                cached = (q, _quote_texts(q))
                self._texts[symbol] = cached
            return cached[1][column]
        if column == Column.TREND:
            return ""
        if column in (Column.YEAR_RANGE, Column.VOL_RATIO):
            return self._history_texts(symbol, q)[column]
        if column == Column.UPDATED:
            stamp = fmt.format_quote_time(q, self.clock())
            if q.daily or q.session is MarketSession.REGULAR:
                return stamp
            return f"{stamp} · {q.session.value}"  # pre-market, after hours, or a closed market
        age = self.clock() - q.time
        return "<1m" if age < 60 else fmt.format_age(age)  # seconds would repaint every row every second

    def _history_stats(self, symbol: str, q: Quote) -> tuple[tuple[float, float] | None, float | None]:
        cached = self._stats.get(symbol)
        if cached is None or cached[0] is not q:  # worked out once per quote, not once per paint
            bars = self._store.session_bars(symbol)
            stats = (year_range(bars), volume_ratio(bars)) if bars is not None else (None, None)
            cached = (q, stats)
            self._stats[symbol] = cached
        return cached[1]

    def _history_texts(self, symbol: str, q: Quote) -> dict[int, str]:
        span, ratio = self._history_stats(symbol, q)
        return {
            Column.YEAR_RANGE: fmt.DASH if span is None else fmt.format_range(span[0], span[1], q.decimals),
            Column.VOL_RATIO: fmt.DASH if ratio is None else f"{ratio:.2f}×",
        }

    def _sort_key(self, symbol: str, column: Column, q: Quote | None) -> Any:
        """Raw values for sorting; rows without a value sort as -inf so they gather at one end."""
        missing = float("-inf")
        if column == Column.SYMBOL:
            return symbol
        if column == Column.NAME:
            return self._names.get(symbol, "")
        if q is None:
            return missing
        value = {
            Column.LAST: q.price,
            Column.CHANGE: q.change,
            Column.CHANGE_PCT: q.change_pct,
            Column.VOLUME: q.volume,
            Column.RANGE: None if q.day_low is None or q.day_high is None else q.day_high - q.day_low,
            Column.UPDATED: q.time,
            Column.AGE: self.clock() - q.time,
            Column.TREND: q.change_pct,
            Column.YEAR_RANGE: self._year_position(symbol, q),
            Column.VOL_RATIO: self._history_stats(symbol, q)[1],
        }[column]
        return missing if value is None else value

    def _year_position(self, symbol: str, q: Quote) -> float | None:
        """Where the price sits in its 52-week range, 0 at the low and 1 at the high (for sorting)."""
        span = self._history_stats(symbol, q)[0]
        if span is None or span[1] <= span[0]:
            return None
        return (q.price - span[0]) / (span[1] - span[0])

    # -- rows -----------------------------------------------------------------------------------

    @property
    def symbols(self) -> list[str]:
        """The watchlist's symbols in the user's order (whatever the shown sort)."""
        return list(self._order)

    @property
    def shown_symbols(self) -> list[str]:
        """The symbols top to bottom as shown."""
        return list(self._symbols)

    def row_of(self, symbol: str) -> int | None:
        return self._row_of.get(symbol)

    def set_symbols(self, symbols: Iterable[str]) -> None:
        self.beginResetModel()
        self._order = list(dict.fromkeys(symbols))
        self._symbols = list(self._order)
        self._reindex()
        self._flash.clear()
        self._forget_painted()
        self.endResetModel()
        self._resort()

    def add_symbol(self, symbol: str) -> bool:
        if symbol in self._row_of:
            return False
        row = len(self._symbols)
        self.beginInsertRows(QModelIndex(), row, row)
        self._order.append(symbol)
        self._symbols.append(symbol)
        self._row_of[symbol] = row
        self.endInsertRows()
        self._resort()
        return True

    def remove_symbol(self, symbol: str) -> bool:
        row = self._row_of.get(symbol)
        if row is None:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._symbols[row]
        self._order.remove(symbol)
        self._reindex()
        self._flash.pop(symbol, None)
        self._shown_price.pop(symbol, None)
        self.endRemoveRows()
        return True

    def spark_data(self, symbol: str) -> tuple[object, object] | None:
        """Today's ticks (intraday data), or the last 30 sessions' closes (daily data): what the trend cell draws."""
        history = self._store.history(symbol)
        quote = self._store.latest(symbol)
        if history is None or quote is None or len(history) < 2:
            return None
        times, prices = history.times, history.prices
        if quote.daily:
            return times[-30:], prices[-30:]
        start = times.searchsorted(session_start(quote.time))
        return times[start:], prices[start:]

    def _take_spark(self, symbol: str) -> None:
        data = self.spark_data(symbol)
        if data is None:
            self._spark_shown.pop(symbol, None)
            return
        values = np.asarray(data[1], dtype=float)
        if len(values) > SPARK_POINTS:
            values = values[np.linspace(0, len(values) - 1, SPARK_POINTS).astype(int)]
        self._spark_shown[symbol] = values.copy()  # the history's arrays are views that later ticks move

    def is_stale(self, quote: Quote) -> bool:
        now = self.clock()
        return self.stale_after is not None and now - quote.time > self.stale_after and US_MARKET.is_regular(now)

    def set_unknown(self, reasons: dict[str, str]) -> None:
        """The symbols the live source says do not exist, each with the sentence saying so: their name
        cells say it (a row that only ever showed dashes told the user nothing)."""
        if reasons == self._unknown:
            return
        changed = set(reasons) ^ set(self._unknown)
        self._unknown = dict(reasons)
        for symbol in changed:
            row = self._row_of.get(symbol)
            if row is not None:
                self._emit_cells(row, (Column.NAME,), (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole))

    def unknown(self) -> set[str]:
        return set(self._unknown)

    def name_of(self, symbol: str) -> str:
        return self._names.get(symbol, "")

    def set_name(self, symbol: str, name: str) -> None:
        self._names[symbol] = name
        if self._sort_column == Column.NAME:
            self._resort()
        row = self._row_of.get(symbol)
        if row is not None:
            cell = self.index(row, Column.NAME)
            self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole, SORT_ROLE])

    def _reindex(self) -> None:
        self._row_of = {s: i for i, s in enumerate(self._symbols)}

    # -- updates --------------------------------------------------------------------------------

    def quotes_changed(self, symbols: Iterable[str]) -> None:
        """Called once per flush: note the rows that changed; the view hears about them at most every
        REPAINT_MS (one dataChanged over them), however many flushes came in between. A row's first quote
        shows at once: at start-up (or after a restart) the table fills as the feed sends each symbol's
        history, not a repaint interval at a time (and before the charts' construction holds the thread)."""
        symbols = list(symbols)
        self._repaint.add(symbols)
        shown, rows = self._shown_price, self._row_of
        if any(symbol in rows and symbol not in shown for symbol in symbols):
            self.flush_changes()

    def flush_changes(self) -> None:
        """Repaint now whatever is waiting (tests and the first quotes don't wait for the timer)."""
        self._repaint.flush_now()

    def _repaint_rows(self, symbols: set[str]) -> None:
        """Flash the rows whose price moved since they were shown, re-sort when sorted by what moves, and
        repaint only the cells whose text changed (painting a cell costs ~0.1 ms, a live day is millions
        of them): one dataChanged per run of adjacent cells. A sparkline is redrawn at most every
        SPARK_REPAINT_S (refresh_ages draws the ones left behind)."""
        now = time.monotonic()
        expires = now + FLASH_SECONDS
        self._spark_budget = SPARKS_PER_REPAINT
        self._expire_flashes(now)
        if self._sort_column >= 0 and self._sort_column not in STATIC_SORT:
            self._resort()  # prices moved: so may the rows
        fine = len(symbols) <= CELL_BY_CELL_UP_TO
        burst_rows: list[int] = []  # a burst: rows repainted whole, announced in runs of adjacent rows
        burst_sparks: list[int] = []
        if not fine:
            self._painted.clear()  # cell texts are not followed in a burst: compare afresh afterwards
        sparks = self._due_sparks(symbols, now)
        for symbol in symbols:
            row = self._row_of.get(symbol)
            quote = self._store.latest(symbol)
            if row is None or quote is None:
                continue
            shown = self._shown_price.get(symbol)
            moved = shown is not None and quote.price != shown
            if shown is not None and moved:
                self._flash[symbol] = (expires, quote.price > shown)
            self._shown_price[symbol] = quote.price
            spark = symbol in sparks
            if not fine:  # a burst over many rows: the whole changed part of each row, without comparing
                burst_rows.append(row)
                if spark:
                    burst_sparks.append(row)
                continue
            changed = self._changed_cells(symbol, quote)
            if moved:
                changed.update(FLASHING)
            changed.update(HISTORY_TEXT)
            if spark:
                changed.add(Column.TREND)
            self._emit_cells(row, changed, _UPDATE_ROLES)
        if burst_rows:
            # One announcement per run of rows and block of columns instead of one per row (500 rows: 7 ms).
            blocks = [(Column.LAST, Column.AGE), (Column.YEAR_RANGE, Column.VOL_RATIO)]
            visible = [(a, b) for a, b in blocks if not all(self.column_hidden(c) for c in range(a, b + 1))]
            self._emit_blocks(burst_rows, visible)
            self._emit_blocks(burst_sparks, [] if self.column_hidden(Column.TREND) else [(Column.TREND, Column.TREND)])
        if self._flash and not self._flash_timer.isActive():
            self._arm_expiry(now)

    def _emit_blocks(
        self, rows: list[int], blocks: Sequence[tuple[int, int]], roles: Sequence[int] = _UPDATE_ROLES
    ) -> None:
        for top, bottom in _runs(rows):
            for first, last in blocks:
                self.dataChanged.emit(self.createIndex(top, first), self.createIndex(bottom, last), roles)

    def _changed_cells(self, symbol: str, quote: Quote, columns: Sequence[int] = PAINTED_TEXT) -> set[int]:
        """Which of `columns` have a text that differs from what was last painted for `symbol` (noting the
        new texts: the caller repaints every column returned)."""
        painted = self._painted.setdefault(symbol, {})
        changed: set[int] = set()
        for column in columns:
            text = self._display(symbol, column, quote)
            if painted.get(column) != text:
                painted[column] = text
                changed.add(column)
        return changed

    def _due_sparks(self, symbols: Iterable[str], now: float) -> set[str]:
        """The symbols among `symbols` whose trend line is redrawn now: those in rows in view first, then
        the others while the repaint's budget lasts (see `_spark_due`)."""
        top, bottom = self.shown_rows()
        listed = [(symbol, self._row_of[symbol]) for symbol in symbols if symbol in self._row_of]
        in_view = [symbol for symbol, row in listed if top <= row <= bottom]
        out_of_view = [symbol for symbol, row in listed if not top <= row <= bottom]
        return {symbol for symbol in (*in_view, *out_of_view) if self._spark_due(symbol, now)}

    def _spark_due(self, symbol: str, now: float) -> bool:
        """Whether the trend cell may be redrawn now (then its series is taken for it to show); if not, it
        is marked to be redrawn later."""
        if self._spark_budget > 0 and now - self._spark_painted.get(symbol, float("-inf")) >= SPARK_REPAINT_S:
            self._spark_budget -= 1
            self._spark_painted[symbol] = now
            self._take_spark(symbol)
            self._spark_behind.discard(symbol)
            return True
        self._spark_behind.add(symbol)
        return False

    def _emit_cells(self, row: int, columns: Iterable[int], roles: Sequence[int]) -> None:
        """One dataChanged per cell: for a range of cells the view repaints a rectangle one pixel wider and
        taller than the range, and so every cell of the next row and column that it touches (measured on
        a live day: 12.8 cell paints per quote instead of 7). Rows and columns here are the model's own:
        createIndex, as index() asks the Python rowCount and columnCount each time."""
        hidden = self.column_hidden
        for column in columns:
            if not hidden(column):
                cell = self.createIndex(row, column)
                self.dataChanged.emit(cell, cell, roles)

    def highlight(self, symbols: Iterable[str]) -> None:
        """Mark rows whose alert just fired (the symbol and name cells) for a few seconds."""
        until = time.monotonic() + ALERT_HIGHLIGHT_SECONDS
        rows = []
        for symbol in symbols:
            if symbol in self._row_of:
                self._alerted[symbol] = until
                rows.append(self._row_of[symbol])
        if rows:
            roles = [Qt.ItemDataRole.BackgroundRole]
            self.dataChanged.emit(self.index(min(rows), Column.SYMBOL), self.index(max(rows), Column.NAME), roles)
            self._arm_expiry(time.monotonic())

    def is_highlighted(self, symbol: str) -> bool:
        return symbol in self._alerted

    def _expire_flashes(self, now: float | None = None) -> None:
        """End the flashes and highlights that are due (repainting their cells), then wait for the next."""
        now = time.monotonic() if now is None else now
        roles = [Qt.ItemDataRole.BackgroundRole]
        done = [s for s, (until, _) in self._flash.items() if until <= now]
        for symbol in done:
            del self._flash[symbol]
        rows = [self._row_of[s] for s in done if s in self._row_of]
        if len(rows) <= CELL_BY_CELL_UP_TO:
            for row in rows:
                self._emit_cells(row, FLASHING, roles)
        else:  # a burst: most rows repaint anyway, and one announcement per run costs less than one per cell
            self._emit_blocks(rows, [(FLASHING[0], FLASHING[-1])], roles)
        calm = [s for s, until in self._alerted.items() if until <= now]
        for symbol in calm:
            del self._alerted[symbol]
        rows = [self._row_of[s] for s in calm if s in self._row_of]
        if rows:
            self.dataChanged.emit(self.index(min(rows), Column.SYMBOL), self.index(max(rows), Column.NAME), roles)
        self._arm_expiry(now)

    def _arm_expiry(self, now: float) -> None:
        deadlines = [until for until, _ in self._flash.values()] + list(self._alerted.values())
        if deadlines:
            self._flash_timer.start(max(1, int((min(deadlines) + FLASH_GRACE_S - now) * 1000)))

    def refresh_ages(self) -> None:
        """Called every second: ages and relative times change with the clock alone. Repaints the cells
        whose text did change and the sparklines left behind by SPARK_REPAINT_S."""
        if self._sort_column in (Column.UPDATED, Column.AGE):
            self._resort()
        now = time.monotonic()
        self._spark_budget = SPARKS_PER_REPAINT
        roles = [Qt.ItemDataRole.DisplayRole, SORT_ROLE, Qt.ItemDataRole.ForegroundRole, SPARK_ROLE]
        sparks = self._due_sparks(list(self._spark_behind), now)
        for row, symbol in enumerate(self._symbols):
            quote = self._store.latest(symbol)
            if quote is None:
                continue
            # The clock's columns only: a text of another column noted here as painted would not be
            # repainted by the repaint still waiting for its quote (a new volume stayed unseen).
            changed = self._changed_cells(symbol, quote, CLOCK_TEXT)
            if symbol in sparks:
                changed.add(Column.TREND)
            self._emit_cells(row, changed, roles)

    def _forget_painted(self) -> None:
        """After a reset or a full repaint the view shows what the model says now: compare with that."""
        self._painted.clear()
        self._spark_painted.clear()
        self._spark_behind.clear()

    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        if self._symbols:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._symbols) - 1, len(Column) - 1))

    def clear_prices(self) -> None:
        """Forget what was shown (the store was cleared for a replay restart)."""
        self._shown_price.clear()
        self._spark_shown.clear()
        self._forget_painted()
        self._flash.clear()
        if self._symbols:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._symbols) - 1, len(Column) - 1))


def _runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of adjacent ones: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class _Key:
    """A sort key that orders any two cells the way the view's sort did: numbers among numbers, text
    among text (case-insensitively), and a missing value (-inf) below everything."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value: Any = value.casefold() if isinstance(value, str) else (float("-inf") if value is None else value)

    def __lt__(self, other: _Key) -> bool:
        a, b = self.value, other.value
        if isinstance(a, str) != isinstance(b, str):
            return not isinstance(a, str)  # numbers (and missing values) before text
        return bool(a < b)
