"""`tickerdesk chart`: render the window's charts headless from price files and save them as PNG."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from desktop.core.prices import PriceFileError


def render_chart(args: argparse.Namespace) -> str:
    """Draw the chart `args` asks for into `args.png`; returns a line describing what was drawn."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler

    from desktop.core.alerts.windows import parse_window
    from desktop.feeds.replay_source import load_timeline
    from desktop.ui.charts.price_chart import RANGES

    timeline = load_timeline(args.replay_data)
    wanted = list(args.spread) if args.spread else list(args.symbols)
    if getattr(args, "rrg", None):
        from desktop.config import DEFAULT_SYMBOLS

        others = wanted or [s for s in DEFAULT_SYMBOLS if s in timeline.series]
        wanted = [args.rrg, *(s for s in others if s != args.rrg)]
        if len(wanted) == 1:
            raise PriceFileError(f"name symbols to rotate against {args.rrg} other than {args.rrg} itself")
    unknown = [s for s in wanted if s not in timeline.series]
    if unknown:
        raise PriceFileError(f"unknown symbol {', '.join(unknown)}: not in the data")
    window = parse_window(args.window) if args.spread else None
    if args.range not in RANGES:
        raise PriceFileError(f"unknown range {args.range!r} (use {', '.join(RANGES)})")

    def quiet(_kind: object, _context: object, message: str) -> None:
        # The offscreen platform cannot pass size hints to a window manager it does not have: not news.
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(quiet)
    try:
        return _render(args, timeline, wanted, window)
    finally:
        qInstallMessageHandler(previous)


def _render(args: argparse.Namespace, timeline: Any, wanted: list[str], window: Any) -> str:
    from PySide6.QtWidgets import QApplication

    from desktop.core.quote_store import QuoteStore
    from desktop.ui.charts.price_chart import PriceChart
    from desktop.ui.charts.relative_chart import RelativeChart
    from desktop.ui.charts.rotation_graph import RotationGraph
    from desktop.ui.charts.spread_chart import SpreadChart
    from desktop.ui.theme import ThemeMode, apply_theme

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    colors = apply_theme(app, ThemeMode(args.theme))
    store = QuoteStore()
    symbols = set(wanted)
    for k in range(len(timeline)):
        store.apply_all(timeline.quotes_of_step(k, symbols))

    chart: RelativeChart | SpreadChart | PriceChart | RotationGraph
    if getattr(args, "rrg", None):
        rrg = RotationGraph(store)
        rrg.set_benchmark(args.rrg)
        rrg.set_step(5 if args.weekly else 1)
        rrg.set_symbols(wanted[1:])
        chart, what = rrg, f"rotation of {', '.join(wanted[1:])} against {args.rrg}"
    elif args.spread:
        spread = SpreadChart(store, None)
        spread.set_measure(a=args.spread[0], b=args.spread[1], window=window)
        chart, what = spread, f"{args.spread[0]} − {args.spread[1]} {args.window} return spread"
    elif args.relative:
        relative = RelativeChart(store)
        relative.set_symbols(wanted)
        relative.set_start(args.since)
        chart, what = relative, f"returns of {', '.join(wanted)} since {relative.effective_start()}"
    else:
        price = PriceChart(store)
        price.set_candles(args.candles)
        price.symbol = wanted[0]
        price.set_range(args.range)
        chart, what = price, f"{wanted[0]} price ({args.range})"  # ", candles" once drawn (below)
    chart.set_colors(colors)
    from desktop.ui.charts.chart_image import TITLE_HEIGHT, chart_image, save_image

    width, height = args.size
    chart.resize(width, height)
    chart.show()
    app.processEvents()
    # The image is the plot under its title band: grow the widget by what its controls take, so the
    # image has exactly the size asked for.
    view = chart.export_view()
    chart.resize(chart.width() + width - view.width(), chart.height() + height - TITLE_HEIGHT - view.height())
    app.processEvents()
    if isinstance(chart, PriceChart):
        chart.refresh(reset_view=True)
    else:
        chart.refresh(force=True)
    app.processEvents()
    if isinstance(chart, PriceChart) and chart.empty_reason is not None:
        chart.close()
        raise PriceFileError(f"nothing to draw: {chart.empty_reason}")
    if isinstance(chart, RotationGraph) and not chart.paths:
        chart.close()
        raise PriceFileError(f"nothing to draw: {chart.note.text() or 'no symbol has enough history'}")
    if isinstance(chart, SpreadChart) and not len(chart.values()[0]):
        chart.close()
        raise PriceFileError(f"nothing to draw: {chart.why_no_value()}")
    if isinstance(chart, RelativeChart) and all(len(chart.values(s)[0]) < 2 for s in chart.symbols):
        start = chart.effective_start()
        chart.close()  # a series of one point is its base alone: the start is after the data's last session
        raise PriceFileError(f"nothing to draw: {chart.note.text() or f'no session in the data after {start}'}")
    problem = save_image(chart_image(chart), args.png)
    if problem is not None:
        raise PriceFileError(f"could not write {problem}")
    chart.close()
    if isinstance(chart, PriceChart) and chart.draws_candles:  # bars with no range are drawn as a line
        what = what[:-1] + ", candles)"
    return f"saved {what} to {args.png}"


def size_arg(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: use WIDTHxHEIGHT, e.g. 1200x700") from None
    if not (200 <= w <= 8000 and 150 <= h <= 8000):
        raise argparse.ArgumentTypeError(f"size {text!r} out of range")
    return w, h
