"""Price files saved by yfinance (`yf.download(...).to_csv()`): three header lines, one or many tickers.

The intraday file is a real one (see tests/fixtures/yfinance/README.md); the several-ticker files are the
bundled real daily bars written out in the layout yfinance uses for a download of several tickers.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from desktop.core.prices import PriceFileError, load_prices, read_price_file
from desktop.core.yfinance_export import export_layout

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "yfinance"
NAMES = ("Close", "High", "Low", "Open", "Volume")  # yfinance's column order


def test_a_real_intraday_download_is_read_under_its_ticker() -> None:
    path = FIXTURES / "NVDA_5m.csv"
    series = load_prices([path])
    assert list(series) == ["NVDA"], "the symbol comes from the Ticker line, not the file's name"
    nvda = series["NVDA"]
    with path.open() as handle:
        rows = list(csv.reader(handle))[3:]
    assert len(nvda) == len(rows) == 89 and not nvda.daily
    assert datetime.fromtimestamp(float(nvda.times[0]), UTC) == datetime(2026, 4, 24, 13, 30, tzinfo=UTC)
    assert nvda.close.tolist() == [float(row[1]) for row in rows]
    assert nvda.open[0] == 199.9600067138672 and nvda.high[0] == 203.17999267578125 and nvda.volume[0] == 12798515
    second_day = np.flatnonzero(nvda.session != nvda.session[0])
    assert len(second_day) == 11
    assert nvda.prev_close[second_day[0]] == 208.19000244140625, "the first session's last close"
    assert read_price_file(path).symbol == "NVDA"


def _write_download(path: Path, series: dict[str, dict[str, list[str]]], dates: list[str], by_ticker: bool) -> None:
    """A several-ticker download as yfinance writes it (group_by="column", or "ticker")."""
    tickers = list(series)
    pairs = [(t, n) for t in tickers for n in NAMES] if by_ticker else [(t, n) for n in NAMES for t in tickers]
    price_line = ["Price", *(n for _, n in pairs)]
    ticker_line = ["Ticker", *(t for t, _ in pairs)]
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerows([ticker_line, price_line] if by_ticker else [price_line, ticker_line])
        out.writerow(["Date", *[""] * len(pairs)])
        for k, day in enumerate(dates):
            out.writerow([day, *(series[t][n][k] for t, n in pairs)])


def _bundled(daily_dir: Path, symbol: str, last: int) -> tuple[list[str], dict[str, list[str]]]:
    with (daily_dir / f"{symbol}.csv").open() as handle:
        rows = list(csv.DictReader(handle))[-last:]
    return [r["Date"] for r in rows], {n: [r[n] for r in rows] for n in NAMES}


@pytest.mark.parametrize("by_ticker", [False, True], ids=["group_by_column", "group_by_ticker"])
def test_a_download_of_several_tickers_gives_a_series_each(daily_dir: Path, tmp_path: Path, by_ticker: bool) -> None:
    dates, iwm = _bundled(daily_dir, "IWM", 60)
    _, qqq = _bundled(daily_dir, "QQQ", 60)
    failed = dict.fromkeys(NAMES, [""] * 60)  # yfinance leaves a failed ticker's columns empty
    path = tmp_path / "rotation.csv"
    _write_download(path, {"IWM": iwm, "QQQ": qqq, "ZZZZ": failed}, dates, by_ticker)
    series = load_prices([tmp_path])
    assert sorted(series) == ["IWM", "QQQ"], "the failed download is left out"
    for symbol, columns in (("IWM", iwm), ("QQQ", qqq)):
        assert series[symbol].daily
        assert series[symbol].close.tolist() == [float(c) for c in columns["Close"]]
        assert series[symbol].volume.tolist() == [float(v) for v in columns["Volume"]]
    with pytest.raises(PriceFileError, match="download of 2 tickers"):
        read_price_file(path)


def test_adj_close_is_left_out_and_close_is_the_price(tmp_path: Path) -> None:
    path = tmp_path / "spy.csv"
    path.write_text(
        "\ufeffPrice,Adj Close,Close,High,Low,Open,Volume\nTicker,SPY,SPY,SPY,SPY,SPY,SPY\nDate,,,,,,\n"
        "2024-01-02,465.1,472.65,473.67,470.05,472.16,123456000\n"
    )  # saved by a spreadsheet, with a byte-order mark
    spy = load_prices([path])["SPY"]
    assert spy.close.tolist() == [472.65] and spy.high.tolist() == [473.67]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Price,Close,High\nTicker,SPY\nDate,,\n2024-01-02,1,2\n", "Price and Ticker lines have 3 and 2 fields"),
        ("Price,Close\nTicker,not a ticker\nDate,\n2024-01-02,1\n", "'not a ticker' on its Ticker line"),
        ("Price,Open,High\nTicker,SPY,SPY\nDate,,\n2024-01-02,1,2\n", "no Close column"),
        ("Price,Close,Volume\nTicker,SPY,SPY\nDate,,\n2024-01-02,1,5\n2024-01-03,one,5\n", "line 5: Close 'one'"),
        (
            "Price,Close\nTicker,SPY\nDatetime,\n2024-01-02 10:00:00-05:00,1\n2024-01-02 10:01:00,1\n",
            "line 5: time '2024-01-02 10:01:00' has no",
        ),
        ("Price,Close\nTicker,SPY\nDate,\n", "no price rows"),
        ("Price,Close\nTicker,SPY\nDate,\n2024-01-02,-3\n", "line 4: Close -3 is not a price"),
    ],
)
def test_a_broken_download_is_refused_with_its_reason(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "SPY.csv"
    path.write_text(text)
    with pytest.raises(PriceFileError, match=says.replace("(", r"\(")):
        load_prices([path])


def test_other_files_are_not_taken_for_downloads(daily_dir: Path, tmp_path: Path) -> None:
    assert export_layout(daily_dir / "SPY.csv") is None
    odd = tmp_path / "odd.csv"
    odd.write_text("Price,Close\nTicker,SPY\n2024-01-02,1\n")  # no index line: not yfinance's layout
    assert export_layout(odd) is None
    odd.write_bytes(b"\xff\xfe\x00binary")
    assert export_layout(odd) is None
