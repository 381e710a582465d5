"""Several watchlists as tabs: each keeps its symbols and columns; new, rename, duplicate, delete with undo,
reorder, import and export; the last one shown opens next time; alerts do not depend on the list shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.config import DEFAULT_SYMBOLS, DEFAULT_WATCHLIST
from desktop.ui.watchlist_model import Column

from ..test_cli import tickerdesk
from .conftest import MakeWindow


def test_lists_keep_their_symbols_and_columns_and_the_last_one_reopens(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window(run=False)
    assert window.list_names() == [DEFAULT_WATCHLIST] and window.model.symbols == list(DEFAULT_SYMBOLS)
    broker = tmp_path / "Chips.csv"
    broker.write_text("Symbol,Description,Quantity\nnvda,NVIDIA,10\nAMD,AMD,5\n$$$,cash,1\n")
    assert window.import_list(broker)
    assert window.current_list == "Chips" and window.model.symbols == ["NVDA", "AMD"]
    assert "skipped $$$" in window.message_label.text()
    picture = tmp_path / "Chips.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert not window.import_list(picture) and "Chips.png: a binary file" in window.message_label.text()
    window.table.setColumnWidth(Column.LAST, 222)
    window.table.sortByColumn(Column.CHANGE_PCT, Qt.SortOrder.AscendingOrder)
    window.show_list(DEFAULT_WATCHLIST)
    assert window.model.symbols == list(DEFAULT_SYMBOLS) and window.table.columnWidth(Column.LAST) != 222
    window.show_list("Chips")
    assert window.table.columnWidth(Column.LAST) == 222, "each list keeps its own columns"
    qtbot.keyClicks(window.symbol_input, "MSFT")
    window.symbol_input.returnPressed.emit()
    qtbot.waitUntil(lambda: window.model.symbols == ["NVDA", "AMD", "MSFT"], timeout=5000)
    assert window.duplicate_list() and window.current_list == "Chips copy"
    assert window.rename_list("Semis") and window.list_names() == [DEFAULT_WATCHLIST, "Chips", "Semis"]
    window.list_tabs.moveTab(2, 0)  # dragged to the front
    out = tmp_path / "semis.txt"
    assert window.export_list(out)
    qtbot.waitUntil(lambda: window.message_label.text() == "Exported 3 symbols to semis.txt", timeout=5000)
    assert out.read_text() == "NVDA\nAMD\nMSFT\n"
    window.show_list("Chips")
    window.close()

    again = make_window(run=False)
    assert again.list_names() == ["Semis", DEFAULT_WATCHLIST, "Chips"], "the order is kept"
    assert again.current_list == "Chips" and again.model.symbols == ["NVDA", "AMD", "MSFT"]
    assert again.table.columnWidth(Column.LAST) == 222


def test_delete_has_an_undo_and_never_takes_the_last_list(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(run=False)
    assert not window.delete_list() and "last watchlist" in window.message_label.text()
    assert window.new_list("Empty") and window.current_list == "Empty"
    qtbot.keyClicks(window.symbol_input, "TSLA")
    window.symbol_input.returnPressed.emit()
    qtbot.waitUntil(lambda: window.model.symbols == ["TSLA"], timeout=5000)
    assert window.delete_list() and window.list_names() == [DEFAULT_WATCHLIST]
    assert window.undo_button.isVisible() and window.current_list == DEFAULT_WATCHLIST
    window.undo_button.click()
    assert window.list_names() == [DEFAULT_WATCHLIST, "Empty"] and window.current_list == "Empty"
    assert window.model.symbols == ["TSLA"] and not window.undo_button.isVisible()


def test_a_list_name_is_checked_the_same_everywhere(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(run=False, watchlist="default")
    assert window.current_list == DEFAULT_WATCHLIST and window.list_names() == [DEFAULT_WATCHLIST], "not a second list"
    assert not window.new_list("Chips\tand more") and "control characters" in window.message_label.text()
    assert not window.rename_list("x" * 65) and "at most 64 characters" in window.message_label.text()
    assert window.list_names() == [DEFAULT_WATCHLIST]
    # A success says so, in place of the refusal before it (an error stays until the next message).
    assert window.new_list("Chips") and window.message_label.text().startswith("New watchlist Chips")
    assert window.rename_list("chips") and window.message_label.text() == "Renamed the watchlist Chips to chips"
    window.remove_symbols(["NVDA"])  # not in the new, empty list: nothing removed, nothing said
    assert window.message_label.text() == "Renamed the watchlist Chips to chips"
    assert window.delete_list()
    window.close()
    odd = make_window(run=False, watchlist=" padded ")  # a name made in code, past the command line's check
    assert odd.current_list == DEFAULT_WATCHLIST and odd.list_names() == [DEFAULT_WATCHLIST]
    assert odd.startup_notes == ["Could not open the watchlist ' padded ': a watchlist name cannot start or end "
                                 "with a blank."]  # fmt: skip


def test_run_watchlist_and_the_command_line_share_the_lists(tickerdesk_home: Path, tmp_path: Path) -> None:
    added = tickerdesk("watchlist", "add", "Energy", "XOM", "cvx", home=tickerdesk_home)
    assert added.returncode == 0 and "added 2 to Energy" in added.stdout
    listed = tickerdesk("watchlist", "list", home=tickerdesk_home).stdout
    assert f"{DEFAULT_WATCHLIST}" in listed and "Energy                   2 symbols" in listed
    assert tickerdesk("watchlist", "show", "Energy", home=tickerdesk_home).stdout == "XOM\nCVX\n"
    shot = tmp_path / "state.json"
    run = tickerdesk("run", "--source", "replay", "--watchlist", "Energy", "--exit-after", "2",
                     "--dump-state", str(shot), home=tickerdesk_home)  # fmt: skip
    assert run.returncode == 0, run.stderr
    import json

    assert [r["Symbol"] for r in json.loads(shot.read_text())["watchlist"]] == ["XOM", "CVX"]
    removed = tickerdesk("watchlist", "remove", "Energy", "--list", home=tickerdesk_home)
    assert removed.returncode == 0 and "Energy" not in tickerdesk("watchlist", "list", home=tickerdesk_home).stdout
    missing = tickerdesk("watchlist", "show", "Nope", home=tickerdesk_home)
    assert missing.returncode == 2 and "no watchlist named 'Nope'" in missing.stderr
    blank = tickerdesk("watchlist", "add", " ", "NVDA", home=tickerdesk_home)
    assert blank.returncode == 2 and "a watchlist needs a name" in blank.stderr
    assert tickerdesk("watchlist", "add", " Energy ", "XOM", home=tickerdesk_home).stdout == "added 1 to Energy: XOM\n"
    too_many = tickerdesk("watchlist", "add", "Energy", *(f"S{k:04d}" for k in range(1000)), home=tickerdesk_home)
    assert too_many.returncode == 2 and "1,000 more would pass the 1,000 a watchlist may hold" in too_many.stderr
    assert tickerdesk("watchlist", "show", "Energy", home=tickerdesk_home).stdout == "XOM\n", "all of them or none"


def test_several_symbols_at_once_and_every_shortcut_listed(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0)
    assert window.new_list("Picks")
    added, refused = window.add_symbols("nvda, ZZZZ  amd; 12$")
    assert added == ["NVDA", "AMD"] and window.model.symbols == ["NVDA", "AMD"]
    assert [r.split(" ")[0] for r in refused] == ["12$", "ZZZZ"] and "not in the replay data" in refused[1]
    assert "Added NVDA, AMD" in window.message_label.text() and "ZZZZ" in window.message_label.text()
    keys = dict(window.shortcuts())
    assert keys["Add Symbols"] == "Ctrl+N" and keys["Go to Symbol Field"] == "Ctrl+K"
    assert keys["Keyboard Shortcuts"] == "F1" and "Export Chart as PNG" in keys and "Show Alerts Panel" in keys
    box = window.show_shortcuts()
    qtbot.addWidget(box)
    assert "Ctrl+N" in box.text() and "Pause" in box.text()


def test_the_symbol_field_takes_a_pasted_list_and_cashtags(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0)
    assert window.new_list("Pasted")
    qtbot.keyClicks(window.symbol_input, "nvda, $amd ZZZZ")
    qtbot.keyClick(window.symbol_input, Qt.Key.Key_Return)
    assert window.model.symbols == ["NVDA", "AMD"]
    assert "Added NVDA, AMD" in window.message_label.text() and "ZZZZ" in window.message_label.text()
    assert window.symbol_input.text() == ""
    qtbot.keyClicks(window.symbol_input, "$meta")
    qtbot.keyClick(window.symbol_input, Qt.Key.Key_Return)
    assert window.model.symbols == ["NVDA", "AMD", "META"] and window.input_error.text() == ""


def test_an_alert_rule_typed_in_the_symbol_field_goes_to_the_alerts_field(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(speed=0)
    assert window.new_list("Typed")
    window.alerts_dock.hide()
    qtbot.keyClicks(window.symbol_input, "nvda crosses below 175")
    qtbot.keyClick(window.symbol_input, Qt.Key.Key_Return)
    assert window.model.symbols == [], "not the symbols NVDA, CROSSES and BELOW"
    field = window.alerts_panel.quick_rule
    assert window.alerts_dock.isVisible() and field.edit.text() == "nvda crosses below 175"
    assert "alert rule" in window.message_label.text() and window.symbol_input.text() == ""
    assert field.note.text().startswith("Enter adds: NVDA price crosses below 175")
    assert window.alerts_panel.quick_rule.edit.selectedText() == ""
    field.edit.setText("TSLA moves 5%")
    window.symbol_input.setFocus()
    keys = dict(window.shortcuts())
    assert keys["Type a Rule"] == "Ctrl+T"
    window.focus_rule_field()  # Ctrl+T: the field ready, what it held selected to be typed over
    assert field.edit.hasFocus() or not window.isActiveWindow()
    assert field.edit.selectedText() == "TSLA moves 5%"
    qtbot.keyClicks(window.symbol_input, "spy hits 900")  # a crossing with no way is a rule too
    qtbot.keyClick(window.symbol_input, Qt.Key.Key_Return)
    assert window.model.symbols == [] and field.edit.text() == "spy hits 900"
    assert "crosses which way" in field.note.text(), "no quote yet to tell which way from"
    qtbot.keyClicks(window.symbol_input, "nvda amd below")  # a list of words that is no rule stays a list
    qtbot.keyClick(window.symbol_input, Qt.Key.Key_Return)
    assert window.model.symbols == ["NVDA", "AMD"]


def test_a_big_paste_is_summed_up_and_a_full_list_takes_no_more(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import desktop.ui.window_watchlist_editing as editing

    window = make_window(speed=0)
    added, refused = window.add_symbols(" ".join(f"bad{k}$" for k in range(500)))
    assert added == [] and len(refused) == 500
    message = window.message_label.text()
    assert message.endswith("bad7$ (not a ticker symbol); and 492 more") and len(message) < 400
    window.remove_symbols(["NVDA", "TSLA", "AMD"])
    monkeypatch.setattr(editing, "MAX_SYMBOLS", 11)
    added, refused = window.add_symbols("NVDA TSLA AMD SPY")
    assert added == ["NVDA"] and refused[0] == "TSLA, AMD (a watchlist holds at most 11 symbols)"
    assert len(window.model.symbols) == 11


def test_undo_and_redo_rule_and_watchlist_edits(qtbot: QtBot, make_window: MakeWindow) -> None:
    from desktop.core.alerts.rules import rule_from_dict
    from desktop.storage.watchlists import WatchlistRepository

    window = make_window(run=False)
    order = window.model.symbols
    window.remove_symbols(["TSLA", "AMD"])
    rule = rule_from_dict({"id": "nv", "type": "price", "symbol": "NVDA", "condition": "below", "level": 175})
    assert window.alerts.save_rule(rule)
    assert window.alerts.save_rule(rule.with_changes(level=170))
    assert window.alerts.delete_rule("nv") and window.alerts.book.rule("nv") is None
    stack = window.alerts.undo_stack
    assert window.undo_action.text().replace("&", "") == "Undo Delete Alert nv"
    window.undo_action.trigger()  # the rule is back, at 170
    assert window.alerts.book.rule("nv") is not None and window.alerts.book.rule("nv").level == 170  # type: ignore[union-attr]
    window.undo_action.trigger()  # back to 175
    assert window.alerts.book.rule("nv").level == 175  # type: ignore[union-attr]
    window.undo_action.trigger()  # never added
    assert window.alerts.book.rule("nv") is None
    window.undo_action.trigger()  # TSLA and AMD come back to the list, and to the database, in their places
    assert window.model.symbols == order
    assert WatchlistRepository(window.alerts.repo.connection).symbols(window.current_list) == order
    window.redo_action.trigger()
    assert window.model.row_of("TSLA") is None
    assert window.redo_action.text().replace("&", "") == "Redo Add Alert nv" and stack.canRedo()
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    window.redo_action.trigger()
    assert window.alerts.book.rule("nv") is not None and window.alerts.book.rule("nv").level == 175  # type: ignore[union-attr]


def test_an_emptied_list_says_how_to_fill_it_and_the_chart_lets_go_of_the_last_symbol(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(speed=0)
    qtbot.waitUntil(lambda: window.store.latest("TSLA") is not None, timeout=10_000)
    window.table.select_symbol("TSLA")
    chart = window.chart
    assert chart.symbol == "TSLA"
    window.remove_symbols(list(window.model.symbols))
    assert window.model.rowCount() == 0 and chart.symbol is None and chart.empty_reason is not None
    image = window.table.viewport().grab().toImage()
    inked = {image.pixel(x, image.height() // 2) for x in range(image.width())}
    assert len(inked) > 1, "the hint is painted across the middle of the empty table"
    qtbot.keyClicks(window.symbol_input, "NVDA")
    window.symbol_input.returnPressed.emit()
    qtbot.waitUntil(lambda: window.model.symbols == ["NVDA"], timeout=5000)
    image = window.table.viewport().grab().toImage()
    assert len({image.pixel(x, image.height() // 2) for x in range(image.width())}) == 1, "no hint over rows"
