"""backtest_ticks_per_s: `tickerdesk backtest` from CSV files to fires over a year of 1-minute bars.

The bench writes 1-minute bars for `n_symbols` symbols over `n_sessions` sessions (390 bars each, a random
walk through each session scaled so it ends at the bundled data's real daily close), 200 rules of every
type over them, then times reading the files and running the backtest, as the command does. The fires
are checked equal to the per-tick engine's on the first sessions.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.process_bench import figures_from_own_process
from desktop import paths
from desktop.cli.memory_reuse import keep_freed_memory
from desktop.core.alerts.engine import AlertEngine, AlertFire
from desktop.core.alerts.rules import AlertRule, rule_from_dict
from desktop.core.prices import load_prices, read_price_file
from desktop.core.timeline import ReplayTimeline
from desktop.services.backtest_shares import run_backtest_on_cores

BARS_PER_SESSION = 390
KINDS = ("price", "change", "spread", "ratio", "trend", "zscore", "quadrant")


def write_minute_bars(folder: Path, n_symbols: int, n_sessions: int, seed: int = 3) -> list[str]:
    """CSV files of 1-minute bars; names are the bundled symbols, then copies of them (S000, ...)."""
    rng = np.random.default_rng(seed)
    daily = {p.stem: read_price_file(p) for p in sorted(paths.bundled_daily_dir().glob("*.csv"))}
    sources = list(daily)
    names = [*sources, *(f"S{k:03d}" for k in range(max(0, n_symbols - len(sources))))][:n_symbols]
    opens = daily["SPY"].times[-n_sessions:] - 6.5 * 3600  # a daily row's time is its 16:00 close: 09:30
    minute = np.arange(BARS_PER_SESSION) * 60.0
    stamps = (opens[:, None] + minute[None, :]).ravel()
    texts = np.datetime_as_string(stamps.astype("datetime64[s]"), unit="s", timezone="UTC")
    for k, name in enumerate(names):
        source = daily[sources[k % len(sources)]]
        closes = source.close[-n_sessions:]
        closes = np.pad(closes, (n_sessions - len(closes), 0), mode="edge") if len(closes) < n_sessions else closes
        walk = np.cumsum(rng.normal(0, 0.0008, (n_sessions, BARS_PER_SESSION)), axis=1)
        walk -= walk[:, -1:]  # each session ends on its real close
        close = np.round(closes[:, None] * np.exp(walk), 2).ravel()
        spread = np.round(close * 0.0005, 2)
        body = np.column_stack([close, close + spread, close - spread, close, rng.integers(100, 10_000, close.size)])
        rows = zip(texts, body, strict=True)
        lines = [f"{t[:-1]}+00:00,{o:.2f},{h:.2f},{lo:.2f},{c:.2f},{int(v)}" for t, (o, h, lo, c, v) in rows]
        (folder / f"{name}.csv").write_text("Datetime,Open,High,Low,Close,Volume\n" + "\n".join(lines) + "\n")
    return names


def make_rules(names: list[str], count: int = 200, seed: int = 5) -> list[AlertRule]:
    """`count` rules, every type in turn, on random symbols, with levels near where their values go."""
    rng = np.random.default_rng(seed)
    rules: list[AlertRule] = []
    quadrants = ("leading", "weakening", "lagging", "improving")
    conditions = ("crosses_above", "crosses_below", "above", "below")
    for k in range(count):
        kind = KINDS[k % len(KINDS)]
        a, b = (str(s) for s in rng.choice(names, 2, replace=False))
        base: dict[str, object] = {"id": f"{kind}-{k}", "type": kind, "condition": conditions[k % 4]}
        if kind == "price":
            base |= {"symbol": a, "level": 100.0}
        elif kind == "change":
            base |= {"symbol": a, "level": float(rng.choice((-1.0, 0.0, 1.0)))}
        elif kind == "spread":
            base |= {"a": a, "b": b, "window": str(rng.choice(("day", "5d", "mtd", "qtd"))), "level": 0.0}
        elif kind == "ratio":
            base |= {"a": a, "b": b, "level": 1.0}
        elif kind == "trend":
            base |= {"symbol": a, "ma": int(rng.choice((5, 20, 50))), "level": 0.0}
        elif kind == "zscore":
            base |= {"a": a, "b": b, "lookback": int(rng.choice((10, 20, 60))), "level": 1.0}
        else:
            base = {"id": f"{kind}-{k}", "type": kind, "symbol": a, "benchmark": b, "ma": 10, "momentum": 3,
                    "quadrant": quadrants[k % 4]}  # fmt: skip
        rules.append(rule_from_dict(base))
    return rules


def per_tick_fires(folder: Path, rules: list[AlertRule], sessions: int) -> list[AlertFire]:
    """The per-tick engine's fires over the first `sessions` sessions (the reference for the check)."""
    series = load_prices([folder])
    timeline = ReplayTimeline(series)
    engine = AlertEngine(rules)
    fires: list[AlertFire] = []
    for k in range(min(len(timeline), sessions * BARS_PER_SESSION)):
        fires.extend(engine.process(timeline.quotes_of_step(k)))
    return fires


def measure(
    n_symbols: int = 100, n_sessions: int = 252, n_rules: int = 200, check_sessions: int = 3
) -> dict[str, float]:
    """Run `_measure` in a fresh interpreter, as `tickerdesk backtest` runs: every garbage collection in the
    benchmarks' shared process also walked what the pipeline benchmark left (2 s more of 15)."""
    sizes = (str(n) for n in (n_symbols, n_sessions, n_rules, check_sessions))
    return figures_from_own_process("bench.backtest_bench", *sizes)


def _measure(n_symbols: int, n_sessions: int, n_rules: int, check_sessions: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="tickerdesk-backtest-") as tmp:
        folder = Path(tmp)
        names = write_minute_bars(folder, n_symbols, n_sessions)
        rules = make_rules(names, n_rules)
        keep_freed_memory()  # as the command does before it reads
        started = time.perf_counter()
        series = load_prices([folder])  # as `tickerdesk backtest --prices FOLDER` does: no cache
        loaded = time.perf_counter()
        fires = run_backtest_on_cores(series, rules)  # as the command does: the rules shared among the cores
        finished = time.perf_counter()
        ticks = sum(len(s.times) for s in series.values())
        end = float(ReplayTimeline(series).step_times[check_sessions * BARS_PER_SESSION - 1])
        want = per_tick_fires(folder, rules, check_sessions)
        got = [f for f in fires if f.time <= end]
        if [(f.rule_id, f.time, f.value) for f in got] != [(f.rule_id, f.time, f.value) for f in want]:
            raise AssertionError(f"batched backtest and per-tick engine disagree ({len(got)} vs {len(want)} fires)")
    return {
        "backtest_ticks_per_s": round(ticks / (finished - started)),
        "backtest_engine_ticks_per_s": round(ticks / (finished - loaded)),
        "backtest_csv_rows_per_s": round(ticks / (loaded - started)),
        "backtest_ticks": ticks,
        "backtest_fires": len(fires),
        "backtest_fires_checked": len(want),
    }


if __name__ == "__main__":
    print(json.dumps(_measure(*(int(arg) for arg in sys.argv[1:5]))))
