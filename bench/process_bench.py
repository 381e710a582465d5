"""Whole-process figures: time to the first painted window, and a process's CPU over a window of time."""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import desktop
from bench.screen import OFFSCREEN
from desktop.config import FIRST_PAINT_ENV, HOME_ENV

BARE_QT = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, lambda: (print("first-paint", flush=True), app.quit()))
            window.removeEventFilter(self)
        return False
watcher = Painted()
window.installEventFilter(watcher)
window.show()
app.exec()
"""


def figures_from_own_process(module: str, *args: str, timeout: float = 1800) -> dict[str, float]:
    """Run `python -m module args...` in a fresh interpreter (same home, offscreen) and read back the JSON
    figures it prints last: nothing another benchmark left in this process (its heap, threads) is counted."""
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", OFFSCREEN)}
    command = [sys.executable, "-m", module, *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, timeout=timeout, check=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ)
    env[HOME_ENV] = home
    env.setdefault("QT_QPA_PLATFORM", OFFSCREEN)
    return env


def _time_to_line(command: list[str], env: dict[str, str], timeout: float = 60.0) -> float:
    """Seconds from starting `command` to its printing "first-paint"."""
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("first-paint"):
                elapsed = time.perf_counter() - started
                proc.wait(timeout)
                return elapsed
        proc.wait(timeout)
    raise RuntimeError(f"{command[:3]} ended without painting")


def compile_package() -> None:
    """Byte-compile the app's modules, as an install does: a checkout run with PYTHONDONTWRITEBYTECODE set
    would otherwise compile all of them from source at every start (about 0.15 s, counted as start-up)."""
    compileall.compile_dir(str(Path(desktop.__file__).parent), quiet=1)


def measure_startup(rounds: int = 11) -> dict[str, float]:
    """App (to a painted window showing quotes) and a bare PySide6 window, alternating, median of each."""
    compile_package()
    app_times: list[float] = []
    bare_times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        env = _env(home)
        env[FIRST_PAINT_ENV] = "1"
        app_cmd = [sys.executable, "-m", "desktop", "run", "--source", "replay"]
        bare_cmd = [sys.executable, "-c", BARE_QT]
        _time_to_line(app_cmd, env)  # warm the file cache and create the database once
        for _ in range(rounds):
            app_times.append(_time_to_line(app_cmd, env))
            bare_times.append(_time_to_line(bare_cmd, env))
    app_s, bare_s = statistics.median(app_times), statistics.median(bare_times)
    return {
        "startup_first_paint_s": round(app_s, 3),
        "startup_ratio_vs_bare_qt": round(app_s / bare_s, 2),
        "startup_bare_qt_s": round(bare_s, 3),
    }


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_pct(
    command: list[str],
    env: dict[str, str],
    warmup: float,
    seconds: float,
    meanwhile: Callable[[], None] | None = None,
) -> float:
    """CPU use of `command`'s process as % of one core over `seconds`, after `warmup` seconds of settling
    (after `meanwhile` has run, when given: what the process is sent before it is measured)."""
    return cpu_pcts([(command, env)], warmup, seconds, meanwhile)[0]


def cpu_pcts(
    commands: Sequence[tuple[list[str], dict[str, str]]],
    warmup: float,
    seconds: float,
    meanwhile: Callable[[], None] | None = None,
) -> list[float]:
    """`cpu_pct` of several processes running side by side over the same seconds: a fast or slow spell of
    the machine falls on all of them alike, where one after the other it could fall on one alone."""
    procs = [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        for command, env in commands
    ]
    try:
        if meanwhile is not None:
            meanwhile()
        time.sleep(warmup)  # the processes start and settle; nothing to wait on
        before, t0 = [_cpu_seconds(p.pid) for p in procs], time.perf_counter()
        time.sleep(seconds)  # the measurement window itself
        after, t1 = [_cpu_seconds(p.pid) for p in procs], time.perf_counter()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
    return [(b - a) / (t1 - t0) * 100.0 for a, b in zip(before, after, strict=True)]
