"""A price file's symbol from its name: the name itself, or the ticker in a quote site's download name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.core.file_symbols import symbol_of_file
from desktop.core.prices import PriceFileError, load_prices


@pytest.mark.parametrize(
    ("name", "symbol"),
    [
        ("AAPL.csv", "AAPL"),
        ("brk-b.csv", "BRK-B"),
        ("^GSPC.csv", "^GSPC"),
        ("EURUSD=X.csv", "EURUSD=X"),
        ("AAPL (1).csv", "AAPL"),  # a browser's second download of the same name
        ("AAPL Historical Data.csv", "AAPL"),  # Investing.com
        ("AAPL Historical Data (2).csv", "AAPL"),
        ("Download Data - STOCK_US_XNAS_AAPL.csv", "AAPL"),  # MarketWatch
        ("Download Data - STOCK_US_XNYS_CSV (1).csv", "CSV"),
        ("Download Data - FUND_US_ARCX_SPY.csv", "SPY"),
        ("spy_us_d.csv", "SPY"),  # Stooq
        ("brk-b_us_d.csv", "BRK-B"),
        ("BATS_SPY, 1D.csv", "SPY"),  # TradingView's chart export: exchange, ticker, interval
        ("BATS_SPY, 1D_b62b8.csv", "SPY"),
        ("NASDAQ_DLY_NVDA, 5 (1).csv", "NVDA"),
        ("OANDA_XAUUSD, 60.csv", "XAUUSD"),
        ("BATS_SPY, 240, ma, full data.csv", "SPY"),
        ("COMEX_GC1!, 1D.csv", None),  # a continuous future: no Yahoo ticker
        ("EGX 30 Historical Data.csv", None),  # an index's name, no ticker
        ("HistoricalData_1732630000000.csv", None),  # Nasdaq's download names hold none
    ],
)
def test_the_symbol_a_file_name_gives(name: str, symbol: str | None) -> None:
    assert symbol_of_file(Path("/data") / name) == symbol


def test_quote_site_downloads_load_under_their_tickers(daily_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(daily_dir / "AAPL.csv", folder / "AAPL Historical Data.csv")
    shutil.copy(daily_dir / "NVDA.csv", folder / "Download Data - STOCK_US_XNAS_NVDA.csv")
    loaded = load_prices([folder])
    assert sorted(loaded) == ["AAPL", "NVDA"] and loaded["AAPL"].symbol == "AAPL"
    shutil.copy(daily_dir / "AAPL.csv", folder / "AAPL Historical Data (1).csv")  # the same download twice
    with pytest.raises(PriceFileError, match="symbol AAPL is given twice"):
        load_prices([folder])


def test_a_file_whose_name_gives_no_symbol_is_refused_saying_so(daily_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(daily_dir / "AAPL.csv", folder / "AAPL.csv")
    shutil.copy(daily_dir / "NVDA.csv", folder / "HistoricalData_1732630000000.csv")
    with pytest.raises(PriceFileError, match=r"HistoricalData_1732630000000\.csv: its name gives no ticker symbol"):
        load_prices([folder])
    skipped: list[str] = []
    assert list(load_prices([folder], skipped=skipped)) == ["AAPL"], "the window plays the others"
    assert len(skipped) == 1 and "name the file after the symbol it holds" in skipped[0]
