"""The charts: ranges, normalisation, spreads checked against plain pandas, draggable levels, markers, export."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from pytestqt.qtbot import QtBot

from desktop.core.alerts.rules import Condition
from desktop.core.quote_store import QuoteStore
from desktop.core.sessions import close_timestamp, session_date
from desktop.feeds.replay_source import load_timeline
from desktop.ui.charts.axes import PercentAxis, VolumeAxis
from desktop.ui.charts.price_chart import PriceChart
from desktop.ui.charts.relative_chart import RelativeChart
from desktop.ui.charts.spread_chart import SpreadChart
from desktop.ui.charts.trading_time import TradingTimeAxis
from desktop.ui.charts.volume_steps import headroom_ceiling
from desktop.ui.theme import DARK, LIGHT

from ..test_cli import tickerdesk
from .conftest import MakeWindow, replayed
from .test_alerts_ui import NVDA, repository, seed, stored_fires

ROTATION = {"id": "rotation", "type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "condition": "crosses_above",
            "level": 1.5, "cooldown": "1d"}  # fmt: skip


def filled_store(folder: Path, symbols: set[str]) -> QuoteStore:
    timeline = load_timeline([folder])
    store = QuoteStore()
    for k in range(len(timeline)):
        store.apply_all(timeline.quotes_of_step(k, symbols))
    return store


def closes(folder: Path, symbol: str) -> pd.Series:
    return pd.read_csv(folder / f"{symbol}.csv", parse_dates=["Date"], index_col="Date")["Close"]


def as_dates(times: np.ndarray) -> list[str]:
    return [session_date(float(t)).isoformat() for t in times]


@pytest.mark.parametrize("source", ["bundled", "shared"])
def test_relative_returns_match_hand_computed(qtbot: QtBot, daily_dir: Path, request: pytest.FixtureRequest,
                                              source: str) -> None:  # fmt: skip
    folder = daily_dir if source == "bundled" else request.getfixturevalue("shared_data") / "daily"
    chart = RelativeChart(filled_store(folder, {"IWM", "QQQ", "SPY"}))
    qtbot.addWidget(chart)
    chart.show()
    chart.set_start(date(2025, 10, 1))
    for symbol in ("IWM", "QQQ", "SPY"):
        x, y = chart.values(symbol)
        series = closes(folder, symbol)
        base = series[series.index < "2025-10-01"].iloc[-1]
        expected = (series[series.index >= series[series.index < "2025-10-01"].index[-1]] / base - 1) * 100
        assert as_dates(x) == [d.strftime("%Y-%m-%d") for d in expected.index]
        assert y[0] == 0.0 and np.allclose(y, expected.to_numpy(), atol=1e-9)
    x, y = chart.values("IWM")
    assert as_dates(x)[:1] == ["2025-09-30"], "0 % sits at the last close before the start"


def test_relative_defaults_to_the_quarter_start(qtbot: QtBot, daily_dir: Path) -> None:
    chart = RelativeChart(filled_store(daily_dir, {"IWM", "QQQ", "SPY"}))
    qtbot.addWidget(chart)
    chart.show()
    chart.refresh(force=True)
    assert chart.effective_start() == date(2026, 7, 1)  # the newest quote is 2026-08-21
    chart.set_symbols(["IWM", "NOPE"])
    assert "NOPE" in chart.note.text() and set(chart.curves) == {"IWM", "NOPE"}


def test_the_legend_follows_the_theme(qtbot: QtBot, daily_dir: Path) -> None:
    """Its names are written in the chart's text colour, light or dark, whenever the theme changes."""
    chart = RelativeChart(filled_store(daily_dir, {"IWM", "QQQ"}))
    qtbot.addWidget(chart)
    chart.set_symbols(["IWM", "QQQ"])
    for colors in (DARK, LIGHT):
        chart.set_colors(colors)
        labels = [label for _sample, label in chart.legend.items]
        assert [label.text for label in labels] == ["IWM", "QQQ"]
        wanted = colors.chart_foreground.name().lower()
        assert all(wanted in label.item.toHtml().lower() for label in labels), wanted


def test_a_range_that_starts_on_a_months_last_day_names_the_next_month_first(qtbot: QtBot, daily_dir: Path) -> None:
    # 0 % sits on 2026-06-30, the close before the quarter: labelled "Jun 2026", it made the July days after
    # it read as June's ("Jun 2026 · 6 · 13 · 20 · 27 · Aug").
    chart = RelativeChart(filled_store(daily_dir, {"IWM", "QQQ", "SPY"}))
    qtbot.addWidget(chart)
    chart.resize(900, 400)
    chart.show()
    chart.refresh(force=True)
    scale = chart.axis.trading
    labels = [text for _, text in scale.labels(-0.5, len(scale) - 0.5, 800)]
    assert labels[0] == "Jul 2026" and "Jun" not in " ".join(labels), labels
    assert "Aug" in labels and labels.index("Aug") > 1
    whole_year = RelativeChart(filled_store(daily_dir, {"SPY"}))  # a range starting mid-month keeps its start
    qtbot.addWidget(whole_year)
    whole_year.show()
    whole_year.set_symbols(["SPY"])
    whole_year.set_start(date(2025, 10, 15))
    year_scale = whole_year.axis.trading
    assert year_scale.labels(-0.5, len(year_scale) - 0.5, 800)[0][1] == "Oct 2025"


def drawn_time_labels(
    qtbot: QtBot, folder: Path, symbol: str, price_range: str, size: tuple[int, int]
) -> tuple[TradingTimeAxis, list[tuple[QRectF, str]]]:
    """The price chart's time axis and the labels it draws (rectangle, text), left to right, as painted."""
    chart = PriceChart(filled_store(folder, {symbol}))
    qtbot.addWidget(chart)
    chart.resize(*size)
    chart.show()
    chart.show_symbol(symbol)
    chart.set_range(price_range)
    axis = chart.volume_axis
    qtbot.waitUntil(lambda: bool(axis._texts))
    image = QImage(*size, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _line, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return axis, [(rect, text) for rect, _flags, text in texts]


def test_the_first_label_is_drawn_even_where_centred_on_its_bar_it_would_cross_the_axis_end(
    qtbot: QtBot, daily_dir: Path
) -> None:
    """pyqtgraph leaves out a label that would stick out of the axis: the first one, the one naming the month
    and year, went ("13 · 20 · 27 · May" with no April). It is drawn from the axis' start instead."""
    axis, drawn = drawn_time_labels(qtbot, daily_dir, "NVDA", "3M", (1200, 600))
    first = min(axis._texts.items())[1]
    assert first[:3] in {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul"} and first[-4:].isdigit(), axis._texts
    assert drawn[0][1] == first, drawn
    bounds = axis.mapRectFromParent(axis.geometry())
    assert drawn[0][0].left() >= bounds.left() and drawn[0][0].right() < drawn[1][0].left(), "inside, clear of the next"


def test_a_first_label_drawn_from_the_axis_start_is_not_crowded_out_by_the_next(qtbot: QtBot, daily_dir: Path) -> None:
    """All of SPY's bundled history on a narrow chart: the first label, drawn from the axis' start, took
    the room "Apr" (a quarter's start) was given, and neither was drawn ("Apr · Jul · Oct · 2025" named
    no year of the first months). The first label wins, and is drawn."""
    axis, drawn = drawn_time_labels(qtbot, daily_dir, "SPY", "All", (800, 400))
    assert drawn[0][1] == min(axis._texts.items())[1] and drawn[0][1][-4:].isdigit(), drawn
    rects = [rect for rect, _text in drawn]
    assert all(a.right() < b.left() for a, b in itertools.pairwise(rects)), "no two labels overlap"


def test_spread_and_ratio_match_pandas(qtbot: QtBot, daily_dir: Path) -> None:
    chart = SpreadChart(filled_store(daily_dir, {"IWM", "QQQ"}), None)
    qtbot.addWidget(chart)
    chart.show()
    chart.refresh(force=True)
    x, y = chart.values()
    iwm, qqq = closes(daily_dir, "IWM"), closes(daily_dir, "QQQ")
    quarter = iwm.index.to_period("Q")

    def qtd(series: pd.Series) -> pd.Series:
        last = series.groupby(quarter).last()
        base = pd.Series(quarter, index=series.index).map(lambda q: last.get(q - 1)).astype(float)
        return (series / base - 1) * 100

    expected = (qtd(iwm) - qtd(qqq)).dropna()
    assert as_dates(x) == [d.strftime("%Y-%m-%d") for d in expected.index]
    assert np.allclose(y, expected.to_numpy(), atol=1e-9)
    from desktop.core.alerts.rules import AlertType

    chart.set_measure(kind=AlertType.RATIO)
    x, y = chart.values()
    assert np.allclose(y, (iwm / qqq).to_numpy(), atol=1e-12)


def test_price_ranges_on_daily_and_intraday_data(qtbot: QtBot, daily_dir: Path, intraday_dir: Path) -> None:
    chart = PriceChart(filled_store(daily_dir, {"SPY"}))
    qtbot.addWidget(chart)
    chart.show()
    chart.show_symbol("SPY")
    last = close_timestamp(date(2026, 8, 21))
    spans = {}
    for name in ("1M", "3M", "YTD", "1Y", "All"):
        chart.set_range(name)
        x, _ = chart.shown
        spans[name] = (float(x[0]), len(x))
    assert spans["1M"][0] >= last - 31 * 86400 and spans["1M"][1] in range(19, 25)
    assert spans["3M"][1] > spans["1M"][1] and spans["1Y"][1] > spans["3M"][1]
    assert session_date(spans["YTD"][0]) == date(2026, 1, 2) and spans["All"][1] == 662

    intraday = PriceChart(filled_store(intraday_dir, {"SPY"}))
    qtbot.addWidget(intraday)
    intraday.show()
    intraday.show_symbol("SPY")
    intraday.set_range("1D")
    x, _ = intraday.shown
    assert {session_date(float(t)) for t in x} == {date(2026, 7, 21)} and len(x) == 78
    intraday.set_candles(True)
    assert intraday.candles.isVisible() and not intraday.line.isVisible()
    assert intraday.candles.count == 78  # one 5-minute candle per 5-minute bar
    # Real candles: each one has the file's own open, high and low, not four copies of the close.
    spy = pd.read_csv(intraday_dir / "SPY.csv", parse_dates=["Datetime"])
    day = spy[spy["Datetime"].astype(str).str.startswith("2026-07-21")].reset_index(drop=True)
    bars = intraday._bars
    for field, column in (("o", "Open"), ("h", "High"), ("l", "Low"), ("c", "Close")):
        assert np.allclose(bars[field], day[column].to_numpy()), field
    assert np.count_nonzero(bars["h"] > bars["l"]) > 70
    intraday.set_range("5D")
    assert intraday.candles.count == 5 * 13  # 30-minute candles over five sessions
    text = intraday.readout_at(float(intraday.scale.x_of(x[10:11])[0]))
    assert text.startswith("2026-07-21 10:00 ") and " O " in text and "Vol" in text


def test_trading_time_axis_has_no_nights_or_weekends(qtbot: QtBot, daily_dir: Path, intraday_dir: Path) -> None:
    chart = PriceChart(filled_store(intraday_dir, {"SPY"}))
    qtbot.addWidget(chart)
    chart.resize(1600, 700)
    chart.show()
    chart.show_symbol("SPY")
    chart.set_range("5D")
    times, _ = chart.shown
    x, _ = chart.line.getData()
    assert times[-1] - times[0] > 4 * 86_400  # five sessions over a weekend in clock time...
    assert 64 <= x[-1] - x[0] <= 65  # ...but 65 half-hour bars side by side on the axis
    assert np.all(np.diff(x) > 0) and np.max(np.diff(x)) <= 1.0  # no empty night anywhere
    labels = chart.scale.labels(-0.5, len(chart.scale) - 0.5, 1500)
    days = [text for _, text in labels if text[:3] in {"Mon", "Tue", "Wed", "Thu", "Fri"}]
    assert labels[0] == (-0.5, "Jul 15") and days == ["Thu 16", "Fri 17", "Mon 20", "Tue 21"], labels
    hours = [text for _, text in labels if ":" in text]
    assert hours and len({int(text[:2]) % 2 for text in hours}) == 1, labels  # an even step: every 2 hours
    pixels = np.diff([pos for pos, _ in labels]) * 1500 / len(chart.scale)
    assert np.all(pixels >= 60), labels  # never two labels on top of each other

    daily = PriceChart(filled_store(daily_dir, {"SPY"}))
    qtbot.addWidget(daily)
    daily.show()
    daily.show_symbol("SPY")
    daily.set_range("1M")
    daily.set_candles(True)
    friday = close_timestamp(date(2026, 8, 14))
    k = float(daily.scale.x_of(np.array([friday]))[0])
    assert k == round(k), "a daily candle sits on its own date, centred"
    assert daily.readout_at(k).startswith("2026-08-14 ") and daily.readout_at(k + 1).startswith("2026-08-17 ")
    month = [text for _, text in daily.scale.labels(-0.5, len(daily.scale) - 0.5, 1500)]
    assert "Aug" in month and all(len(text) <= 8 for text in month)


def test_dragging_a_level_saves_the_rule(qtbot: QtBot, make_window: MakeWindow) -> None:
    seed(ROTATION)
    window = make_window(speed=0, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    window.charts.tabs.setCurrentWidget(window.charts.spread)
    spread = window.charts.spread
    assert spread.values()[1][-1] > -4.0
    line = spread.level_lines["rotation"]
    assert line.value() == 1.5
    line.setValue(2.75)
    line.sigDragged.emit(line)
    assert "+2.75 pts (release to save)" in line.label.textItem.toPlainText()
    line.sigPositionChangeFinished.emit(line)
    with repository() as repo:
        assert {r.id: r.level for r in repo.rules()[0]}["rotation"] == 2.75
    assert window.alerts.engine.rule("rotation").level == 2.75  # type: ignore[union-attr]
    added = spread.add_rule_at(-4.0)
    assert added is not None and added.level == -4.0 and added.condition.value == "crosses_below"
    assert added.id in spread.level_lines
    with repository() as repo:
        assert added.id in [r.id for r in repo.rules()[0]]


def test_fires_are_marked_on_the_spread_chart(qtbot: QtBot, make_window: MakeWindow) -> None:
    seed(ROTATION)
    window = make_window(speed=0, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    window.alerts.writer.wait_idle()
    with repository() as repo:
        logged = len(repo.fires())
    qtbot.waitUntil(lambda: window.alerts_panel.log_model.rowCount() == logged, timeout=10_000)
    fires = [f for f in window.alerts_panel.log_model.fires() if f.rule_id == "rotation"]
    assert len(fires) > 3
    window.charts.tabs.setCurrentWidget(window.charts.spread)
    assert window.charts.spread.marker_count() == len(fires)
    spots = window.charts.spread.markers.data
    assert sorted(float(s["y"]) for s in spots) == sorted(f.value for f in fires)


def test_rotation_grid_matches_hand_computed_spreads(qtbot: QtBot, make_window: MakeWindow, daily_dir: Path) -> None:
    window = make_window(speed=0, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    values = window.charts.rotation.values()
    iwm, qqq = closes(daily_dir, "IWM"), closes(daily_dir, "QQQ")

    def ret(series: pd.Series, base: float) -> float:
        return (series.iloc[-1] / base - 1) * 100

    def before(series: pd.Series, day: str) -> float:
        return float(series[series.index < day].iloc[-1])

    expected = {
        "1D": ret(iwm, iwm.iloc[-2]) - ret(qqq, qqq.iloc[-2]),
        "5D": ret(iwm, iwm.iloc[-6]) - ret(qqq, qqq.iloc[-6]),
        "1M": ret(iwm, iwm.iloc[-22]) - ret(qqq, qqq.iloc[-22]),
        "QTD": ret(iwm, before(iwm, "2026-07-01")) - ret(qqq, before(qqq, "2026-07-01")),
        "YTD": ret(iwm, before(iwm, "2026-01-01")) - ret(qqq, before(qqq, "2026-01-01")),
    }
    assert values == pytest.approx(expected, abs=1e-9)
    window.charts.rotation.refresh()
    assert window.charts.rotation.cells["QTD"].text() == f"{expected['QTD']:+.2f}"


def test_hidden_tab_waits_until_shown(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0, start=date(2026, 6, 1))
    relative = window.charts.relative
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    assert relative._dirty and not relative.isVisible()
    x, _ = relative.values("IWM")
    assert len(x) == 0, "not drawn while hidden"
    window.charts.tabs.setCurrentWidget(relative)
    x, _ = relative.values("IWM")
    assert len(x) > 10 and not relative._dirty


def test_sparkline_cells_have_the_series(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(speed=0, start=date(2026, 6, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    _, prices = window.model.spark_data("SPY")  # type: ignore[misc]
    assert len(prices) == 30 and prices[-1] == window.store.latest("SPY").price  # type: ignore[union-attr]
    image = window.table.grab().toImage()
    assert not image.isNull()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["chart", "--spread", "IWM", "QQQ", "--window", "qtd"], "IWM − QQQ qtd return spread"),
        (["chart", "IWM", "QQQ", "SPY", "--relative", "--since", "2025-10-01"], "since 2025-10-01"),
        (["chart", "NVDA", "--range", "3M", "--candles", "--theme", "dark"], "NVDA price (3M, candles)"),
    ],
)
def test_headless_chart_export(tickerdesk_home: Path, tmp_path: Path, args: list[str], words: str) -> None:
    png = tmp_path / "chart.png"
    result = tickerdesk(*args, "--source", "replay", "--size", "900x500", "--png", str(png), home=tickerdesk_home)
    assert result.returncode == 0, result.stderr
    assert words in result.stdout and result.stderr == ""
    image = QImage(str(png))
    assert (image.width(), image.height()) == (900, 500)
    colours = {image.pixel(x, y) for x in range(0, 900, 9) for y in range(0, 500, 9)}
    assert len(colours) > 10, "a drawn chart, not a blank image"


def test_chart_bad_input(tickerdesk_home: Path, tmp_path: Path) -> None:
    for args, words in (
        (["chart", "ZZZZ"], "unknown symbol ZZZZ"),
        (["chart", "--spread", "IWM", "IWM"], "two different symbols"),
        (["chart", "--spread", "IWM", "QQQ", "--window", "forever"], "not a window"),
        (["chart", "SPY", "--size", "10x10"], "out of range"),
    ):
        result = tickerdesk(*args, "--png", str(tmp_path / "x.png"), home=tickerdesk_home)
        assert result.returncode == 2 and words in result.stderr, result.stderr


def test_price_chart_follows_new_quotes(qtbot: QtBot, daily_dir: Path) -> None:
    store = QuoteStore()
    timeline = load_timeline([daily_dir])
    steps = iter(range(len(timeline)))
    for k in steps:
        store.apply_all(timeline.quotes_of_step(k, {"SPY"}))
        if len(store.history("SPY") or []) >= 3:
            break
    chart = PriceChart(store)
    qtbot.addWidget(chart)
    chart.resize(800, 400)
    chart.show()
    chart.show_symbol("SPY")  # the view is set up on three points
    for _ in range(40):
        store.apply_all(timeline.quotes_of_step(next(steps), {"SPY"}))
    chart.refresh()
    x, _ = chart.line.getData()
    box = chart.price_plot.getViewBox()
    qtbot.waitUntil(lambda: box.viewRange()[0][1] >= float(x[-1]), timeout=3000)  # the view reaches the newest


def test_one_point_ranges_say_so_instead_of_drawing_axes(qtbot: QtBot) -> None:
    timeline = load_timeline(None)
    store = QuoteStore()
    for k in range(len(timeline)):
        store.apply_all(timeline.quotes_of_step(k, {"SPY"}))
    chart = PriceChart(store)
    qtbot.addWidget(chart)
    chart.show()
    chart.symbol = "SPY"
    chart.set_range("1D")  # one daily bar: not a chart
    chart.refresh(reset_view=True)
    assert not chart.has_data and chart.stack.currentWidget() is chart.empty_note
    assert "No data for this range" in chart.empty_note.text()
    chart.set_range("All")
    chart.refresh(reset_view=True)
    assert chart.has_data and chart.stack.currentWidget() is chart.canvas


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["SPY", "--range", "1D"], "nothing to draw: SPY has"),
        # the data ends 2026-08-21: a window or a start after it has nothing to measure
        (
            ["--spread", "IWM", "QQQ", "--window", "since:2030-01-01"],
            "nothing to draw: IWM − QQQ since:2030-01-01 needs each one's close before",
        ),
        (
            ["IWM", "QQQ", "--relative", "--since", "2030-01-01"],
            "nothing to draw: no session in the data after 2030-01-01",
        ),
        (
            ["IWM", "QQQ", "--relative", "--since", "2020-01-01"],
            "nothing to draw: no data before 2020-01-01 for IWM, QQQ",
        ),
        (["NVDA", "--rrg", "NVDA"], "symbols to rotate against NVDA other than NVDA itself"),
    ],
)
def test_chart_with_nothing_to_draw_exits_2(
    tickerdesk_home: Path, tmp_path: Path, args: list[str], reason: str
) -> None:
    out = tmp_path / "x.png"
    done = tickerdesk("chart", *args, "--png", str(out), home=tickerdesk_home)
    assert done.returncode == 2 and reason in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not out.exists()


def test_export_is_the_chart_alone_under_a_title(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> None:
    seed(ROTATION)
    window = make_window(speed=0, start=date(2026, 8, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    charts = window.charts
    charts.tabs.setCurrentWidget(charts.spread)
    charts.spread.refresh(force=True)
    out = tmp_path / "spread.png"
    window.write_chart(out)
    qtbot.waitUntil(lambda: window.message_label.text() == f"Saved the chart to {out}", timeout=5000)
    image = QImage(str(out))
    plot = charts.spread.plot
    # The plot's own pixels and a title band: no pair boxes, measure menus or hint line above or below.
    assert (image.width(), image.height()) == (plot.width(), plot.height() + 54)
    assert image.height() < charts.spread.height() + 54 - charts.spread.a_edit.height()
    headline, detail = charts.spread.export_title()
    assert headline.startswith("IWM − QQQ · qtd return spread") and "1 alert level" in headline
    assert detail == "Replay of recorded bars · as of 2026-08-21"
    charts.tabs.setCurrentWidget(charts.price)
    assert charts.export_name() == "SPY-All"
    assert charts.price.export_title()[0].startswith("SPY · All · line · 765.72")


def test_a_chart_that_cannot_be_saved_says_why_and_leaves_the_old_file_whole(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    from ..disks import fill, small_tmpfs

    window = make_window(speed=0, start=date(2026, 8, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    window.write_chart(tmp_path / "no such folder" / "x.png")
    qtbot.waitUntil(lambda: window.message_label.text().startswith("Could not save the chart:"), timeout=5000)
    assert "no such folder" in window.message_label.text()
    window.write_chart(tmp_path / "x.tiff2")
    assert window.message_label.text() == "Could not save the chart: x.tiff2: an image cannot be written as TIFF2"
    with small_tmpfs(tmp_path / "disk", "256k") as disk:
        old = disk / "chart.png"
        old.write_bytes(b"last week's chart")
        fill(disk)
        window.write_chart(old)
        qtbot.waitUntil(lambda: "the disk is full" in window.message_label.text(), timeout=5000)
        assert old.read_bytes() == b"last week's chart"
        assert sorted(p.name for p in disk.iterdir()) == ["chart.png", "filler"], "no temporary file left"


def test_the_chart_command_refuses_a_file_it_cannot_write_in_one_line(tickerdesk_home: Path, tmp_path: Path) -> None:
    typo = tickerdesk("chart", "SPY", "--png", str(tmp_path / "spy.pgn"), home=tickerdesk_home)
    assert typo.returncode == 2 and "an image is saved as .png, .jpg or .bmp" in typo.stderr
    folder = tmp_path / "taken.png"
    folder.mkdir()
    taken = tickerdesk("chart", "SPY", "--png", str(folder), home=tickerdesk_home)
    assert taken.returncode == 2 and taken.stderr.strip().endswith("taken.png: it is a folder")
    for done in (typo, taken):
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_price_alerts_are_levels_on_the_price_chart(qtbot: QtBot, make_window: MakeWindow) -> None:
    from desktop.ui.charts.price_scale import ScaleMode

    seed(NVDA)
    window = make_window(speed=0, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    chart = window.chart
    window.table.select_symbol("NVDA")
    line = chart.levels.lines["nvda175"]
    assert line.value() == 175.0 and "NVDA price crosses below 175" in line.label.textItem.toPlainText()
    last = window.store.latest("NVDA")
    assert last is not None and chart.last_tag.value() == last.price and chart.last_tag.isVisible()
    logged = len([f for f in stored_fires() if f.fire.rule_id == "nvda175"])
    qtbot.waitUntil(lambda: chart.marker_count() == logged > 0, timeout=5000)  # fires reach the chart by signal
    line.setValue(180.0)
    line.sigPositionChangeFinished.emit(line)  # released: saved
    with repository() as repo:
        assert {r.id: r.level for r in repo.rules()[0]}["nvda175"] == 180.0
    line.setValue(-5.0)
    line.sigPositionChangeFinished.emit(line)  # dragged below 0: refused, said, and the line goes back
    assert line.value() == 180.0 and "always above 0. Nothing was changed." in window.message_label.text()
    with repository() as repo:
        assert {r.id: r.level for r in repo.rules()[0]}["nvda175"] == 180.0
    added = chart.add_rule_at(last.price * 1.1)
    assert added is not None and added.symbol == "NVDA" and added.condition.value == "crosses_above"
    assert added.id in chart.levels.lines

    chart.set_scale_mode(ScaleMode.LOG)
    assert line.value() == pytest.approx(np.log10(180.0))
    assert chart.last_tag.value() == pytest.approx(np.log10(last.price))
    chart.set_scale_mode(ScaleMode.PERCENT)
    _, y = chart.line.getData()
    first = chart.shown[1][0]
    assert y[0] == 0.0 and y[-1] == pytest.approx((last.price / first - 1) * 100)
    assert line.value() == pytest.approx((180.0 / first - 1) * 100)

    window.table.select_symbol("SPY")  # other symbol: other levels, no stale crosshair figures
    assert "nvda175" not in chart.levels.lines and chart.readout.text() == ""


def test_a_growing_scale_labels_like_a_fresh_one(intraday_dir: Path) -> None:
    from desktop.ui.charts.trading_time import TradingTimeScale

    minutes = filled_store(intraday_dir, {"QQQ"}).minute_bars("QQQ")
    assert minutes is not None
    starts = np.unique(minutes.column("t") - minutes.column("t") % 1800)
    grown = TradingTimeScale(starts[:200], 1800.0)
    grown.labels(0, 199, 800)  # works out the first 200 bars
    for n in (200, 201, 260, len(starts)):
        grown = grown.follow(starts[:n], 1800.0)
        fresh = TradingTimeScale(starts[:n], 1800.0)
        for lo, hi, px in ((0, n - 1, 1500), (n - 40, n - 1, 600)):
            assert grown.labels(lo, hi, px) == fresh.labels(lo, hi, px)
    moved = grown.follow(starts[5:], 1800.0)  # the range's start moved: nothing reused, still right
    assert moved.labels(0, 100, 900) == TradingTimeScale(starts[5:], 1800.0).labels(0, 100, 900)


def test_the_volume_pane_top_is_a_round_step_the_tallest_bar_mostly_fills() -> None:
    assert [headroom_ceiling(v) for v in (1, 7, 10, 10.01, 151, 0.034, 7_009_452.9)] == [
        1.0, 7.0, 10.0, 12.5, 175.0, 0.035, 8_000_000.0,
    ]  # fmt: skip
    values = np.random.default_rng(4).lognormal(10, 4, 2000)
    tops = np.array([headroom_ceiling(float(v)) for v in values])
    assert np.all(tops >= values) and np.all(values / tops >= 0.8)


def test_volume_axis_labels_are_round_numbers_in_the_tables_units(qtbot: QtBot) -> None:  # a text item needs the app
    axis = VolumeAxis(orientation="right")
    assert axis.tickStrings([0.0, 500_000.0, 1_000_000.0, 1_500_000.0], 1.0, 500_000.0) == ["0", "500K", "1M", "1.5M"]
    assert axis.tickStrings([1.25, 2.5], 1e9, 0.25) == ["1.25B", "2.5B"]


def test_percent_axis_labels_are_signed_except_zero(qtbot: QtBot) -> None:
    axis = PercentAxis(suffix=" pts", orientation="left")
    assert axis.tickStrings([-5.0, 0.0, 5.0], 1.0, 5.0) == ["-5 pts", "0 pts", "+5 pts"]
    assert axis.tickStrings([-0.1, -1e-17, 0.1], 1.0, 0.1) == ["-0.1 pts", "0.0 pts", "+0.1 pts"]  # a rounding's -0.0
    axis.signed, axis.suffix = False, ""
    assert axis.tickStrings([0.0, 0.4], 1.0, 0.2) == ["0.0", "0.4"]


def test_a_series_of_closes_alone_has_an_empty_volume_pane_and_draws_candles_as_a_line(
    qtbot: QtBot, daily_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "prices"
    folder.mkdir()
    bars = pd.read_csv(daily_dir / "QQQ.csv")
    bars[["Date", "Close"]].to_csv(folder / "QQQ.csv", index=False)  # real closes, no volume (as FX or ^VIX)
    (folder / "SPY.csv").write_bytes((daily_dir / "SPY.csv").read_bytes())
    chart = PriceChart(filled_store(folder, {"SPY", "QQQ"}))
    qtbot.addWidget(chart)
    chart.resize(800, 400)
    chart.show()
    axis = chart.volume_plot.getAxis("right")
    chart.show_symbol("QQQ")
    assert not chart.has_volume and not axis.style["showValues"]
    assert chart.volume_plot.getViewBox().viewRange()[1] == [0.0, 1.0]  # not a height of zero read as 0, 0, -0
    chart.set_candles(True)
    assert not chart.draws_candles and chart.line.isVisible(), "closes alone would be dots as candles"
    assert "no high or low" in chart.candle_button.toolTip() and chart.export_title()[0].startswith("QQQ · All · line")
    chart.show_symbol("SPY")
    high = chart.volume_plot.getViewBox().viewRange()[1][1]
    assert chart.has_volume and axis.style["showValues"] and high > 1e6
    assert chart.draws_candles and chart.candles.isVisible() and not chart.line.isVisible()


def test_a_level_placed_with_the_mouse_is_the_level_shown(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    """A stock's level lands on cents and a currency pair's on four decimals, as their rows show prices: a
    level saved as 181.2345 showed as 181.23 and did not fire at 181.23. The rules table says the same."""
    from desktop.ui.alert_models import RuleColumn

    days = ["2025-10-01", "2025-10-02", "2025-10-03"]
    closes = {"EURUSD=X": (1.0811, 1.0827, 1.0843), "NVDA": (181.11, 182.22, 183.33)}
    for symbol, prices in closes.items():
        rows = "".join(f"{d},{p}\n" for d, p in zip(days, prices, strict=True))
        (tmp_path / f"{symbol}.csv").write_text("Date,Close\n" + rows)
    window = make_window(speed=0, start=date(2025, 10, 1), replay_data=[tmp_path])
    assert window.add_symbol("EURUSD=X")
    qtbot.waitUntil(lambda: replayed(window) and window.store.latest("EURUSD=X") is not None, timeout=10_000)
    chart = window.chart
    window.table.select_symbol("NVDA")
    stock = chart.add_rule_at(181.2345)
    assert stock is not None and stock.level == 181.23 and stock.title.endswith("181.23")
    line = chart.levels.lines[stock.id]
    line.setValue(180.5678)
    line.sigPositionChangeFinished.emit(line)
    with repository() as repo:
        assert {r.id: r.level for r in repo.rules()[0]}[stock.id] == 180.57
    window.table.select_symbol("EURUSD=X")
    pair = chart.add_rule_at(1.08765)
    assert pair is not None and pair.level == 1.0877
    rules = window.alerts_panel.rules_model
    row = rules.row_of(pair.id)
    assert row is not None
    value, distance = (rules.data(rules.index(row, column)) for column in (RuleColumn.VALUE, RuleColumn.DISTANCE))
    assert (value, distance) == ("1.0843", "+0.0034"), "not 1.08 and +0.00"


def test_a_rule_either_way_of_zero_draws_both_edges_and_drags_as_one(qtbot: QtBot, make_window: MakeWindow) -> None:
    seed({**ROTATION, "condition": "outside"})
    window = make_window(speed=0, start=date(2025, 10, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    window.charts.tabs.setCurrentWidget(window.charts.spread)
    spread = window.charts.spread
    line, mirror = spread.level_lines["rotation"], spread.levels.mirrors["rotation"]
    assert (line.value(), mirror.value()) == (1.5, -1.5) and not mirror.movable
    assert mirror.label.textItem.toPlainText() == "IWM − QQQ qtd return spread outside ±1.5 pts: -1.50 pts"
    line.setValue(-2.5)  # dragged through zero: the other edge follows, and the level is the distance
    line.sigDragged.emit(line)
    assert mirror.value() == 2.5
    line.sigPositionChangeFinished.emit(line)
    assert window.alerts.engine.rule("rotation").level == 2.5  # type: ignore[union-attr]
    assert (line.value(), mirror.value()) == (2.5, -2.5)
    window.alerts.save_rule(window.alerts.engine.rule("rotation").with_changes(condition=Condition.ABOVE))  # type: ignore[union-attr]
    assert "rotation" not in spread.levels.mirrors and "rotation" in spread.level_lines
