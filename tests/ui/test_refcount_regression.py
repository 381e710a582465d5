"""Guards the PySide6 6.12.0 + Python 3.11 crash: Qt calls that return None must not leak None's references.

Measured there: each such call drops one reference from None until the interpreter aborts with
`none_dealloc`. The pinned versions do not; this test fails if a future pin brings the bug back.
"""

from __future__ import annotations

import gc
import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.ui.watchlist_model import WatchlistModel
from desktop.ui.watchlist_view import WatchlistView

from ..collector import held


def test_none_refcount_is_stable_through_many_updates(qtbot: QtBot) -> None:
    store = QuoteStore()
    model = WatchlistModel(store, clock=lambda: 0.0)
    model.set_symbols(["AAA", "BBB", "NONE"])  # NONE never gets a quote: its cells return None
    view = WatchlistView(model)
    plot = pg.PlotWidget()
    line = plot.plot([], [])
    qtbot.addWidget(view)
    qtbot.addWidget(plot)
    view.show()
    plot.show()
    QApplication.processEvents()
    # What earlier tests left (a closed window waiting for deferred deletion, its store's quotes holding
    # thousands of None fields) must not be freed during the count: free it now, and hold the cycle
    # collector until the end.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    gc.collect()
    with held():
        _drive(model, store, line)


def _drive(model: WatchlistModel, store: QuoteStore, line: pg.PlotDataItem) -> None:
    before = sys.getrefcount(None)
    xs = np.arange(50, dtype=float)
    for i in range(10_000):
        store.apply(Quote("AAA", 100.0 + i % 7, float(i), prev_close=100.0))
        model.quotes_changed({"AAA"})
        model.flush_changes()
        model.data(model.index(2, 3))  # a None-returning call under a view
        if i % 20 == 0:
            line.setData(xs, xs * (i % 5))
            QApplication.processEvents()
        if i % 2000 == 1999:  # check as we go: the faulty versions abort the interpreter within ~5,000 calls
            lost = before - sys.getrefcount(None)
            # The leak loses more than one reference per update; other threads' objects move the count
            # by far less than this margin.
            assert lost < 1000, f"None lost {lost} references after {i + 1} updates (PySide6 6.12.0 on 3.11)"
    QApplication.processEvents()
    lost = before - sys.getrefcount(None)
    assert lost < 1000, f"None lost {lost} references over 10,000 updates"
