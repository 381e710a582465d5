"""The CLI on the Yahoo source, against loopback fakes of the streamer and the chart endpoint."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.config import HOME_ENV, YAHOO_HTTP_ENV, YAHOO_WS_ENV
from desktop.core.prices import load_prices

from .fakes.yahoo_http import FIXTURES, REAL, FakeYahooHttp, chart_body
from .fakes.yahoo_streamer import FakeStreamer
from .feeds.test_yahoo_stream import wait_for
from .test_cli import tickerdesk

T0 = 1_784_649_600_000  # 2026-07-21 12:00 New York, in ms
PRE_MARKET = "gadicc_chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json"


@pytest.fixture
def fakes() -> Iterator[tuple[FakeStreamer, FakeYahooHttp]]:
    streamer, http = FakeStreamer(), FakeYahooHttp()
    bar = (T0 / 1000 - 3600, 700.0, 701.0, 699.0, 700.5, 1000.0)
    for symbol, price in (("SPY", 700.5), ("QQQ", 620.0), ("IWM", 250.0)):
        http.charts[symbol] = chart_body(symbol, [(*bar[:4], price, bar[5])], price - 1)
    yield streamer, http
    streamer.stop()
    http.stop()


def start_cli(home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp], *args: str) -> subprocess.Popen[str]:
    streamer, http = fakes
    env = {**os.environ, HOME_ENV: str(home), YAHOO_WS_ENV: streamer.url,
           YAHOO_HTTP_ENV: http.url}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def test_watch_streams_across_a_malformed_frame_and_a_server_close(
    tickerdesk_home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp]
) -> None:
    streamer, _ = fakes
    proc = start_cli(tickerdesk_home, fakes, "watch", "SPY", "QQQ", "IWM", "--source", "yahoo", "--seconds", "6",
                     "--format", "jsonl")  # fmt: skip
    with proc:
        wait_for(lambda: streamer.subscribed() == {"SPY", "QQQ", "IWM"}, timeout=20)
        streamer.send_quote(id="SPY", price=701.0, time=T0, market_hours=1, previous_close=699.5)
        streamer.send_text("garbage that is not a frame")
        streamer.send_quote(id="QQQ", price=621.0, time=T0 + 1000, market_hours=1)
        streamer.close_all()
        wait_for(lambda: streamer.connections == 2 and streamer.subscribed() == {"SPY", "QQQ", "IWM"}, timeout=20)
        streamer.send_quote(id="IWM", price=251.5, time=T0 + 2000, market_hours=1)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    streamed = [(r["symbol"], r["price"]) for r in rows if r["source"] == "yahoo" and r["time"] >= "2026-07-21T12"]
    assert streamed == [("SPY", 701.0), ("QQQ", 621.0), ("IWM", 251.5)]
    first_spy = next(r for r in rows if r["symbol"] == "SPY")
    assert first_spy["price"] == 700.5, "the initial snapshot came first"
    assert "reconnecting" in err and "Traceback" not in err


def test_the_monitor_fires_on_real_frames_streamed_one_after_another(
    tickerdesk_home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp]
) -> None:
    """yliveticker's four recorded MSFT frames (2020-05-15), sent over the socket as the streamer's first
    version sends them: the monitor, with no window, fires the rule they cross, once, at the print's time."""
    streamer, http = fakes
    http.charts["MSFT"] = chart_body("MSFT", [], 180.53)  # the snapshot: no bars today, the close the frames state
    added = tickerdesk("alerts", "add", "MSFT crosses below 177.3", "--id", "msft", home=tickerdesk_home)
    assert added.returncode == 0, added.stderr
    recorded = {f["name"]: f["frame"] for f in json.loads((REAL / "stream-frames.json").read_text())}
    proc = start_cli(tickerdesk_home, fakes, "monitor", "--source", "yahoo", "--exit-after", "6")
    with proc:
        wait_for(lambda: "MSFT" in streamer.subscribed(), timeout=20)
        for k in "abcd":
            streamer.send_text(recorded[f"msft-regular-2020-{k}"])
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    fired = [line for line in out.splitlines() if " fired " in line]
    want = '2020-05-15T11:05:20-04:00 fired msft value=177.27 level=177.3 rule="MSFT price crosses below 177.3"'
    assert fired == [want], (out, err)


def test_quote_from_yahoo_and_unknown_symbol(tickerdesk_home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp]) -> None:
    with start_cli(tickerdesk_home, fakes, "quote", "SPY", "--source", "yahoo", "--format", "json") as proc:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    (spy,) = json.loads(out)
    assert (spy["symbol"], spy["price"], spy["prev_close"], spy["source"]) == ("SPY", 700.5, 699.5, "yahoo")
    with start_cli(tickerdesk_home, fakes, "quote", "SPY", "ZZZZ", "--source", "yahoo") as proc:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and "ZZZZ: no such symbol on Yahoo Finance" in err
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["SPY"], "the symbol Yahoo knows is still shown"
    with start_cli(tickerdesk_home, fakes, "quote", "ZZZZ", "YYYY", "--source", "yahoo") as proc:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and out == "" and "ZZZZ, YYYY: no such symbol on Yahoo Finance" in err
    # A moment in the past with no source named: the recorded data answers, though Yahoo is reachable.
    with start_cli(tickerdesk_home, fakes, "quote", "SPY", "--at", "2025-10-03", "--format", "json") as proc:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert [(q["symbol"], q["time"][:10], q["source"]) for q in json.loads(out)] == [("SPY", "2025-10-03", "replay")]
    with start_cli(tickerdesk_home, fakes, "quote", "BRK.B", "--source", "yahoo") as proc:
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and err.strip().endswith("(Yahoo writes share classes with a dash: BRK-B)")


def test_quote_says_when_yahoo_cannot_be_reached(tickerdesk_home: Path) -> None:
    env = {**os.environ, HOME_ENV: str(tickerdesk_home), YAHOO_HTTP_ENV: "http://127.0.0.1:9"}
    down = subprocess.run([sys.executable, "-m", "desktop", "quote", "SPY", "--source", "yahoo"],
                          capture_output=True, text=True, env=env, timeout=30, check=False)  # fmt: skip
    assert down.returncode == 1 and "cannot reach Yahoo" in down.stderr and "no such symbol" not in down.stderr
    auto = subprocess.run([sys.executable, "-m", "desktop", "quote", "SPY", "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=30, check=False)  # fmt: skip
    assert auto.returncode == 0 and "used the bundled replay data" in auto.stderr
    assert json.loads(auto.stdout)[0]["source"] == "replay"


def test_record_then_replay_the_recording(
    tickerdesk_home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp], tmp_path: Path
) -> None:
    streamer, _ = fakes
    out = tmp_path / "session.csv"
    proc = start_cli(tickerdesk_home, fakes, "record", "SPY", "IWM", "--out", str(out), "--seconds", "4")
    with proc:
        wait_for(lambda: streamer.subscribed() == {"SPY", "IWM"}, timeout=20)
        for k in range(5):
            streamer.send_quote(id="SPY", price=701.0 + k, time=T0 + 1000 * k, market_hours=1, previous_close=699.5,
                                day_volume=1000 + k, day_high=706.0, day_low=698.0)  # fmt: skip
            streamer.send_quote(id="IWM", price=250.0 - k, time=T0 + 1000 * k + 500, market_hours=1)
            time.sleep(0.05)  # spread the frames out as a real stream would (not waiting on anything)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    series = load_prices([out])
    assert set(series) == {"SPY", "IWM"}
    assert list(series["SPY"].close[-5:]) == [701.0, 702.0, 703.0, 704.0, 705.0]
    assert series["SPY"].prev_close[-1] == 699.5 and series["SPY"].day_volume[-1] == 1004
    replay = subprocess.run(
        [sys.executable, "-m", "desktop", "quote", "SPY", "IWM", "--source", "replay", "--replay-data", str(out),
         "--format", "json"], capture_output=True, text=True, timeout=30, check=False,
        env={**os.environ, HOME_ENV: str(tickerdesk_home)},
    )  # fmt: skip
    assert replay.returncode == 0, replay.stderr
    prices = {r["symbol"]: r["price"] for r in json.loads(replay.stdout)}
    assert prices == {"SPY": 705.0, "IWM": 246.0}


def test_watch_prints_what_the_window_shows(tickerdesk_home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp]) -> None:
    # A frame that states no base gets the store's: the snapshot's previous close, as in the table.
    streamer, _ = fakes
    proc = start_cli(tickerdesk_home, fakes, "watch", "SPY", "--source", "yahoo", "--format", "jsonl", "--seconds", "5")
    with proc:
        wait_for(lambda: streamer.subscribed() == {"SPY"}, timeout=20)
        time.sleep(0.5)  # not waiting on a condition: gives the snapshot a moment to be first, as in life
        streamer.send_quote(id="SPY", price=702.0, time=T0 + 5_000, market_hours=1)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    streamed = [json.loads(line) for line in out.splitlines() if '"price": 702.0' in line]
    assert streamed and streamed[-1]["prev_close"] == 699.5 and streamed[-1]["change"] == 2.5
    assert streamed[-1]["session"] == "regular"
    # Nor does it state the day's range: the snapshot's (699-701), widened by this print.
    assert (streamed[-1]["day_low"], streamed[-1]["day_high"]) == (699.0, 702.0)


@pytest.mark.parametrize("command", ["watch", "record"])
def test_watch_and_record_say_when_yahoo_cannot_be_reached(tickerdesk_home: Path, tmp_path: Path, command: str) -> None:
    env = {**os.environ, HOME_ENV: str(tickerdesk_home)}  # both Yahoo addresses: a closed port
    extra = ["--out", str(tmp_path / "r.csv")] if command == "record" else []
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "desktop", command, "SPY", "--source", "yahoo", "--seconds", "30",
                           *extra], capture_output=True, text=True, env=env, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "cannot reach Yahoo" in done.stderr.splitlines()[-1]
    assert time.monotonic() - started < 25, "a bounded wait, not the whole --seconds"
    assert "Traceback" not in done.stderr


def quoted_recording(
    home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp], symbol: str, recording: str
) -> tuple[dict[str, Any], str]:
    """`quote SYMBOL --source yahoo` with the chart endpoint answering `recording`: (its JSON record, its
    table as printed)."""
    fakes[1].serve_recorded(symbol, recording)
    with start_cli(home, fakes, "quote", symbol, "--source", "yahoo", "--format", "json") as proc:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    (record,) = json.loads(out)
    with start_cli(home, fakes, "quote", symbol, "--source", "yahoo") as proc:
        table, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err, err
    return record, table


def test_quote_json_names_session_and_currency(
    tickerdesk_home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp]
) -> None:
    ocado, table = quoted_recording(tickerdesk_home, fakes, "OCDO.L", "chart-OCDO.L-2020-01-01-to-2020-01-03.json")
    assert (ocado["price"], ocado["currency"], ocado["session"]) == (260.4, "GBp", "regular")
    assert ocado["time"].endswith("+01:00"), "London time, not New York's"
    assert "260.40 GBp" in table


def test_quote_of_a_warrant_yahoo_gives_no_currency_and_no_base(
    tickerdesk_home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp]
) -> None:
    warrant, table = quoted_recording(tickerdesk_home, fakes, "LUCYW", "chart-LUCYW-null-currency.json")
    assert (warrant["price"], warrant["currency"], warrant["change"]) == (0.1246, None, None)
    row = next(line for line in table.splitlines() if line.startswith("LUCYW"))
    assert row.split()[1:3] == ["0.1246", "—"], table


def test_quote_of_two_indexes_as_yahoo_states_them(
    tickerdesk_home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp]
) -> None:
    """^TNX, whose reply states a day range its price lies outside, and a Korean index whose one bar is its
    regular price after the close: through the command line, the range holds the price and the change is
    Yahoo's."""
    tnx, table = quoted_recording(tickerdesk_home, fakes, "^TNX", "chart-TNX-index-5m-1d-chicago.json")
    assert (tnx["price"], tnx["day_low"], round(tnx["day_high"], 4), tnx["volume"]) == (4.275, 4.237, 4.279, None)
    assert next(line for line in table.splitlines() if line.startswith("^TNX")).split()[1:4] == [
        "4.2750",
        "+0.0480",
        "+1.14%",
    ], table
    assert tnx["time"] == "2026-02-02T13:59:52-06:00" and round(tnx["change"], 3) == 0.048
    kospi, table = quoted_recording(tickerdesk_home, fakes, "KOSPI-25.KS", "chart-KOSPI-25.KS-zero-placeholders.json")
    assert (kospi["price"], kospi["currency"], kospi["session"]) == (46539.14, "KRW", "regular")
    assert round(kospi["change"], 2) == 428.74 and round(kospi["change_pct"], 2) == 0.93
    row = next(line for line in table.splitlines() if line.startswith("KOSPI-25.KS"))
    assert "+428.74" in row and "+0.93%" in row, table


def test_quote_before_the_open_is_based_on_the_last_close(
    tickerdesk_home: Path, fakes: tuple[FakeStreamer, FakeYahooHttp]
) -> None:
    # The real reply recorded at 06:47 New York on 2025-02-20 (pre-market), with one pre-market bar added.
    _, http = fakes
    body = json.loads((FIXTURES / PRE_MARKET).read_text())["response"]["bodyJson"]
    result = body["chart"]["result"][0]
    result["timestamp"] = [1740044100]  # 2025-02-20 04:35 New York
    result["indicators"] = {"quote": [{"open": [245.0], "high": [245.2], "low": [244.9], "close": [245.04],
                                       "volume": [1200]}]}  # fmt: skip
    http.raw["AAPL"] = (200, json.dumps(body))
    with start_cli(tickerdesk_home, fakes, "quote", "AAPL", "--source", "yahoo", "--format", "json") as proc:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    (aapl,) = json.loads(out)
    assert (aapl["price"], aapl["prev_close"], aapl["change"], aapl["session"]) == (245.04, 244.87, 0.17, "pre")
    assert (aapl["regular_close"], aapl["regular_change"]) == (244.87, 0.4)
    assert aapl["time"] == "2025-02-20T04:35:00-05:00"


def test_watch_keeps_its_time_when_the_chart_endpoint_never_answers(tickerdesk_home: Path) -> None:
    silent = socket.socket()  # accepts connections, never replies
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    streamer = FakeStreamer()
    env = {**os.environ, HOME_ENV: str(tickerdesk_home), YAHOO_WS_ENV: streamer.url,
           YAHOO_HTTP_ENV: f"http://127.0.0.1:{silent.getsockname()[1]}"}  # fmt: skip
    args = ["watch", "SPY", "QQQ", "--source", "yahoo", "--seconds", "3", "--format", "jsonl"]
    try:
        with subprocess.Popen([sys.executable, "-m", "desktop", *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) as proc:  # fmt: skip
            wait_for(lambda: streamer.subscribed() == {"SPY", "QQQ"}, timeout=20)
            subscribed = time.monotonic()
            streamer.send_quote(id="SPY", price=702.0, time=T0, change=2.0, market_hours=1)
            out, err = proc.communicate(timeout=30)
            elapsed = time.monotonic() - subscribed
    finally:
        streamer.stop()
        silent.close()
    assert proc.returncode == 0, err
    assert [json.loads(line)["price"] for line in out.splitlines()] == [702.0]
    assert elapsed < 4.0, "--seconds 3 is kept within a second, whatever the chart endpoint does"
