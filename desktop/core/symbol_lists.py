"""Symbol lists as people paste them from brokers: plain text or CSV, read into a clean list of tickers."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from desktop.core.binary_files import binary_kind

# What Yahoo names an instrument, upper case: NVDA, BRK-B, ^VIX, EURUSD=X, GC=F, 0700.HK, M&M.NS. The one
# test the watchlist, the rules and the command line share.
TICKER = re.compile(r"^[A-Z0-9^][A-Z0-9.\-=^&]{0,19}$")


MAX_SYMBOLS = 1000  # in one watchlist: a live stream of more is not a watchlist any more
MAX_FILE_BYTES = 1 << 20  # a symbol list file; a bigger one is something else


class SymbolListError(ValueError):
    """A symbol list file that cannot be read as one; the message names the file and why."""


def is_ticker(symbol: str) -> bool:
    """True for an upper-case ticker as TICKER reads one."""
    return TICKER.match(symbol) is not None


SLASHED_CLASS = re.compile(r"^([A-Z]{1,5})[/ ]([A-Z])$")  # BRK/B, BRK B: a share class as brokers write it

# TradingView names a listing EXCHANGE:TICKER (NASDAQ:AAPL, NYSE:BRK.B, LSE:VOD). A US exchange's ticker is
# Yahoo's (a share class after a point written with a dash); some others take Yahoo's suffix for the
# exchange; the rest (indices such as TVC:VIX, exchanges whose tickers Yahoo writes otherwise) are not read.
LISTED = re.compile(r"^([A-Z]+):([A-Z0-9.\-]{1,15})$")
US_EXCHANGES = frozenset({"NASDAQ", "NYSE", "AMEX", "NYSEARCA", "ARCA", "BATS", "CBOE", "OTC"})
YAHOO_SUFFIXES = {
    "LSE": ".L", "XETR": ".DE", "FWB": ".F", "TSX": ".TO", "TSXV": ".V", "ASX": ".AX", "NSE": ".NS", "TSE": ".T",
    "SIX": ".SW", "MIL": ".MI", "BME": ".MC",
}  # fmt: skip
DOTTED_CLASS = re.compile(r"^([A-Z]{1,5})\.([A-Z])$")  # BRK.B on TradingView: BRK-B on Yahoo
SECTION = re.compile(r"###[^,\n]*")  # a TradingView list's section title ("###Big Tech")


def ticker_of(word: str) -> str | None:
    """A typed or pasted word as a ticker (upper case; a cashtag's $ dropped: $NVDA is NVDA; a share class
    after a slash or a space written as Yahoo writes it: BRK/B is BRK-B; TradingView's NYSE:BRK.B is BRK-B,
    LSE:VOD is VOD.L), or None."""
    ticker = word.strip().upper()
    if ticker.startswith("$") and ticker[1:2].isalpha():  # ($12 stays a price, not the ticker 12)
        ticker = ticker[1:]
    ticker = SLASHED_CLASS.sub(r"\1-\2", ticker.rstrip("*"))  # (SPAXX**: a footnote mark, Fidelity's)
    if (listed := LISTED.match(ticker)) is not None:
        exchange, symbol = listed.groups()
        symbol = DOTTED_CLASS.sub(r"\1-\2", symbol)
        if exchange not in US_EXCHANGES and exchange not in YAHOO_SUFFIXES:
            return None
        ticker = symbol + YAHOO_SUFFIXES.get(exchange, "")
    return ticker if TICKER.match(ticker) else None


def typed_symbol(text: str) -> str:
    """A symbol field's text as a rule or chart will hold it ($NVDA is NVDA); what is not a ticker stays as
    typed, upper case, for the check that follows to name."""
    return ticker_of(text) or text.strip().upper()


LIST_SEPARATOR = re.compile(r"[\s,;]")  # what parse_symbols splits a pasted list at


def is_list(text: str) -> bool:
    """True for typed text that holds several entries (NVDA, AMD), not one symbol."""
    return LIST_SEPARATOR.search(text.strip()) is not None


SYMBOL_HEADERS = ("symbol", "ticker", "ticker symbol", "code")
HEADER_WITHIN = 10  # rows a broker's export may put above its header (a title, the account, a blank row)


def parse_symbols(text: str) -> tuple[list[str], list[str]]:
    """(tickers in first-seen order, entries that are not tickers). Commas, spaces, tabs, semicolons and
    new lines all separate; in a CSV with a Symbol (Ticker…) column, found in its first rows (a broker's
    export puts a title and the account above it), that column's cells are the entries, whole ("Account
    Total" is one entry, not two tickers), and the other columns and rows are skipped."""
    return _tickers(_entries(text)[0])


def _tickers(words: list[str]) -> tuple[list[str], list[str]]:
    """(tickers in first-seen order, entries that are not tickers)."""
    seen: dict[str, None] = {}
    bad: list[str] = []
    for word in words:
        ticker = ticker_of(word)
        if ticker is not None:
            seen.setdefault(ticker, None)
        elif word.strip():
            bad.append(word.strip())
    return list(seen), bad


def _entries(text: str) -> tuple[list[str], bool]:
    """The entries of a pasted text or a file, and whether they are a Symbol column's (see parse_symbols)."""
    text = text.removeprefix("\ufeff")  # a spreadsheet's byte-order mark would hide its Symbol header
    text = SECTION.sub("", text)  # a TradingView list's section titles are no entries
    rows = list(csv.reader(io.StringIO(text.replace(";", ","))))
    found = _symbol_column(rows)
    if found is None:
        return [word for row in rows for cell in row for word in cell.split()], False
    header, column = found
    return [row[column].strip() for row in rows[header + 1 :] if len(row) > column], True


def _symbol_column(rows: list[list[str]]) -> tuple[int, int] | None:
    """(header row, column) of the first Symbol-like header in the first rows; None for a plain list."""
    for k, row in enumerate(rows[:HEADER_WITHIN]):
        names = [cell.strip().lower() for cell in row]
        column = next((c for c, name in enumerate(names) if name in SYMBOL_HEADERS), None)
        if column is not None:
            return k, column
    return None


def read_symbol_file(path: Path) -> tuple[list[str], list[str]]:
    """parse_symbols of a text or CSV file; SymbolListError for a file that is not a list of symbols
    (binary, not UTF-8, over a megabyte, none in it, more entries that are not tickers than are, more than
    MAX_SYMBOLS). OSError as opening raises it."""
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise SymbolListError(f"{path.name}: over {MAX_FILE_BYTES >> 20} MB, not a list of symbols")
    if b"\x00" in data or data.startswith(b"PK\x03\x04"):
        raise SymbolListError(f"{path.name}: {binary_kind(data)}, not a list of symbols")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SymbolListError(f"{path.name}: not UTF-8 text (save it as UTF-8 or plain text)") from None
    words, from_column = _entries(text)
    symbols, bad = _tickers(words)
    if not symbols:
        raise SymbolListError(f"{path.name}: no ticker symbols in it")
    # A wrong file (a config file, a report) would replace a list with noise; a file with a Symbol column
    # is a list of symbols whatever else its rows hold (a position or two beside the cash and total rows).
    if len(bad) > len(symbols) and not from_column:
        raise SymbolListError(
            f"{path.name}: mostly not ticker symbols ({len(bad):,} entries are not, such as "
            f"{bad[0][:40]!r}; {len(symbols):,} are), not a list of symbols"
        )
    if len(symbols) > MAX_SYMBOLS:
        raise SymbolListError(f"{path.name}: {len(symbols):,} symbols; a watchlist holds at most {MAX_SYMBOLS:,}")
    return symbols, bad


def symbols_text(symbols: list[str]) -> str:
    """One ticker a line: what parse_symbols reads back, and what a broker's import takes."""
    return "".join(f"{s}\n" for s in symbols)
