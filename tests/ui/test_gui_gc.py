"""The start-up heap is frozen out of later collections once the window is up (see desktop/ui/gui_gc.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from pytestqt.qtbot import QtBot

from desktop.ui import gui_gc
from tests.ui.conftest import MakeWindow


def test_freezing_collects_the_garbage_first_and_leaves_the_rest_out_of_collections() -> None:
    # In a process of its own: freezing is once per process, and this one's heap is the test run's.
    script = textwrap.dedent(
        """
        import gc, weakref
        import desktop.core.quote_store  # a heap of some size: modules, classes, functions
        from desktop.ui.gui_gc import freeze_long_lived

        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle only the collector frees
        dead = weakref.ref(a)
        del a, b
        gc.disable()  # nothing collects it before the freeze does
        tracked_before = len(gc.get_objects())
        freeze_long_lived()
        frozen = gc.get_freeze_count()
        freeze_long_lived()  # once per process: a second call changes nothing
        print(dead() is None, tracked_before, len(gc.get_objects()), frozen, gc.get_freeze_count())
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    garbage_freed, before, after, frozen, frozen_again = out[0] == "True", *map(int, out[1:])
    assert garbage_freed  # collected, not frozen for ever
    assert frozen > 10_000 and frozen == frozen_again
    assert after < before / 10  # what a full collection still walks


def test_the_window_freezes_once_its_charts_are_up(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(gui_gc, "freeze_long_lived", lambda: calls.append(True))  # recorded, not done
    make_window()  # the charts (and pyqtgraph with them) are built just after the first paint
    qtbot.waitUntil(lambda: bool(calls), timeout=10_000)
    assert calls == [True]
