"""Exports from the window (rules, the fired log, a watchlist's symbols, the chart) are written off the GUI
thread, whole or not at all: on a full disk the file they would replace stays as it was, and the status bar
says which file and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from ..disks import fill, small_tmpfs
from .conftest import MakeWindow, replayed
from .test_alerts_ui import TSLA, seed


def test_every_export_on_a_full_disk_keeps_the_old_file_and_says_why(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    seed(TSLA)
    window = make_window(speed=0, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    panel = window.alerts_panel
    exports: list[tuple[str, Callable[[Path], object]]] = [
        ("rules.toml", panel.export_rules),
        ("log.csv", lambda path: panel.export_log(path=path)),
        ("symbols.txt", window.export_list),
        ("chart.png", window.write_chart),
    ]
    with small_tmpfs(tmp_path / "disk", "256k") as disk:
        for name, _export in exports:
            (disk / name).write_text(f"last week's {name}\n")
        fill(disk)
        for name, export in exports:
            window.show_message("")
            export(disk / name)
            qtbot.waitUntil(lambda: window.message_label.text() != "", timeout=5000)
            assert window.message_label.text().endswith(f"{disk / name}: the disk is full"), name
            assert (disk / name).read_text() == f"last week's {name}\n"
        assert sorted(p.name for p in disk.iterdir()) == sorted([*(n for n, _ in exports), "filler"])
    for name, export in exports:  # and with room, each is written and said
        window.show_message("")
        export(tmp_path / name)
        qtbot.waitUntil(lambda: window.message_label.text() != "", timeout=5000)
        assert not window.message_label.text().startswith("Could not"), window.message_label.text()
        assert (tmp_path / name).stat().st_size > 0
    assert "tsla5" in (tmp_path / "rules.toml").read_text() and "tsla5" in (tmp_path / "log.csv").read_text()
