"""Columns that give way so that a table's main column stays readable in a narrow panel.

A table with one stretched column (a rule's text, a symbol's name) beside columns of set widths leaves
the stretched one whatever is over: on a laptop's screen (1366 × 768) the alerts panel is about 490 px
wide, and the rules' and the log's Rule columns were 25-35 px ("NV…75"); the watchlist scrolled sideways,
its Age and Trend out of view. Here each other column has the width it takes when
there is room and a narrower one it can give way to (its text elided), and they give way in proportion so
that the main column keeps `main_min` pixels while they can; past that it takes what is left, down to a
floor under which it keeps `main_min` and the table scrolls sideways. A column the user drags to a width
keeps that width.

A header state saved (the watchlist's, per list) holds the columns at their widths with room, not as a
narrow window fitted them: restored in a wider one, they are not left narrow for good. Restored, a width
other than a column's own is one the user gave it, and is kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QByteArray, QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView

# column -> (width when there is room, narrowest it gives way to)
Widths = dict[int, tuple[int, int]]


class FittedColumns(QObject):
    TEXT_PADDING = 4  # px each side of a cell's text: the item delegate's margin (3 in Qt's styles) and one more

    def __init__(self, view: QTableView, main: int, widths: Widths, main_min: int, floor: int | None = None) -> None:
        """`floor`: narrower than this, the main column is unreadable; rather than go below it, it keeps
        `main_min` and the table scrolls sideways (None: it takes whatever is left)."""
        super().__init__(view)
        self._floor = floor
        self._view = view
        self._main = main
        self._defaults = dict(widths)
        self._widths = dict(widths)
        self._main_min = main_min
        self._fitting = False  # the resizes made here are not the user's
        # The header spans the viewport: its resizes are the table's (asking for the viewport itself would
        # build its Python wrapper before the window's first paint).
        self._header = header = view.horizontalHeader()
        header.setSectionResizeMode(main, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._section_resized)
        header.installEventFilter(self)
        self.fit()

    def set_main_min(self, width: int) -> None:
        """What the main column keeps while the others can give way: the width its texts need, say."""
        if width != self._main_min:
            self._main_min = width
            self.fit()

    def wanted_by(self, texts: Iterable[str], least: int, most: int) -> int:
        """The width that shows the widest of `texts` whole in the main column, from `least` to `most`."""
        metrics = self._view.fontMetrics()
        widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
        return max(least, min(most, widest + 2 * self.TEXT_PADDING))

    def widths(self) -> Widths:
        """What each column takes with room, and gives way to (after the user's own widths)."""
        return dict(self._widths)

    def _shown(self) -> list[int]:
        return [c for c in self._widths if not self._header.isSectionHidden(c)]

    def fit(self) -> None:
        header = self._header
        shown = {c: self._widths[c] for c in self._shown()}
        over = header.width() - sum(wide for wide, _least in shown.values())  # what the main column would get
        spare = sum(wide - least for wide, least in shown.values())
        short = self._main_min - over
        share = min(1.0, short / spare) if short > 0 and spare > 0 else 0.0
        # Even with the others at their narrowest the main column would be under its floor: it keeps its
        # minimum and the table scrolls sideways (stretched, it would take what is left, "NV…75").
        squeezed = self._floor is not None and over + spare < self._floor
        mode = QHeaderView.ResizeMode.Interactive if squeezed else QHeaderView.ResizeMode.Stretch
        self._fitting = True
        try:
            for column, (wide, least) in shown.items():
                width = round(wide - (wide - least) * share)
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
            if header.sectionResizeMode(self._main) != mode:
                header.setSectionResizeMode(self._main, mode)
            if squeezed and header.sectionSize(self._main) != self._main_min:
                header.resizeSection(self._main, self._main_min)
        finally:
            self._fitting = False

    def saved_state(self) -> QByteArray:
        """The header's state (`QHeaderView.saveState`) with the shown columns at their widths with room."""
        header = self._header
        shown = self._shown()
        fitted = {c: header.sectionSize(c) for c in shown}
        self._fitting = True
        try:
            for column in shown:
                header.resizeSection(column, self._widths[column][0])
            state = header.saveState()
            for column in shown:
                header.resizeSection(column, fitted[column])
        finally:
            self._fitting = False
        return state

    def restore_state(self, state: QByteArray) -> bool:
        """`QHeaderView.restoreState`, then fitted: a shown column restored at a width other than its own
        keeps it as the user's."""
        header = self._header
        self._fitting = True
        try:
            restored = header.restoreState(state)
        finally:
            self._fitting = False
        self._widths = dict(self._defaults)
        for column, (wide, _least) in self._defaults.items():
            size = header.sectionSize(column)
            if restored and not header.isSectionHidden(column) and size != wide:
                self._widths[column] = (size, size)
        self.fit()
        return bool(restored)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _section_resized(self, column: int, old: int, new: int) -> None:
        if self._fitting or column == self._main or column not in self._widths:
            return
        if old == 0 or new == 0:  # shown or hidden: the others share the room anew
            self.fit()
            return
        self._widths[column] = (new, new)  # dragged by the user: theirs, and not given away
