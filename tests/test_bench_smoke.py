"""The benchmarks run (tiny sizes), so their code cannot rot; their figures are not judged here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

FIGURES = [
    "pipeline_ticks_per_s",
    "pipeline_speedup_vs_naive",
    "ui_lateness_p99_ms",
    "live_cpu_pct",
    "live_cpu_ratio_vs_bare_table",
    "live_cpu_pct_100",
    "live_cpu_pct_late_day",
    "rss_mb_live_1h",
    "backtest_ticks_per_s",
    "pipeline_ui_lateness_p99_ms",
    "startup_first_paint_s",
    "startup_ratio_vs_bare_qt",
    "rss_mb_after_2m_ticks",
    "gil_repaint_ratio_busy_worker",
]


def test_every_benchmark_runs_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=REPO, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    printed = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    for name in FIGURES:
        assert float(printed[name]) >= 0, name
    saved = json.loads(out.read_text())
    assert saved["quick"] is True and set(FIGURES) <= set(saved["figures"])
    assert saved["machine"]["cores"] >= 1


def test_a_benchmark_run_on_its_own_leaves_the_users_data_alone(tmp_path: Path) -> None:
    """`python -m bench.ui_bench` builds a window with rules: they go to a scratch home, not the user's."""
    user = tmp_path / "user"
    env = {k: v for k, v in os.environ.items() if k not in ("TICKERDESK_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")}
    env |= {"HOME": str(user), "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "bench.ui_bench", "0.3"], capture_output=True, text=True, timeout=120, cwd=REPO,
        env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ui_lateness_p99_ms" in json.loads(result.stdout.strip().splitlines()[-1])
    assert not [p for p in user.rglob("*") if p.is_file()], "nothing written under the user's home"
