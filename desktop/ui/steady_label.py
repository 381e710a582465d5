"""A one-line label for text that changes every second (a rate, a clock, a chart's price header).

Giving a QLabel a new text makes it ask for a new layout, and the request climbs every layout up to the
main window: on a live day the status bar, the splitter handle and the chart header were laid out and
repainted several times a second for one changed figure. This label's size does not depend on its text
(one line tall; as wide as `widest`, or as the layout gives it), so a new text repaints the label alone.
Text too long for the width is elided, with the whole of it in the tooltip.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

PADDING = 4  # pixels each side, like a status bar label's


class SteadyLabel(QWidget):
    def __init__(
        self,
        text: str = "",
        widest: str = "",
        parent: QWidget | None = None,
        alignment: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> None:
        super().__init__(parent)
        self._text = text
        self._widest = widest
        self._alignment = alignment | Qt.AlignmentFlag.AlignVCenter
        self._elided = False
        width = QSizePolicy.Policy.Fixed if widest else QSizePolicy.Policy.Ignored
        self.setSizePolicy(width, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def sizeHint(self) -> QSize:
        # The text's true width: the rounded whole-pixel advance can be a fraction short, and eliding
        # then cut "clock" off "replay clock".
        width = math.ceil(QFontMetricsF(self.font()).horizontalAdvance(self._widest)) + 2 * PADDING + 1
        return QSize(width if self._widest else 0, self.fontMetrics().height() + 2)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = self.rect().adjusted(PADDING, 0, -PADDING, 0)
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, area.width())
        elided = shown != self._text
        if elided != self._elided:
            self._elided = elided
            self.setToolTip(self._text if elided else "")
        painter.setPen(self.palette().windowText().color())
        painter.drawText(area, int(self._alignment), shown)
        painter.end()
