"""gil_repaint_ratio_busy_worker: what moving the drain to a worker thread would cost the window.

The pipeline goal asks for more ticks per second than the GUI thread can drain between frames; the usual
answer is a worker thread that owns the store and the engine. In CPython a worker thread busy in Python
holds the GIL, and the GUI thread needs it for every call into Python a repaint makes (the watchlist
model answers each cell and role in Python): each such call can wait a whole switch interval. This probe
measures that before any redesign: the watchlist (500 symbols) repainted on the GUI thread, first with
nothing else running, then while a thread drains the same workload into its own store and engine.
"""

from __future__ import annotations

import copy
import threading
import time

import numpy as np
from PySide6.QtWidgets import QApplication

from bench.gui_probes import shown_watchlist
from bench.pipeline_bench import primed_engine
from bench.workload import Workload
from desktop.core.quote_store import QuoteStore
from desktop.ui.watchlist_model import WatchlistModel
from desktop.ui.watchlist_view import WatchlistView

CHUNK = 20_000  # ticks per drain step of the worker


def _repaints(
    app: QApplication, model: WatchlistModel, view: WatchlistView, symbols: list[str], seconds: float
) -> list[float]:
    """Milliseconds of each full repaint of the table (every row changed), for `seconds`."""
    took: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        started = time.perf_counter()
        model.quotes_changed(symbols)
        model.flush_changes()
        view.viewport().repaint()
        took.append((time.perf_counter() - started) * 1000.0)
        app.processEvents()
    return took


def measure(app: QApplication, workload: Workload, seconds: float = 3.0) -> dict[str, float]:
    store = QuoteStore()
    store.apply_batch(workload.batch(0, min(len(workload), CHUNK)))
    model, view = shown_watchlist(app, store, workload.symbols)
    idle = _repaints(app, model, view, workload.symbols, seconds)

    stop = threading.Event()
    drained = [0]
    primed = primed_engine(workload)  # before the probe: priming took the whole probe on a slow day

    def drain() -> None:  # what a worker owning the store and the engine would do, flat out
        while not stop.is_set():
            worker_store, engine = QuoteStore(), copy.deepcopy(primed)
            for start in range(0, len(workload), CHUNK):
                if stop.is_set():
                    return
                batch = workload.batch(start, min(len(workload), start + CHUNK))
                worker_store.apply_batch(batch)
                engine.process_batch(batch)
                drained[0] += len(batch)

    worker = threading.Thread(target=drain, name="probe-drain")
    worker.start()
    time.sleep(0.2)  # the worker past its start-up
    busy = _repaints(app, model, view, workload.symbols, seconds)
    stop.set()
    worker.join()
    view.close()
    idle_median, busy_median = float(np.median(idle)), float(np.median(busy))
    return {
        "gil_repaint_ms_idle": round(idle_median, 1),
        "gil_repaint_ms_busy_worker": round(busy_median, 1),
        "gil_repaint_p99_ms_busy_worker": round(float(np.percentile(busy, 99)), 1),
        "gil_repaint_ratio_busy_worker": round(busy_median / idle_median, 2) if idle_median else 0.0,
        "gil_worker_ticks_per_s": round(drained[0] / (seconds + 0.2)),
    }
