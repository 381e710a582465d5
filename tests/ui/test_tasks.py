"""run_task: work off the GUI thread, its result back on it, dropped when the owner is gone."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.ui.tasks import run_task


def test_the_result_comes_back_on_the_gui_thread(qtbot: QtBot) -> None:
    owner = QObject()
    got: list[tuple[object, bool]] = []
    gui = QThread.currentThread()
    run_task(owner, lambda: threading.current_thread().name, lambda r: got.append((r, QThread.currentThread() is gui)),
             name="probe-test")  # fmt: skip
    qtbot.waitUntil(lambda: bool(got))
    assert got == [("probe-test", True)]


def test_an_exception_is_the_result(qtbot: QtBot) -> None:
    owner = QObject()
    got: list[object] = []
    run_task(owner, lambda: 1 / 0, got.append)
    qtbot.waitUntil(lambda: bool(got))
    assert isinstance(got[0], ZeroDivisionError)


def test_a_deleted_owner_drops_the_result(qtbot: QtBot) -> None:
    owner = QObject()
    release = threading.Event()
    got: list[object] = []

    def work() -> str:
        release.wait(5)
        return "late"

    def done(result: object) -> None:
        got.append(result)

    run_task(owner, work, done, name="drop-test")
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner))
    release.set()
    # The worker has emitted (or tried to) once its thread is gone; then the GUI thread handles its events.
    qtbot.waitUntil(lambda: not any(t.name == "drop-test" for t in threading.enumerate()))
    for _ in range(20):
        QApplication.processEvents()
    assert got == []


def _alive(obj: QObject) -> bool:
    try:
        obj.objectName()
    except RuntimeError:
        return False
    return True
