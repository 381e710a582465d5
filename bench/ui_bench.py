"""ui_lateness_p99_ms: how late a 5 ms QTimer fires on the GUI thread while the full window replays flat out
(in a process of its own, after a second for the window to settle).
"""

from __future__ import annotations

import json
import sys
import tempfile
from argparse import Namespace
from datetime import date
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from bench.gui_probes import LatenessProbe
from bench.home import scratch_home
from bench.process_bench import figures_from_own_process
from desktop import paths
from desktop.core.alerts.rules import rule_from_dict


def replay_folder(folder: Path, copies: int) -> Path:
    """Real 5-minute bars of SPY and QQQ (60 sessions), copied under more names so a replay at full speed
    lasts the whole measurement without restarting."""
    for source in ("SPY", "QQQ"):
        text = (paths.bundled_intraday_dir() / f"{source}.csv").read_text()
        for k in range(copies):
            (folder / f"{source[0]}{k:02d}.csv").write_text(text)
    return folder


def measure_lateness(seconds: float = 10.0) -> dict[str, float]:
    """Run `_measure` in a fresh interpreter (the pipeline benchmark's heap would otherwise be walked by
    every garbage collection during this one) and read back its figures."""
    return figures_from_own_process("bench.ui_bench", str(seconds))


def _measure(app: QApplication, seconds: float) -> dict[str, float]:
    """The full main window (table, charts, alerts panel) replaying 5-minute bars of 30 symbols as fast as
    it can for `seconds`; lateness of a 5 ms single-shot timer on the GUI thread meanwhile."""
    with tempfile.TemporaryDirectory(prefix="tickerdesk-replay-") as tmp:  # 8 MB of price files, not left behind
        return _measure_in(app, seconds, replay_folder(Path(tmp), copies=15))


def _measure_in(app: QApplication, seconds: float, folder: Path) -> dict[str, float]:
    from desktop.app import build_window

    args = Namespace(source="replay", replay_data=[folder], speed=0.0, start=date(2026, 4, 24))
    window, _ = build_window(args)
    window.resize(1560, 940)
    window.show()
    window.remove_symbols([s for s in window.model.symbols])
    for name in sorted(p.stem for p in folder.glob("*.csv")):
        window.add_symbol(name)
    for symbol in ("S00", "Q00"):  # alerts that fire now and then, so the log and notifications work too
        rule = {"id": f"bench-{symbol}", "type": "change", "symbol": symbol, "condition": "above", "level": 0.5}
        window.alerts.save_rule(rule_from_dict(rule))
    settle = QEventLoop()  # the first layout and paint of the window are start-up, not replay
    QTimer.singleShot(1000, settle.quit)
    settle.exec()
    window.feeds.start(window.model.symbols)
    probe = LatenessProbe()
    done = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), done.quit)
    probe.start()
    done.exec()
    probe.stop()
    quotes = window.driver.total
    window.close()
    app.processEvents()
    late = probe.late_ms
    values = np.array(late[5:] or late)  # the first few include the window's first layout
    return {
        "ui_lateness_p99_ms": round(float(np.percentile(values, 99)), 1),
        "ui_lateness_median_ms": round(float(np.median(values)), 2),
        "ui_replay_quotes_per_s": round(quotes / seconds),
    }


if __name__ == "__main__":
    with scratch_home():
        application = QApplication(sys.argv[:1])
        print(json.dumps(_measure(application, float(sys.argv[1]))))
