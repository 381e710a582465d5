"""What the GUI-thread benchmarks share: how late a 5 ms timer fires, and a watchlist shown on screen."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop.core.quote_store import QuoteStore
from desktop.ui.watchlist_model import WatchlistModel
from desktop.ui.watchlist_view import WatchlistView

TICK_MS = 5


class LatenessProbe(QObject):
    """A single-shot 5 ms timer on the GUI thread, re-armed each time it fires: `late_ms` collects how much
    later than due each firing came (the longest things the thread did meanwhile)."""

    def __init__(self) -> None:
        super().__init__()
        self.late_ms: list[float] = []
        self._due = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._fired)

    def start(self) -> None:
        self._arm()

    def stop(self) -> None:
        self._timer.stop()

    def _arm(self) -> None:
        self._due = time.perf_counter() + TICK_MS / 1000.0
        self._timer.start(TICK_MS)

    def _fired(self) -> None:
        self.late_ms.append((time.perf_counter() - self._due) * 1000.0)
        self._arm()


def shown_watchlist(app: QApplication, store: QuoteStore, symbols: list[str]) -> tuple[WatchlistModel, WatchlistView]:
    """The watchlist model of `symbols` over `store`, behind a visible 1200 x 800 view."""
    model = WatchlistModel(store, clock=time.time)
    model.set_symbols(symbols)
    view = WatchlistView(model)
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    return model, view
