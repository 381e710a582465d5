"""Files dropped on the window, through Qt's own drag and drop events: rules imported, prices replayed, a
symbol list made a watchlist, anything else refused in a sentence."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from pytestqt.qtbot import QtBot

from desktop import paths
from desktop.ui.main_window import MainWindow

from .conftest import MakeWindow, replayed


def carrying(*files: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    return mime


def replaying_and_heard(qtbot: QtBot, make_window: MakeWindow) -> tuple[MainWindow, list[tuple[str, bool]]]:
    """A window that has replayed its data, and every message it shows from now on (text, is an error)."""
    window = make_window(speed=0, start=date(2026, 7, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    said: list[tuple[str, bool]] = []
    shown = window.show_message
    window.show_message = lambda text, error=False: (said.append((text, error)), shown(text, error))  # type: ignore[method-assign]
    return window, said


def test_dropped_files_go_where_their_menu_commands_take_them(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    window, said = replaying_and_heard(qtbot, make_window)
    rules = tmp_path / "rules.toml"
    rules.write_text('[[alerts]]\nid = "nvda175"\ntype = "price"\nsymbol = "NVDA"\ncondition = "crosses_below"\n'
                     "level = 175\n")  # fmt: skip
    chips = tmp_path / "chips.txt"
    chips.write_text("NVDA\nAMD\n$TSM\n")
    prices = tmp_path / "SPY.csv"
    shutil.copy(paths.bundled_daily_dir().parent / "intraday-5m" / "SPY.csv", prices)
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))

    text_only = QMimeData()
    text_only.setText("NVDA")
    refused = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, text_only, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()
    mime = carrying(rules, chips, prices, photo)
    entering = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                               Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dragEnterEvent(entering)
    assert entering.isAccepted()
    window.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))  # fmt: skip

    model = window.alerts_panel.rules_model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    assert model.rule_at(0).id == "nvda175"  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.feeds.replay_symbols() == ["SPY"], timeout=10_000)
    assert "chips" in window.list_names()
    assert window.watchlists.symbols("chips") == ["NVDA", "AMD", "TSM"]
    refusal = [text for text, error in said if error and text.startswith("Cannot open")]
    assert refusal == [
        "Cannot open photo.png: drop price files or folders (.csv), symbol lists (.txt, .csv) or alert rules "
        "(.toml, .json, or .txt in words)"
    ]
    assert any(text.startswith("Replaying SPY.csv: 1 symbol, 2026-04-24 to 2026-07-21") for text, _ in said)


def test_a_dropped_text_file_of_rules_in_words_is_imported_and_a_list_of_symbols_is_not(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    window, said = replaying_and_heard(qtbot, make_window)
    in_words = tmp_path / "my alerts.txt"
    in_words.write_text("# levels\nNVDA crosses below 175\nTSLA moves more than 5% on the day\n")
    more = tmp_path / "more alerts.txt"
    more.write_text("SPY crosses above 700\n")
    chips = tmp_path / "chips.txt"
    chips.write_text("NVDA\nAMD\n")
    mime = carrying(chips, in_words, more)
    window.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))  # fmt: skip
    model = window.alerts_panel.rules_model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    assert [model.rule_at(k).describe() for k in range(2)] == [  # type: ignore[union-attr]
        "NVDA price crosses below 175",
        "TSLA change % outside ±5",
    ]
    qtbot.waitUntil(lambda: "chips" in window.list_names(), timeout=10_000)
    assert window.watchlists.symbols("chips") == ["NVDA", "AMD"]
    assert ("Importing my alerts.txt: drop more alerts.txt after it.", False) in said
    assert "my alerts" not in window.list_names()
