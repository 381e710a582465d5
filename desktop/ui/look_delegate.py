"""A delegate that asks its model for a cell's whole look in one call.

Qt's item delegate fills a cell's style option from seven roles (font, alignment, text colour, check
state, icon, text, background), and for a model written in Python each is a call from C++ into Python
with an index to wrap and a value to convert. This delegate asks the model's `look(row, column)` once and
fills the option as Qt's own `initStyleOption` would (the pictures are the same, pixel for pixel: see the
tests); the style then draws the cell as before. A repainted rule cell: 24.4 -> 20.9 us.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

# (text, alignment, text brush, background brush, font); None where the model gives none for that role
CellLook = tuple[str, Qt.AlignmentFlag | None, QBrush | None, QBrush | None, QFont | None]

_HAS_DISPLAY = QStyleOptionViewItem.ViewItemFeature.HasDisplay
_TEXT = QPalette.ColorRole.Text
_NO_BRUSH = QBrush()


class Looks(Protocol):
    def look(self, row: int, column: int) -> CellLook | None: ...


class LookDelegate(QStyledItemDelegate):
    """Fills the style option from the model's `look(row, column)`; where that gives None (or there is no
    such model), from data() as Qt does."""

    def __init__(
        self, model: Looks | None, parent: QWidget | None = None, cut_in_the_middle: frozenset[int] = frozenset()
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._middle = cut_in_the_middle  # columns whose texts end with what tells them apart (a rule's level)

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        model = self._model
        look = model.look(index.row(), index.column()) if model is not None and index.isValid() else None
        if look is None:
            super().initStyleOption(option, index)
            return
        text, alignment, foreground, background, font = look
        if index.column() in self._middle:
            option.textElideMode = Qt.TextElideMode.ElideMiddle
        option.index = index  # type: ignore[assignment]  # (Qt passes a QModelIndex; the stub allows both)
        if font is not None:
            option.font = font.resolve(option.font)
            option.fontMetrics = QFontMetrics(option.font)
        if alignment is not None:
            option.displayAlignment = alignment
        if foreground is not None:
            palette = option.palette  # a copy: changed, then set back
            palette.setBrush(_TEXT, foreground)
            option.palette = palette
        option.features |= _HAS_DISPLAY
        option.text = text
        option.backgroundBrush = background if background is not None else _NO_BRUSH
        option.styleObject = None  # type: ignore[assignment]  # as Qt's own: no style animations in item views
