"""The headless monitor started in the background, and the lock that keeps it one per data folder.

The window starts one when it closes with rules switched on and "Keep Watching Alerts After Closing" set,
so the rules go on firing (and delivering) with no window; `tickerdesk monitor` takes the same lock, so a
second monitor on one data folder (a service already running, a window closed twice) says so and ends.
The lock is an flock on a file beside the database: the system lets go of it when its process ends, however
it ends, so a killed monitor never blocks the next.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

LOCK_NAME = "monitor.lock"


def program() -> list[str]:
    """This same program: the installed bundle, or this Python with `-m desktop`."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "desktop"]


class MonitorLock:
    """Held by the one monitor of a data folder for as long as it runs (where flock exists: not Windows)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        """Take the lock, writing this process's id into the file; False when another monitor holds it."""
        try:
            import fcntl
        except ImportError:  # no flock here: every monitor runs (the evaluator lease still keeps one firing)
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="ascii")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return True

    def holder(self) -> int | None:
        """The process id of the monitor holding the lock, or None when no monitor runs."""
        try:
            import fcntl
        except ImportError:
            return None
        try:
            with self.path.open("r", encoding="ascii") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except OSError:
                    text = handle.read().strip()
                    return int(text) if text.isdigit() else 0  # (0: held, by a process that has not said)
                fcntl.flock(handle, fcntl.LOCK_UN)
        except OSError:  # no lock file: no monitor ever ran here
            return None
        return None

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file lets go of the lock
            self._handle = None


def start_background_monitor() -> int:
    """Start `tickerdesk monitor --source yahoo` detached from this process (its own session: it outlives
    the window and its terminal), on this process's data folder; returns its process id."""
    child = subprocess.Popen(
        [*program(), "monitor", "--source", "yahoo"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # it logs each fire in monitor.log beside the database
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Reaped when it ends while this process still runs (no zombie left behind); when this one ends first,
    # the monitor carries on, adopted by the system.
    threading.Thread(target=child.wait, name="monitor-reaper", daemon=True).start()
    return child.pid


def stop_monitor(folder: Path, wait_s: float = 15.0) -> tuple[bool, str]:
    """Ask the monitor of `folder` to stop (SIGTERM: it saves its rules' states and lets go of the lease)
    and wait until it has: (whether none runs now, what happened in words)."""
    import signal
    import time

    lock = MonitorLock(folder)
    pid = lock.holder()
    if pid is None:
        return True, "no monitor watches this data folder"
    if not pid:
        return False, "a monitor watches this data folder, but its lock file does not say its pid"
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True, f"the monitor (pid {pid}) had already ended"
    deadline = time.monotonic() + wait_s
    while lock.holder() is not None:
        if time.monotonic() > deadline:
            return False, f"asked the monitor (pid {pid}) to stop; it has not yet, after {wait_s:g} s"
        time.sleep(0.1)
    return True, f"stopped the monitor (pid {pid})"
