"""Python's cycle collector runs on the GUI thread only.

Left automatic, a collection can start on whichever thread happens to allocate (a feed building a replay's
history, the database writer) and free a closed dialog's Qt objects there: Qt warns "Timers cannot be
stopped from another thread" and may crash. pyqtgraph's GarbageCollector turns automatic collection off and
collects on a GUI-thread timer instead (a cheap count check once a second). Installed with the charts,
which load pyqtgraph anyway, so start-up does not pay for the import.
"""

from __future__ import annotations

from typing import Any

_collector: Any = None


def collect_on_gui_thread() -> None:
    """Install the GUI-thread collector once per process (it must be called on the GUI thread)."""
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=1.0)
