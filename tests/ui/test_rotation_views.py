"""The Rotation and Board tabs on a real window over the bundled data, and `chart --rrg` as a subprocess."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from pyqtgraph import TextItem
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop.core.alerts.rules import AlertType, Quadrant
from desktop.ui.charts.label_places import ANCHORS
from desktop.ui.charts.rotation_board import HEADERS, QUADRANT_COLUMN

from ..test_cli import tickerdesk
from .conftest import MakeWindow, replayed


def covered(names: Iterable[TextItem]) -> float:
    """The area (in pixels) where two of the names overlap, summed over every pair."""
    rects = [name.mapRectToScene(name.boundingRect()) for name in names]
    return sum(a.intersected(b).width() * a.intersected(b).height() for a, b in itertools.combinations(rects, 2))


def replayed_tab(qtbot: QtBot, make_window: MakeWindow, tab: str):  # type: ignore[no-untyped-def]
    """A window that has replayed the bundled data from 2026-06-01, its chart tab `tab` shown."""
    window = make_window(speed=0, start=date(2026, 6, 1))
    # Every quote through the pipeline, the engine's half too: the store takes a flush a turn of the event
    # loop before the engine, and a board read in between lacked the history (the test failed now and then).
    qtbot.waitUntil(lambda: replayed(window), timeout=15_000)
    charts = window.charts
    charts.tabs.setCurrentWidget(getattr(charts, tab))
    return window, charts


def test_the_rotation_graph_shows_the_watchlist_and_a_click_selects_the_symbol(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    window, charts = replayed_tab(qtbot, make_window, "rrg")
    rrg = charts.rrg
    qtbot.waitUntil(lambda: bool(rrg.paths), timeout=5000)
    assert set(rrg.paths) == set(window.model.symbols) - {"SPY"}
    points = rrg.summary()["points"]
    assert points["NVDA"]["quadrant"] in {q.value for q in Quadrant} and len(rrg.shown_points()["NVDA"][0]) == 11
    stocks = {"AAPL", "AMZN", "AMD", "BAC", "GOOGL", "META", "MSFT", "NVDA", "ORCL", "TSLA"}
    # The bundled stocks end on 2026-07-02, the ETFs on 2026-08-21: the stocks are drawn hollow where they
    # were last, and the note and the summary say so; the ETFs are solid.
    assert rrg.shown_date() == date(2026, 8, 21) and rrg.behind() == dict.fromkeys(stocks, date(2026, 7, 2))
    assert rrg.note.text().startswith("Hollow: no data since 2026-07-02 for AAPL, AMZN, AMD")
    assert points["AAPL"]["last_session"] == "2026-07-02" and "last_session" not in points["QQQ"]
    hollow = {p.data(): p.brush().color() == rrg.plot.backgroundBrush().color() for p in rrg.heads.points()}
    assert {s for s, empty in hollow.items() if empty} == stocks
    # Names beside their points cover one another far less than all on the right would (98 against 3,113
    # square pixels when written; the test's window is small, and its crowded middle leaves a few pixels).
    placed = covered(rrg.names.values())
    for name in rrg.names.values():
        name.setAnchor(ANCHORS[0])
    assert len(rrg.names) == 12 and placed < covered(rrg.names.values()) / 10
    # The board, computed through the engine's quadrant rule, agrees with the graph's own formula.
    board = charts.board
    board.refresh(force=True)  # (a hidden tab redraws when shown)
    for symbol in ("NVDA", "AMD", "ORCL", "AAPL"):
        assert board.cell_text(symbol, "Quadrant") == points[symbol]["quadrant"], symbol
    # The board marks the same stale rows: "AAPL (to Jul 2)", in italics, with why in its tooltip.
    assert board.model.ends == dict.fromkeys(stocks, date(2026, 7, 2))
    assert board.cell_text("AAPL", "Symbol") == "AAPL (to Jul 2)" and board.cell_text("QQQ", "Symbol") == "QQQ"
    aapl = board.model.index(board.model.symbols.index("AAPL"), 0)
    assert board.model.data(aapl, Qt.ItemDataRole.FontRole).italic()
    assert "data ends 2026-07-02, before SPY's" in board.model.data(aapl, Qt.ItemDataRole.ToolTipRole)
    # Click NVDA's point: the table selects it.
    head = next(p for p in rrg.heads.points() if p.data() == "NVDA")
    rrg._clicked(rrg.heads, [head])
    assert window.table.current_symbol() == "NVDA"
    # Weekly steps: fewer, wider points; scrubbing back and Play move the tails through history.
    daily = {s: len(p) for s, p in rrg.paths.items()}
    rrg.set_step(5)
    assert all(len(p) < daily[s] / 4 for s, p in rrg.paths.items())
    rrg.set_step(1)
    newest = rrg.shown_date()
    rrg.slider.setValue(rrg.slider.value() - 20)
    assert rrg.shown_date() is not None and newest is not None and rrg.shown_date() < newest
    rrg.play_button.click()
    qtbot.waitUntil(lambda: rrg.as_of is None, timeout=20_000)  # played to the newest session
    qtbot.waitUntil(lambda: not rrg.play_button.isChecked(), timeout=5000)
    assert rrg.shown_date() == newest
    png = tmp_path / "rrg.png"
    png.write_bytes(charts.export_image(png))
    assert QImage(str(png)).width() > 300


def test_a_board_cell_becomes_a_rule_in_the_editor(qtbot: QtBot, make_window: MakeWindow) -> None:
    window, charts = replayed_tab(qtbot, make_window, "board")
    board = charts.board
    qtbot.waitUntil(lambda: board.cell_text("IWM", "QTD") != "—", timeout=5000)
    # IWM's QTD cell against SPY is the engine's spread of the pair: the rotation strip shows the same for IWM − QQQ.
    board.set_benchmark("$qqq")  # as typed in its field: a cashtag is its ticker
    assert board.benchmark_edit.text() == "QQQ"
    charts.rotation.a_edit.setText("$iwm")
    charts.rotation.a_edit.editingFinished.emit()
    assert (charts.rotation.a, charts.rotation.b) == ("IWM", "QQQ")
    # (the strip redraws at most a few times a second: its last redraw may still be due)
    qtbot.waitUntil(lambda: board.cell_text("IWM", "QTD") == charts.rotation.cells["QTD"].text(), timeout=5000)
    # Sorting by a column orders the rows by its value.
    board.view.sortByColumn(HEADERS.index("YTD"), Qt.SortOrder.DescendingOrder)
    shown = [board.proxy.index(r, HEADERS.index("YTD")).data() for r in range(board.proxy.rowCount())]
    values = [float(v) for v in shown if v != "—"]
    assert values == sorted(values, reverse=True)
    row = next(r for r in range(board.proxy.rowCount()) if board.proxy.index(r, 0).data().split()[0] == "NVDA")
    index = board.proxy.index(row, QUADRANT_COLUMN)
    board.view.doubleClicked.emit(index)
    dialog = window.alerts_panel.dialog
    assert dialog is not None and dialog.kind is AlertType.QUADRANT
    rule = dialog.validate()
    assert rule is not None and rule.symbol == "NVDA" and rule.benchmark == "QQQ" and rule.quadrant is Quadrant.LEADING


def test_chart_rrg_writes_a_png(tickerdesk_home: Path, tmp_path: Path) -> None:
    png = tmp_path / "out" / "rrg.png"
    drawn = tickerdesk("chart", "--rrg", "SPY", "--weekly", "--png", str(png), home=tickerdesk_home)
    assert drawn.returncode == 0 and drawn.stdout.startswith("saved rotation of ") and png.exists()
    assert QImage(str(png)).size().width() == 1200
    refused = tickerdesk("chart", "SPY", "--weekly", "--png", str(png), home=tickerdesk_home)
    assert refused.returncode == 2 and "--weekly is for --rrg" in refused.stderr


def test_the_spread_tab_draws_the_ratio_with_bands_and_the_z_score(qtbot: QtBot, make_window: MakeWindow) -> None:
    import numpy as np
    import pandas as pd

    from desktop.core.alerts.rules import rule_from_dict
    from desktop.ui.charts.spread_chart import BANDS

    window, charts = replayed_tab(qtbot, make_window, "spread")
    spread = charts.spread
    spread.set_measure(kind=AlertType.RATIO, length=20)
    assert spread.kind_box.currentData() is AlertType.RATIO and spread.length_spin.isVisible()
    _, ratio = spread.values()
    bands = spread.bands(ratio)
    past = pd.Series(ratio).rolling(20)
    np.testing.assert_allclose(bands[0][20:], past.mean().shift(1).to_numpy()[20:], rtol=1e-9)
    np.testing.assert_allclose(bands[2][20:], (past.mean() + 2 * past.std(ddof=1)).shift(1).to_numpy()[20:], rtol=1e-9)
    assert np.isnan(bands[-1][:20]).all() and spread.mean_curve.getData()[0] is not None
    # The z-score: the engine's zscore rule, session by session; a zscore rule on the pair is a level.
    window.alerts.save_rule(rule_from_dict({"id": "z2", "type": "zscore", "a": "IWM", "b": "QQQ", "lookback": 20,
                                            "condition": "crosses_above", "level": 2}))  # fmt: skip
    spread.set_measure(kind=AlertType.ZSCORE)
    _, z = spread.values()
    assert len(z) > 100 and np.nanmax(np.abs(z)) < 10
    logs = np.log(ratio)
    history = pd.Series(logs).rolling(20)
    want = (logs - history.mean().shift(1)) / history.std(ddof=1).shift(1)
    np.testing.assert_allclose(z[-50:], want.to_numpy()[-50:], rtol=1e-9)
    assert set(spread.levels.levels()) == {"z2"} and spread.value_axis.suffix == " sd"
    assert all(k in spread.bands(z) for k in BANDS)
