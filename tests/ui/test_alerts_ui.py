"""The Alerts panel, the rule dialog, delivery of fires and the in-window backtest, on real widgets."""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop import paths
from desktop.core.alerts.rules import AlertType, Condition, Quadrant, rule_from_dict
from desktop.core.backtest import run_backtest
from desktop.core.prices import load_prices
from desktop.core.sessions import session_date
from desktop.storage.alerts import AlertRepository, StoredFire
from desktop.storage.database import open_database
from desktop.ui.alert_models import RuleColumn
from desktop.ui.main_window import MainWindow

from .conftest import MakeWindow, replayed

NVDA = {"id": "nvda175", "type": "price", "symbol": "NVDA", "condition": "crosses_below", "level": 175}
TSLA = {"id": "tsla5", "type": "change", "symbol": "TSLA", "condition": "above", "level": 5}


@contextmanager
def repository() -> Iterator[AlertRepository]:
    """A separate connection to the app's database, as another process would see it."""
    conn = open_database(paths.database_path()).connection
    try:
        yield AlertRepository(conn)
    finally:
        conn.close()


def stored_rules() -> list[str]:
    with repository() as repo:
        return [r.id for r in repo.rules()[0]]


def stored_fires() -> list[StoredFire]:
    with repository() as repo:
        return repo.fires()


def seed(*rules: dict[str, object]) -> None:
    with repository() as repo:
        repo.save_rules([rule_from_dict(r) for r in rules])


def ok_button(window: MainWindow):  # type: ignore[no-untyped-def]
    dialog = window.alerts_panel.dialog
    assert dialog is not None
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_a_new_price_or_ratio_level_starts_at_the_value_now_until_the_user_sets_it(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(speed=0, start=date(2026, 7, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    price = {s: window.store.latest(s).price for s in ("NVDA", "AMD", "IWM", "QQQ")}  # type: ignore[union-attr]
    dialog = window.alerts_panel.new_rule()
    qtbot.keyClicks(dialog.symbol_edit, "nvda")
    assert dialog.level_spin.value() == round(price["NVDA"], 2) and ok_button(window).isEnabled()
    dialog.symbol_edit.setText("AMD")
    assert dialog.level_spin.value() == round(price["AMD"], 2), "an untouched level follows the symbol"
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(AlertType.CHANGE))
    assert dialog.level_spin.value() == 0, "a price is no level for a change in %"
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(AlertType.RATIO))
    dialog.a_edit.setText("IWM")
    dialog.b_edit.setText("QQQ")
    assert dialog.level_spin.value() == round(price["IWM"] / price["QQQ"], 4)
    dialog.level_spin.setValue(0.5)
    dialog.b_edit.setText("NVDA")
    assert dialog.level_spin.value() == 0.5, "the user's level is never replaced"
    dialog.level_spin.setValue(0)
    assert "always above 0" in dialog.error_label.text() and not ok_button(window).isEnabled()
    dialog.a_edit.setText("ZZZZ")
    assert "ZZZZ is not in the replay data" in dialog.error_label.text(), "a symbol's problem is said first"


def test_a_cashtag_in_the_editor_is_its_ticker(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0, start=date(2026, 7, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    dialog = window.alerts_panel.new_rule()
    qtbot.keyClicks(dialog.symbol_edit, "$nvda")
    assert dialog.error_label.text() == "" and ok_button(window).isEnabled()
    assert dialog.current_label.text().startswith(f"{window.store.latest('NVDA').price:,.2f}")  # type: ignore[union-attr]
    assert dialog.fields()["symbol"] == "NVDA"


def test_dialog_validates_as_you_type_and_saves(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0, start=date(2026, 7, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    dialog = window.alerts_panel.new_rule()
    assert not ok_button(window).isEnabled()
    qtbot.keyClicks(dialog.symbol_edit, "zzzz")
    assert "ZZZZ is not in the replay data" in dialog.error_label.text() and not ok_button(window).isEnabled()
    dialog.symbol_edit.clear()
    qtbot.keyClicks(dialog.symbol_edit, "nvda")
    dialog.level_spin.setValue(175)
    dialog.condition_box.setCurrentIndex(dialog.condition_box.findData(Condition.CROSSES_BELOW))
    assert ok_button(window).isEnabled() and dialog.error_label.text() == ""
    assert dialog.current_label.text().startswith(f"{window.store.latest('NVDA').price:,.2f}")  # type: ignore[union-attr]
    dialog.cooldown_edit.setText("5 weeks")
    assert "Cooldown" in dialog.error_label.text() and not ok_button(window).isEnabled()
    dialog.cooldown_edit.setText("1d")
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(AlertType.SPREAD))
    assert dialog.a_edit.isVisible() and not dialog.symbol_edit.isVisible()
    dialog.a_edit.setText("IWM")
    dialog.b_edit.setText("iwm")
    assert "must differ" in dialog.error_label.text()
    dialog.b_edit.setText("QQQ")
    dialog.window_box.setCurrentText("qtd")
    assert ok_button(window).isEnabled()
    assert "pts" in dialog.current_label.text()
    dialog.channels_edit.setText("ops, ph/one")
    assert "Channels" in dialog.error_label.text() and not ok_button(window).isEnabled()
    dialog.channels_edit.setText("ops, phone")
    ok_button(window).click()
    model = window.alerts_panel.rules_model
    assert model.rowCount() == 1
    rule = model.rule_at(0)
    assert rule is not None and (rule.type, rule.a, rule.b, rule.cooldown) == (AlertType.SPREAD, "IWM", "QQQ", 86400)
    assert rule.channels == ("ops", "phone")
    assert stored_rules() == [rule.id]


def test_edit_duplicate_toggle_delete_and_rotation(qtbot: QtBot, make_window: MakeWindow) -> None:
    seed(NVDA)
    window = make_window(run=False)
    panel = window.alerts_panel
    panel.select_rule("nvda175")
    panel.edit_selected()
    assert panel.dialog is not None and panel.dialog.symbol_edit.text() == "NVDA"
    panel.dialog.level_spin.setValue(170)
    ok_button(window).click()
    assert panel.rules_model.rule_at(0).level == 170  # type: ignore[union-attr]
    panel.select_rule("nvda175")
    panel.duplicate_selected()
    assert len(stored_rules()) == 2
    panel.select_rule("nvda175")
    panel.toggle_selected()
    assert not window.alerts.engine.rule("nvda175").enabled  # type: ignore[union-attr]
    index = panel.rules_model.index(0, RuleColumn.STATE)
    assert panel.rules_model.data(index) == "disabled"
    check = panel.rules_model.index(0, RuleColumn.ON)
    assert panel.rules_model.setData(check, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert window.alerts.engine.rule("nvda175").enabled  # type: ignore[union-attr]
    panel.adopt_rotation()
    panel.adopt_rotation()  # a second click does not add a second copy
    assert stored_rules().count("rotation") == 1
    panel.select_rule("nvda175")
    panel.delete_selected()
    assert "nvda175" not in stored_rules() and panel.rules_model.row_of("nvda175") is None


def test_import_refuses_a_bad_file_whole(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> None:
    seed(NVDA)
    window = make_window(run=False)
    messages: list[tuple[str, bool]] = []
    window.alerts_panel.message.connect(lambda text, error: messages.append((text, error)))
    bad = tmp_path / "bad.toml"
    rule = '[[alerts]]\nid = "{}"\ntype = "price"\nsymbol = "SPY"\ncondition = "above"\nlevel = {}\n'
    bad.write_text(rule.format("ok", 1) + rule.format("broken", '"x"'))
    with qtbot.waitSignal(window.alerts_panel.import_finished):
        window.alerts_panel.import_rules(bad)
    assert messages[-1][1] and "rule 'broken': level" in messages[-1][0]
    assert stored_rules() == ["nvda175"] and [r.id for r in window.alerts.rules] == ["nvda175"]
    out = tmp_path / "out.json"
    window.alerts_panel.export_rules(out)
    qtbot.waitUntil(lambda: messages[-1] == ("Exported 1 rules to out.json", False), timeout=5000)
    good = tmp_path / "good.json"
    good.write_text(out.read_text().replace("nvda175", "nvda-copy"))
    with qtbot.waitSignal(window.alerts_panel.import_finished):
        window.alerts_panel.import_rules(good)
    assert stored_rules() == ["nvda175", "nvda-copy"] and not window.busy_bar.isVisible()
    window.alerts.undo_stack.undo()  # an import is one edit: undone whole
    assert stored_rules() == ["nvda175"]
    named = tmp_path / "named.toml"
    named.write_text(rule.format("to-ops", 1) + 'channels = ["ops"]\n')
    with qtbot.waitSignal(window.alerts_panel.import_finished):
        window.alerts_panel.import_rules(named)
    assert messages[-1][0].startswith("Imported 1 alert rule from named.toml. Note: the channel ops is not set up")
    empty = tmp_path / "empty.toml"
    empty.write_text("# rules to come\n")
    with qtbot.waitSignal(window.alerts_panel.import_finished):
        window.alerts_panel.import_rules(empty)
    assert messages[-1] == ("Nothing imported: empty.toml holds no rules", True)


def test_undoing_a_delete_puts_the_rule_back_in_its_place(qtbot: QtBot, make_window: MakeWindow) -> None:
    ratio = {"id": "ratio", "type": "ratio", "a": "IWM", "b": "QQQ", "condition": "crosses_below", "level": 0.4}
    seed(NVDA, TSLA, ratio)
    window = make_window(run=False)
    order = [r.id for r in window.alerts.rules]
    assert order == ["nvda175", "tsla5", "ratio"]
    assert window.alerts.delete_rule("tsla5") and stored_rules() == ["nvda175", "ratio"]
    window.alerts.undo_stack.undo()
    assert [r.id for r in window.alerts.rules] == order and stored_rules() == order, "in its place, not last"
    assert [window.alerts_panel.rules_model.row_of(i) for i in order] == [0, 1, 2]
    window.alerts.undo_stack.redo()
    assert stored_rules() == ["nvda175", "ratio"]


def test_a_long_import_shows_progress_and_cancel_keeps_nothing(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from desktop.ui import alerts_panel

    seed(NVDA)
    window = make_window(run=False)
    many = tmp_path / "many.toml"
    rule = '[[alerts]]\nid = "r{0}"\ntype = "price"\nsymbol = "SPY"\ncondition = "above"\nlevel = {0}\n'
    many.write_text("".join(rule.format(k) for k in range(1, 2001)))
    release = threading.Event()
    real_read = alerts_panel.read_rules

    def slow_read(path: Path, progress: object = None) -> object:  # held until the test has pressed Cancel
        release.wait(10)
        return real_read(path)

    monkeypatch.setattr(alerts_panel, "read_rules", slow_read)
    messages: list[str] = []
    window.alerts_panel.message.connect(lambda text, _error: messages.append(text))
    window.alerts_panel.import_rules(many)
    assert window.busy_bar.isVisibleTo(window) and "many.toml" in window.busy_bar.label.text()
    qtbot.mouseClick(window.busy_bar.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.busy_bar.isVisibleTo(window) and "cancelled: nothing imported" in messages[-1]
    release.set()
    for reader in [t for t in threading.enumerate() if t.name == "import-rules"]:
        reader.join(10)  # its rules are now queued for the GUI thread, ahead of the next import's
    monkeypatch.setattr(alerts_panel, "read_rules", real_read)
    few = tmp_path / "few.toml"
    few.write_text(rule.format(5000))
    with qtbot.waitSignal(window.alerts_panel.import_finished, timeout=20_000):
        window.alerts_panel.import_rules(few)
    assert stored_rules() == ["nvda175", "r5000"]  # the cancelled file's 2000 rules were dropped on arrival
    assert messages[-1] == "Imported 1 alert rule from few.toml"
    steps: list[float] = []
    window.busy_bar.bar.valueChanged.connect(lambda value: steps.append(value))
    with qtbot.waitSignal(window.alerts_panel.import_finished, timeout=20_000):
        window.alerts_panel.import_rules(many)  # the bar follows the reading (half for the text, then the rules)
    assert steps == sorted(steps) and steps[0] >= 500 and steps[-1] == 1000 and len(stored_rules()) == 2002


def expected_fires(rules: list[dict[str, object]], start: date) -> list[tuple[str, float]]:
    """What the backtest of the same engine says the replay from `start` fires (history before it never fires)."""
    series = load_prices([paths.bundled_daily_dir()])
    fires = run_backtest(series, [rule_from_dict(r) for r in rules])
    return [(f.rule_id, f.time) for f in fires if session_date(f.time) >= start]


def test_fires_reach_log_notification_table_and_chart(qtbot: QtBot, make_window: MakeWindow) -> None:
    seed(NVDA, TSLA)
    start = date(2026, 2, 1)
    window = make_window(speed=0, start=start)
    model = window.alerts_panel.log_model
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    qtbot.waitUntil(lambda: model.rowCount() >= 3, timeout=10_000)
    window.alerts.writer.wait_idle()
    qtbot.waitUntil(lambda: model.rowCount() == len(stored_fires()))
    logged = [(f.rule_id, f.time) for f in model.fires()]
    want = expected_fires([NVDA, TSLA], start)
    assert logged == want[-len(logged) :] and len(logged) >= 3
    assert window.notifier.channel == "toast" and window.toast_visible()  # no system tray offscreen
    assert window.notifier.last is not None
    assert window.model.is_highlighted((logged[-1][0] == "nvda175" and "NVDA") or "TSLA")
    window.table.select_symbol("NVDA")
    assert window.chart.marker_count() == sum(1 for rule_id, _ in logged if rule_id == "nvda175")
    window.alerts_panel.log_filter.setText("nvda")
    assert window.alerts_panel.log_proxy.rowCount() == sum(1 for rule_id, _ in logged if rule_id == "nvda175")


def test_one_notification_for_several_fires(qtbot: QtBot, make_window: MakeWindow) -> None:
    # Levels between each symbol's close on the start's eve and on the first session both rose: one step.
    series = load_prices([paths.bundled_daily_dir() / "SPY.csv", paths.bundled_daily_dir() / "QQQ.csv"])
    closes = {s: dict(zip((session_date(float(t)) for t in v.times), v.close, strict=True)) for s, v in series.items()}
    days = sorted(d for d in closes["SPY"] if d >= date(2026, 8, 1))
    day = next(d for k, d in enumerate(days[1:]) if all(closes[s][d] > closes[s][days[k]] for s in closes))
    eve = days[days.index(day) - 1]
    levels = {s: round((closes[s][eve] + closes[s][day]) / 2, 2) for s in closes}
    seed(*({"id": s, "type": "price", "symbol": s, "condition": "above", "level": levels[s], "once": True}
           for s in ("SPY", "QQQ")))  # fmt: skip
    window = make_window(speed=0, start=eve)
    qtbot.waitUntil(lambda: window.notifier.last is not None, timeout=10_000)
    title, body = window.notifier.last  # type: ignore[misc]
    assert title == "2 alerts fired", (title, body)
    assert f"SPY price above {levels['SPY']:g}" in body and f"QQQ price above {levels['QQQ']:g}" in body


@pytest.mark.expected_log_warnings  # the refused clear is logged too
def test_log_export_and_clear_through_the_actions_a_user_clicks(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    seed(TSLA)
    window = make_window(speed=0, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: window.alerts_panel.log_model.rowCount() >= 3, timeout=10_000)
    window.feeds.set_paused(True)
    qtbot.waitUntil(lambda: window.driver.pipeline.idle())  # quotes queued before the pause still apply
    window.alerts.writer.wait_idle()
    panel = window.alerts_panel
    qtbot.waitUntil(lambda: panel.log_model.rowCount() == len(stored_fires()))
    out = tmp_path / "log.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), "CSV (*.csv)"))
    panel.export_log_action.trigger()  # the action passes its "checked" flag: it must not be taken for a path
    qtbot.waitUntil(lambda: window.message_label.text().startswith("Exported "), timeout=5000)
    assert window.message_label.text() == f"Exported {len(stored_fires())} fired alerts to log.csv"
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert rows and rows[0]["rule_id"] == "tsla5" and float(rows[0]["value"]) > 5
    kept = panel.log_model.rowCount()
    asked: list[str] = []

    def answer(_parent: object, title: str, _text: str) -> QMessageBox.StandardButton:
        asked.append(title)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    panel.clear_log_action.trigger()  # asked, and "No" keeps every fire
    assert asked == ["Clear Alert Log"] and panel.log_model.rowCount() == kept and len(stored_fires()) == kept
    from desktop.storage.database import StorageError

    def refuse(_repo: AlertRepository) -> int:
        raise StorageError("The disk is full.")

    with monkeypatch.context() as patch:  # the database refuses: said, and the log shown keeps every fire
        patch.setattr(AlertRepository, "clear_fires", refuse)
        panel.clear_log(confirm=False)
        qtbot.waitUntil(lambda: window.message_label.text().startswith("Could not clear"), timeout=5000)
    assert "The disk is full." in window.message_label.text() and panel.log_model.rowCount() == kept
    with qtbot.waitSignal(window.alerts.history_cleared):
        panel.clear_log_action.trigger()
    assert len(asked) == 2 and panel.log_model.rowCount() == 0 and stored_fires() == []


def test_quick_price_alert_from_the_table(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0, start=date(2026, 8, 1))
    qtbot.waitUntil(lambda: window.feeds.replay.finished and window.store.latest("NVDA") is not None, timeout=10_000)
    window.table.select_symbol("NVDA")
    window.alert_on_selected_price()
    dialog = window.alerts_panel.dialog
    assert dialog is not None and dialog.symbol_edit.text() == "NVDA"
    assert dialog.level_spin.value() == pytest.approx(round(window.store.latest("NVDA").price, 2))  # type: ignore[union-attr]
    assert window.price_alert_action in window.table.extra_menu_actions


def test_a_rows_menu_offers_an_alert_on_a_big_day_move_either_way(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0, start=date(2026, 6, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    assert window.move_alert_action in window.table.extra_menu_actions
    window.table.select_symbol("SPY")
    window.move_alert_action.trigger()
    dialog = window.alerts_panel.dialog
    assert dialog is not None and dialog.symbol_edit.text() == "SPY" and dialog.kind is AlertType.CHANGE
    assert dialog.condition_box.currentData() is Condition.OUTSIDE and dialog.level_spin.value() == 5
    assert dialog.current_label.text().endswith("(level ±5.00%)")
    assert ok_button(window).isEnabled()
    ok_button(window).click()
    rule = window.alerts_panel.rules_model.rule_at(0)
    assert rule is not None and rule.describe() == "SPY change % outside ±5" and stored_rules() == [rule.id]


def test_backtest_dialog_lists_and_marks_fires(qtbot: QtBot, make_window: MakeWindow) -> None:
    seed(NVDA)
    window = make_window(speed=0, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)  # markers sit on the bars the chart draws
    dialog = window.open_backtest("nvda175")
    assert dialog is not None
    dialog.source_box.setCurrentText("Bundled daily bars")
    dialog.run()
    qtbot.waitUntil(lambda: "would have fired" in dialog.summary.text(), timeout=10_000)
    series = load_prices([paths.bundled_daily_dir()])
    from desktop.core.sessions import close_timestamp

    want = [f for f in run_backtest(series, [rule_from_dict(NVDA)]) if f.time >= close_timestamp(date(2025, 10, 1))]
    assert dialog.results.count() == len(want) and f"fired {len(want)} times since 2025-10-01" in dialog.summary.text()
    dialog.chart_button.click()
    assert window.chart.symbol == "NVDA" and window.chart.marker_count() == len(want)
    window.alerts_panel.adopt_rotation()
    dialog = window.open_backtest("rotation")
    assert dialog is not None
    dialog.source_box.setCurrentText("Bundled 5-minute bars")  # real bars with no IWM among them
    dialog.run()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=10_000)
    held = sorted(p.stem for p in paths.bundled_intraday_dir().glob("*.csv"))
    assert "IWM" not in held and dialog.summary.text() == (
        f"Cannot backtest: Bundled 5-minute bars: no prices for IWM (rules need them; the data has {', '.join(held)})"
    )


def test_backtest_dialog_tries_a_rule_typed_in_words_with_no_rule_saved(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    dialog = window.open_backtest()
    assert dialog is not None and dialog.rule_box.currentText() == ""
    dialog.run()
    assert dialog.summary.text().startswith("Pick a rule, or type one in words")
    dialog.rule_box.lineEdit().setText("NVDA hits 175")
    dialog.run()
    assert "crosses which way" in dialog.summary.text() and dialog.run_button.isEnabled()
    dialog.rule_box.lineEdit().setText("nvda falls below 175")
    dialog.source_box.setCurrentText("Bundled daily bars")
    dialog.run()
    qtbot.waitUntil(lambda: "would have fired" in dialog.summary.text(), timeout=10_000)
    series = load_prices([paths.bundled_daily_dir()])
    from desktop.core.sessions import close_timestamp

    want = [f for f in run_backtest(series, [rule_from_dict(NVDA)]) if f.time >= close_timestamp(date(2025, 10, 1))]
    assert want and dialog.summary.text() == (
        f"“NVDA price crosses below 175” would have fired {len(want)} times since 2025-10-01."
    )
    dialog.chart_button.click()
    assert window.chart.symbol == "NVDA" and window.chart.marker_count() == len(want)
    assert stored_rules() == [], "tried, not saved"
    assert dialog.save_button.isVisible()
    dialog.save_button.click()  # liked: saved as typed, and picked in the box
    saved = window.alerts_panel.rules_model.rule_at(0)
    assert saved is not None and stored_rules() == [saved.id] and saved.describe() == "NVDA price crosses below 175"
    assert dialog.rule_box.currentText() == saved.title and not dialog.save_button.isVisible()
    assert dialog.summary.text().endswith("Saved as an alert rule.")
    dialog.rule_box.lineEdit().setText("NVDA price crosses below 175")  # the same words again
    dialog.run()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=10_000)
    assert not dialog.save_button.isVisible(), "the saved rule's own title picks the saved rule"
    dialog.rule_box.lineEdit().setText("NVDA drops below 175")  # other words for it: no second copy offered
    dialog.run()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=10_000)
    assert "would have fired" in dialog.summary.text() and not dialog.save_button.isVisible()


def test_backtest_over_price_files_of_ones_own(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> None:
    """The data list's last entry asks for CSV files: here a real yfinance download of NVDA's 5-minute bars."""
    seed({"id": "nvda209", "type": "price", "symbol": "NVDA", "condition": "crosses_above", "level": 209.5})
    window = make_window(run=False, start=date(2025, 10, 1))
    dialog = window.open_backtest("nvda209")
    assert dialog is not None
    assert dialog.to_edit.date() == QDate.currentDate(), "to today: every quote there is"
    dialog.to_edit.setDate(QDate(2030, 12, 31))
    dialog.from_edit.setDate(QDate(2031, 1, 1))  # after To: refused in a sentence, not "fired 0 times"
    dialog.run()
    assert dialog.summary.text() == "From (2031-01-01) is after To (2030-12-31): nothing to run."
    assert dialog.run_button.isEnabled()
    dialog.from_edit.setDate(QDate(2026, 4, 1))
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "yfinance" / "NVDA_5m.csv"
    assert dialog.choose_files([fixture])
    assert dialog.source_box.currentText() == "Files: NVDA_5m.csv"
    dialog.run()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=10_000)
    assert "would have fired 6 times since 2026-04-01" in dialog.summary.text()
    assert dialog.results.item(0).text().startswith("2026-04-24 11:10")
    broken = tmp_path / "NVDA.csv"
    broken.write_text("Date,Close\n2026-04-24,abc\n")
    assert dialog.choose_files([broken]) and dialog.source_box.currentText() == "Files: NVDA.csv"
    dialog.run()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=10_000)
    assert dialog.summary.text().startswith(f"Cannot backtest: Files: NVDA.csv: {broken}, line 2: Close 'abc'")


def test_a_replay_played_twice_logs_each_fire_once_marked_as_replayed(qtbot: QtBot, make_window: MakeWindow) -> None:
    seed(NVDA)
    first = make_window(speed=0, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: replayed(first), timeout=20_000)
    first.alerts.writer.wait_idle()
    logged = stored_fires()
    assert logged and all(s.replayed for s in logged)
    first.close()
    second = make_window(speed=0, start=date(2025, 10, 1))  # the next launch plays the same days again
    qtbot.waitUntil(lambda: replayed(second), timeout=20_000)
    second.alerts.writer.wait_idle()
    again = stored_fires()
    assert [(s.fire.rule_id, s.fire.time) for s in again] == [(s.fire.rule_id, s.fire.time) for s in logged]
    model = second.alerts_panel.log_model
    qtbot.waitUntil(lambda: model.rowCount() == len(logged))
    assert model.data(model.index(0, 0)).endswith("· replay")


def test_a_symbol_not_typed_yet_is_asked_for_not_called_wrong(qtbot: QtBot, make_window: MakeWindow) -> None:
    """Choosing a spread in a new dialog asked for A and B in red ("A: '' is not a ticker symbol")."""
    window = make_window(speed=0, start=date(2026, 7, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    dialog = window.alerts_panel.new_rule()
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(AlertType.SPREAD))
    assert dialog.error_label.text() == "" and dialog.current_label.text() == "type A and B"
    assert not ok_button(window).isEnabled()
    qtbot.keyClicks(dialog.a_edit, "IWM")
    assert dialog.error_label.text() == "" and dialog.current_label.text() == "type B"
    qtbot.keyClicks(dialog.b_edit, "QQQ")
    assert dialog.current_label.text().endswith(" pts  (level 0.00 pts)") and ok_button(window).isEnabled()
    dialog.a_edit.setText("!!")
    assert "A: " in dialog.error_label.text() and not ok_button(window).isEnabled(), "what is typed wrong is said"
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(AlertType.PRICE))
    assert dialog.error_label.text() == "" and dialog.current_label.text() == "type the symbol"
    dialog.reject()


@pytest.mark.parametrize("typed", ["1.5", "495.5", "501.25", "488.75"])
def test_the_level_keeps_the_decimals_typed(qtbot: QtBot, make_window: MakeWindow, typed: str) -> None:
    window = make_window(run=False)
    dialog = window.alerts_panel.new_rule()
    assert dialog.error_label.text() == "", "nothing is wrong before anything is typed"
    qtbot.keyClicks(dialog.symbol_edit, "NVDA")
    dialog.level_spin.lineEdit().selectAll()
    qtbot.keyClicks(dialog.level_spin.lineEdit(), typed)
    assert dialog.level_spin.value() == float(typed)
    rule = dialog.validate()
    assert rule is not None and rule.level == float(typed)
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(AlertType.SPREAD))
    dialog.level_spin.lineEdit().selectAll()
    qtbot.keyClicks(dialog.level_spin.lineEdit(), typed)
    assert dialog.level_spin.value() == float(typed) and dialog.level_spin.suffix() == " pts"
    dialog.reject()


@pytest.mark.parametrize("typed", ["175.5", "175,5"])
def test_a_level_reads_as_the_table_writes_it_whatever_the_system_locale(
    qtbot: QtBot, make_window: MakeWindow, typed: str
) -> None:
    from PySide6.QtCore import QLocale

    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))  # "1.755,5" there
    try:
        window = make_window(run=False)
        dialog = window.alerts_panel.new_rule()
        qtbot.keyClicks(dialog.symbol_edit, "NVDA")
        dialog.level_spin.lineEdit().selectAll()
        qtbot.keyClicks(dialog.level_spin.lineEdit(), typed)
        assert dialog.level_spin.value() == 175.5, "not 1755: the dot is the decimal point, as in the table"
        assert dialog.level_spin.lineEdit().text() == "175.5"
        rule = dialog.validate()
        assert rule is not None and rule.level == 175.5
        dialog.reject()
    finally:
        QLocale.setDefault(before)


def test_a_rule_fires_on_a_symbol_the_watchlist_does_not_show(qtbot: QtBot, make_window: MakeWindow) -> None:
    seed(TSLA)
    window = make_window(run=False, speed=0, start=date(2026, 2, 1))
    window.remove_symbols(["TSLA"])
    assert window.model.row_of("TSLA") is None
    window.feeds.start(window.model.symbols)
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    window.alerts.writer.wait_idle()
    want = [t for rule_id, t in expected_fires([TSLA], date(2026, 2, 1)) if rule_id == "tsla5"]
    assert want and [f.fire.time for f in stored_fires()] == want, "the engine watches what its rules need"
    assert window.model.row_of("TSLA") is None, "without the table showing it"


def test_no_rules_shows_a_hint_instead_of_an_empty_grid(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(run=False)
    panel = window.alerts_panel
    assert panel.rules_stack.currentWidget() is panel.empty_hint and "+ Rotation" in panel.empty_hint.text()
    panel.adopt_rotation()
    assert panel.rules_stack.currentWidget() is panel.rules_view
    panel.select_rule("rotation")
    panel.delete_selected()
    qtbot.waitUntil(lambda: panel.rules_stack.currentWidget() is panel.empty_hint, timeout=3000)


def test_backtest_shows_progress_and_can_be_cancelled(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.core import backtest

    seed(NVDA)
    window = make_window(run=False, start=date(2025, 10, 1))
    dialog = window.open_backtest("nvda175")
    assert dialog is not None
    dialog.source_box.setCurrentText("Bundled daily bars")
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    dialog.run()
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: "would have fired" in dialog.summary.text(), timeout=10_000)
    assert seen and seen[-1] == 100 and not dialog.progress.isVisible()

    monkeypatch.setattr(backtest, "PROGRESS_EVERY", 1)  # ask at every step, so the stop is seen at once
    gate = threading.Event()
    original = backtest.ReplayTimeline.quotes_of_step

    def slow(self, k, symbols=None):  # type: ignore[no-untyped-def]
        gate.wait(5)  # the run waits until the test has pressed Cancel
        return original(self, k, symbols)

    monkeypatch.setattr(backtest.ReplayTimeline, "quotes_of_step", slow)
    dialog.run()
    dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: dialog.summary.text() == "Backtest cancelled.", timeout=10_000)
    assert dialog.run_button.isEnabled() and dialog.results.count() == 0


def test_run_backtest_stops_when_asked() -> None:
    from desktop.core.backtest import BacktestCancelledError

    series = load_prices([paths.bundled_daily_dir()])
    calls: list[float] = []

    def progress(done: float) -> bool:
        calls.append(done)
        return len(calls) < 2

    with pytest.raises(BacktestCancelledError):
        run_backtest(series, [rule_from_dict(NVDA)], progress=progress)
    assert calls[0] == 0.0 and len(calls) == 2


def test_the_editor_makes_trend_and_quadrant_rules_with_their_live_value(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0, start=date(2026, 7, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    dialog = window.alerts_panel.new_rule()
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(AlertType.TREND))
    assert dialog.symbol_edit.isVisible() and dialog.a_edit.isVisible() and dialog.ma_spin.isVisible()
    assert not dialog.quadrant_box.isVisible() and dialog.level_spin.suffix() == " %"
    qtbot.keyClicks(dialog.a_edit, "iwm")
    qtbot.keyClicks(dialog.b_edit, "qqq")
    dialog.ma_spin.lineEdit().selectAll()
    qtbot.keyClicks(dialog.ma_spin.lineEdit(), "10")  # (below 2 the spin box itself does not take)
    engine_rule = dialog.validate()
    assert engine_rule is not None and engine_rule.ma == 10 and engine_rule.symbols == ("IWM", "QQQ")
    value = window.alerts.engine.value(engine_rule)
    assert value is not None and dialog.current_label.text().startswith(f"{value:+.2f}%")
    ok_button(window).click()

    dialog = window.alerts_panel.new_rule()
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(AlertType.QUADRANT))
    assert (
        not dialog.level_spin.isVisible() and not dialog.condition_box.isVisible() and dialog.quadrant_box.isVisible()
    )
    qtbot.keyClicks(dialog.symbol_edit, "spy")
    assert "Benchmark: must differ" in dialog.error_label.text() and not ok_button(window).isEnabled()
    dialog.symbol_edit.clear()
    qtbot.keyClicks(dialog.symbol_edit, "iwm")
    dialog.quadrant_box.setCurrentIndex(dialog.quadrant_box.findData(Quadrant.LAGGING))
    assert ok_button(window).isEnabled()
    now = dialog.current_label.text()
    assert now.startswith("now ") and now.endswith("(fires on entering lagging)")
    assert now.split()[1] in {q.value for q in Quadrant}
    ok_button(window).click()
    rules = window.alerts.rules
    assert [r.type for r in rules] == [AlertType.TREND, AlertType.QUADRANT]
    assert rules[1].quadrant is Quadrant.LAGGING and rules[1].benchmark == "SPY" and len(stored_rules()) == 2
    row = window.alerts_panel.rules_model.row_of(rules[1].id)
    model = window.alerts_panel.rules_model
    assert model.data(model.index(row, RuleColumn.VALUE)) in {q.value for q in Quadrant}
    assert model.data(model.index(row, RuleColumn.DISTANCE)) == "—"


def test_the_rules_table_answers_delete_and_enter(qtbot: QtBot, make_window: MakeWindow) -> None:
    from PySide6.QtCore import Qt

    seed(NVDA, TSLA)
    window = make_window(run=False)
    panel = window.alerts_panel
    rows = len(window.model.symbols)
    window.table.select_symbol("BAC")
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)  # on the watchlist: a symbol goes, no rule
    assert len(window.model.symbols) == rows - 1 and [r.id for r in panel.controller.rules] == ["nvda175", "tsla5"]
    panel.select_rule("tsla5")
    panel.rules_view.setFocus()  # as a click on the rule gives it
    qtbot.keyClick(panel.rules_view, Qt.Key.Key_Delete)
    assert [r.id for r in panel.controller.rules] == ["nvda175"] and "Deleted alert" in window.message_label.text()
    window.undo_action.trigger()
    assert [r.id for r in panel.controller.rules] == ["nvda175", "tsla5"]
    panel.select_rule("tsla5")
    qtbot.keyClick(panel.rules_view, Qt.Key.Key_Return)
    assert panel.dialog is not None and panel.dialog.isVisible() and panel.dialog.symbol_edit.text() == "TSLA"
    panel.dialog.reject()


@pytest.mark.parametrize(
    ("spec", "level", "shown"),
    [
        ({"type": "ratio", "a": "IWM", "b": "QQQ"}, 0.40125, "0.40125"),  # five decimals, as a file or the CLI may hold
        ({"type": "price", "symbol": "NVDA"}, 0.000125, "0.000125"),  # a sub-penny level
        ({"type": "price", "symbol": "NVDA"}, 5e10, "50000000000.0000"),  # beyond the editor's old range (1e9)
        ({"type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd"}, 0.1 + 0.2, "0.3000"),  # float noise not shown
    ],
)
def test_editing_a_rule_keeps_a_level_the_user_did_not_touch(
    qtbot: QtBot, make_window: MakeWindow, spec: dict[str, object], level: float, shown: str
) -> None:
    seed({"id": "r", "condition": "crosses_above", "level": level, **spec})
    window = make_window(run=False)
    panel = window.alerts_panel
    panel.select_rule("r")
    panel.edit_selected()
    assert panel.dialog is not None
    assert panel.dialog.level_spin.cleanText() == shown
    panel.dialog.name_edit.setText("renamed")
    ok_button(window).click()
    with repository() as repo:
        saved = {r.id: r for r in repo.rules()[0]}["r"]
    assert (saved.name, saved.level) == ("renamed", level)


def test_a_price_level_starts_at_the_price_as_the_table_shows_it(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    """A currency pair's level keeps its four decimals (1.0843, not 1.08), from the table and in the editor."""
    days = ["2025-10-01", "2025-10-02", "2025-10-03"]
    (tmp_path / "EURUSD=X.csv").write_text(
        "Date,Close\n" + "".join(f"{d},{p}\n" for d, p in zip(days, (1.0811, 1.0827, 1.0843), strict=True))
    )
    (tmp_path / "SPY.csv").write_text(
        "Date,Close\n" + "".join(f"{d},{p}\n" for d, p in zip(days, (600, 601, 602), strict=True))
    )
    window = make_window(speed=0, start=date(2025, 10, 1), replay_data=[tmp_path])
    assert window.add_symbol("EURUSD=X")
    qtbot.waitUntil(lambda: replayed(window) and window.store.latest("EURUSD=X") is not None, timeout=10_000)
    window.table.select_symbol("EURUSD=X")
    window.alert_on_selected_price()
    dialog = window.alerts_panel.dialog
    assert dialog is not None and dialog.level_spin.value() == 1.0843
    dialog.reject()
    dialog = window.alerts_panel.new_rule()
    qtbot.keyClicks(dialog.symbol_edit, "eurusd=x")
    assert dialog.level_spin.value() == 1.0843
    dialog.symbol_edit.setText("SPY")
    assert dialog.level_spin.value() == 602
    dialog.reject()


def test_the_editor_says_when_a_rule_names_a_channel_that_is_not_set_up(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(run=False)
    dialog = window.alerts_panel.new_rule()
    qtbot.keyClicks(dialog.symbol_edit, "NVDA")
    dialog.level_spin.setValue(150)
    qtbot.keyClicks(dialog.channels_edit, "phnoe")
    assert dialog.error_label.text().startswith("Note: the channel phnoe is not set up")
    assert ok_button(window).isEnabled(), "said, not refused: the channel may be made later"
    dialog.channels_edit.clear()
    assert dialog.error_label.text() == ""
    dialog.reject()


def test_two_rules_on_one_symbol_read_apart_in_a_narrow_panel(qtbot: QtBot, make_window: MakeWindow) -> None:
    """The Rule column cuts a long text in the middle: its end is the level that tells two rules apart."""
    from PySide6.QtWidgets import QHeaderView

    seed(NVDA, {**NVDA, "id": "nvda160", "level": 160})
    window = make_window(run=False)
    view = window.alerts_panel.rules_view
    view.setAlternatingRowColors(False)
    view.clearSelection()
    view.horizontalHeader().setSectionResizeMode(RuleColumn.RULE, QHeaderView.ResizeMode.Interactive)
    view.setColumnWidth(RuleColumn.RULE, 130)  # "NVDA price crosses below 175" does not fit
    model = view.model()
    cells = [view.viewport().grab(view.visualRect(model.index(row, RuleColumn.RULE))).toImage() for row in (0, 1)]
    assert cells[0] != cells[1], "both rules drawn as the same cut text"
    assert window.alerts_panel.log_view.textElideMode() == Qt.TextElideMode.ElideRight  # the log keeps its starts


def test_the_editor_offers_either_way_only_for_values_that_go_below_zero(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0, start=date(2026, 7, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    dialog = window.alerts_panel.new_rule()
    either_way = dialog.condition_box.model().item(dialog.condition_box.findData(Condition.OUTSIDE))  # type: ignore[attr-defined]
    assert not either_way.isEnabled(), "a price is never below 0"
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(AlertType.CHANGE))
    assert either_way.isEnabled()
    qtbot.keyClicks(dialog.symbol_edit, "tsla")
    dialog.condition_box.setCurrentIndex(dialog.condition_box.findData(Condition.OUTSIDE))
    dialog.level_spin.setValue(-5)
    assert "distance from 0" in dialog.error_label.text() and not ok_button(window).isEnabled()
    dialog.level_spin.setValue(5)
    assert ok_button(window).isEnabled()
    ok_button(window).click()
    rule = window.alerts_panel.rules_model.rule_at(0)
    assert rule is not None and rule.describe() == "TSLA change % outside ±5" and stored_rules() == [rule.id]
    dialog = window.alerts_panel.new_rule()
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(AlertType.RATIO))
    assert not dialog.condition_box.model().item(dialog.condition_box.findData(Condition.OUTSIDE)).isEnabled()  # type: ignore[attr-defined]
    # A crossing either way is offered for every value, a ratio's too.
    dialog.condition_box.setCurrentIndex(dialog.condition_box.findData(Condition.CROSSES))
    assert dialog.condition_box.currentText() == "crosses either way"
    qtbot.keyClicks(dialog.a_edit, "iwm")
    qtbot.keyClicks(dialog.b_edit, "qqq")
    dialog.level_spin.setValue(0.42)
    ok_button(window).click()
    ratio = window.alerts_panel.rules_model.rule_at(1)
    assert ratio is not None and ratio.describe() == "IWM / QQQ ratio crosses 0.42"


def test_to_trigger_of_a_rule_either_way_is_the_distance_to_the_edge_on_the_values_side() -> None:
    from desktop.ui.alert_models import to_trigger

    rule = rule_from_dict({"id": "t", "type": "change", "symbol": "TSLA", "condition": "outside", "level": 5})
    assert [to_trigger(rule, v) for v in (2.0, -2.0, 6.0, -6.5, 0.0)] == [3.0, -3.0, -1.0, 1.5, 5.0]
    above = rule.with_changes(condition=Condition.ABOVE)
    assert to_trigger(above, -2.0) == 7.0


@pytest.mark.expected_log_warnings  # the refused save, logged
def test_a_rule_typed_in_words_is_read_as_it_is_typed_and_added_with_enter(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(speed=0, start=date(2026, 7, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    field = window.alerts_panel.quick_rule
    assert field.edit.isVisible() and "NVDA crosses below 175" in field.edit.placeholderText()
    qtbot.keyClicks(field.edit, "NVDA crosses bel")  # half typed: said quietly, in the note's own colour
    assert "'bel' is not a level" in field.note.text() and field.note.styleSheet() == ""
    qtbot.keyClicks(field.edit, "ow 175")
    price = window.store.latest("NVDA").price  # type: ignore[union-attr]
    assert field.note.text() == f"Enter adds: NVDA price crosses below 175 (now {price:,.2f}, level 175.00)"
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    model = window.alerts_panel.rules_model
    assert model.rowCount() == 1 and field.edit.text() == "" and not field.note.isVisible()
    rule = model.rule_at(0)
    assert rule is not None and (rule.type, rule.symbol, rule.condition, rule.level) == (
        AlertType.PRICE, "NVDA", Condition.CROSSES_BELOW, 175.0)  # fmt: skip
    assert stored_rules() == [rule.id]
    assert window.alerts_panel.selected_rule() == rule

    for sentence, says in (
        ("IWM - QQQ crosses above 1.5", "window"),  # not a rule
        ("ZZZZ crosses below 5", "ZZZZ is not in the replay data"),  # a symbol the source cannot supply
        ("IWM/IWM crosses above 1", "must differ"),  # a rule with a field that cannot be
        ("nvda falls below 175", "Already a rule: NVDA price crosses below 175"),  # the same rule again
    ):
        field.edit.setText(sentence)
        qtbot.keyClick(field.edit, Qt.Key.Key_Return)
        assert says in field.note.text() and "color" in field.note.styleSheet(), sentence
        assert field.edit.text() == sentence, "what was typed stays, to be mended"
    assert model.rowCount() == 1 and stored_rules() == [rule.id]
    field.edit.setText("NVDA price crosses below 175")  # the same rule again, said while typing too
    assert field.note.text() == "Already a rule: NVDA price crosses below 175" and field.note.styleSheet() == ""
    # Reaching a level with no way given is toward it from the value now: NVDA is above 175, so below it.
    field.edit.setText("NVDA reaches 175")
    assert field.note.text() == "Already a rule: NVDA price crosses below 175"
    field.edit.setText("NVDA crosses 175")  # a crossing said with no way is either way: another rule
    assert field.note.text().startswith("Enter adds: NVDA price crosses 175 (now ")
    field.edit.setText(f"NVDA hits {price + 20:.0f}")
    assert field.note.text().startswith(f"Enter adds: NVDA price crosses above {price + 20:.0f} (now {price:,.2f}")
    field.edit.setText("IWM/QQQ reaches 0.01")
    assert field.note.text().startswith("Enter adds: IWM / QQQ ratio crosses below 0.01 (now ")
    field.edit.setText("IWM/QQQ reaches 0.01, once, cooldown 2 hours")
    assert field.note.text().endswith("), once, at most every 2h")
    qtbot.keyClick(field.edit, Qt.Key.Key_Escape)
    assert field.edit.text() == "" and not field.note.isVisible()

    from desktop.storage.database import StorageError

    def refuse(_repo: AlertRepository, _rule: object) -> None:
        raise StorageError("The disk is full.")

    with pytest.MonkeyPatch.context() as patch:  # the database refuses: said under the field, the words kept
        patch.setattr(AlertRepository, "save_rule", refuse)
        field.edit.setText("TSLA moves more than 5%")
        qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.note.text() == "Could not save the alert: The disk is full. Nothing was changed."
    assert field.edit.text() == "TSLA moves more than 5%" and model.rowCount() == 1 and len(stored_rules()) == 1
    field.edit.clear()
    qtbot.keyClicks(field.edit, "IWM's return minus QQQ's since the quarter began crosses above 1.5 points")
    assert field.note.text().startswith("Enter adds: IWM − QQQ qtd return spread crosses above 1.5 pts (now ")
    qtbot.keyClick(field.edit, Qt.Key.Key_Enter)
    assert model.rowCount() == 2 and len(stored_rules()) == 2
    assert window.alerts_panel.selected_rule() == model.rule_at(1)
