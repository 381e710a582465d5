"""Number fields that read and write numbers as the rest of the window shows them: 175.5, never 175,5.

Qt's spin boxes follow the system locale. Under a German one a level typed as "175.5" (the way the
table, the charts and the rule files write it) was read as 1755, the dot being a thousands separator
there: an alert silently ten times off. These fields use the C locale, with no thousands separators,
and a decimal field takes a typed or pasted comma as the decimal point it was meant to be.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox


def plain_numbers(spin: QAbstractSpinBox) -> None:
    locale = QLocale.c()
    locale.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator | QLocale.NumberOption.OmitGroupSeparator)
    spin.setLocale(locale)


class DecimalSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox with plain numbers, where "175,5" means 175.5 whatever the system's locale."""

    def __init__(self) -> None:
        super().__init__()
        plain_numbers(self)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        result: tuple[QValidator.State, str, int] = super().validate(text.replace(",", "."), pos)
        return result

    def valueFromText(self, text: str) -> float:
        return float(super().valueFromText(text.replace(",", ".")))
