"""Cells filled from the model's `look` in one call paint exactly what Qt's own delegate paints from data():
the watchlist's flashes, alert highlights, selection, bold symbols, signed colours and stale age; the alert
rules' states, values and enabled boxes."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStyledItemDelegate
from pytestqt.qtbot import QtBot

from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.ui.alert_models import RuleColumn
from desktop.ui.look_delegate import LookDelegate
from desktop.ui.watchlist_model import Column, WatchlistModel
from desktop.ui.watchlist_view import WatchlistView

from .conftest import MakeWindow, replayed
from .test_alerts_ui import NVDA, TSLA, seed

T0 = 1_760_018_400.0  # Thursday 2025-10-09, 10:00 in New York: market hours
SYMBOLS = ["UP", "DOWN", "FLAT", "ALERTED", "STALE", "NONE"]


def shown_table(qtbot: QtBot) -> tuple[WatchlistView, WatchlistModel]:
    store = QuoteStore()
    for k, (symbol, price) in enumerate([("UP", 11.0), ("DOWN", 9.0), ("FLAT", 10.0), ("ALERTED", 10.5)]):
        store.apply(Quote(symbol, price, T0 + k, prev_close=10.0, day_low=8.0, day_high=12.0, volume=2e6))
    store.apply(Quote("STALE", 10.2, T0 - 3600, prev_close=10.0, volume=5e5))
    model = WatchlistModel(store, {"UP": "Up Corporation", "DOWN": "Down Inc."}, clock=lambda: T0 + 10)
    model.stale_after = 60.0  # the STALE row's age is drawn in the warning colour (in market hours)
    model.set_symbols(SYMBOLS)
    model.quotes_changed(SYMBOLS)
    model.flush_changes()
    for symbol, price in (("UP", 11.5), ("DOWN", 8.5)):  # moved since shown: their price cells flash
        store.apply(Quote(symbol, price, T0 + 5, prev_close=10.0, day_low=8.0, day_high=12.0, volume=2e6))
    model.quotes_changed(["UP", "DOWN"])
    model.flush_changes()
    model.highlight(["ALERTED"])
    view = WatchlistView(model)
    qtbot.addWidget(view)
    view.resize(1100, 260)
    view.select_symbol("FLAT")
    view.show()
    qtbot.waitExposed(view)
    return view, model


def painted(view: WatchlistView) -> QImage:
    view.viewport().update()
    return view.grab().toImage()


def test_the_look_delegate_paints_what_qts_own_delegate_paints(qtbot: QtBot) -> None:
    view, model = shown_table(qtbot)
    assert isinstance(view.itemDelegate(), LookDelegate)
    assert model.is_highlighted("ALERTED") and model.look(0, Column.LAST) is not None
    ours = painted(view)
    view.setItemDelegate(QStyledItemDelegate(view))  # Qt's own, asking data() role by role
    theirs = painted(view)
    assert ours == theirs


def test_without_a_look_it_asks_data_as_qt_does(qtbot: QtBot) -> None:
    view, _model = shown_table(qtbot)
    view.setItemDelegate(LookDelegate(None, view))
    ours = painted(view)
    view.setItemDelegate(QStyledItemDelegate(view))
    assert ours == painted(view)


def test_a_look_out_of_range_is_none(qtbot: QtBot) -> None:
    _view, model = shown_table(qtbot)
    assert model.look(len(SYMBOLS), 0) is None and model.look(0, len(Column)) is None
    text, _alignment, foreground, background, font = model.look(0, Column.SYMBOL) or ("", 0, None, None, None)
    assert text == "UP" and font is not None and font.bold() and foreground is None and background is None
    stale_age = model.look(SYMBOLS.index("STALE"), Column.AGE)
    assert stale_age is not None and stale_age[2] is not None
    assert stale_age[2].color() == model.colors.warning


def test_the_rules_table_paints_what_qts_own_delegate_paints(qtbot: QtBot, make_window: MakeWindow) -> None:
    off = dict(NVDA, id="nvda-off", enabled=False)
    holding = {"id": "spy740", "type": "price", "symbol": "SPY", "condition": "above", "level": 740}  # fired, holds
    seed(NVDA, TSLA, off, holding)
    window = make_window(speed=0, start=date(2026, 2, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    view, model = window.alerts_panel.rules_view, window.alerts_panel.rules_model
    assert isinstance(view.itemDelegate(), LookDelegate)
    looks = [model.look(row, column) for row in range(model.rowCount()) for column in range(model.columnCount())]
    assert any(look is not None and look[2] is not None for look in looks)  # a fired rule's state, coloured
    assert model.look(0, RuleColumn.ON) is None  # the enabled box: a check state, left to data()
    ours = view.grab().toImage()

    class QtsOwn(QStyledItemDelegate):  # Qt's delegate, role by role, cutting the rule's text as the panel does
        def initStyleOption(self, option, index):  # type: ignore[no-untyped-def]
            super().initStyleOption(option, index)
            if index.column() == RuleColumn.RULE:
                option.textElideMode = Qt.TextElideMode.ElideMiddle

    view.setItemDelegate(QtsOwn(view))
    view.viewport().update()
    assert ours == view.grab().toImage()
