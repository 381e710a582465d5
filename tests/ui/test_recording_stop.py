"""Stopping a recording from the window never waits on the recorder's thread, and a recording the disk
refuses (a full disk) is stopped and said at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.core.prices import load_prices
from desktop.feeds.recorder import QuoteRecorder

from ..disks import fill, small_tmpfs
from .conftest import MakeWindow, replayed


def test_stop_does_not_wait_for_the_file_and_then_says_what_it_holds(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(speed=0, start=date(2026, 8, 1), run=False)
    out = tmp_path / "session.csv"
    window.start_recording(out)
    window.feeds.start(window.model.symbols)
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)

    def joined(self: QuoteRecorder, timeout: float = 10.0) -> None:
        raise AssertionError("the GUI thread waited for the recorder's thread")

    with monkeypatch.context() as patched:
        patched.setattr(QuoteRecorder, "wait", joined)
        window.stop_recording()
    assert not window.record_action.isChecked() and window.feeds.recorder is None
    qtbot.waitUntil(lambda: window.message_label.text().startswith("Recorded "), timeout=10_000)
    rows = int(window.message_label.text().split()[1].replace(",", ""))
    assert rows > 100 and window.message_label.text().endswith("quotes to session.csv")
    assert sum(len(s) for s in load_prices([out]).values()) == rows  # every row is in the closed file


@pytest.mark.expected_log_warnings  # the recorder logs the failure too
def test_a_recording_the_disk_refuses_stops_and_says_so(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", "64k") as disk:
        window = make_window(speed=0, start=date(2026, 8, 1), run=False)
        window.start_recording(disk / "session.csv")
        assert window.record_action.isChecked()
        fill(disk)
        window.feeds.start(window.model.symbols)
        qtbot.waitUntil(lambda: "No space left on device" in window.message_label.text(), timeout=10_000)
        assert window.message_label.text().startswith("Recording to ") and "stopped" in window.message_label.text()
        assert not window.record_action.isChecked()
        assert window.feeds.recorder is None  # quotes are no longer queued for a recorder that cannot write
        qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
        assert window.store.latest("SPY") is not None  # the window goes on
