"""pipeline_ticks_per_s, pipeline_speedup_vs_naive and rss_mb_after_2m_ticks.

The pipeline side is the app's real path: a feed thread pushes Quote batches into the QuotePipeline; the
PipelineDriver drains it on the GUI thread at its own cadence into the QuoteStore and the AlertEngine; the
watchlist model hears once per flush, behind a visible (offscreen) QTableView. The naive side does what
small ticker apps do: per tick, set a QTableWidget item, then loop over every rule in Python.
"""

from __future__ import annotations

import math
import resource
import threading
import time
from dataclasses import dataclass
from datetime import date

import numpy as np
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem

from bench.gui_probes import LatenessProbe, shown_watchlist
from bench.workload import SESSION, Workload
from desktop.core.alerts.engine import AlertEngine, AlertFire
from desktop.core.alerts.rules import AlertRule, AlertType, Condition
from desktop.core.batch import CodedSymbols, TickBatch
from desktop.core.quote_store import QuoteStore
from desktop.services.pipeline import QuotePipeline
from desktop.ui.gui_gc import freeze_long_lived
from desktop.ui.pipeline_driver import PipelineDriver

BATCH = 1000  # ticks per push: what a busy stream thread hands over at a time


def primed_engine(workload: Workload) -> AlertEngine:
    """The engine after learning the daily history (window bases), with rule states cleared."""
    engine = AlertEngine(workload.rules)
    for day in workload.history_days():
        engine.process(day)
    engine.clear_states()
    return engine


@dataclass
class PipelineRun:
    ticks: int
    seconds: float
    fires: list[tuple[str, float]]  # (rule id, tick time)
    flushes: int
    lateness_ms: list[float]  # how late a 5 ms timer on the GUI thread fired, all through the run

    @property
    def ticks_per_s(self) -> float:
        return self.ticks / self.seconds


def run_pipeline(app: QApplication, workload: Workload, n_ticks: int) -> PipelineRun:
    store = QuoteStore()
    pipeline = QuotePipeline(store, primed_engine(workload))
    driver = PipelineDriver(pipeline)
    model, view = shown_watchlist(app, store, workload.symbols)
    fires: list[tuple[str, float]] = []
    flushes = 0
    done = QEventLoop()

    def on_quotes(changed: set[str], count: int) -> None:
        nonlocal flushes
        flushes += 1
        model.quotes_changed(changed)
        if driver.total >= n_ticks:
            done.quit()

    def on_fires(batch: list[AlertFire]) -> None:
        fires.extend((f.rule_id, f.time) for f in batch)

    driver.quotes_applied.connect(on_quotes)
    driver.alerts_fired.connect(on_fires)

    prev_closes = workload.prev_closes

    def produce() -> None:  # the feed thread: columnar batches with symbol codes, as a fast feed hands them over
        names = workload.symbols
        for start in range(0, n_ticks, BATCH):
            stop = min(n_ticks, start + BATCH)
            codes = workload.sym_index[start:stop]
            pipeline.push(
                TickBatch(
                    CodedSymbols(names, codes),
                    workload.times[start:stop],
                    workload.prices[start:stop],
                    prev_close=prev_closes[codes],
                    source="bench",
                )
            )

    probe = LatenessProbe()  # the GUI thread's responsiveness while the pipeline runs flat out
    started = time.perf_counter()
    probe.start()
    producer = threading.Thread(target=produce, name="bench-feed")
    producer.start()
    done.exec()
    seconds = time.perf_counter() - started
    probe.stop()
    producer.join()
    view.close()
    driver.stop()
    return PipelineRun(n_ticks, seconds, fires, flushes, probe.late_ms)


class NaiveTicker:
    """The per-tick way: one QTableWidget item per update and a Python loop over every rule."""

    def __init__(self, workload: Workload) -> None:
        self.workload = workload
        self.table = QTableWidget(len(workload.symbols), 3)
        self.table.resize(1200, 800)
        self.table.show()
        self.row = {s: k for k, s in enumerate(workload.symbols)}
        self.last: dict[str, float] = {s: float(h[1][-1]) for s, h in workload.history.items()}
        self.prev: dict[str, float | None] = dict.fromkeys((r.id for r in workload.rules), None)
        self.bases = {s: self._bases(s) for s in workload.symbols}

    def _bases(self, symbol: str) -> dict[str, float]:
        ordinals, closes = self.workload.history[symbol]

        def before(day: date) -> float:
            k = int((ordinals < day.toordinal()).sum())
            return float(closes[k - 1])

        return {
            "day": float(closes[-1]), "5d": float(closes[-5]), "20d": float(closes[-20]),
            "mtd": before(SESSION.replace(day=1)), "qtd": before(date(SESSION.year, 7, 1)),
            "ytd": before(date(SESSION.year, 1, 1)),
        }  # fmt: skip

    def value(self, rule: AlertRule) -> float:
        if rule.type is AlertType.PRICE:
            return self.last[rule.symbol or ""]
        if rule.type is AlertType.CHANGE:
            symbol = rule.symbol or ""
            return (self.last[symbol] / self.bases[symbol]["day"] - 1.0) * 100.0
        a, b = rule.a or "", rule.b or ""
        if rule.type is AlertType.RATIO:
            return self.last[a] / self.last[b]
        window = rule.window.text if rule.window else "day"
        return (self.last[a] / self.bases[a][window] - 1.0) * 100.0 - (
            self.last[b] / self.bases[b][window] - 1.0
        ) * 100.0

    def run(self, n_ticks: int) -> tuple[float, list[tuple[str, float]]]:
        fires: list[tuple[str, float]] = []
        started = time.perf_counter()
        for quote in self.workload.quotes(0, n_ticks):
            self.table.setItem(self.row[quote.symbol], 1, QTableWidgetItem(f"{quote.price:.2f}"))
            self.last[quote.symbol] = quote.price
            for rule in self.workload.rules:
                if quote.symbol not in rule.symbols:
                    continue
                value = self.value(rule)
                prev = self.prev[rule.id]
                self.prev[rule.id] = value
                level = rule.level
                c = rule.condition
                if (
                    (c is Condition.CROSSES_ABOVE and prev is not None and prev <= level < value)
                    or (c is Condition.CROSSES_BELOW and prev is not None and prev >= level > value)
                    or (c is Condition.ABOVE and value > level and (prev is None or prev <= level))
                    or (c is Condition.BELOW and value < level and (prev is None or prev >= level))
                ):
                    fires.append((rule.id, quote.time))
            QApplication.processEvents()
        seconds = time.perf_counter() - started
        self.table.close()
        return seconds, fires


def rss_mb() -> float:
    """Resident memory now (from /proc), else the peak the kernel reports."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(app: QApplication, workload: Workload, n_ticks: int, naive_ticks: int) -> dict[str, float]:
    """The full run (then its memory), then naive and pipeline on the same first ticks, whose fires must agree.

    What start-up left (here also the workload's rules and history) is first frozen out of garbage
    collections, as the window does once its charts are built: unfrozen, each full collection of the
    benchmark's heap cost 13-34 ms during the run. The window's GUI-thread collector is left out: it is
    pyqtgraph's, whose import would add 20-24 MB to the memory figure of a benchmark without charts (the
    lateness was the same with it and without, four fresh runs each).
    """
    freeze_long_lived()
    full = run_pipeline(app, workload, n_ticks)
    memory = rss_mb()
    tick_arrays = sum(a.nbytes for a in (workload.sym_index, workload.prices, workload.times)) / 2**20
    naive_seconds, naive_fires = NaiveTicker(workload).run(naive_ticks)
    short = run_pipeline(app, workload, naive_ticks)
    if sorted(short.fires) != sorted(naive_fires):
        missing = set(naive_fires) ^ set(short.fires)
        raise AssertionError(f"naive and pipeline disagree on {len(missing)} fires (e.g. {sorted(missing)[:3]})")
    naive_per_tick = naive_seconds / naive_ticks
    pipeline_per_tick = full.seconds / full.ticks
    return {
        "pipeline_ticks_per_s": round(full.ticks_per_s),
        "pipeline_speedup_vs_naive": round(naive_per_tick / pipeline_per_tick, 1),
        "pipeline_ui_lateness_p99_ms": round(float(np.percentile(full.lateness_ms, 99)), 1)
        if full.lateness_ms
        else 0.0,
        "rss_mb_after_2m_ticks": round(memory - tick_arrays, 1),  # the app's, apart from the bench's own ticks
        "rss_mb_bench_tick_arrays": round(tick_arrays, 1),
        "pipeline_flushes": full.flushes,
        "pipeline_fires": len(full.fires),
        "naive_ticks": naive_ticks,
        "fires_checked": len(naive_fires),
        "naive_ticks_per_s": round(naive_ticks / naive_seconds) if naive_seconds else math.inf,
    }
