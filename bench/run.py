"""`make bench`: every benchmark, one `name: value` line per figure, and bench/results.json.

`--quick` runs tiny versions (what the test suite's smoke test uses) so the bench code cannot rot.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from bench.home import scratch_home
from bench.screen import OFFSCREEN

if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":  # a desktop-sized screen (bench/screen.py)
    os.environ["QT_QPA_PLATFORM"] = OFFSCREEN

RESULTS = Path(__file__).resolve().parent / "results.json"
GOALS = {
    "live_cpu_ratio_vs_bare_table": ("<=", 1.5),
    "live_cpu_ratio_vs_bare_table_100": ("<=", 1.5),
    "pipeline_ticks_per_s": (">=", 1_000_000),
    "pipeline_ui_lateness_p99_ms": ("<=", 16),
    "pipeline_speedup_vs_naive": (">=", 50),
    "ui_lateness_p99_ms": ("<=", 33),
    "startup_ratio_vs_bare_qt": ("<=", 2.5),
    "rss_mb_after_2m_ticks": ("<=", 220),
    "backtest_ticks_per_s": (">=", 5_000_000),
}


def machine() -> dict[str, str | int]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 0,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check that every benchmark runs")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    quick = args.quick

    with scratch_home():  # the app under test keeps its database and price cache (14 MB a run) out of the user's
        return _run(args, quick)


def _run(args: argparse.Namespace, quick: bool) -> int:
    from PySide6.QtWidgets import QApplication

    from bench.backtest_bench import measure as measure_backtest
    from bench.live_bench import measure as measure_live
    from bench.memory_bench import measure as measure_memory
    from bench.pipeline_bench import measure as measure_pipeline
    from bench.process_bench import measure_startup
    from bench.ui_bench import measure_lateness
    from bench.worker_probe import measure as measure_worker_probe
    from bench.workload import build

    app = QApplication.instance() or QApplication(sys.argv[:1])
    figures: dict[str, float] = {}
    started = time.perf_counter()

    def report(values: dict[str, float]) -> None:
        for name, value in values.items():
            figures[name] = value
            print(f"{name}: {value}", flush=True)

    n_ticks = 20_000 if quick else 2_000_000
    workload = build(n_ticks, n_symbols=50 if quick else 500, n_rules=100 if quick else 1000)
    report(measure_pipeline(app, workload, n_ticks, naive_ticks=1_000 if quick else 50_000))  # type: ignore[arg-type]
    report(measure_worker_probe(app, workload, seconds=0.5 if quick else 3.0))  # type: ignore[arg-type]
    report(measure_lateness(seconds=1.5 if quick else 10.0))
    report(measure_memory(symbols=20 if quick else 100, seconds=120 if quick else 3600))
    report(measure_live(seconds=2.0 if quick else 30.0, warmup=4.0 if quick else 10.0, counts=(13, 100),
                        late_hours=0.02 if quick else 6.0))  # fmt: skip
    report(measure_startup(rounds=1 if quick else 11))
    if quick:
        report(measure_backtest(n_symbols=4, n_sessions=8, n_rules=14, check_sessions=2))
    else:
        report(measure_backtest())

    missed = [
        name
        for name, (sense, goal) in GOALS.items()
        if name in figures and not (figures[name] >= goal if sense == ">=" else figures[name] <= goal)
    ]
    result = {
        "figures": figures,
        "goals": {k: f"{s} {g}" for k, (s, g) in GOALS.items()},
        "missed": missed,
        "quick": quick,
        "machine": machine(),
        "seconds": round(time.perf_counter() - started, 1),
        "date": time.strftime("%Y-%m-%d"),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"goals missed: {', '.join(missed) if missed else 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
