"""The main window end to end: replay → store → table and chart, watchlist edits, persistence, controls."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QSignalBlocker, Qt
from pytestqt.qtbot import QtBot

from desktop import paths
from desktop.config import DEFAULT_SYMBOLS
from desktop.core.formatting import compact_date
from desktop.feeds.base import FeedState
from desktop.ui.theme import DARK, LIGHT, ThemeMode
from desktop.ui.watchlist_model import Column

from .conftest import MakeWindow


def last_row(path: Path) -> dict[str, str]:
    with path.open() as handle:
        return list(csv.DictReader(handle))[-1]


def cell(window, symbol: str, column: Column) -> str:  # type: ignore[no-untyped-def]
    model = window.model
    row = model.row_of(symbol)
    return model.data(model.index(row, column))


def saved_symbols() -> list[str]:
    conn = sqlite3.connect(paths.database_path())
    try:
        return [r[0] for r in conn.execute("SELECT symbol FROM watchlist_symbol ORDER BY position")]
    finally:
        conn.close()


def test_replay_reaches_the_table_and_chart(qtbot: QtBot, make_window: MakeWindow, daily_dir: Path) -> None:
    window = make_window(speed=0, start=date(2026, 8, 1))
    assert window.model.symbols == list(DEFAULT_SYMBOLS)
    final = last_row(daily_dir / "SPY.csv")
    expected = f"{float(final['Close']):,.2f}"
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.LAST) == expected, timeout=10_000)
    qtbot.waitUntil(lambda: window.feeds.replay.finished, timeout=10_000)
    newest = date.fromisoformat(final["Date"])  # the replay's clock: its year is "this year"
    assert cell(window, "SPY", Column.UPDATED) == compact_date(newest, newest)
    assert window.chart.symbol == "SPY"
    qtbot.waitUntil(lambda: window.chart.line.getData()[1] is not None, timeout=5000)  # charts redraw twice a second
    qtbot.waitUntil(lambda: window.chart.line.getData()[1][-1] == float(final["Close"]), timeout=5000)
    xs, _ = window.chart.line.getData()
    assert len(xs) > 10
    assert window.feeds.status is not None and window.feeds.status.state is FeedState.REPLAY
    qtbot.waitUntil(lambda: "finished" in window.banner.text(), timeout=5000)
    assert window.banner.text().startswith("Replay · 2026-08-03 → 2026-08-21")


def test_chart_follows_the_selection(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0, start=date(2026, 8, 1))
    window.table.select_symbol("NVDA")
    assert window.chart.symbol == "NVDA"
    qtbot.waitUntil(lambda: window.chart.title.text().startswith("NVDA  "), timeout=10_000)
    store_history = window.store.history("NVDA")
    assert store_history is not None
    # The chart header always agrees with the table, whatever the pace.
    qtbot.waitUntil(lambda: window.feeds.replay.finished, timeout=10_000)
    qtbot.waitUntil(lambda: list(window.chart.shown[1]) == list(store_history.prices), timeout=5000)
    final = last_row(paths.bundled_daily_dir() / "NVDA.csv")
    spy_final = date.fromisoformat(last_row(paths.bundled_daily_dir() / "SPY.csv")["Date"])  # the replay's clock
    shown_date = compact_date(date.fromisoformat(final["Date"]), spy_final)
    qtbot.waitUntil(lambda: cell(window, "NVDA", Column.UPDATED) == shown_date, timeout=5000)
    assert f"NVDA  {cell(window, 'NVDA', Column.LAST)}  " in window.chart.title.text()
    assert final["Date"] in window.chart.title.text()


def test_unknown_symbol_is_refused_where_typed(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(run=False)
    before = window.model.symbols
    qtbot.keyClicks(window.symbol_input, "zzzz")
    qtbot.keyClick(window.symbol_input, Qt.Key.Key_Return)
    assert "ZZZZ is not in the replay data" in window.input_error.text()
    assert window.model.symbols == before and saved_symbols() == before
    qtbot.keyClicks(window.symbol_input, "1")  # typing again clears the complaint
    assert window.input_error.text() == ""
    window.symbol_input.clear()
    assert not window.add_symbol("not a symbol")
    assert "not a ticker symbol" in window.input_error.text()
    assert not window.add_symbol("spy")
    assert "already in the watchlist" in window.input_error.text()


def test_remove_and_add_persist_across_restart(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0)
    window.table.select_symbol("BAC")
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert "BAC" not in window.model.symbols and "BAC" not in saved_symbols()
    window.focus_symbol_input()
    qtbot.keyClicks(window.symbol_input, "bac")
    qtbot.keyClick(window.symbol_input, Qt.Key.Key_Return)
    assert window.model.symbols[-1] == "BAC" and saved_symbols()[-1] == "BAC"
    assert window.table.current_symbol() == "BAC" and window.symbol_input.text() == ""
    qtbot.waitUntil(lambda: cell(window, "BAC", Column.LAST) != "—", timeout=10_000)
    window.remove_symbols(["TSLA", "AMD"])
    window.close()

    again = make_window(run=False)
    assert again.model.symbols == [s for s in DEFAULT_SYMBOLS if s not in ("BAC", "TSLA", "AMD")] + ["BAC"]


def test_layout_and_sort_are_restored(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(run=False)
    window.resize(1111, 777)
    window.table.sortByColumn(Column.CHANGE_PCT, Qt.SortOrder.DescendingOrder)
    window.table.setColumnWidth(Column.LAST, 133)
    window.splitter.setSizes([200, 500])
    sizes = window.splitter.sizes()
    window.table.select_symbol("NVDA")
    window.close()

    again = make_window(run=False)
    header = again.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        Column.CHANGE_PCT,
        Qt.SortOrder.DescendingOrder,
    )
    assert again.table.columnWidth(Column.LAST) == 133
    assert (again.width(), again.height()) == (1111, 777)
    assert again.splitter.sizes() == sizes
    assert again.table.current_symbol() == "NVDA"


@pytest.mark.parametrize(("screen", "window"), [((1920, 1200), (1560, 900)), ((1366, 768), (1311, 706))])
def test_the_first_window_fits_the_screen_it_opens_on(
    tmp_path: Path, screen: tuple[int, int], window: tuple[int, int]
) -> None:
    from PySide6.QtGui import QImage

    from ..test_cli import tickerdesk

    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": screen[0], "height": screen[1],
                                               "logicalDpi": 96}]}))  # fmt: skip
    shot = tmp_path / "first.png"
    done = tickerdesk("run", "--source", "replay", "--exit-after", "1", "--screenshot", str(shot), home=tmp_path,
                      QT_QPA_PLATFORM=f"offscreen:configfile={config}")  # fmt: skip
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == window


def test_a_start_after_the_data_is_said_in_the_status_bar(qtbot: QtBot) -> None:
    from argparse import Namespace

    from desktop.app import build_window

    args = Namespace(source="replay", replay_data=None, speed=0.0, start=date(2030, 1, 1), watchlist=None)
    window, notice = build_window(args)
    qtbot.addWidget(window)
    assert notice is not None and "The replay data ends 2026-08-21, before the start asked for (2030-01-01)" in notice
    window.close()


def test_pause_speed_and_restart(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=20, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: window.feeds.replay.clock is not None, timeout=5000)
    window.pause_action.trigger()
    assert window.feeds.replay.paused and window.pause_action.text() == "Resume"
    qtbot.waitUntil(lambda: "paused" in window.banner.text(), timeout=5000)
    window.speed_box.setCurrentIndex(window.speed_box.findText("Max"))
    assert window.feeds.replay.speed == 0
    window.pause_action.trigger()
    qtbot.waitUntil(lambda: window.feeds.replay.finished, timeout=10_000)

    window.start_edit.setDate(window.start_edit.date().addDays(-30))
    window.restart_action.trigger()
    assert not window.feeds.replay.finished or window.feeds.replay.clock is not None
    qtbot.waitUntil(lambda: window.feeds.replay.finished, timeout=10_000)
    qtbot.waitUntil(lambda: window.banner.text().startswith("Replay · 2025-09-02 →"), timeout=5000)


def test_theme_switch_recolours_and_persists(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(run=False)
    window.theme_actions[ThemeMode.DARK].trigger()
    assert window.model.colors is DARK and window.theme_actions[ThemeMode.DARK].isChecked()
    window.close()
    again = make_window(run=False)
    assert again.model.colors is DARK
    again.set_theme(ThemeMode.LIGHT)
    assert again.model.colors is LIGHT


@pytest.mark.expected_log_warnings
def test_corrupt_database_is_reported_and_replaced(qtbot: QtBot, make_window: MakeWindow) -> None:
    db = paths.database_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"garbage" * 1000)
    from argparse import Namespace

    from desktop.app import build_window

    window, notice = build_window(Namespace(source="replay", replay_data=None, speed=0, start=None))
    qtbot.addWidget(window)
    assert notice is not None and "could not be read" in notice
    assert window.model.symbols == list(DEFAULT_SYMBOLS)
    assert any(p.name.startswith("tickerdesk.db.unreadable-") for p in db.parent.iterdir())


@pytest.mark.expected_log_warnings
def test_a_damaged_database_gives_back_its_rules_and_lists_to_the_window(qtbot: QtBot) -> None:
    from argparse import Namespace

    from desktop.app import build_window

    from ..storage.test_database_salvage import filled, page_holding, scribble

    db = paths.database_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    filled(db)
    scribble(db, page_holding(db, b"fire-02000"))
    window, notice = build_window(Namespace(source="replay", replay_data=None, speed=0, start=None))
    qtbot.addWidget(window)
    window.show()
    assert notice is not None and "Recovered into a fresh database: 3 alert rules, 2 watchlists" in notice
    assert [rule.id for rule in window.alerts.rules] == ["r0", "r1", "r2"]
    assert window.list_names() == ["Default", "Chips"]


def test_settings_that_cannot_be_saved_are_said_at_start(qtbot: QtBot) -> None:
    from argparse import Namespace

    from desktop.app import build_window

    paths.settings_path().mkdir(parents=True)  # a folder where the file goes: nothing can be written there
    window, notice = build_window(Namespace(source="replay", replay_data=None, speed=0, start=None))
    qtbot.addWidget(window)
    assert notice is not None and "Settings cannot be saved to" in notice and "will not be kept" in notice
    assert window.model.symbols == list(DEFAULT_SYMBOLS)


def test_recording_from_the_window_replays(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> None:
    from desktop.core.prices import load_prices

    window = make_window(speed=0, start=date(2026, 8, 1), run=False)
    out = tmp_path / "session.csv"
    window.start_recording(out)
    assert window.record_action.isChecked()
    window.feeds.start(window.model.symbols)
    qtbot.waitUntil(lambda: window.feeds.replay.finished and window.driver.pipeline.idle(), timeout=10_000)
    window.stop_recording()
    assert not window.record_action.isChecked()
    qtbot.waitUntil(lambda: window.message_label.text().startswith("Recorded"), timeout=10_000)
    series = load_prices([out])
    assert set(series) == set(DEFAULT_SYMBOLS)
    assert series["SPY"].close[-1] == window.store.latest("SPY").price  # type: ignore[union-attr]


def test_recording_never_adds_to_a_file_that_is_not_a_recording(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window(speed=0, start=date(2026, 8, 1), run=False)
    prices = tmp_path / "SPY.csv"
    prices.write_text("Date,Open,High,Low,Close,Volume\n2026-08-03,1,2,0.5,1.5,100\n")
    with QSignalBlocker(window.record_action):
        window.record_action.setChecked(True)  # as a click does, before the file is chosen
    window.start_recording(prices)
    assert "not a recording" in window.message_label.text() and not window.record_action.isChecked()
    assert prices.read_text() == "Date,Open,High,Low,Close,Volume\n2026-08-03,1,2,0.5,1.5,100\n"
    assert window.feeds.recorder is None


def test_first_frame_of_a_replay_has_the_history_before_its_start(qtbot: QtBot, make_window: MakeWindow) -> None:
    # One session a minute: the first step is far away, so what shows is the history sent before it.
    window = make_window(speed=1 / 60, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.UPDATED) == "Oct 1", timeout=10_000)
    assert "2025-10-01 → 2025-10-01" in window.feeds.replay.describe(), "one step played, the next a minute away"
    grid = window.charts.rotation
    grid.refresh()
    values = grid.values()
    assert all(v is not None for v in values.values()), values  # YTD and 1M are known on 2025-09-30
    window.chart.set_range("1Y")
    window.chart.refresh(reset_view=True)
    x, _ = window.chart.shown
    assert float(x[-1]) - float(x[0]) > 300 * 86_400


def test_chart_choices_are_restored(qtbot: QtBot, make_window: MakeWindow) -> None:
    from desktop.ui.charts.price_scale import ScaleMode

    window = make_window(speed=0, start=date(2026, 8, 1))
    charts = window.charts
    charts.price.set_range("3M")
    charts.price.set_candles(True)
    charts.price.set_scale_mode(ScaleMode.LOG)
    charts.tabs.setCurrentWidget(charts.relative)
    window.close()

    again = make_window(run=False)
    restored = again.charts
    assert restored.tabs.currentWidget() is restored.relative
    price = restored.price
    assert (price.range, price.candles_on, price.mapping.mode) == ("3M", True, ScaleMode.LOG)
    assert price.range_buttons["3M"].isChecked() and price.candle_button.isChecked()
    assert price.scale_box.currentText() == "Log"


def test_unknown_chart_choices_keep_the_defaults(qtbot: QtBot, make_window: MakeWindow) -> None:
    from desktop.ui import settings as cfg

    written = cfg.Settings(paths.settings_path())  # a settings file from another version, or edited by hand
    for setting, value in ((cfg.CHART_TAB, "Nope"), (cfg.CHART_RANGE, "7Y"), (cfg.CHART_SCALE, "cubic")):
        written.set(setting, value)
    written.sync()
    window = make_window(run=False)
    assert window.charts.tabs.currentWidget() is window.charts.price and window.chart.range == "All"
    assert window.chart.scale_box.currentText() == "Linear"


def test_settings_edited_by_hand_into_nonsense_are_named_at_start_up_and_the_defaults_used(qtbot: QtBot) -> None:
    """A value that fits its setting is used; one that does not is said, with what fits, where the user looks."""
    from argparse import Namespace

    from desktop.app import build_window
    from desktop.ui import settings as cfg

    paths.settings_path().parent.mkdir(parents=True, exist_ok=True)
    paths.settings_path().write_text(
        "[ui]\ntheme=purple\ncolorblind=yes\n[chart]\ncandles=maybe\nrange=2Y\nscale=log\n[replay]\nstart=soon\n"
    )
    read = cfg.Settings(paths.settings_path())
    assert read.get(cfg.THEME) == "system" and read.get(cfg.COLORBLIND) is True and read.get(cfg.CHART_SCALE) == "log"
    window, notice = build_window(Namespace(source="replay", replay_data=None, speed=0.0, start=None, watchlist=None))
    qtbot.addWidget(window)
    window.show()
    assert notice is not None
    for said in ("ui/theme 'purple' (system, light or dark)", "chart/candles 'maybe' (true or false)",
                 "chart/range '2Y' (1D, 5D, 1M, 3M, YTD, 1Y or All)", "replay/start 'soon'"):  # fmt: skip
        assert said in notice
    assert "colorblind" not in notice and "scale" not in notice
    assert not window.chart.candles_on and window.chart.range == "All" and window.colors is not None
    window.close()
    again = cfg.Settings(paths.settings_path()).problem()  # what the window saves is sense; a start date it does not
    assert again is not None and list(cfg.Settings(paths.settings_path()).ignored) == ["replay/start"]


def test_the_settings_choices_are_the_windows_own(qtbot: QtBot, make_window: MakeWindow) -> None:
    """What the settings file accepts is what the window offers: its tabs, ranges and scales, every setting."""
    from desktop.ui import settings as cfg
    from desktop.ui.charts.price_chart import RANGES

    window = make_window(run=False)
    tabs = window.charts.tabs
    assert cfg.CHART_TAB.choices == tuple(tabs.tabText(k) for k in range(tabs.count()))
    assert cfg.CHART_RANGE.choices == tuple(RANGES)
    assert cfg.CHART_SCALE.choices == tuple(window.chart.scale_box.itemData(k).value for k in range(3))
    assert cfg.THEME.choices == tuple(mode.value for mode in ThemeMode)
    declared = {v for v in vars(cfg).values() if isinstance(v, cfg.Setting)}
    assert declared == set(cfg.DECLARED), "every setting is checked as the file is read"


@pytest.mark.parametrize("text", ["nan", "inf", "-5", "fast"])
def test_a_replay_speed_or_poll_interval_edited_out_of_range_reads_as_the_default(
    qtbot: QtBot, make_window: MakeWindow, text: str
) -> None:
    from desktop.ui import settings as cfg

    paths.settings_path().parent.mkdir(parents=True, exist_ok=True)
    paths.settings_path().write_text(f"[replay]\nspeed={text}\n[yahoo]\npoll_interval={text}\n")
    read = cfg.Settings(paths.settings_path())
    assert read.get(cfg.REPLAY_SPEED) == cfg.REPLAY_SPEED.default and read.get(cfg.POLL_INTERVAL) == 15.0
    window = make_window(speed=None)  # type: ignore[arg-type]  # the speed the settings file gives
    assert window.feeds.replay.speed == cfg.REPLAY_SPEED.default == window.speed_box.currentData()


def test_status_bar_keeps_the_state_visible_and_says_paused(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=2, start=date(2026, 8, 1))
    qtbot.waitUntil(lambda: window.feeds.status is not None, timeout=10_000)
    window.show_message("Could not save the alert: disk full", error=True)
    assert window.state_label.isVisible() and window.message_label.isVisible()
    assert "disk full" in window.message_label.text() and "Replay" in window.state_label.text()
    window.pause_action.trigger()
    assert window.rate_label.text() == "paused"
    window.pause_action.trigger()
    assert window.rate_label.text().endswith("quotes/s")
    before = window.speed_box.mapTo(window, window.speed_box.rect().topLeft()).x()
    qtbot.keyClicks(window.symbol_input, "ZZZZ")
    window.symbol_input.returnPressed.emit()
    refusal = window.input_error.toolTip()
    assert "ZZZZ" in refusal and window.input_error.width() <= 360
    assert window.speed_box.mapTo(window, window.speed_box.rect().topLeft()).x() - before < 400
    qtbot.keyClicks(window.symbol_input, "A")  # typing again clears the refusal
    assert window.input_error.text() == ""


def test_settings_dialog_applies_and_keeps_the_preferences(qtbot: QtBot, make_window: MakeWindow) -> None:
    from PySide6.QtCore import QDate

    from desktop.ui import settings as cfg

    window = make_window(run=False)
    dialog = window.open_settings()
    qtbot.addWidget(dialog)
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData(ThemeMode.DARK))
    assert window.theme_mode is ThemeMode.DARK and window.colors == DARK
    dialog.colorblind_box.setChecked(True)
    assert window.colorblind_action.isChecked() and window.settings.get(cfg.COLORBLIND)
    dialog.poll_box.setCurrentIndex(dialog.poll_box.count() - 1)
    assert float(window.settings.get(cfg.POLL_INTERVAL)) == dialog.poll_box.currentData()
    dialog.start_edit.setDate(QDate(2026, 3, 2))
    dialog.keep_watching_box.setChecked(True)
    assert window.keep_watching_action.isChecked() and window.settings.get(cfg.KEEP_WATCHING)
    dialog.close()
    assert window.keep_watching() is None, "a replay is not watched after closing: it is no market"
    window.close()
    again = make_window(run=False)
    assert again.feeds.replay_start_date() == date(2026, 3, 2), "replays start where the settings say"
    assert again.theme_mode is ThemeMode.DARK and again.keep_watching_action.isChecked()


def test_the_newest_quote_label_keeps_up_with_a_replay_and_ticks_with_a_stream(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    from desktop.core.quote import Quote
    from desktop.core.sessions import to_new_york

    window = make_window(speed=0.0, start=date(2026, 6, 1))
    behind: list[str] = []

    def check(_changed: set[str], _count: int) -> None:  # runs after the window's own handler of the flush
        newest = window.store.newest_time()
        assert newest is not None
        if to_new_york(newest).strftime("%Y-%m-%d") not in window.newest_label.text():
            behind.append(window.newest_label.text())

    window.driver.quotes_applied.connect(check)
    qtbot.waitUntil(lambda: window.feeds.replay.finished and window.driver.pipeline.idle(), timeout=20_000)
    assert not behind, f"the label trailed the replay: {behind[:3]}"

    window.feeds.stop()  # now quotes a second apart, as a stream sends them: the label follows the 1 Hz tick
    shown = window.newest_label.text()
    newest = window.store.newest_time()
    assert newest is not None
    flushed: list[int] = []
    window.driver.quotes_applied.connect(lambda _changed, count: flushed.append(count))
    window.driver.pipeline.push([Quote("SPY", 700.0, newest + 1, source="test")])
    qtbot.waitUntil(lambda: bool(flushed), timeout=2_000)
    assert window.newest_label.text() == shown


def test_a_bad_replay_file_is_left_out_and_said_while_the_others_play(
    qtbot: QtBot, daily_dir: Path, tmp_path: Path
) -> None:
    from argparse import Namespace

    from desktop.app import build_window

    for symbol in ("SPY", "QQQ"):
        (tmp_path / f"{symbol}.csv").write_bytes((daily_dir / f"{symbol}.csv").read_bytes())
    (tmp_path / "IWM.csv").write_text("Date,Close\n2025-01-02,1\n2025-01-02,2\n")  # the same day twice
    window, notice = build_window(Namespace(source="replay", replay_data=[tmp_path], speed=0, start=None))
    qtbot.addWidget(window)
    assert notice is not None and f"Replay data left out: {tmp_path / 'IWM.csv'}: 2025-01-02 appears twice" in notice
    window.show()
    window.feeds.start(window.model.symbols)
    qtbot.waitUntil(lambda: None not in (window.store.latest("QQQ"), window.store.latest("SPY")), timeout=10_000)
    assert window.store.latest("IWM") is None
    window.close()


def test_the_symbols_of_ones_own_replay_data_can_be_watched_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    """A real yfinance download as the replay data: its ticker is named at start and one action watches it."""
    from argparse import Namespace

    from desktop.app import build_window

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "yfinance" / "NVDA_5m.csv"
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "Price,Close,Close\nTicker,PLTR,SOFI\nDatetime,,\n"
        "2026-04-24 09:30:00-04:00,140.5,17.2\n2026-04-24 09:35:00-04:00,141.0,17.3\n"
    )
    args = Namespace(source="replay", replay_data=[fixture, extra], speed=0, start=None, watchlist=None)
    window, notice = build_window(args)
    qtbot.addWidget(window)
    assert notice is not None
    assert "The replay data also holds PLTR, SOFI (2 not in Default)" in notice, "NVDA is in the list already"
    window.show()
    window.feeds.start(window.model.symbols)
    assert window.watch_replay_symbols() == ["PLTR", "SOFI"]
    assert {"PLTR", "SOFI"} <= set(window.model.symbols)
    assert window.undo_action.text().replace("&", "") == "Undo Add PLTR, SOFI", "one step for the whole batch"
    window.undo_action.trigger()
    assert not {"PLTR", "SOFI"} & set(window.model.symbols)
    window.redo_action.trigger()
    assert window.watchlists.symbols("Default")[-2:] == ["PLTR", "SOFI"]
    qtbot.waitUntil(lambda: window.store.latest("SOFI") is not None, timeout=10_000)
    assert window.store.latest("SOFI").price == 17.3  # type: ignore[union-attr]
    assert window.watch_replay_symbols() == []
    assert "already has every symbol of the replay data" in window.message_label.text()
    window.close()


def test_price_files_of_ones_own_are_opened_and_replayed(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> None:
    """Replay > Open Price Files…: read off the GUI thread, then the replay restarts on them."""
    window = make_window(speed=0)
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "yfinance" / "NVDA_5m.csv"
    broken = tmp_path / "SPY.csv"
    broken.write_text("Date,Close\n2025-01-02,abc\n")
    window.open_replay_files([broken])
    qtbot.waitUntil(lambda: window.message_label.text().startswith("Cannot replay SPY.csv:"), timeout=10_000)
    assert "line 2: Close 'abc' is not a number" in window.message_label.text()
    qtbot.waitUntil(lambda: window.store.latest("SPY") is not None, timeout=10_000)  # the bundled data plays on
    window.open_replay_files([fixture])
    qtbot.waitUntil(lambda: window.message_label.text().startswith("Replaying NVDA_5m.csv"), timeout=10_000)
    assert window.message_label.text().startswith("Replaying NVDA_5m.csv: 1 symbol, 2026-04-24 to 2026-04-27.")
    assert (
        "No data for SPY, QQQ, IWM, AAPL, AMZN, and 7 more (12 of Default); those rows" in window.message_label.text()
    )
    assert window.start_edit.date() == QDate(2026, 4, 24) and window.start_edit.maximumDate() == QDate(2026, 4, 27)
    qtbot.waitUntil(
        lambda: (q := window.store.latest("NVDA")) is not None and q.price == 209.11279296875, timeout=10_000
    )
    assert window.store.latest("SPY") is None, "the store holds the opened data alone"
    assert list(window.backtest_sources["Replay data in use"](None)) == ["NVDA"]


def test_a_damaged_settings_file_is_kept_beside_the_fresh_one(qtbot: QtBot, make_window: MakeWindow) -> None:
    from desktop.ui import settings as cfg

    damaged = b"[chart\ntab=Relative\n\x00\xff\n[ui]\ntheme=dark\n"  # a crash while writing, a bad hand edit
    paths.settings_path().parent.mkdir(parents=True, exist_ok=True)
    paths.settings_path().write_bytes(damaged)
    read = cfg.Settings(paths.settings_path())
    kept = [p for p in paths.settings_path().parent.iterdir() if p.name.startswith("settings.ini.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    problem = read.problem()
    assert problem is not None and "is damaged" in problem and f"kept as {kept[0].name}" in problem
    read.set(cfg.CHART_TAB, "Spread")
    read.sync()
    assert cfg.Settings(paths.settings_path()).problem() is None and kept[0].read_bytes() == damaged


def test_the_chart_area_leaves_the_alerts_their_share_of_a_1280_wide_window(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    """1280 x 720 is a 1080p laptop at 150 %: the alerts dock asks for 38 % of the width. No chart tab's
    controls may hold the chart area wider than that leaves (the Spread tab's hint once held it to 801
    pixels, hidden behind the Price tab, and the rules and the fired log were cut to 415)."""
    window = make_window(run=False)
    window.resize(1280, 720)
    charts = window.charts  # built now: they are built after the first quotes otherwise
    qtbot.waitUntil(lambda: charts.isVisible())
    asked = round(1280 * 0.38)
    assert charts.minimumSizeHint().width() <= 1280 - asked - 20
    spread = charts.spread
    assert spread.hint.text() and spread.hint.minimumSizeHint().width() < 100, "the hint elides instead"
