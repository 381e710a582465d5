"""The symbol a price file holds, read from its name.

A file is named after its symbol ("AAPL.csv"), or after the name a quote site gives its downloads:
Investing.com's "AAPL Historical Data.csv", MarketWatch's "Download Data - STOCK_US_XNAS_AAPL.csv",
Stooq's "aapl_us_d.csv", TradingView's "BATS_AAPL, 1D.csv", with the " (1)" a browser adds to a second
download of the same name. A name that holds no ticker (Nasdaq's "HistoricalData_1732630000000.csv") gives
none: the file has to be renamed.
"""

from __future__ import annotations

import re
from pathlib import Path

from desktop.core.symbol_lists import is_ticker

_COPY = re.compile(r"(.+?) \(\d+\)")  # "AAPL (1)": the browser's second download of one name
_DOWNLOADS = (
    re.compile(r"(.+) HISTORICAL DATA"),  # Investing.com
    re.compile(r"DOWNLOAD DATA - [A-Z]+_[A-Z]+_[A-Z0-9]+_(.+)"),  # MarketWatch: kind, country, exchange, ticker
    re.compile(r"(.+)_US_D"),  # Stooq's daily bars of a US listing ("spy_us_d.csv")
    # TradingView's chart export: exchange (with DLY for delayed data), ticker, then the interval and what
    # else the chart held ("BATS_SPY, 1D_b62b8.csv", "NASDAQ_DLY_NVDA, 5.csv")
    re.compile(r"[A-Z0-9]+_(?:DLY_)?([^,_]+), .+"),
)


def symbol_of_file(path: Path) -> str | None:
    """The upper-case symbol `path`'s name gives, or None (see the module's docstring)."""
    stem = path.stem.strip().upper()
    copy = _COPY.fullmatch(stem)
    if copy is not None:
        stem = copy.group(1)
    if is_ticker(stem):
        return stem
    for pattern in _DOWNLOADS:
        found = pattern.fullmatch(stem)
        if found is not None and is_ticker(found.group(1)):
            return found.group(1)
    return None
