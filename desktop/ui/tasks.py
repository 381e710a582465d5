"""Leaving the GUI thread and coming back: the one way `ui/` runs blocking work (like Picard's `run_task`).

`run_task(owner, work, done)` runs `work()` on a daemon thread and calls `done(result)` on the GUI thread
through a queued signal, unless `owner` was deleted meanwhile (the result is dropped, nothing touches a
dead widget). An exception in `work` reaches `done` as the result, for the caller to report. Threads are
daemons and nothing joins them on the GUI thread: a hanging request never freezes the window.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop import logs


class _Return(QObject):
    arrived = Signal(object)


def run_task(owner: QObject, work: Callable[[], Any], done: Callable[[Any], None], name: str = "task") -> None:
    """Run `work` off the GUI thread; `done(result or exception)` on the GUI thread while `owner` lives."""
    courier = _Return(owner)  # lives and dies with the owner: a deleted owner takes the delivery with it
    courier.arrived.connect(lambda result: _deliver(courier, done, result))

    def run() -> None:
        try:
            result: Any = work()
        except Exception as exc:  # handed to `done`, which says it where the user looks
            logs.ui.info("background task %s failed: %r", name, exc)
            result = exc
        with suppress(RuntimeError):  # the owner, and the courier with it, were deleted: the result is dropped
            courier.arrived.emit(result)

    threading.Thread(target=run, name=name, daemon=True).start()


def _deliver(courier: QObject, done: Callable[[Any], None], result: Any) -> None:
    courier.deleteLater()
    done(result)
