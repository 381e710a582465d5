"""A narrow alerts panel (a laptop's screen) keeps its Rule columns readable: the other columns give way,
down to their narrowest, before the rule's text does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from desktop.core.alerts.rules import rule_from_dict
from desktop.ui import window_layout
from desktop.ui.alert_models import LogColumn, RuleColumn, RuleStatus
from desktop.ui.alerts_panel import RULE_TEXT_MAX, RULE_WIDTHS
from desktop.ui.fitted_columns import FittedColumns
from desktop.ui.main_window import MainWindow
from desktop.ui.watchlist_model import Column

from .conftest import MakeWindow
from .test_alerts_ui import NVDA, seed

WIDTHS = {0: (172, 120), 2: (70, 50), 3: (60, 40), 4: (120, 70)}


def table(qtbot: QtBot, width: int, floor: int | None = None) -> tuple[QTableView, FittedColumns]:
    view = QTableView()
    view.setModel(QStandardItemModel(3, 5, view))
    qtbot.addWidget(view)
    fitted = FittedColumns(view, 1, WIDTHS, main_min=150, floor=floor)
    view.resize(width, 200)
    view.show()
    qtbot.waitExposed(view)
    return view, fitted


def sizes(view: QTableView) -> list[int]:
    header = view.horizontalHeader()
    return [0 if header.isSectionHidden(c) else header.sectionSize(c) for c in range(header.count())]


def test_with_room_the_columns_take_their_widths_and_the_main_one_the_rest(qtbot: QtBot) -> None:
    view, _ = table(qtbot, 900)
    got = sizes(view)
    assert [got[c] for c in WIDTHS] == [wide for wide, _ in WIDTHS.values()]
    assert got[1] == view.horizontalHeader().width() - sum(wide for wide, _ in WIDTHS.values())


def test_narrow_the_others_give_way_in_proportion_so_the_main_one_keeps_its_width(qtbot: QtBot) -> None:
    view, _ = table(qtbot, 480)
    got = sizes(view)
    assert 150 <= got[1] <= 152  # rounding
    assert sum(got) <= view.horizontalHeader().width()
    for column, (wide, least) in WIDTHS.items():
        assert least < got[column] < wide
    view.resize(900, 200)  # wide again: back to their widths
    qtbot.waitUntil(lambda: sizes(view)[0] == 172)
    assert [sizes(view)[c] for c in WIDTHS] == [wide for wide, _ in WIDTHS.values()]


def test_too_narrow_even_for_that_they_stop_at_their_narrowest(qtbot: QtBot) -> None:
    view, _ = table(qtbot, 360)
    got = sizes(view)
    assert [got[c] for c in WIDTHS] == [least for _, least in WIDTHS.values()]
    assert 0 < got[1] < 150 and view.horizontalScrollBar().maximum() == 0


def test_under_its_floor_the_main_column_keeps_its_width_and_the_table_scrolls_sideways(qtbot: QtBot) -> None:
    """The main column's text stays readable, and what does not fit is scrolled to, not cut to nothing."""
    view, _ = table(qtbot, 360, floor=100)
    got = sizes(view)
    assert [got[c] for c in WIDTHS] == [least for _, least in WIDTHS.values()]
    assert got[1] == 150
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() > 0)
    view.resize(900, 200)  # room again: the main column takes what is over, nothing to scroll
    qtbot.waitUntil(lambda: sizes(view)[0] == 172)
    assert sizes(view)[1] == view.horizontalHeader().width() - sum(wide for wide, _ in WIDTHS.values())
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0)


def test_a_width_the_user_gives_a_column_is_kept(qtbot: QtBot) -> None:
    view, fitted = table(qtbot, 900)
    view.horizontalHeader().resizeSection(2, 95)  # as a drag does
    view.resize(540, 200)
    qtbot.waitUntil(lambda: sizes(view)[1] >= 150)
    assert sizes(view)[2] == 95
    assert fitted.widths()[2] == (95, 95)


def test_a_hidden_column_leaves_its_room_to_the_others(qtbot: QtBot) -> None:
    view, _ = table(qtbot, 480)
    before = sizes(view)[0]
    view.setColumnHidden(4, True)
    assert sizes(view)[0] > before
    view.setColumnHidden(4, False)
    assert sizes(view)[0] == before


def first_start(
    make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], panel_width: int
) -> MainWindow:
    """The window as first started at `size`, with one rule, its alerts panel `panel_width` pixels wide."""
    monkeypatch.setattr(window_layout, "FIRST_SIZE", size)
    seed(NVDA)
    window = make_window(run=False)
    window.resizeDocks([window.alerts_dock], [panel_width], Qt.Orientation.Horizontal)
    return window


def test_the_alerts_panel_on_a_laptop_screen_keeps_the_rules_readable(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = first_start(make_window, monkeypatch, (1311, 706), 498)  # a 1366 x 768 screen, the panel's share
    panel = window.alerts_panel
    for view, rule in ((panel.rules_view, RuleColumn.RULE), (panel.log_view, LogColumn.RULE)):
        header = view.horizontalHeader()
        qtbot.waitUntil(lambda view=view: view.isVisible() and view.horizontalHeader().width() < 520)
        assert header.sectionSize(rule) >= 140, (view.objectName(), header.width(), sizes(view))
        assert sum(sizes(view)) <= header.width() + 1


def test_an_alerts_panel_narrower_still_scrolls_sideways_rather_than_cut_the_rules_to_nothing(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = first_start(make_window, monkeypatch, (1228, 860), 410)  # a 1280 x 1024 screen
    view = window.alerts_panel.rules_view
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: view.isVisible() and header.width() < 420)
    text = window.alerts_panel.rules_model.data(window.alerts_panel.rules_model.index(0, RuleColumn.RULE))
    needed = view.fontMetrics().horizontalAdvance(text) + 2 * FittedColumns.TEXT_PADDING
    qtbot.waitUntil(lambda: header.sectionSize(RuleColumn.RULE) >= min(needed, RULE_TEXT_MAX))
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() > 0)
    window.resizeDocks([window.alerts_dock], [620], Qt.Orientation.Horizontal)  # room again: nothing to scroll
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0)
    assert sum(sizes(view)) <= header.width() + 1


def test_a_state_saved_narrow_restores_wide_and_keeps_the_users_widths(qtbot: QtBot) -> None:
    narrow, fitted = table(qtbot, 480)
    narrow.horizontalHeader().resizeSection(2, 95)  # the user's
    shrunk = sizes(narrow)
    state = fitted.saved_state()
    assert sizes(narrow) == shrunk, "saving leaves the shown widths as they were"
    wide, fitted_wide = table(qtbot, 900)
    assert fitted_wide.restore_state(state)
    got = sizes(wide)
    assert got[2] == 95 and fitted_wide.widths()[2] == (95, 95)
    assert [got[c] for c in (0, 3, 4)] == [172, 60, 120], "the others at their widths with room, not as fitted"


def test_the_watchlist_on_a_laptop_screen_shows_every_column(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(window_layout, "FIRST_SIZE", (1311, 706))
    window = make_window(run=False)
    window.resizeDocks([window.alerts_dock], [498], Qt.Orientation.Horizontal)
    header = window.table.horizontalHeader()
    qtbot.waitUntil(lambda: 0 < header.width() < 860)
    shown = sizes(window.table)
    assert sum(shown) <= header.width() + 1, (header.width(), shown)  # no scrolling sideways to reach the trend
    assert shown[Column.TREND] >= 60 and shown[Column.NAME] >= 100


def test_with_room_for_them_the_rules_texts_are_shown_whole(qtbot: QtBot, make_window: MakeWindow) -> None:
    # At the first size on a desktop screen the rule's text ("SPY price crosses below 660") was cut in the
    # middle while Value, To trigger, State and Last fired kept their widths with room.
    below = {"id": "spy660", "type": "price", "symbol": "SPY", "condition": "crosses_below", "level": 660}
    spread = {"id": "rot", "type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "condition": "crosses_above",
              "level": 1.5}  # fmt: skip
    seed(below)
    window = make_window(run=False)
    panel = window.alerts_panel
    view = panel.rules_view
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: view.isVisible() and 480 < header.width() < 700)

    def room(text: str) -> int:
        return view.fontMetrics().horizontalAdvance(text) + 2 * FittedColumns.TEXT_PADDING

    short = "SPY price crosses below 660"
    assert panel.rules_model.data(panel.rules_model.index(0, RuleColumn.RULE)) == short
    qtbot.waitUntil(lambda: header.sectionSize(RuleColumn.RULE) >= room(short))
    assert sum(sizes(view)) <= header.width() + 1
    others = {c: header.sectionSize(c) for c in (RuleColumn.VALUE, RuleColumn.STATE, RuleColumn.LAST)}

    assert panel.add_rule(rule_from_dict(spread)) is None  # a longer text: the others give way further, to a point
    long = panel.rules_model.data(panel.rules_model.index(1, RuleColumn.RULE))
    qtbot.waitUntil(lambda: header.sectionSize(RuleColumn.RULE) > room(short))
    assert all(header.sectionSize(c) <= width for c, width in others.items())
    assert header.sectionSize(RuleColumn.RULE) <= max(
        room(long), header.width() - sum(least for _, least in RULE_WIDTHS.values())
    )
    assert sum(sizes(view)) <= header.width() + 1


def test_every_state_and_a_last_fire_stay_whole_at_their_columns_narrowest(qtbot: QtBot) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    room = {column: least - 2 * FittedColumns.TEXT_PADDING for column, (_wide, least) in RULE_WIDTHS.items()}
    width = view.fontMetrics().horizontalAdvance
    assert all(width(state.value) <= room[RuleColumn.STATE] for state in RuleStatus), [s.value for s in RuleStatus]
    assert width("Mar 28 16:00") <= room[RuleColumn.LAST]  # the widest last fire: month, day, time
