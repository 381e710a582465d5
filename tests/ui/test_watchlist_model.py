"""The watchlist model under a real view: Qt's model checks, sorting and selection through updates."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.ui.watchlist_model import SORT_ROLE, Column, WatchlistModel
from desktop.ui.watchlist_view import WatchlistView

T0 = 1_760_000_000.0


def filled_store() -> QuoteStore:
    store = QuoteStore()
    for i, (symbol, price, prev) in enumerate([("AAA", 10.0, 9.0), ("BBB", 20.0, 21.0), ("CCC", 30.0, 30.0)]):
        store.apply(Quote(symbol, price, T0 + i, prev_close=prev, day_low=price - 1, day_high=price + 1, volume=1e6))
    return store


def test_model_passes_qt_model_checks(qtmodeltester: ModelTester) -> None:
    store = filled_store()
    model = WatchlistModel(store, {"AAA": "Alpha"}, clock=lambda: T0 + 10)
    model.set_symbols(["AAA", "BBB", "CCC", "DDD"])  # DDD has no quote yet
    qtmodeltester.check(model)
    model.add_symbol("EEE")
    model.remove_symbol("BBB")
    qtmodeltester.check(model)
    model.sort(Column.LAST, Qt.SortOrder.DescendingOrder)  # the model sorts itself (no proxy in between)
    assert model.shown_symbols == ["CCC", "AAA", "DDD", "EEE"] and model.symbols == ["AAA", "CCC", "DDD", "EEE"]
    qtmodeltester.check(model)
    model.sort(-1)
    assert model.shown_symbols == model.symbols


def test_cells_format_and_colour(qtbot: QtBot) -> None:
    model = WatchlistModel(filled_store(), {"AAA": "Alpha Holdings Corporation"}, clock=lambda: T0 + 65)
    model.set_symbols(["AAA", "BBB", "DDD"])
    cell = lambda r, c, role=Qt.ItemDataRole.DisplayRole: model.data(model.index(r, c), role)  # noqa: E731
    assert cell(0, Column.NAME) == "Alpha Holdings"  # the legal suffix goes; the tooltip keeps the full name
    assert cell(0, Column.NAME, Qt.ItemDataRole.ToolTipRole).startswith("Alpha Holdings Corporation\nAAA · ")
    assert cell(0, Column.LAST) == "10.00"
    assert cell(0, Column.CHANGE) == "+1.00"
    assert cell(0, Column.CHANGE_PCT) == "+11.11%"
    assert cell(1, Column.CHANGE_PCT) == "-4.76%"
    assert cell(0, Column.VOLUME) == "1.00M"
    assert cell(0, Column.RANGE) == "9.00 – 11.00"
    assert cell(0, Column.AGE) == "1m"
    assert cell(2, Column.LAST) == "—"
    assert cell(0, Column.CHANGE, Qt.ItemDataRole.ForegroundRole).color() == model.colors.up
    assert cell(1, Column.CHANGE, Qt.ItemDataRole.ForegroundRole).color() == model.colors.down
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert cell(0, Column.LAST, Qt.ItemDataRole.TextAlignmentRole) == right
    assert cell(0, Column.CHANGE_PCT, SORT_ROLE) > cell(1, Column.CHANGE_PCT, SORT_ROLE)


def test_one_data_changed_per_flush_and_flash(qtbot: QtBot) -> None:
    store = filled_store()
    model = WatchlistModel(store, clock=lambda: T0)
    model.set_symbols(["AAA", "BBB", "CCC"])
    model.quotes_changed({"AAA", "BBB", "CCC"})  # first sight: shown, no flash
    model.flush_changes()
    store.apply(Quote("AAA", 11.0, T0 + 5, prev_close=9.0))
    store.apply(Quote("CCC", 29.0, T0 + 5, prev_close=30.0))
    emitted: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda tl, br, _roles: emitted.append((tl.row(), br.row(), tl.column(), br.column())))
    model.quotes_changed({"AAA"})  # two flushes within one repaint interval ...
    model.quotes_changed({"CCC"})
    assert emitted == []
    with qtbot.waitSignal(model.dataChanged, timeout=1000):  # ... are one repaint, soon after
        pass
    # One repaint for both, cell runs of their own rows only: BBB, between them, is not repainted; the cells
    # whose text changed (the price, the change, the time) are; the sparklines wait for SPARK_REPAINT_S.
    assert {(top, bottom) for top, bottom, _, _ in emitted} == {(0, 0), (2, 2)}
    for row in (0, 2):
        columns = {c for top, _, first, last in emitted if top == row for c in range(first, last + 1)}
        assert {Column.LAST, Column.CHANGE, Column.CHANGE_PCT, Column.UPDATED} <= columns
        assert Column.TREND not in columns and Column.NAME not in columns
    emitted.clear()
    store.apply(Quote("AAA", 11.0, T0 + 6, prev_close=9.0))  # the same price a second later
    model.quotes_changed({"AAA"})
    model.flush_changes()
    columns = {c for _, _, first, last in emitted for c in range(first, last + 1)}
    assert Column.LAST not in columns and Column.TREND not in columns, "unchanged cells are not repainted"
    up = model.data(model.index(0, Column.LAST), Qt.ItemDataRole.BackgroundRole)
    down = model.data(model.index(2, Column.LAST), Qt.ItemDataRole.BackgroundRole)
    assert up.color() == model.colors.flash_up and down.color() == model.colors.flash_down
    assert model.data(model.index(1, Column.LAST), Qt.ItemDataRole.BackgroundRole) is None
    qtbot.waitUntil(
        lambda: model.data(model.index(0, Column.LAST), Qt.ItemDataRole.BackgroundRole) is None, timeout=3000
    )


def test_sorting_and_selection_survive_updates(qtbot: QtBot) -> None:
    store = filled_store()
    model = WatchlistModel(store, clock=lambda: T0)
    model.set_symbols(["AAA", "BBB", "CCC"])
    view = WatchlistView(model)
    qtbot.addWidget(view)
    view.show()
    view.sortByColumn(Column.CHANGE_PCT, Qt.SortOrder.DescendingOrder)
    order = lambda: [model.index(r, 0).data() for r in range(model.rowCount())]  # noqa: E731
    assert order() == ["AAA", "CCC", "BBB"]
    view.select_symbol("CCC")
    # BBB rallies to the top: the rows re-sort, the selection stays on CCC.
    store.apply(Quote("BBB", 30.0, T0 + 10, prev_close=21.0))
    model.quotes_changed({"BBB"})
    model.flush_changes()
    assert order() == ["BBB", "AAA", "CCC"]
    assert view.selected_symbols() == ["CCC"] and view.current_symbol() == "CCC"
    view.sortByColumn(Column.SYMBOL, Qt.SortOrder.DescendingOrder)
    assert order() == ["CCC", "BBB", "AAA"]
    assert view.selected_symbols() == ["CCC"]
    # Rows without quotes sort to one end, not in between.
    model.add_symbol("NEW")
    view.sortByColumn(Column.LAST, Qt.SortOrder.AscendingOrder)
    assert order()[0] == "NEW"


def test_delete_key_asks_to_remove_selection(qtbot: QtBot) -> None:
    model = WatchlistModel(filled_store(), clock=lambda: T0)
    model.set_symbols(["AAA", "BBB", "CCC"])
    view = WatchlistView(model)
    qtbot.addWidget(view)
    view.show()
    view.select_symbol("BBB")
    view.setFocus()
    with qtbot.waitSignal(view.remove_requested, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert blocker.args == [["BBB"]]


def test_year_range_and_volume_against_its_average_match_the_data(qtbot: QtBot, daily_dir: Path) -> None:
    import pandas as pd

    from desktop.feeds.replay_source import load_timeline

    store = QuoteStore()
    timeline = load_timeline([daily_dir])
    for k in range(len(timeline)):
        store.apply_all(timeline.quotes_of_step(k, {"SPY"}))
    model = WatchlistModel(store, clock=lambda: 0.0)
    model.set_symbols(["SPY"])
    view = WatchlistView(model)
    qtbot.addWidget(view)
    assert view.isColumnHidden(Column.YEAR_RANGE) and view.isColumnHidden(Column.VOL_RATIO)
    for action in view.column_actions():
        if action.text() in ("52-wk range", "Vol / avg"):
            action.setChecked(True)
    assert not view.isColumnHidden(Column.YEAR_RANGE) and not view.isColumnHidden(Column.VOL_RATIO)
    spy = pd.read_csv(daily_dir / "SPY.csv", parse_dates=["Date"]).set_index("Date")
    year = spy[spy.index > spy.index[-1] - pd.Timedelta(days=365)]
    shown = model.data(model.index(0, Column.YEAR_RANGE))
    assert shown == f"{year['Low'].min():,.2f} – {year['High'].max():,.2f}"
    ratio = spy["Volume"].iloc[-1] / spy["Volume"].iloc[-21:-1].mean()
    assert model.data(model.index(0, Column.VOL_RATIO)) == f"{ratio:.2f}×"


def test_the_clock_tick_between_a_quote_and_its_repaint_loses_no_cell(qtbot: QtBot) -> None:
    """The 1 s tick repaints the clock's columns; a quote's other changes (here its volume alone) still
    reach the repaint that waits for it."""
    store = filled_store()
    model = WatchlistModel(store, clock=lambda: T0 + 10)
    model.set_symbols(["AAA", "BBB", "CCC"])
    model.quotes_changed({"AAA", "BBB", "CCC"})
    model.flush_changes()
    repainted: list[tuple[int, int]] = []
    model.dataChanged.connect(
        lambda top, bottom, _roles: repainted.extend(
            (row, column)
            for row in range(top.row(), bottom.row() + 1)
            for column in range(top.column(), bottom.column() + 1)
        )
    )
    store.apply(Quote("AAA", 10.0, T0 + 5, prev_close=9.0, day_low=9.0, day_high=11.0, volume=2e6))
    model.quotes_changed({"AAA"})  # within the repaint interval: it waits
    model.refresh_ages()  # the 1 s tick comes first
    assert (0, Column.VOLUME) not in repainted and (0, Column.UPDATED) in repainted
    model.flush_changes()
    assert (0, Column.VOLUME) in repainted, "the new volume is painted"
    assert model.data(model.index(0, Column.VOLUME)) == "2.00M"


def test_a_rows_first_quote_shows_at_once_later_ones_within_the_repaint_interval(qtbot: QtBot) -> None:
    """At start-up the feed sends one symbol's history after another: each row shows as its first quote
    comes, instead of waiting out the repaint interval (the table filled 0.4 s after the first paint)."""
    store = QuoteStore()
    model = WatchlistModel(store, clock=lambda: T0)
    model.set_symbols(["AAA", "BBB", "CCC"])
    rows: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: rows.append(top.row()))
    store.apply(Quote("AAA", 10.0, T0, prev_close=9.0))
    model.quotes_changed({"AAA"})
    assert set(rows) == {0}  # the table's first quote
    store.apply(Quote("BBB", 20.0, T0 + 1, prev_close=21.0))
    store.apply(Quote("AAA", 10.5, T0 + 1, prev_close=9.0))
    model.quotes_changed({"BBB", "AAA"})
    assert set(rows) == {0, 1}  # BBB's first quote, with what else was waiting
    rows.clear()
    store.apply(Quote("AAA", 11.0, T0 + 2, prev_close=9.0))
    store.apply(Quote("ZZZ", 5.0, T0 + 2))  # a symbol with no row (a rule's leg) is no row's first quote
    model.quotes_changed({"AAA", "ZZZ"})
    assert rows == []  # a row already shown waits for the interval ...
    qtbot.waitUntil(lambda: 0 in rows, timeout=1000)  # ... and then shows
    rows.clear()
    store.apply(Quote("CCC", 30.0, T0 + 3))
    model.quotes_changed({"CCC"})
    assert set(rows) == {2}
