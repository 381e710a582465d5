"""The rotation grid: small caps against big tech (IWM − QQQ by default) over 1D, 5D, 1M, QTD and YTD.

Values come from the live alert engine, so they are exactly what a spread rule on the pair would see.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QLineEdit, QWidget

from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rules import AlertRule, AlertType, Condition
from desktop.core.alerts.windows import parse_window
from desktop.core.formatting import DASH
from desktop.core.symbol_lists import typed_symbol
from desktop.ui.theme import LIGHT, Colors

WINDOWS = [("1D", "day"), ("5D", "5d"), ("1M", "21d"), ("QTD", "qtd"), ("YTD", "ytd")]


class RotationPanel(QFrame):
    """One row of cells: the A − B return spread, in points, per window; green when A leads."""

    def __init__(self, engine: AlertEngine, a: str = "IWM", b: str = "QQQ", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rotationPanel")
        self.engine = engine
        self.colors: Colors = LIGHT
        self.a, self.b = a, b
        self.a_edit = QLineEdit(a)
        self.b_edit = QLineEdit(b)
        self.a_edit.setAccessibleName("Rotation: first symbol")
        self.b_edit.setAccessibleName("Rotation: second symbol")
        for edit in (self.a_edit, self.b_edit):
            edit.setMaximumWidth(60)
            edit.editingFinished.connect(self._pair_edited)
        self.verdict = QLabel("")
        self.verdict.setObjectName("rotationVerdict")
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 8, 4)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(0)
        grid.addWidget(QLabel("<b>Rotation</b>"), 0, 0)
        grid.addWidget(self.a_edit, 0, 1)
        grid.addWidget(QLabel("−"), 0, 2)
        grid.addWidget(self.b_edit, 0, 3)
        self.cells: dict[str, QLabel] = {}
        for k, (label, _window) in enumerate(WINDOWS):
            head = QLabel(label)
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cell = QLabel(DASH)
            cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
            # A fixed size: the figures change with the quotes, and a label whose size follows its text
            # asks the whole window for a new layout each time.
            cell.setFixedSize(74, cell.fontMetrics().height() + 6)
            cell.setObjectName(f"rotation{label}")
            grid.addWidget(head, 0, 4 + k)
            grid.addWidget(cell, 1, 4 + k)
            self.cells[label] = cell
        grid.addWidget(self.verdict, 1, 0, 1, 4)
        grid.setColumnStretch(9, 1)

    def _pair_edited(self) -> None:
        a, b = typed_symbol(self.a_edit.text()), typed_symbol(self.b_edit.text())
        if a and b and a != b:
            self.a, self.b = a, b
            self.refresh()

    def spread(self, window: str) -> float | None:
        rule = AlertRule("rotation-grid", AlertType.SPREAD, Condition.ABOVE, 0.0, a=self.a, b=self.b,
                         window=parse_window(window))  # fmt: skip
        return self.engine.value(rule)

    def values(self) -> dict[str, float | None]:
        return {label: self.spread(window) for label, window in WINDOWS}

    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        self.refresh()

    def symbols_changed(self, symbols: set[str]) -> None:
        """Quotes moved: the grid's figures are its pair's alone (five engine values each time)."""
        if self.a in symbols or self.b in symbols:
            self.refresh()

    def refresh(self) -> None:
        values = self.values()
        for label, value in values.items():
            cell = self.cells[label]
            if value is None:
                text, style, tip = DASH, "", ""
            else:
                tint = (self.colors.up if value > 0 else self.colors.down).name()
                text = f"{value:+.2f}"
                style = f"color: {tint}; font-weight: bold; border: 1px solid {tint}; border-radius: 3px;"
                tip = f"{self.a} return minus {self.b} return over {label}: {value:+.2f} points"
            if cell.text() != text:
                cell.setText(text)
                cell.setToolTip(tip)
            if cell.styleSheet() != style:  # restyling is costly: only when the colour flips
                cell.setStyleSheet(style)
        known = [v for v in values.values() if v is not None]
        if not known:
            self.verdict.setText("waiting for data")
        else:
            leading = sum(v > 0 for v in known)
            who = self.a if leading * 2 > len(known) else self.b
            self.verdict.setText(f"{who} leads in {max(leading, len(known) - leading)} of {len(known)}")
