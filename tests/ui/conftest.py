"""A main window built exactly as the app builds it, on the test's own TICKERDESK_HOME."""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.app import build_window
from desktop.config import YAHOO_HTTP_ENV, YAHOO_WS_ENV
from desktop.core.alerts.engine import AlertEngine
from desktop.storage.alerts import AlertRepository
from desktop.storage.database import OpenedDatabase, open_database
from desktop.storage.writer import BackgroundWriter
from desktop.ui.alerts_controller import AlertsController
from desktop.ui.alerts_panel import AlertsPanel
from desktop.ui.main_window import MainWindow

from ..fakes.yahoo_http import FakeYahooHttp, chart_body
from ..fakes.yahoo_streamer import FakeStreamer

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[MakeWindow]:
    made: list[MainWindow] = []

    def make(
        *,
        speed: float = 0.0,
        start: date | None = None,
        replay_data: list[Path] | None = None,
        run: bool = True,
        source: str = "replay",
        watchlist: str | None = None,
    ) -> MainWindow:
        args = Namespace(source=source, replay_data=replay_data, speed=speed, start=start, watchlist=watchlist)
        window, _notice = build_window(args)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        if run:
            window.feeds.start(window.model.symbols)
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()


def replayed(window: MainWindow) -> bool:
    """The replay has played to its end and every quote it sent went through the pipeline."""
    return window.feeds.replay.finished and window.driver.pipeline.idle()


def alerts_on(disk: Path, qtbot: QtBot) -> tuple[OpenedDatabase, BackgroundWriter, AlertsController, AlertsPanel]:
    """The alerts panel over a database on `disk`, as the window builds it."""
    path = disk / "tickerdesk.db"
    opened = open_database(path)
    writer = BackgroundWriter(path)
    controller = AlertsController(AlertEngine(), AlertRepository(opened.connection), writer)
    panel = AlertsPanel(controller, lambda _s: None)
    qtbot.addWidget(panel)
    panel.show()
    return opened, writer, controller, panel


T0 = 1_784_649_600.0  # 2026-07-21 12:00 New York


@pytest.fixture
def yahoo(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeStreamer, FakeYahooHttp]]:
    streamer, http = FakeStreamer(), FakeYahooHttp()
    for symbol, price in (("SPY", 700.0), ("QQQ", 620.0), ("IWM", 250.0), ("PLTR", 150.0)):
        http.charts[symbol] = chart_body(symbol, [(T0 - 600, price, price + 1, price - 1, price, 1000)], price - 2)
    monkeypatch.setenv(YAHOO_WS_ENV, streamer.url)
    monkeypatch.setenv(YAHOO_HTTP_ENV, http.url)
    yield streamer, http
    streamer.stop()
    http.stop()
