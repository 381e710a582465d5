"""The price line drawn as two 1-pixel passes looks like pyqtgraph's 2-pixel line: same thickness across
flat and steep runs, nearly the same ink; anything else is left to pyqtgraph."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from pytestqt.qtbot import QtBot

from desktop.ui.charts.doubled_line import DoubledLine, DoubledPlotLine

INK = QColor("#1f6feb")
# On a 10 x 10 view: a flat run at y=3 over x=1..4, a jump to 7, a flat run at 7 over x=4..6, then
# diagonals down and up (drawn by Qt's own stroke: two offset passes would be thin one way, hollow the
# other).
XS, YS = [1.0, 4.0, 4.0, 6.0, 7.5, 9.0], [3.0, 3.0, 7.0, 7.0, 5.5, 8.5]


def plot_of(qtbot: QtBot, doubled: bool, **pen: object) -> pg.PlotWidget:
    """The test line, shown: drawn by the doubled item or by pyqtgraph's own."""
    widget = pg.PlotWidget(background="w")
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    plot = widget.getPlotItem()
    for side in ("left", "bottom"):
        plot.hideAxis(side)
    plot.setXRange(0, 10, padding=0)
    plot.setYRange(0, 10, padding=0)
    kind = DoubledPlotLine if doubled else pg.PlotDataItem
    widget.line = kind(XS, YS, pen=pg.mkPen(INK, **({"width": 2} | pen)))
    plot.addItem(widget.line)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def drawn(qtbot: QtBot, doubled: bool, **pen: object) -> tuple[QImage, pg.PlotDataItem]:
    widget = plot_of(qtbot, doubled, **pen)
    return widget.grab().toImage(), widget.line


def ink(image: QImage) -> np.ndarray:
    """A boolean picture of where the line's colour is."""
    rows = [[QColor(image.pixel(x, y)) == INK for x in range(image.width())] for y in range(image.height())]
    return np.array(rows)


def thickness_across(mask: np.ndarray) -> tuple[int, int]:
    """(ink pixels in the column through x=2, on the first flat run; in the row through y=5 near x=4,
    halfway up the jump), the 400-pixel view showing 0..10 both ways."""
    column, row = 80, 200
    return int(mask[:, column].sum()), int(mask[row, 120:200].sum())


def test_the_doubled_line_is_as_thick_as_a_two_pixel_pen_both_ways(qtbot: QtBot) -> None:
    plain, _ = drawn(qtbot, doubled=False)
    doubled, item = drawn(qtbot, doubled=True)
    assert type(item.curve) is DoubledLine and item.curve.doubled_paints > 0  # drawn in two passes
    plain_ink, doubled_ink = ink(plain), ink(doubled)
    assert thickness_across(plain_ink) == (2, 2)
    assert thickness_across(doubled_ink) == (2, 2)
    # The same pixels, give or take a few at the segments' ends.
    assert int((doubled_ink ^ plain_ink).sum()) <= 8


@pytest.mark.parametrize(
    "pen", [{"width": 1}, {"width": 3}, {"style": Qt.PenStyle.DashLine}], ids=["1px", "3px", "dashed"]
)
def test_any_other_pen_is_drawn_by_pyqtgraph_itself(qtbot: QtBot, pen: dict[str, object]) -> None:
    plain, _ = drawn(qtbot, doubled=False, **pen)
    doubled, item = drawn(qtbot, doubled=True, **pen)
    assert (ink(plain) == ink(doubled)).all()
    assert item.curve.doubled_paints == 0


def rendered(qtbot: QtBot, doubled: bool, ratio: float) -> QImage:
    """The test line drawn onto an image of `ratio` device pixels to a point (a high-density screen), in
    two passes when `doubled`."""
    widget = plot_of(qtbot, doubled)
    before = widget.line.curve.doubled_paints if doubled else 0
    image = QImage(widget.size() * ratio, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    widget.render(painter)
    painter.end()
    assert not doubled or widget.line.curve.doubled_paints > before
    return image


def test_on_a_high_density_screen_the_passes_are_half_a_device_pixel_apart(qtbot: QtBot) -> None:
    plain, doubled = ink(rendered(qtbot, False, 2.0)), ink(rendered(qtbot, True, 2.0))
    assert int(plain.sum()) > 0
    # Half a point apart, the passes left a device row unpainted in each flat run.
    assert int((doubled ^ plain).sum()) <= 16
