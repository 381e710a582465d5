"""Price files as yfinance saves them: `yf.download(...).to_csv(path)`.

Since yfinance 0.2.48, `download` returns its columns on two levels (price, ticker) and pandas writes
them as three header lines, the data from the fourth:

    Price,Close,High,Low,Open,Volume
    Ticker,NVDA,NVDA,NVDA,NVDA,NVDA
    Datetime,,,,,

(`group_by="ticker"` puts the Ticker line first; `auto_adjust=False` adds an Adj Close column, which a
ticker does not show and is left out). A download of several tickers is one file with a column per
(price, ticker): it gives one series per ticker. The symbol is the file's own Ticker line, not its name.
The rows get the checks of any price file (`price_csv`), each named by its line in the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop import logs
from desktop.core.price_csv import READ_OPTIONS, checked_bars, parse_stamps, unique_times
from desktop.core.price_types import PRICE_COLUMNS, SNIFF_BYTES, FloatArray, PriceFileError
from desktop.core.symbol_lists import is_ticker

log = logs.prices

HEADER_LINES = 3
FIRST_DATA_LINE = HEADER_LINES + 1


@dataclass(frozen=True)
class ExportLayout:
    """What the three header lines say: daily or intraday, and each ticker's column per price name."""

    daily: bool
    columns: dict[str, dict[str, int]]  # ticker -> {"Close": 3, "Open": 7, ...}: 0-based column indices


def export_layout(path: Path) -> ExportLayout | None:
    """The layout of a yfinance export at `path`; None for any other file (or one that cannot be read).
    PriceFileError for a file that has the export's header lines but not a usable one."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
            if not head.removeprefix(b"\xef\xbb\xbf").startswith((b"Price,", b"Ticker,")):
                return None  # any other file (the replay's own, at every start) costs one short read
            head += handle.read(SNIFF_BYTES)
    except OSError:
        return None
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = head[: exc.start].decode("utf-8-sig", errors="ignore")  # the sniff may cut a character
    lines = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:HEADER_LINES]))))
    if len(lines) < HEADER_LINES or not all(lines):
        return None
    first, second, index = ([cell.strip() for cell in line] for line in lines)
    if first[0] == "Price" and second[0] == "Ticker":
        names, tickers = first, second
    elif first[0] == "Ticker" and second[0] == "Price":
        names, tickers = second, first
    else:
        return None
    if index[0] not in ("Date", "Datetime") or any(cell for cell in index[1:]):
        return None
    return ExportLayout(index[0] == "Date", _columns(path, names, tickers))


def _columns(path: Path, names: list[str], tickers: list[str]) -> dict[str, dict[str, int]]:
    if len(names) != len(tickers):
        raise PriceFileError(f"{path}: its Price and Ticker lines have {len(names)} and {len(tickers)} fields")
    columns: dict[str, dict[str, int]] = {}
    for k in range(1, len(names)):
        name, ticker = names[k], tickers[k].upper()
        if name not in PRICE_COLUMNS:
            continue  # Adj Close, Dividends, Stock Splits, Capital Gains
        if not is_ticker(ticker):
            raise PriceFileError(f"{path}: {tickers[k][:40]!r} on its Ticker line is not a ticker symbol")
        columns.setdefault(ticker, {})[name] = k
    without_close = [ticker for ticker, found in columns.items() if "Close" not in found]
    if not columns or without_close:
        missing = f" for {', '.join(without_close[:5])}" if without_close else ""
        raise PriceFileError(f"{path}: a yfinance export with no Close column{missing}")
    return columns


def read_export(path: Path, layout: ExportLayout) -> dict[str, tuple[bool, FloatArray]]:
    """{ticker: (daily, n x 6 rows of time, open, high, low, close, volume)} in time order, checked.

    A ticker whose every Close is empty (a failed download among several) is left out; PriceFileError
    when no ticker has a row."""
    import pandas as pd

    used = sorted({k for found in layout.columns.values() for k in found.values()})
    numbers = {k: "float64" for k in used}
    options = {**READ_OPTIONS, "header": None, "skiprows": HEADER_LINES, "usecols": [0, *used]}
    try:
        try:
            frame = pd.read_csv(path, dtype={0: str, **numbers}, **options)
        except ValueError:  # a cell that is not a number: read as text, and checked_bars names it
            frame = pd.read_csv(path, dtype=str, **options)
    except UnicodeDecodeError:
        raise PriceFileError(f"{path}: not UTF-8 text (save it as UTF-8)") from None
    except pd.errors.EmptyDataError:
        raise PriceFileError(f"{path}: no price rows") from None
    except (ValueError, pd.errors.ParserError) as exc:
        raise PriceFileError(f"{path}: not a CSV price file ({str(exc).splitlines()[0][:160]})") from None
    line = np.arange(FIRST_DATA_LINE, FIRST_DATA_LINE + len(frame))
    stamps = frame[0].fillna("")
    filled = stamps.str.strip() != ""
    times = parse_stamps(path, stamps[filled], layout.daily, line[filled.to_numpy()], pd)
    frame, line = frame[filled.to_numpy()], line[filled.to_numpy()]
    out: dict[str, tuple[bool, FloatArray]] = {}
    for ticker, found in layout.columns.items():
        columns = pd.DataFrame({name: frame[k].to_numpy() for name, k in found.items()})
        bars = checked_bars(path, columns, times, line, pd)
        if not len(bars):
            log.info("%s: no %s rows (a failed download?): left out", path, ticker)
            continue
        out[ticker] = (layout.daily, unique_times(path, bars, layout.daily))
    if not out:
        raise PriceFileError(f"{path}: no price rows")
    return out
