"""Writing a file the user asked for (an export) off the GUI thread, whole or not at all, then saying how it
went: a slow or full disk never holds the window, and a failure leaves the file it would have replaced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject

from desktop.core.safe_files import file_problem, write_atomic
from desktop.ui.tasks import run_task


def write_later(
    owner: QObject, path: Path, data: str | bytes, say: Callable[[str, bool], None], done: str, failing: str
) -> None:
    """Write `data` to `path` on a task thread, then on the GUI thread `say(done, False)` once it is on disk,
    or `say("<failing>: <file>: <why>", True)` ("Could not export: …/x.csv: the disk is full")."""

    def finished(result: object) -> None:
        if isinstance(result, OSError):
            say(f"{failing}: {file_problem(path, result)}", True)
        elif isinstance(result, Exception):
            say(f"{failing}: {path}: {result}", True)
        else:
            say(done, False)

    run_task(owner, lambda: write_atomic(path, data), finished, name="write-file")
