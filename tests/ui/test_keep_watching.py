"""Keep Watching After Closing: the window, closed on a live source with a rule on, starts the headless
monitor, which fires the rule on the next quote with no window at all; a second monitor says one runs."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop import paths
from desktop.services.background_monitor import MonitorLock
from desktop.ui.watchlist_model import Column

from ..fakes.yahoo_http import FakeYahooHttp
from ..fakes.yahoo_streamer import FakeStreamer
from ..test_monitor import logged
from .conftest import T0, MakeWindow
from .test_alerts_ui import seed
from .test_live_window import cell

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def lease_role(home: Path) -> str | None:
    conn = sqlite3.connect(home / "data" / "tickerdesk.db")
    try:
        row = conn.execute("SELECT role, expires FROM evaluator_lease").fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_closing_the_window_leaves_a_monitor_that_fires_the_rules(
    qtbot: QtBot,
    make_window: MakeWindow,
    yahoo: tuple[FakeStreamer, FakeYahooHttp],
    tickerdesk_home: Path,
) -> None:
    streamer, _http = yahoo
    seed({"id": "spy705", "type": "price", "symbol": "SPY", "condition": "crosses_above", "level": 705})
    window = make_window(source="yahoo")
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.LAST) == "700.00", timeout=10_000)
    assert not window.keep_watching_action.isChecked(), "off unless asked for"
    window.keep_watching_action.setChecked(True)
    lock = MonitorLock(paths.data_dir())
    assert lock.holder() is None
    window.close()
    qtbot.waitUntil(lambda: lock.holder() is not None, timeout=20_000)
    pid = lock.holder()
    assert pid is not None and alive(pid)
    try:
        qtbot.waitUntil(lambda: lease_role(tickerdesk_home) == "monitor", timeout=30_000)
        qtbot.waitUntil(lambda: "SPY" in streamer.subscribed(), timeout=20_000)
        streamer.send_quote(id="SPY", price=706.0, time=int((T0 + 60) * 1000), previous_close=698.0, market_hours=1)
        qtbot.waitUntil(lambda: [r for r, _day in logged(tickerdesk_home)] == ["spy705"], timeout=20_000)
        second = subprocess.run([sys.executable, "-m", "desktop", "monitor", "--source", "yahoo", "--exit-after", "5"],
                                capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
        assert second.returncode == 0
        assert f"a monitor already watches this data folder (pid {pid})" in second.stderr
    finally:
        os.kill(pid, signal.SIGTERM)
        qtbot.waitUntil(lambda: lock.holder() is None, timeout=20_000)
