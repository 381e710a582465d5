"""A thread that owns a second connection to the database and runs writes in order, off the GUI thread."""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop import logs
from desktop.storage.database import StorageError, connect, describe

log = logs.storage

Job = Callable[[sqlite3.Connection], Any]
Done = Callable[[Any], None]
Failed = Callable[[Exception], None]


class BackgroundWriter:
    """Runs submitted jobs one at a time on its own thread and connection.

    `on_done` / `on_failed` are called on the writer thread after the job's transaction committed (or
    failed): a caller that must act on the GUI thread passes a queued Qt signal's `emit`.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self.path = path
        self._jobs: queue.Queue[tuple[Job, Done | None, Failed | None] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="db-writer", daemon=True)
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._pending = 0
        self._thread.start()

    def submit(self, job: Job, on_done: Done | None = None, on_failed: Failed | None = None) -> None:
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._jobs.put((job, on_done, on_failed))

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until every submitted job ran (for shutdown and tests)."""
        return self._idle.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        self._jobs.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        unusable: StorageError | None = None
        try:
            conn = connect(self._path)
        except sqlite3.Error as exc:  # read-only or full: every write says so, none is lost silently
            unusable = describe(exc, self._path)
        try:
            while True:
                item = self._jobs.get()
                if item is None:
                    return
                job, on_done, on_failed = item
                try:
                    if conn is None:
                        raise unusable or StorageError("the database is not open")
                    result = job(conn)
                except Exception as exc:  # a failed write is reported, never fatal to the thread
                    reason = describe(exc, self._path) if isinstance(exc, sqlite3.Error) else exc
                    log.warning("database write failed: %s", reason)
                    if on_failed is not None:
                        on_failed(reason)
                else:
                    if on_done is not None:
                        on_done(result)
                with self._lock:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.set()
        finally:
            if conn is not None:
                conn.close()
