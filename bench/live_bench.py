"""live_cpu_pct and live_cpu_pct_100: the window on a live stream, against a bare table on the same stream.

A live day is what a ticker costs a laptop: each symbol updates on its own schedule, not all at once. The
bench runs the project's loopback fake of Yahoo's streamer (a real websocket server speaking the real
frame format) and its fake chart endpoint, sends each subscribed symbol a quote once a second at a random
phase, and measures the CPU of a process:

- the app: `tickerdesk run --source yahoo` on a watchlist of N symbols (the real stream path: websocket,
  decode, pipeline, store, engine, table, sparklines, chart, alerts panel, status bar);
- the floor: a bare QTableView of N rows whose price cell is set from the same frames, decoded the same way.

Both run side by side, each on its own connection to the fake, and are measured over the same seconds after
a warm-up: one after the other, a fast or slow spell of the machine could fall on one of them alone (the
bare table's figure moved between 0.63 % and 1.0 % of a core from run to run).
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.process_bench import cpu_pct, cpu_pcts
from bench.screen import OFFSCREEN
from desktop.config import DEFAULT_SYMBOLS, HOME_ENV, YAHOO_HTTP_ENV, YAHOO_WS_ENV

BARE_TABLE = """
import sys, threading
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView
from websockets.sync.client import connect
from desktop.feeds.yahoo_protocol import decode_frame

url, symbols = sys.argv[1], sys.argv[2].split(",")
app = QApplication(sys.argv[:1])
model = QStandardItemModel(len(symbols), 3)
rows = {s: k for k, s in enumerate(symbols)}
for s, k in rows.items():
    model.setItem(k, 0, QStandardItem(s))
view = QTableView()
view.setModel(model)
view.resize(900, 700)
view.show()

class Courier(QObject):
    quote = Signal(str, float, float)

courier = Courier()
def show(symbol, price, change):
    k = rows.get(symbol)
    if k is not None:
        model.setData(model.index(k, 1), f"{price:,.2f}")
        model.setData(model.index(k, 2), f"{change:+.2f}")
courier.quote.connect(show)

def listen():
    import json
    with connect(url) as ws:
        ws.send(json.dumps({"subscribe": symbols}))
        for text in ws:
            q = decode_frame(text)
            courier.quote.emit(q.symbol, q.price, q.change or 0.0)

threading.Thread(target=listen, daemon=True).start()
app.exec()
"""


class Ticking:
    """Sends every subscribed symbol one quote a second, each at its own random phase, until stopped."""

    def __init__(self, streamer: object, symbols: list[str], seed: int = 1) -> None:
        self.streamer = streamer
        self.symbols = symbols
        rng = random.Random(seed)
        self.phases = {s: rng.random() for s in symbols}
        self.prices = {s: 100.0 + 50 * rng.random() for s in symbols}
        self.rng = rng
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-ticks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        start = math.floor(time.time()) + 1.0
        due = sorted((start + phase, s) for s, phase in self.phases.items())
        while not self._stop.is_set():
            when, symbol = due[0]
            wait = when - time.time()
            if wait > 0 and self._stop.wait(wait):
                return
            price = self.prices[symbol] = self.prices[symbol] * math.exp(self.rng.gauss(0, 0.0005))
            self.streamer.send_quote(  # type: ignore[attr-defined]
                id=symbol, price=round(price, 2), time=int(time.time() * 1000), change=round(price - 100.0, 2),
                market_hours=1, day_volume=1_000_000 + self.sent,
            )  # fmt: skip
            self.sent += 1
            due[0] = (when + 1.0, symbol)
            due.sort()


def _symbols(count: int) -> list[str]:
    if count <= len(DEFAULT_SYMBOLS):
        return list(DEFAULT_SYMBOLS)[:count]
    return list(DEFAULT_SYMBOLS) + [f"Z{k:03d}" for k in range(count - len(DEFAULT_SYMBOLS))]


def _serve_charts(http: object, symbols: list[str], now: float | None = None) -> None:
    """Thirty one-minute bars of history per symbol, up to `now` (default: this minute)."""
    from tests.fakes.yahoo_http import chart_body

    now = time.time() if now is None else now
    for k, symbol in enumerate(symbols):
        price = 100.0 + k
        bars = [(now - 60 * (30 - j), price, price + 0.5, price - 0.5, price, 10_000.0) for j in range(30)]
        http.charts[symbol] = chart_body(symbol, bars, price - 1.0)  # type: ignore[attr-defined]


def _live_app(
    home: str, streamer: Any, http: Any, symbols: list[str], exit_after: float
) -> tuple[list[str], dict[str, str]]:
    """The command and environment of `tickerdesk run --source yahoo` on a watchlist of `symbols`, its home
    in `home`, talking to the fakes."""
    env = dict(os.environ)
    env.update({HOME_ENV: home, YAHOO_WS_ENV: streamer.url, YAHOO_HTTP_ENV: http.url})
    env.setdefault("QT_QPA_PLATFORM", OFFSCREEN)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    tickerdesk = [sys.executable, "-m", "desktop"]
    subprocess.run([*tickerdesk, "watchlist", "add", "bench", *symbols], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    command = [*tickerdesk, "run", "--source", "yahoo", "--watchlist", "bench", "--exit-after", str(exit_after)]
    return command, env


def measure_live(count: int, seconds: float = 30.0, warmup: float = 10.0) -> tuple[float, float]:
    """(app %, bare table %) of one core with `count` symbols at 1 Hz each."""
    from tests.fakes.yahoo_http import FakeYahooHttp
    from tests.fakes.yahoo_streamer import FakeStreamer

    symbols = _symbols(count)
    streamer, http = FakeStreamer(), FakeYahooHttp()
    _serve_charts(http, symbols)
    ticking = Ticking(streamer, symbols)
    ticking.start()
    try:
        with tempfile.TemporaryDirectory(prefix="tickerdesk-live-") as home:
            app_cmd, env = _live_app(home, streamer, http, symbols, exit_after=warmup + seconds + 10)
            bare_cmd = [sys.executable, "-c", BARE_TABLE, streamer.url, ",".join(symbols)]
            sent = ticking.sent
            app, bare = cpu_pcts([(app_cmd, env), (bare_cmd, env)], warmup, seconds)
            if not ticking.is_alive() or ticking.sent - sent < count * seconds / 2:
                raise RuntimeError("the quotes stopped during the run: its figures would mean nothing")
    finally:
        ticking.stop()
        streamer.stop()
        http.stop()
    return app, bare


def measure_late_day(hours: float, seconds: float = 30.0, warmup: float = 10.0) -> float:
    """The app's % of one core with the 13 default symbols at 1 Hz each, `hours` into the session: the
    hours of ticks are sent first (every symbol once a second, stamped from `hours` ago to now), so the
    charted symbol's day line, the trend cells and the store hold what they hold at that time of a live
    day. A fresh start, as `measure_live` measures, does not show what grows through the day."""
    from tests.fakes.yahoo_http import FakeYahooHttp
    from tests.fakes.yahoo_streamer import FakeStreamer

    symbols = _symbols(13)
    streamer, http = FakeStreamer(), FakeYahooHttp()
    since = time.time() - hours * 3600
    _serve_charts(http, symbols, now=since)
    ticking = Ticking(streamer, symbols)

    def the_day_so_far() -> None:
        deadline = time.monotonic() + 60
        while streamer.subscribed() != set(symbols):  # frames sent before the app subscribes go nowhere
            if time.monotonic() > deadline:
                raise RuntimeError("the app did not subscribe to its symbols: the late-day figure would mean nothing")
            time.sleep(0.05)
        rng = random.Random(2)
        prices = dict.fromkeys(symbols, 100.0)
        for second in range(int(hours * 3600)):
            stamp = int((since + second) * 1000)
            for symbol in symbols:
                price = prices[symbol] = prices[symbol] * math.exp(rng.gauss(0, 0.0005))
                streamer.send_quote(id=symbol, price=round(price, 2), time=stamp, change=round(price - 100.0, 2),
                                    market_hours=1, day_volume=1_000_000 + second)  # fmt: skip
            if second % 2000 == 0:
                time.sleep(0.05)  # the app reads as it comes: the fake's queue stays short
        ticking.start()

    try:
        with tempfile.TemporaryDirectory(prefix="tickerdesk-late-") as home:
            app_cmd, env = _live_app(home, streamer, http, symbols, exit_after=600)
            return cpu_pct(app_cmd, env, warmup, seconds, meanwhile=the_day_so_far)
    finally:
        if ticking.is_alive():
            ticking.stop()
        streamer.stop()
        http.stop()


def measure(
    seconds: float = 30.0, warmup: float = 10.0, counts: tuple[int, int] = (13, 100), late_hours: float = 6.0
) -> dict[str, float]:
    figures: dict[str, float] = {}
    for count, suffix in zip(counts, ("", "_100"), strict=True):
        app, bare = measure_live(count, seconds, warmup)
        figures[f"live_cpu_pct{suffix}"] = round(app, 2)
        figures[f"live_cpu_bare_table_pct{suffix}"] = round(bare, 2)
        figures[f"live_cpu_ratio_vs_bare_table{suffix}"] = round(app / bare, 2) if bare > 0 else math.inf
    late = measure_late_day(late_hours, seconds, warmup)
    bare = figures["live_cpu_bare_table_pct"]
    figures["live_cpu_pct_late_day"] = round(late, 2)
    figures["live_cpu_ratio_late_day_vs_bare_table"] = round(late / bare, 2) if bare > 0 else math.inf
    return figures
