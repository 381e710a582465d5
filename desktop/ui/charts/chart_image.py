"""A chart as an image for export: the plot alone under a title band, without the window's controls.

The plot (axes, legend, level lines, markers) is rendered as it is drawn on screen; the input boxes,
range buttons, hints and crosshair are left out. The band says what the chart is, from what source,
as of when.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QWidget

from desktop.core.formatting import iso_time
from desktop.core.quote import Quote
from desktop.core.safe_files import file_problem, write_atomic
from desktop.ui.theme import Colors

TITLE_HEIGHT = 54
MARGIN = 12


class ExportableChart(Protocol):
    colors: Colors

    def export_view(self) -> QWidget:
        """The plot widget alone."""
        ...

    def export_title(self) -> tuple[str, str]:
        """(headline, detail): what is drawn, and its source and as-of time."""
        ...


SOURCE_NAMES = {"replay": "Replay of recorded bars", "yahoo": "Yahoo Finance (delayed)"}


def source_line(quotes: list[Quote | None]) -> str:
    """'Yahoo Finance (delayed) · as of 2026-08-21T15:55:00-04:00' from the newest of the shown quotes."""
    known = [q for q in quotes if q is not None]
    if not known:
        return "no quotes"
    newest = max(known, key=lambda q: q.time)
    sources = sorted({SOURCE_NAMES.get(q.source, q.source or "unknown source") for q in known})
    return f"{', '.join(sources)} · as of {iso_time(newest)}"


def chart_image(chart: ExportableChart) -> QImage:
    view = chart.export_view()
    plot = view.grab()
    headline, detail = chart.export_title()
    ratio = plot.devicePixelRatio()
    width = int(plot.width() / ratio)
    height = int(plot.height() / ratio)
    image = QImage(int(width * ratio), int((height + TITLE_HEIGHT) * ratio), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor(chart.colors.chart_background))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setPen(QColor(chart.colors.chart_foreground))
        font = QFont(view.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        painter.setFont(font)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRect(MARGIN, 4, width - 2 * MARGIN, 26), align, headline)
        small = QFont(view.font())
        painter.setFont(small)
        painter.drawText(QRect(MARGIN, 28, width - 2 * MARGIN, 20), align, detail)
        painter.drawPixmap(0, TITLE_HEIGHT, plot)
    finally:
        painter.end()
    return image


class ImageFormatError(ValueError):
    """An image that could not be encoded in the format its file name asks for."""


def image_bytes(image: QImage, path: Path) -> bytes:
    """`image` encoded as `path`'s suffix says (PNG without one), for a file written whole or not at all:
    Qt's own saving writes in place and says only that it failed, never why."""
    kind = path.suffix.lstrip(".").upper() or "PNG"
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, kind):  # type: ignore[call-overload]  # PySide6 takes the format as str; its stubs say bytes
        raise ImageFormatError(f"{path.name}: an image cannot be written as {kind}")
    return bytes(buffer.data().data())


def save_image(image: QImage, path: Path) -> str | None:
    """Write `image` to `path` (its folder made), whole or not at all; None, or a sentence naming the file
    and why it is not written (the command line's chart, the window's screenshot as it closes)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, image_bytes(image, path))
    except ImageFormatError as exc:
        return str(exc)
    except OSError as exc:
        return file_problem(path, exc)
    return None
