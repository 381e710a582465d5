"""Python's cycle collector runs on the GUI thread only.

Left automatic, a collection can start on whichever thread happens to allocate (a feed building a replay's
history, the database writer) and free a closed dialog's Qt objects there: Qt warns "Timers cannot be
stopped from another thread" and may crash. pyqtgraph's GarbageCollector turns automatic collection off and
collects on a GUI-thread timer instead (a cheap count check once a second). Installed with the charts,
which load pyqtgraph anyway, so start-up does not pay for the import.

Once the window is up, the objects alive then (the modules, classes and functions of Qt, pandas and pyqtgraph,
the window itself: about 100,000) are frozen out of later collections. A full collection walks every
object it tracks: about 40 ms on the GUI thread with them, every time one falls due, for objects that live as long
as the process; frozen, a full collection walks only what came later.
"""

from __future__ import annotations

import gc
from typing import Any

_collector: Any = None
_frozen = False


def collect_on_gui_thread() -> None:
    """Install the GUI-thread collector once per process (it must be called on the GUI thread)."""
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=1.0)


def freeze_long_lived() -> None:
    """Collect once, then leave every object alive now out of later collections (once per process).

    The collection first, so no garbage of the start-up is frozen with the rest (it would never be freed).
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()
