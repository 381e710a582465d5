"""A second start on the same data folder brings the running window to the front and does not open another
window (two would evaluate every rule and log every fire twice). Real processes, real lock file."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from desktop.ui.single_instance import LOCK_NAME, REQUEST_NAME

from .test_kill_safety import app_env


def start(home: Path, seconds: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "run", "--source", "replay", "--speed", "1", "--exit-after", seconds],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=app_env(home),
    )  # fmt: skip


def wait_until(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def test_a_second_start_raises_the_first_window(tickerdesk_home: Path) -> None:
    data = tickerdesk_home / "data"
    with start(tickerdesk_home, "20") as first:
        wait_until(lambda: (data / LOCK_NAME).exists())
        second = subprocess.run([sys.executable, "-m", "desktop", "run", "--source", "replay", "--exit-after", "20"],
                                capture_output=True, text=True, env=app_env(tickerdesk_home), timeout=60,
                                check=False)  # fmt: skip
        assert second.returncode == 0
        assert f"already running on this data folder (pid {first.pid})" in second.stderr
        wait_until(lambda: not (data / REQUEST_NAME).exists(), timeout=10)  # the first window took the request
        assert first.poll() is None, "the first window is still running"
        first.terminate()
        first.communicate(timeout=30)
    # Once the first has gone, a start is a start again (the lock went with its process).
    with start(tickerdesk_home, "2") as again:
        _, err = again.communicate(timeout=60)
    assert again.returncode == 0 and "already running" not in err
