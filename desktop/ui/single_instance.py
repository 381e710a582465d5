"""One window per data folder: a second start brings the running window to the front instead.

Two windows on one database would both evaluate every rule and log every fire twice. The first window
holds a `QLockFile` in the data folder (Qt frees a lock whose process died); a second start finds it
held, writes a small request file beside it, and quits. The first window watches the folder and comes
to the front when the request appears. Only QtCore is used: no socket, nothing the bundle leaves out.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QLockFile, QObject, Signal

LOCK_NAME = "tickerdesk.lock"
REQUEST_NAME = "tickerdesk.raise-request"


class SingleInstance(QObject):
    """Holds the data folder's lock; `raise_requested` fires when another start asks for the window."""

    raise_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(folder / LOCK_NAME))
        self._lock.setStaleLockTime(0)  # never stale by age: only when its process is gone
        self._watcher: QFileSystemWatcher | None = None

    def acquire(self) -> bool:
        """True when this process now holds the folder; False when another running Tickerdesk does."""
        if not self._lock.tryLock(200):
            return False
        (self.folder / REQUEST_NAME).unlink(missing_ok=True)
        self._watcher = QFileSystemWatcher([str(self.folder)], self)
        self._watcher.directoryChanged.connect(self._folder_changed)
        return True

    def holder_pid(self) -> int | None:
        info = self._lock.getLockInfo()  # PySide6 returns (pid, hostname, appname), or a falsy pid
        pid = info[0] if isinstance(info, tuple) and info else None
        return int(pid) if isinstance(pid, int) and pid > 0 else None

    def ask_holder_to_raise(self) -> None:
        (self.folder / REQUEST_NAME).write_text(str(os.getpid()), encoding="utf-8")

    def release(self) -> None:
        if self._watcher is not None:
            self._watcher.directoryChanged.disconnect(self._folder_changed)
        self._lock.unlock()

    def _folder_changed(self, _path: str) -> None:
        request = self.folder / REQUEST_NAME
        if request.exists():
            request.unlink(missing_ok=True)
            self.raise_requested.emit()
