"""Backtests: the same engine the window uses, fed the same quotes the replay feed would send."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np

from desktop.core.alerts.engine import AlertEngine, AlertFire
from desktop.core.alerts.rules import AlertRule
from desktop.core.errors import BacktestError
from desktop.core.prices import PriceSeries
from desktop.core.progress import Progress, WorkCancelledError, report
from desktop.core.timeline import ReplayTimeline

BacktestCancelledError = WorkCancelledError  # the name callers knew before loading prices could be cancelled too


PROGRESS_EVERY = 500  # daily steps between two progress reports (intraday: every session)


def run_backtest(
    series: dict[str, PriceSeries],
    rules: Sequence[AlertRule],
    start: float | None = None,
    end: float | None = None,
    progress: Progress | None = None,
) -> list[AlertFire]:
    """Every fire of `rules` over the price rows, in time order (rules in their order within a time).

    Rows before `start` still feed the engine (they are what windows measure from) but their fires are
    not reported; rows after `end` are not played. `progress(done)` (0 to 1) is called now and then; when
    it returns False the run stops with BacktestCancelledError.
    """
    check_symbols(series, rules)
    needed = {s for rule in rules for s in rule.symbols}
    timeline = ReplayTimeline({s: series[s] for s in needed}, steps_now=False) if needed else None
    if timeline is None:
        return []
    engine = AlertEngine(rules)
    if timeline.daily:
        fires = _by_step(engine, timeline, start, end, progress)
    else:
        fires = _by_session(engine, timeline, start, end, progress)
    report(progress, 1.0)
    return fires


def check_symbols(series: dict[str, PriceSeries], rules: Sequence[AlertRule]) -> None:
    """BacktestError naming every symbol the rules need that the prices do not hold."""
    missing = sorted({s for rule in rules for s in rule.symbols} - set(series))
    if missing:
        held = ", ".join(sorted(series)[:20]) + (", …" if len(series) > 20 else "")
        raise BacktestError(f"no prices for {', '.join(missing)} (rules need them; the data has {held or 'none'})")


def _by_step(
    engine: AlertEngine, timeline: ReplayTimeline, start: float | None, end: float | None, progress: Progress | None
) -> list[AlertFire]:
    """Daily bars: one step (a session) at a time, through the per-tick path."""
    fires: list[AlertFire] = []
    steps = len(timeline)
    for k in range(steps):
        if k % PROGRESS_EVERY == 0:
            report(progress, k / steps)
        t = float(timeline.step_times[k])
        if end is not None and t > end:
            break
        step_fires = engine.process(timeline.quotes_of_step(k))
        if start is None or t >= start:
            fires.extend(step_fires)
    return fires


def _by_session(
    engine: AlertEngine, timeline: ReplayTimeline, start: float | None, end: float | None, progress: Progress | None
) -> list[AlertFire]:
    """Intraday bars: a session of every symbol's rows at a time, as one columnar batch through the
    engine's numpy path (the same fires and state as the per-tick path; the first session, with no past
    to measure from, goes through the per-tick path inside `process_batch`)."""
    fires: list[AlertFire] = []
    for batch, done in timeline.session_batches(end):
        report(progress, done)
        found = engine.process_batch(batch)
        fires.extend(found if start is None else (f for f in found if f.time >= start))
    return dated_fires(fires, timeline.series.values())


def dated_fires(fires: list[AlertFire], played: Iterable[PriceSeries]) -> list[AlertFire]:
    """Daily files beside intraday ones: a fire at a step that holds a daily row of the `played` series is
    dated, as the per-tick engine dates it (the batches carry no word of which rows were daily bars)."""
    daily = [series.times for series in played if series.daily]
    if not daily or not fires:
        return fires
    dated = set(np.concatenate(daily).tolist())
    return [replace(f, daily=True) if f.time in dated else f for f in fires]


__all__ = ["BacktestCancelledError", "BacktestError", "check_symbols", "dated_fires", "run_backtest"]
