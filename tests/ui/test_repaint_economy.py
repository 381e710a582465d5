"""What the window repaints: one paint of the plot per chart update, changing figures that never make the
window lay itself out again, no announcements for hidden columns, trend lines drawn once, the fired log
filled in few steps during a burst, the first quotes applied on arrival, a slow flush settled in a turn of
its own (each was a measured cost in the live, UI-lateness, pipeline or start-up benchmarks)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop.core.alerts.engine import AlertEngine, AlertFire
from desktop.core.alerts.rules import AlertRule, AlertType, Condition, rule_from_dict
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.services.pipeline import QuotePipeline
from desktop.storage.alerts import StoredFire
from desktop.ui import pipeline_driver
from desktop.ui.alert_models import RuleColumn
from desktop.ui.alerts_panel import LOG_MS
from desktop.ui.charts.lazy_chart import settle
from desktop.ui.charts.price_chart import PriceChart
from desktop.ui.charts.rotation_panel import RotationPanel
from desktop.ui.charts.volume_steps import headroom_ceiling
from desktop.ui.coalescer import Coalescer
from desktop.ui.look_delegate import CellLook
from desktop.ui.pipeline_driver import FLUSH_INTERVAL_MS, PipelineDriver
from desktop.ui.steady_label import SteadyLabel
from desktop.ui.watchlist_model import SPARKS_PER_REPAINT, Column, WatchlistModel
from desktop.ui.watchlist_view import WatchlistView

from .conftest import alerts_on
from .test_charts import filled_store
from .test_watchlist_model import T0


class EventCounter(QObject):
    def __init__(self, kind: QEvent.Type) -> None:
        super().__init__()
        self.kind = kind
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self.kind:
            self.count += 1
        return False


def spy_chart(qtbot: QtBot, folder: Path, chart_range: str | None = None) -> tuple[QuoteStore, PriceChart]:
    """A shown price chart of SPY over the bars in `folder` (in `chart_range` when given)."""
    store = filled_store(folder, {"SPY"})
    chart = PriceChart(store)
    qtbot.addWidget(chart)
    chart.resize(1000, 600)
    chart.show()
    chart.show_symbol("SPY")
    if chart_range is not None:
        chart.set_range(chart_range)
    return store, chart


def test_a_chart_update_paints_the_plot_once(qtbot: QtBot, intraday_dir: Path) -> None:
    store, chart = spy_chart(qtbot, intraday_dir, "1D")
    qtbot.waitExposed(chart)
    paints = EventCounter(QEvent.Type.Paint)
    chart.canvas.viewport().installEventFilter(paints)
    last = store.latest("SPY")
    assert last is not None
    for step in range(1, 4):  # new highs: the view's range grows with each
        store.apply(Quote("SPY", last.price * (1 + 0.01 * step), last.time + 60 * step, source="test"))
        before = paints.count
        chart.symbols_changed({"SPY"})
        qtbot.waitUntil(lambda before=before: paints.count > before)
        qtbot.wait(50)  # time for a second paint, had the first asked for one
        assert paints.count == before + 1


def test_steady_label_repaints_without_asking_for_a_layout(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    steady = SteadyLabel("12 quotes/s", widest="888,888 quotes/s")
    plain = QLabel("12 quotes/s")
    row.addWidget(steady)
    row.addWidget(plain)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the first layout, from showing
    layouts = EventCounter(QEvent.Type.LayoutRequest)
    window.installEventFilter(layouts)
    size = steady.size()
    for rate in ("1,234 quotes/s", "7 quotes/s", "88,888 quotes/s"):
        steady.setText(rate)
        qtbot.wait(20)
    assert layouts.count == 0 and steady.size() == size and steady.text() == "88,888 quotes/s"
    plain.setText("1,234 quotes/s")  # the control: a QLabel with a longer text asks for one
    qtbot.waitUntil(lambda: layouts.count > 0)


def test_steady_label_elides_and_tells_the_rest_in_its_tooltip(qtbot: QtBot) -> None:
    label = SteadyLabel(widest="short")
    qtbot.addWidget(label)
    label.show()
    label.setText("newest quote 2026-07-02 16:00:00 EDT · replay clock")
    label.grab()  # paints
    assert label.toolTip() == "newest quote 2026-07-02 16:00:00 EDT · replay clock"
    label.setText("short")
    label.grab()
    assert label.toolTip() == ""


def test_hidden_columns_are_not_announced_and_show_fresh(qtbot: QtBot) -> None:
    store = QuoteStore()
    store.apply(Quote("AAA", 10.0, T0, prev_close=9.0, volume=1e6))
    model = WatchlistModel(store, clock=lambda: T0)
    model.set_symbols(["AAA"])
    view = WatchlistView(model)
    qtbot.addWidget(view)
    view.show()
    model.quotes_changed({"AAA"})
    model.flush_changes()
    assert view.isColumnHidden(Column.YEAR_RANGE) and view.isColumnHidden(Column.VOL_RATIO)  # the defaults
    view.setColumnHidden(Column.VOLUME, True)
    announced: set[int] = set()
    model.dataChanged.connect(lambda tl, br, _roles: announced.update(range(tl.column(), br.column() + 1)))
    store.apply(Quote("AAA", 10.5, T0 + 5, prev_close=9.0, volume=2e6))
    model.quotes_changed({"AAA"})
    model.flush_changes()
    assert {Column.LAST, Column.CHANGE, Column.CHANGE_PCT} <= announced
    assert not announced & {Column.VOLUME, Column.YEAR_RANGE, Column.VOL_RATIO}
    view.setColumnHidden(Column.VOLUME, False)  # shown again: it reads the model as it is now
    assert model.data(model.index(0, Column.VOLUME)) == "2.00M"


def test_a_quote_repaints_its_changed_cells_and_no_neighbour(qtbot: QtBot) -> None:
    """A range's dataChanged makes the view repaint a rectangle a pixel wider and taller than the range,
    painting the next row's cells and the next column's too: cells are announced one by one."""
    store = QuoteStore()
    names = ["AAA", "BBB", "CCC"]
    for k, name in enumerate(names):
        store.apply(Quote(name, 10.0 + k, T0, prev_close=9.0, volume=1e6))
    model = WatchlistModel(store, clock=lambda: T0)
    model.set_symbols(names)
    view = WatchlistView(model)
    qtbot.addWidget(view)
    view.resize(1200, 300)
    paints = EventCounter(QEvent.Type.Paint)
    view.viewport().installEventFilter(paints)
    model.quotes_changed(set(names))
    model.flush_changes()
    view.show()
    qtbot.waitUntil(lambda: paints.count > 0)  # the whole table, shown
    qtbot.wait(50)
    painted: list[tuple[int, int]] = []
    real_look = model.look

    def look(row: int, column: int) -> CellLook | None:  # what the view's delegate asks of a painted cell
        painted.append((row, column))
        return real_look(row, column)

    model.look = look  # type: ignore[method-assign]
    store.apply(Quote("BBB", 11.5, T0 + 1, prev_close=9.0, volume=1e6))  # price moved, volume did not
    model.quotes_changed({"BBB"})
    model.flush_changes()
    qtbot.waitUntil(lambda: bool(painted))
    qtbot.wait(50)  # (any further paint the announcement caused)
    cells = set(painted)
    assert {(1, Column.LAST), (1, Column.CHANGE), (1, Column.CHANGE_PCT)} <= cells
    assert {row for row, _ in cells} == {1}  # rows above and below untouched
    assert (1, Column.VOLUME) not in cells and (1, Column.RANGE) not in cells
    del model.look  # (no cycle keeping the model and its flash timer alive)


def test_a_flash_ending_after_its_view_is_gone_is_quiet(qtbot: QtBot) -> None:
    store = QuoteStore()
    store.apply(Quote("AAA", 10.0, T0, prev_close=9.0))
    model = WatchlistModel(store, clock=lambda: T0)
    model.set_symbols(["AAA"])
    view = WatchlistView(model)
    model.quotes_changed({"AAA"})
    store.apply(Quote("AAA", 10.5, T0 + 1, prev_close=9.0))
    model.quotes_changed({"AAA"})
    model.flush_changes()  # the price moved: its cells flash
    gone: list[bool] = []
    view.destroyed.connect(lambda: gone.append(True))
    view.deleteLater()
    qtbot.waitUntil(lambda: bool(gone))
    with qtbot.waitSignal(model.dataChanged, timeout=3000):  # the flash ends, announced without the view
        pass


def test_the_rules_panel_repaints_the_changed_cells_of_the_rules_quoted(qtbot: QtBot, tmp_path: Path) -> None:
    """Live values repaint for the rules over the symbols that were quoted, and only the cells whose text
    changed; what the clock alone changes (a rule expiring) is picked up by the once-a-second refresh."""
    opened, writer, controller, panel = alerts_on(tmp_path, qtbot)
    controller.save_rule(AlertRule(id="aaa", type=AlertType.PRICE, symbol="AAA", condition=Condition.CROSSES_ABOVE,
                                   level=20.0))  # fmt: skip
    controller.save_rule(AlertRule(id="bbb", type=AlertType.PRICE, symbol="BBB", condition=Condition.CROSSES_ABOVE,
                                   level=20.0, expires=T0 + 10))  # fmt: skip
    model = panel.rules_model
    rows = {model.row_of("aaa"): "aaa", model.row_of("bbb"): "bbb"}
    controller.engine.process([Quote("AAA", 10.0, T0), Quote("BBB", 11.0, T0)])
    model.refresh_values({"AAA", "BBB"})
    model.refresh_values()
    announced: list[tuple[str, int]] = []

    def heard(top_left: QModelIndex, bottom_right: QModelIndex, _roles: object) -> None:
        assert top_left == bottom_right  # cell by cell
        announced.append((rows[top_left.row()], top_left.column()))

    model.dataChanged.connect(heard)
    controller.engine.process([Quote("AAA", 10.5, T0 + 20)])  # past BBB's expiry
    panel.refresh({"AAA"})
    qtbot.waitUntil(lambda: bool(announced))
    assert set(announced) == {("aaa", RuleColumn.VALUE), ("aaa", RuleColumn.DISTANCE)}  # not its state, not BBB
    assert model.data(model.index(model.row_of("aaa"), RuleColumn.VALUE)) == "10.50"
    announced.clear()
    panel.refresh_clock()
    assert announced == [("bbb", RuleColumn.STATE)]
    assert model.data(model.index(model.row_of("bbb"), RuleColumn.STATE)) == "expired"
    writer.close()
    opened.connection.close()


def table_over(
    qtbot: QtBot, store: QuoteStore, symbols: list[str], now: float = T0
) -> tuple[WatchlistModel, WatchlistView]:
    """The watchlist table over `store`'s quotes of `symbols`, shown 1200 x 300 with its clock at `now`."""
    model = WatchlistModel(store, clock=lambda: now)
    model.set_symbols(symbols)
    view = WatchlistView(model)
    qtbot.addWidget(view)
    view.resize(1200, 300)
    view.show()
    qtbot.waitExposed(view)
    return model, view


def test_trend_lines_are_drawn_when_due_and_copied_in_between(qtbot: QtBot) -> None:
    store = QuoteStore()
    for k in range(20):  # two symbols with a day of ticks each
        store.apply(Quote("AAA", 10.0 + 0.1 * k, T0 + 60 * k, prev_close=9.0))
        store.apply(Quote("BBB", 20.0 - 0.1 * k, T0 + 60 * k, prev_close=21.0))
    model, view = table_over(qtbot, store, ["AAA", "BBB"])
    model.quotes_changed({"AAA", "BBB"})
    model.flush_changes()
    first = view.grab().toImage()
    drawn = view.sparklines.lines_drawn
    assert drawn == 2
    view.verticalScrollBar().setValue(0)
    again = view.grab().toImage()  # a full repaint with the same series: the lines are copied
    assert view.sparklines.lines_drawn == drawn and again == first
    store.apply(Quote("AAA", 9.0, T0 + 60 * 21, prev_close=9.0))  # AAA's series changes (and turns down) ...
    model.quotes_changed({"AAA"})
    model.flush_changes()
    view.grab()
    assert view.sparklines.lines_drawn == drawn  # ... but its cell is not due yet: the line shown stays
    model.set_symbols(["AAA", "BBB"])  # (a fresh start of the list: every cell due again)
    model.quotes_changed({"AAA"})
    model.flush_changes()
    view.grab()
    assert view.sparklines.lines_drawn == drawn + 1  # AAA's new line; BBB's series did not change
    model.remove_symbol("BBB")
    assert view.sparklines.cached() == {"AAA"}


def test_a_selected_rows_trend_line_takes_the_selections_text_colour(qtbot: QtBot) -> None:
    """On the selection's highlight the up/down colour would not read: the line takes the highlighted text's
    colour, and its own again once the row is no longer selected."""
    store = QuoteStore()
    for k in range(20):
        store.apply(Quote("AAA", 10.0 + 0.1 * k, T0 + 60 * k, prev_close=9.0))
    model, view = table_over(qtbot, store, ["AAA", "BBB"])
    model.quotes_changed({"AAA"})
    model.flush_changes()

    def line_colours() -> set[int]:
        rect = view.visualRect(model.index(0, Column.TREND)).adjusted(4, 4, -4, -4)
        image = view.viewport().grab(rect).toImage()
        return {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}

    highlighted = view.palette().highlightedText().color().rgb()
    up = view.sparklines.colors.up.rgb()
    view.select_symbol("BBB")
    assert up in line_colours()
    view.select_symbol("AAA")
    assert highlighted in line_colours() and up not in line_colours()


def test_a_burst_of_fires_reaches_the_log_in_few_steps(qtbot: QtBot, tmp_path: Path) -> None:
    """Each new row shifts the whole log: in a burst, rows come in at most every LOG_MS; a lone fire at once."""
    opened, writer, controller, panel = alerts_on(tmp_path, qtbot)
    inserts: list[int] = []
    panel.log_model.rowsInserted.connect(lambda _parent, first, last: inserts.append(last - first + 1))
    legs = (("IWM", 250.0), ("QQQ", 600.0))

    def fire(k: int) -> AlertFire:
        return AlertFire("r", f"rule {k}", 1.76e9 + k, False, 1.6, 1.5, Condition.CROSSES_ABOVE, legs)

    logged = controller.fires_logged  # what the controller announces once the writer saved a flush's fires
    logged.emit([StoredFire(1, fire(0))])
    assert inserts == [1]  # the first after a quiet spell: at once
    for k in range(1, 21):  # twenty more flushes with a fire each, in quick succession
        logged.emit([StoredFire(k + 1, fire(k))])
    assert inserts == [1]
    qtbot.waitUntil(lambda: panel.log_model.rowCount() == 21, timeout=5000)
    assert inserts == [1, 20]
    qtbot.wait(LOG_MS + 100)
    logged.emit([StoredFire(22, fire(21))])  # quiet again: at once
    assert inserts == [1, 20, 1]
    writer.close()
    opened.connection.close()


def test_fires_waiting_for_the_log_count_as_announced(qtbot: QtBot, tmp_path: Path) -> None:
    """A view built during a burst (the charts, just after the first paint) takes the fires announced so
    far, those still waiting for the log's next step too: it hears only later ones by signal."""
    opened, writer, controller, panel = alerts_on(tmp_path, qtbot)
    legs = (("IWM", 250.0), ("QQQ", 600.0))
    fires = [AlertFire("r", f"rule {k}", 1.76e9 + k, False, 1.6, 1.5, Condition.CROSSES_ABOVE, legs) for k in range(3)]
    controller.fires_logged.emit([StoredFire(1, fires[0])])
    controller.fires_logged.emit([StoredFire(2, fires[1]), StoredFire(3, fires[2])])
    assert panel.log_model.rowCount() == 1  # the other two wait for the log's next step
    assert panel.announced_fires() == fires
    qtbot.waitUntil(lambda: panel.log_model.rowCount() == 3, timeout=5000)
    assert panel.announced_fires() == fires  # once in the log, not counted twice
    writer.close()
    opened.connection.close()


def test_quotes_after_a_quiet_interval_are_applied_on_arrival_others_keep_company(qtbot: QtBot) -> None:
    store = QuoteStore()
    driver = PipelineDriver(QuotePipeline(store))
    flushed: list[int] = []
    driver.quotes_applied.connect(lambda _changed, count: flushed.append(count))
    driver.pipeline.push([Quote("AAA", 10.0, T0)])  # (pushed on this thread, the wake is a direct call)
    assert flushed == [1] and store.latest("AAA") is not None  # the wake alone: no flush interval waited
    driver.pipeline.push([Quote("AAA", 10.5, T0 + 1)])
    driver.pipeline.push([Quote("BBB", 20.0, T0 + 1)])
    qtbot.wait(FLUSH_INTERVAL_MS // 5)
    assert flushed == [1]  # soon after a flush, quotes keep company for the rest of FLUSH_INTERVAL_MS ...
    qtbot.waitUntil(lambda: flushed == [1, 2], timeout=1000)  # ... and come as one flush
    qtbot.wait(FLUSH_INTERVAL_MS + 10)
    driver.pipeline.push([Quote("AAA", 11.0, T0 + 2)])
    assert flushed == [1, 2, 1]  # an interval after the last flush: applied on the wake, not an interval later
    driver.stop()


def test_a_change_after_a_quiet_spell_is_drawn_in_the_next_turn_then_at_most_once_an_interval(qtbot: QtBot) -> None:
    drawn: list[set[str]] = []
    coalescer: Coalescer[str] = Coalescer(200, drawn.append)
    coalescer.add({"AAA"})
    coalescer.add({"BBB"})  # the same turn: drawn together
    assert drawn == []
    qtbot.waitUntil(lambda: len(drawn) == 1, timeout=100)  # far sooner than the interval
    assert drawn == [{"AAA", "BBB"}]
    started = time.monotonic()
    coalescer.add({"CCC"})
    qtbot.waitUntil(lambda: len(drawn) == 2, timeout=1000)
    assert drawn[1] == {"CCC"} and time.monotonic() - started >= 0.15  # within the interval: it waits


def test_a_slow_take_settles_after_the_events_that_fell_due(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline_driver, "SETTLE_AT_ONCE_S", 0.0)  # every take counts as slow
    rule = rule_from_dict({"id": "x", "type": "price", "symbol": "AAA", "condition": "crosses_above", "level": 11})
    store = QuoteStore()
    driver = PipelineDriver(QuotePipeline(store, AlertEngine([rule])))
    order: list[str] = []
    driver.quotes_applied.connect(lambda _changed, count: order.append(f"applied {count}"))
    driver.alerts_fired.connect(lambda fires: order.append(f"fired {len(fires)}"))
    QTimer.singleShot(0, lambda: order.append("due meanwhile"))
    driver.pipeline.push([Quote("AAA", 10.0, T0), Quote("AAA", 12.0, T0 + 1), Quote("AAA", 10.5, T0 + 2)])
    latest = store.latest("AAA")
    assert latest is not None and latest.price == 10.5 and order == [], "stored, not yet settled"
    qtbot.waitUntil(lambda: len(order) == 3, timeout=1000)
    assert order == ["due meanwhile", "applied 3", "fired 1"], "the crossing inside the batch still fires"
    driver.pipeline.push([Quote("AAA", 10.8, T0 + 3)])
    qtbot.waitUntil(lambda: order[-1] == "applied 1", timeout=1000)
    driver.pipeline.on_wake = None
    driver.pipeline.push([Quote("AAA", 10.0, T0 + 4), Quote("AAA", 13.0, T0 + 5)])
    driver.flush(settle_now=True)  # shutting down: nothing is left for a later turn
    assert order[-2:] == ["applied 2", "fired 1"]
    driver.stop()


def test_a_burst_over_many_rows_is_announced_in_blocks(qtbot: QtBot) -> None:
    store = QuoteStore()
    names = [f"S{k:02d}" for k in range(60)]  # more changed rows than are compared cell by cell
    for k, name in enumerate(names):
        store.apply(Quote(name, 10.0 + k, T0, prev_close=9.0))
    model = WatchlistModel(store, clock=lambda: T0)
    model.set_symbols(names)
    view = WatchlistView(model)
    qtbot.addWidget(view)
    view.show()
    model.quotes_changed(set(names))
    model.flush_changes()
    view.setColumnHidden(Column.VOL_RATIO, False)  # one of the two optional columns shown
    announced: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda tl, br, _r: announced.append((tl.row(), br.row(), tl.column(), br.column())))
    for k, name in enumerate(names):
        store.apply(Quote(name, 11.0 + k, T0 + 5, prev_close=9.0))
    model.quotes_changed(set(names))
    model.flush_changes()
    blocks = {(first, last) for _, _, first, last in announced}
    assert (Column.LAST, Column.AGE) in blocks and (Column.YEAR_RANGE, Column.VOL_RATIO) in blocks
    text = [(top, bottom) for top, bottom, first, _ in announced if first == Column.LAST]
    assert text == [(0, 59)]  # one run of rows for the block
    sparks = {r for top, bottom, first, _ in announced if first == Column.TREND for r in range(top, bottom + 1)}
    assert 0 < len(sparks) <= SPARKS_PER_REPAINT  # every row's came due at once: a few now, the rest later
    assert model.data(model.index(0, Column.LAST)) == "11.00"


def test_steady_label_fits_a_text_like_its_widest(qtbot: QtBot) -> None:
    """Sized from `widest`, the label shows any text of the same shape whole (a fraction of a pixel short
    elided "replay clock" in the status bar)."""
    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    row.addStretch(1)
    label = SteadyLabel(widest="newest quote 8888-88-88 88:88:88 EDT · replay clock")
    row.addWidget(label)
    window.resize(1600, 40)
    window.show()
    qtbot.waitExposed(window)
    replay = "newest quote 2026-07-02 16:00:00 EDT · replay clock"
    live = "newest quote 2026-11-26 20:58:57 EST · 0s old"
    for text in (replay, live):
        label.setText(text)
        label.grab()
        assert label.toolTip() == "", text  # not elided


def test_a_growing_bar_moves_the_volume_scale_only_at_the_next_step(qtbot: QtBot, intraday_dir: Path) -> None:
    store, chart = spy_chart(qtbot, intraday_dir, "1D")
    last = store.latest("SPY")
    assert last is not None and last.volume is not None
    box = chart.volume_plot.getViewBox()

    def trade(shares: float, seconds: float) -> tuple[float, float]:
        volume = (store.latest("SPY").volume or 0.0) + shares  # type: ignore[union-attr]
        store.apply(last._replace(time=last.time + seconds, volume=volume))
        chart.refresh()
        settle(chart.canvas)
        bars = chart.volume.getData()[1]
        return float(np.max(bars)), box.viewRange()[1][1]

    tallest, top = trade(float(np.max(chart.volume.getData()[1])) * 3, 60)  # the bar in progress leads
    assert tallest < top < tallest / 0.8 * 1.25  # it fills most of the pane (the view's padding aside)
    room = headroom_ceiling(tallest) - tallest
    grown = [trade(room / 10, 61 + k) for k in range(5)]  # half-way to the next step
    assert grown[-1][0] > tallest and {t for _, t in grown} == {top}  # it grew; the scale stayed
    passed, new_top = trade(tallest * 2, 70)
    assert passed > 2 * tallest and new_top > top


def test_the_last_price_tag_is_laid_out_once_per_new_price(qtbot: QtBot, intraday_dir: Path) -> None:
    store, chart = spy_chart(qtbot, intraday_dir)
    text_item = chart.last_tag.label.textItem
    laid_out: list[str] = []
    original = text_item.setPlainText
    text_item.setPlainText = lambda text: (laid_out.append(text), original(text))  # every text set lays out
    last = store.latest("SPY")
    assert last is not None
    for k, price in enumerate((last.price + 1.25, last.price + 1.25, last.price - 2.5), start=1):
        store.apply(last._replace(price=price, time=last.time + k))
        chart.refresh()
        assert chart.last_tag.value() == price and text_item.toPlainText() == f" {price:.2f} "
    assert laid_out == [f" {last.price + 1.25:.2f} ", f" {last.price - 2.5:.2f} "]  # not for the same price


def test_the_rotation_grid_is_recomputed_for_its_own_pair_only(qtbot: QtBot) -> None:
    """Five engine values per refresh: a quote of another symbol leaves the grid alone."""
    engine = AlertEngine()
    day = 86_400.0
    for k, (iwm, qqq) in enumerate([(240.0, 600.0), (242.0, 603.0)]):
        engine.process(
            [Quote("IWM", iwm, T0 - (2 - k) * day, daily=True), Quote("QQQ", qqq, T0 - (2 - k) * day, daily=True)]
        )
    engine.process([Quote("IWM", 244.42, T0), Quote("QQQ", 603.0, T0)])
    panel = RotationPanel(engine)
    qtbot.addWidget(panel)
    panel.refresh()
    assert panel.cells["1D"].text() == "+1.00"  # IWM +1 % on the day, QQQ flat
    engine.process([Quote("IWM", 246.84, T0 + 60), Quote("NVDA", 180.0, T0 + 60)])
    panel.symbols_changed({"NVDA"})
    assert panel.cells["1D"].text() == "+1.00"
    panel.symbols_changed({"NVDA", "IWM"})
    assert panel.cells["1D"].text() == "+2.00"


def test_a_day_of_ticks_is_drawn_with_two_points_per_pixel(qtbot: QtBot) -> None:
    """21,600 ticks (09:30 to 15:30 at 1 Hz) on a 1D chart: the line draws each pixel column's low and high,
    not every tick (pyqtgraph's default drew ten points per pixel: 4 ms of line drawing per update)."""
    store = QuoteStore()
    rng = np.random.default_rng(5)
    prices = 180.0 * np.exp(np.cumsum(rng.normal(0, 0.0005, 21_600)))
    open_at = T0 + 16_600  # 09:30 New York on T0's day
    store.apply_all([Quote("SPY", float(p), open_at + k, prev_close=180.0) for k, p in enumerate(prices)])
    chart = PriceChart(store)
    qtbot.addWidget(chart)
    chart.resize(1000, 600)
    chart.show()
    chart.show_symbol("SPY")
    chart.set_range("1D")
    qtbot.waitExposed(chart)
    _, drawn = chart.line.curve.getData()
    pixels = chart.line.getViewBox().width()
    assert 0 < pixels < 1000
    assert 100 < len(drawn) <= 2 * pixels + 4  # a low and a high per pixel column
    assert float(np.max(drawn)) == float(np.max(chart.mapping.to_y(prices)))  # each column's peaks are kept
    assert float(np.min(drawn)) == float(np.min(chart.mapping.to_y(prices)))


def test_a_trend_line_draws_through_each_of_its_points(qtbot: QtBot) -> None:
    """The line's points are written straight into the polygon's memory: drawn, it is the same line as one
    made of QPointF one at a time, and it rises and falls where the series does."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QPainter, QPen, QPixmap, QPolygonF

    from desktop.ui.sparkline_delegate import SparklineDelegate

    values = np.array([5.0, 7.0, 6.0, 9.0, 8.0, 4.0, 6.5])
    width, height, colour = 60, 20, QColor("#2e7d32")
    drawn = SparklineDelegate()._line(values, width, height, colour, 1.0).toImage()
    xs = np.linspace(0.0, width - 1.0, len(values))
    ys = (height - 1.0) - (values - 4.0) / 5.0 * (height - 1.0)
    plain = QPixmap(width, height)
    plain.fill(Qt.GlobalColor.transparent)
    painter = QPainter(plain)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(colour)
    pen.setWidthF(1.4)
    painter.setPen(pen)
    painter.drawPolyline(QPolygonF([QPointF(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]))
    painter.end()
    assert drawn == plain.toImage()
    lowest = drawn.pixelColor(round(xs[5]), round(ys[5]))  # the series' low (4.0) is the cell's bottom row
    assert round(ys[5]) == height - 1 and lowest.alpha() > 0
    assert drawn.pixelColor(round(xs[5]), 0).alpha() == 0, "nothing drawn above the low at its x"


def test_trend_lines_in_view_are_redrawn_before_those_out_of_sight(qtbot: QtBot) -> None:
    """A burst over 200 rows: the few lines a repaint may redraw go to the rows on screen first."""
    from PySide6.QtWidgets import QAbstractItemView

    from desktop.ui.watchlist_model import SPARK_ROLE

    symbols = [f"S{k:03d}" for k in range(200)]
    store = QuoteStore()
    for minute in range(3):
        for symbol in symbols:
            store.apply(Quote(symbol, 10.0 + minute, T0 + 60 * minute, prev_close=9.0))
    model, view = table_over(qtbot, store, symbols, now=T0 + 180)
    view.scrollTo(model.index(100, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    top, bottom = view.shown_rows()
    assert 95 <= top <= 100 < top + SPARKS_PER_REPAINT <= bottom < 120, "about ten rows in view, from row 100"

    def drawn() -> set[int]:
        return {row for row in range(200) if model.data(model.index(row, Column.TREND), SPARK_ROLE) is not None}

    model.quotes_changed(set(symbols))
    model.flush_changes()
    assert len(drawn()) == SPARKS_PER_REPAINT and all(top <= row <= bottom for row in drawn())
    for symbol in symbols:
        store.apply(Quote(symbol, 14.0, T0 + 240, prev_close=9.0))
    model.quotes_changed(set(symbols))
    model.flush_changes()
    in_view = set(range(top, bottom + 1))
    assert in_view <= drawn(), "the rest of the rows in view come next"
    assert len(drawn()) == 2 * SPARKS_PER_REPAINT, "and what the budget leaves goes to rows out of sight"
