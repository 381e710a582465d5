"""Colours and the light / dark palettes: every colour the UI uses is named here once."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


class ThemeMode(enum.Enum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class Colors:
    """The semantic colours of one theme."""

    up: QColor
    down: QColor
    flash_up: QColor
    flash_down: QColor
    chart_background: QColor
    chart_foreground: QColor
    chart_line: QColor
    prev_close_line: QColor
    banner_background: QColor
    banner_text: QColor
    error_text: QColor
    live: QColor
    replay: QColor
    warning: QColor
    alert_highlight: QColor
    marker: QColor
    series: tuple[QColor, ...]  # distinct line colours for several symbols (Okabe-Ito: safe for colour-blind eyes)


LIGHT = Colors(
    up=QColor("#0a7d32"),
    down=QColor("#c62828"),
    flash_up=QColor(46, 160, 67, 90),
    flash_down=QColor(218, 54, 51, 90),
    chart_background=QColor("#ffffff"),
    chart_foreground=QColor("#333333"),
    chart_line=QColor("#1f6feb"),
    prev_close_line=QColor("#888888"),
    banner_background=QColor("#fff4ce"),
    banner_text=QColor("#4d3800"),
    error_text=QColor("#c62828"),
    live=QColor("#0a7d32"),
    replay=QColor("#9a6700"),
    warning=QColor("#c62828"),
    alert_highlight=QColor(245, 158, 11, 110),
    marker=QColor("#d97706"),
    series=tuple(QColor(c) for c in ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")),
)

DARK = Colors(
    up=QColor("#3fb950"),
    down=QColor("#f85149"),
    flash_up=QColor(63, 185, 80, 80),
    flash_down=QColor(248, 81, 73, 80),
    chart_background=QColor("#161b22"),
    chart_foreground=QColor("#c9d1d9"),
    chart_line=QColor("#58a6ff"),
    prev_close_line=QColor("#6e7681"),
    banner_background=QColor("#3d2e00"),
    banner_text=QColor("#f2cc60"),
    error_text=QColor("#ff7b72"),
    live=QColor("#3fb950"),
    replay=QColor("#d29922"),
    warning=QColor("#ff7b72"),
    alert_highlight=QColor(245, 158, 11, 90),
    marker=QColor("#f59e0b"),
    series=tuple(QColor(c) for c in ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#0072B2", "#FFFFFF")),
)


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def resolve(mode: ThemeMode) -> bool:
    """True when `mode` means a dark theme here."""
    if mode is ThemeMode.SYSTEM:
        return system_prefers_dark()
    return mode is ThemeMode.DARK


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#0d1117"), QColor("#161b22"), QColor("#c9d1d9")
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, QColor("#151b23"))
    p.setColor(QPalette.ColorRole.ToolTipBase, window)
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, QColor("#21262d"))
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.BrightText, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.Highlight, QColor("#1f6feb"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#6e7681"))
    p.setColor(QPalette.ColorRole.Link, QColor("#58a6ff"))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6e7681"))
    return p


def _colorblind(colors: Colors) -> Colors:
    """The same theme with rises in blue and falls in orange (told apart without red/green vision)."""
    light = colors is LIGHT
    up, down = (QColor("#0072B2"), QColor("#D55E00")) if light else (QColor("#56B4E9"), QColor("#E69F00"))
    flash_up, flash_down = QColor(up), QColor(down)
    flash_up.setAlpha(80)
    flash_down.setAlpha(80)
    return dataclasses.replace(colors, up=up, down=down, flash_up=flash_up, flash_down=flash_down)


def apply_theme(app: QApplication, mode: ThemeMode, colorblind: bool = False) -> Colors:
    """Set the application palette for `mode`; returns the semantic colours to use with it."""
    app.setStyle("Fusion")
    dark = resolve(mode)
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())
    colors = DARK if dark else LIGHT
    return _colorblind(colors) if colorblind else colors
