"""rss_mb_live_1h: the whole window's memory after an hour's worth of live ticks on 100 symbols.

Every symbol ticks once a second for an hour of one session (360,000 quotes), pushed through the window's
own pipeline as a live feed would, drained and painted as usual. Bounded histories must hold memory flat:
the figure is printed with the memory after the first quarter of the hour, and their difference. It runs
in a process of its own, so nothing the other benchmarks left behind is counted.
"""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from datetime import datetime

import numpy as np
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from bench.home import scratch_home
from bench.pipeline_bench import rss_mb
from bench.process_bench import figures_from_own_process
from desktop.core.batch import TickBatch
from desktop.core.sessions import NEW_YORK

SYMBOLS = 100
SECONDS = 3600


def measure(symbols: int = SYMBOLS, seconds: int = SECONDS) -> dict[str, float]:
    """Run `_measure` in a fresh interpreter and read back its figures."""
    return figures_from_own_process("bench.memory_bench", str(symbols), str(seconds))


def _measure(app: QApplication, symbols: int, seconds: int) -> dict[str, float]:
    from desktop.app import build_window

    window, _ = build_window(Namespace(source="replay", replay_data=None, speed=0.0, start=None))
    window.resize(1560, 940)
    window.show()
    names = [f"L{k:03d}" for k in range(symbols)]
    window.remove_symbols(list(window.model.symbols))
    for name in names:  # the live rows (not in the replay data: added straight to the model, as a live list)
        window.model.add_symbol(name)
    app.processEvents()
    rng = np.random.default_rng(11)
    start = datetime(2026, 7, 21, 10, 0, tzinfo=NEW_YORK).timestamp()
    prices = 100.0 + rng.random(symbols) * 50
    quarter = 0.0
    pipeline = window.driver.pipeline
    for second in range(seconds):
        prices *= np.exp(rng.normal(0, 0.0005, symbols))
        times = start + second + np.sort(rng.random(symbols))
        pipeline.push(TickBatch(list(names), times, prices.round(2).copy(), prev_close=np.full(symbols, 100.0)))
        if second % 60 == 59:  # a minute of ticks: let the window drain and paint them
            _spin(app, 0.02)
        if second == seconds // 4:
            _spin(app, 0.2)
            quarter = rss_mb()
    _spin(app, 0.5)
    final = rss_mb()
    window.close()
    app.processEvents()
    return {
        "rss_mb_live_1h": round(final, 1),
        "rss_mb_live_15m": round(quarter, 1),
        "rss_mb_live_growth_last_45m": round(final - quarter, 1),
    }


def _spin(app: QApplication, seconds: float) -> None:
    """Run the event loop for `seconds` (the driver drains on its own timer)."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


if __name__ == "__main__":
    with scratch_home():
        application = QApplication(sys.argv[:1])
        print(json.dumps(_measure(application, int(sys.argv[1]), int(sys.argv[2]))))
