"""Per-symbol price files (CSV bars), read into arrays: shared by the replay feed, the CLI and the backtest.

A file is `SYMBOL.csv` with a `Date` (daily bars) or `Datetime` (intraday, ISO 8601 with offset) column,
then Close and any of Open, High, Low, Volume (a file of closes alone is a series of single observations
with no volume). Each row is one price observation at its timestamp, priced at its Close. Daily rows are
stamped at that session's 16:00 New York close. A file saved by yfinance (`yf.download(...).to_csv()`) is
read too, one series per ticker on its Ticker line (see core.yfinance_export).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

import numpy as np

from desktop import logs
from desktop.core.file_symbols import symbol_of_file
from desktop.core.price_csv import (
    STAMP_NAMES,
    canonical_header,
    check_text_file,
    in_time_order,
    read_bars,
    sniff_dialect,
)
from desktop.core.price_types import PRICE_COLUMNS, Dialect, FloatArray, IntArray, PriceFileError
from desktop.core.progress import Progress, report
from desktop.core.quote import is_valid_price
from desktop.core.recording_columns import SESSION_INDEX, Recorded, read_columns
from desktop.core.sessions import close_timestamp
from desktop.core.yfinance_export import ExportLayout, export_layout, read_export

log = logs.prices

__all__ = ["PRICE_COLUMNS", "FloatArray", "IntArray", "PriceFileError", "PriceSeries", "load_prices", "read_price_file"]


@dataclass(frozen=True)
class PriceSeries:
    """One symbol's bars in time order, with the per-session figures a ticker shows."""

    symbol: str
    daily: bool
    times: FloatArray
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray
    session: IntArray  # proleptic ordinal of each row's New York date
    prev_close: FloatArray  # last close of the previous session; NaN through the first session
    day_open: FloatArray
    day_high: FloatArray
    day_low: FloatArray
    day_volume: FloatArray
    # A recording's own word on each row's session (an index into recording_columns.SESSION_CODES; -1: not
    # said): a close printed at 16:00:00 was regular, though the clock alone reads that second as post-market.
    stated_session: IntArray | None = None

    def __len__(self) -> int:
        return len(self.times)

    @property
    def first_date(self) -> date:
        return date.fromordinal(int(self.session[0]))

    @property
    def last_date(self) -> date:
        return date.fromordinal(int(self.session[-1]))

    def index_at(self, ts: float) -> int:
        """Index of the last row at or before `ts`, or -1 when the series starts later."""
        return int(np.searchsorted(self.times, ts, side="right")) - 1


def _parse_time(text: str, daily: bool) -> float:
    if daily:
        return close_timestamp(date.fromisoformat(text.strip()[:10]))
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no UTC offset")
    return moment.timestamp()


def _parse_number(text: str) -> float:
    text = text.strip()
    return math.nan if text in ("", "nan", "NaN", "null", "None") else float(text)


def _open_csv(path: Path) -> TextIO:
    try:
        return path.open(newline="", encoding="utf-8-sig")  # a spreadsheet's byte-order mark is not text
    except OSError as exc:
        raise PriceFileError(f"{path}: cannot open ({exc.strerror or exc})") from exc


def read_price_file(path: Path, symbol: str | None = None, progress: Progress | None = None) -> PriceSeries:
    """Read one CSV file; rows with no Close (market holidays in some exports) are skipped.
    `progress` hears the share read after each chunk (estimated from the bytes of the first lines)."""
    dialect, header = _header(path)
    if header[:1] in (["Price"], ["Ticker"]) and (layout := export_layout(path)) is not None:
        exported = read_yfinance_export(path, layout)
        if len(exported) > 1:
            raise PriceFileError(f"{path}: a yfinance download of {len(exported)} tickers, not one symbol's file")
        return next(iter(exported.values()))
    symbol = symbol.upper() if symbol else symbol_of_file(path)
    if symbol is None:  # (a yfinance download names its tickers inside)
        raise PriceFileError(
            f"{path}: its name gives no ticker symbol; name the file after the symbol it holds (AAPL.csv)"
        )
    names = canonical_header(path, header, dialect)
    if names[0] not in STAMP_NAMES or "Close" not in names:
        raise PriceFileError(
            f"{path}: expected a Date or Datetime column (or Timestamp, or Unix times), then Close (and any of "
            "Open, High, Low, Volume; in any case, in English), "
            f"or a yfinance download saved as CSV; got {', '.join(header)[:200]}"
        )
    rows_read = None
    if progress is not None:
        expected_rows = _estimated_rows(path)
        rows_read = lambda rows: report(progress, min(0.95, 0.95 * rows / expected_rows))  # noqa: E731
    daily, bars = read_bars(path, names, rows_read, dialect)
    if not len(bars):
        raise PriceFileError(f"{path}: no price rows")
    return build_series(symbol, daily, bars)


def _header(path: Path) -> tuple[Dialect, list[str]]:
    """The file's separators and its column names as written; PriceFileError for a file that is no text."""
    first = check_text_file(path)
    if not first.strip():
        raise PriceFileError(f"{path}: empty file")
    dialect = sniff_dialect(path, first)
    # Names may be quoted (Investing.com's are), after a space too (as the rows are read: see READ_OPTIONS).
    return dialect, [name.strip() for name in next(csv.reader([first], skipinitialspace=True, delimiter=dialect.sep))]


def looks_like_prices(path: Path) -> bool:
    """Whether a file's first line is a price file's (a recording, a yfinance download, or a date or time
    column with a Close) rather than, say, a list of symbols; False for a file that cannot be read."""
    try:
        if path.is_dir() or is_recording(path):  # (a folder: of price files, as --replay-data takes one)
            return True
        dialect, header = _header(path)
        if header[:1] in (["Price"], ["Ticker"]):
            return export_layout(path) is not None
        names = canonical_header(path, header, dialect)
    except (PriceFileError, OSError):
        return False
    return names[0] in STAMP_NAMES and "Close" in names


def read_yfinance_export(path: Path, layout: ExportLayout) -> dict[str, PriceSeries]:
    """One series per ticker of a file saved from `yf.download` (see core.yfinance_export)."""
    return {ticker: build_series(ticker, daily, rows) for ticker, (daily, rows) in read_export(path, layout).items()}


def build_series(
    symbol: str,
    daily: bool,
    rows: list[tuple[float, float, float, float, float, float]] | FloatArray,
    known: dict[str, FloatArray] | None = None,
) -> PriceSeries:
    """Arrays and per-session figures from (time, open, high, low, close, volume) rows.

    `known` holds per-row figures the source stated itself (a recording's prev_close, day_high, day_low,
    day_volume, in the rows' sorted order); where given (not NaN) they win over the computed ones.
    """
    data = np.asarray(rows, dtype=np.float64).reshape(-1, 6)
    if not in_time_order(data[:, 0]):
        data = data[np.argsort(data[:, 0], kind="stable")]
    times, opens, highs, lows, closes, volumes = (data[:, i].copy() for i in range(6))  # columns of their own
    # A bar with no open/high/low (some exports) is a single observation at its close.
    for column in (opens, highs, lows):
        missing = np.isnan(column)
        if missing.any():
            column[missing] = closes[missing]
    sessions = session_ordinals(times)

    prev_close, day_open, day_high, day_low, day_volume = _day_figures(sessions, opens, highs, lows, closes, volumes)
    for name, stated in (known or {}).items():
        target = {"prev_close": prev_close, "day_high": day_high, "day_low": day_low, "day_volume": day_volume}[name]
        mask = ~np.isnan(stated)
        target[mask] = stated[mask]
    return PriceSeries(
        symbol=symbol,
        daily=daily,
        times=times,
        open=opens,
        high=highs,
        low=lows,
        close=closes,
        volume=volumes,
        session=sessions,
        prev_close=prev_close,
        day_open=day_open,
        day_high=day_high,
        day_low=day_low,
        day_volume=day_volume,
    )


def _day_figures(
    sessions: IntArray, opens: FloatArray, highs: FloatArray, lows: FloatArray, closes: FloatArray, volumes: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Each row's previous close (the last close of the session before; NaN through the first), and its
    session's open, high, low and volume so far (volume unknown, NaN, all through a session that states none).

    Daily bars (a session a row) take no loop: looping over their sessions was two thirds of reading a
    daily file (SPY's 662 rows: 10.9 -> 4.1 ms)."""
    n = len(sessions)
    if not n:
        return (np.empty(0),) * 5
    starts = np.flatnonzero(np.r_[True, sessions[1:] != sessions[:-1]])
    session_of = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    first = starts[session_of]  # each row's session's first row
    prev_close = np.where(first > 0, closes[np.maximum(first - 1, 0)], np.nan)
    if len(starts) == n:  # one row a session (daily bars): the row is its session so far
        return prev_close, opens.copy(), highs.copy(), lows.copy(), volumes.copy()
    stated = ~np.isnan(volumes)
    filled = np.where(stated, volumes, 0.0)
    day_high, day_low, day_volume = np.empty(n), np.empty(n), np.empty(n)
    for a, b in zip(starts.tolist(), [*starts[1:].tolist(), n], strict=True):
        np.maximum.accumulate(highs[a:b], out=day_high[a:b])
        np.minimum.accumulate(lows[a:b], out=day_low[a:b])
        np.cumsum(filled[a:b], out=day_volume[a:b])
    said = np.add.reduceat(stated, starts) > 0  # does the session state any volume
    day_volume[~said[session_of]] = np.nan
    return prev_close, opens[first], day_high, day_low, day_volume


def session_ordinals(times: FloatArray) -> IntArray:
    """Each time's New York date as a proleptic ordinal, for the whole array at once."""
    if not len(times):
        return np.empty(0, dtype=np.int64)
    import pandas as pd

    local = pd.to_datetime(times * 1000, unit="ms", utc=True).tz_convert("America/New_York").tz_localize(None)
    days = local.normalize().as_unit("s").asi8 // 86_400
    ordinals: IntArray = (days + date(1970, 1, 1).toordinal()).astype(np.int64)
    return ordinals


RECORDING_COLUMNS = ("Datetime", "Symbol", "Price", "PrevClose", "DayHigh", "DayLow", "Volume", "Session")


def is_recording(path: Path) -> bool:
    """A file written by the recorder (several symbols, one quote a row) rather than one symbol's bars."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return first.strip().split(",")[:2] == ["Datetime", "Symbol"]


def read_recording(path: Path) -> dict[str, PriceSeries]:
    """A recording as one series per symbol; each row is one quote with the figures the source sent.

    The recorder appends row by row, so a crash or a full disk can leave the last row cut short: that
    row is skipped (logged). A bad row anywhere else refuses the file with its line."""
    whole = read_columns(path, RECORDING_COLUMNS)  # the usual file, all at once; None: row by row
    if whole:
        return {symbol: _recorded_series(symbol, rows) for symbol, rows in whole.items()}
    return read_recording_by_rows(path)


def read_recording_by_rows(path: Path) -> dict[str, PriceSeries]:
    """read_recording one row at a time: what judges a file the column reader declines (and the reference
    the tests hold it to)."""
    per_symbol: dict[str, list[tuple[float, ...]]] = {}
    with _open_csv(path) as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        if tuple(header[: len(RECORDING_COLUMNS)]) != RECORDING_COLUMNS:
            raise PriceFileError(f"{path}: expected recording columns {', '.join(RECORDING_COLUMNS)}")
        torn: PriceFileError | None = None  # a bad row is fatal unless it is the last (a cut write)
        for line_no, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if torn is not None:
                raise torn
            try:
                ts = _parse_time(row[0], daily=False)
                symbol = row[1].strip().upper()
                price, prev, high, low, volume = (_parse_number(row[i]) for i in range(2, 7))
                session = _session_code(row[7] if len(row) > 7 else "")
            except (ValueError, IndexError) as exc:
                torn = PriceFileError(f"{path}, line {line_no}: {exc}")
                continue
            if not symbol or not is_valid_price(price):
                continue  # a recording keeps what arrived; an unusable row is skipped, not fatal
            per_symbol.setdefault(symbol, []).append((ts, price, prev, high, low, volume, session))
    if torn is not None:
        log.info("%s (the last row, cut short: skipped)", torn)
    if not per_symbol:
        raise PriceFileError(f"{path}: no quotes recorded")
    out: dict[str, PriceSeries] = {}
    for symbol, rows in per_symbol.items():
        rows.sort(key=lambda r: r[0])
        table = np.array(rows, dtype=np.float64)
        recorded = Recorded(table[:, 0], table[:, 1], table[:, 2:6], table[:, 6].astype(np.int64))
        out[symbol] = _recorded_series(symbol, recorded)
    return out


def _recorded_series(symbol: str, rows: Recorded) -> PriceSeries:
    n = len(rows.times)
    bars = np.column_stack([rows.times, rows.prices, rows.prices, rows.prices, rows.prices, np.full(n, math.nan)])
    known = {name: np.ascontiguousarray(rows.stated[:, k]) for k, name in enumerate(STATED)}
    return replace(build_series(symbol, False, bars, known), stated_session=rows.sessions)


STATED = ("prev_close", "day_high", "day_low", "day_volume")  # a recording's columns after the price


def _session_code(text: str) -> int:
    """A recording's Session cell as an index into SESSION_CODES; -1 when empty or not a session's name."""
    return SESSION_INDEX.get(text.strip().lower(), -1)


_CACHED = ("times", "open", "high", "low", "close", "volume", "session", "prev_close", "day_open", "day_high",
           "day_low", "day_volume")  # fmt: skip


CACHE_SUFFIX = ".npy"


def _cache_file(path: Path, cache_dir: Path) -> Path:
    stat = path.stat()
    return cache_dir / f"{path.stem}-{stat.st_size}-{stat.st_mtime_ns}{CACHE_SUFFIX}"


def read_cached(path: Path, cache_dir: Path | None, progress: Progress | None = None) -> PriceSeries:
    """`read_price_file`, remembering the parsed arrays in `cache_dir` (keyed by the file's size and time).

    An entry is two arrays saved one after the other: (daily, rows), then the figures as one table. Read
    at every start for the replay: thirteen such entries load in 2 ms, where .npz archives of one array
    per figure took 19 ms (a zip member and a header to parse per array)."""
    if cache_dir is None:
        return read_price_file(path, progress=progress)
    cached = _cache_file(path, cache_dir)
    try:
        with cached.open("rb") as handle:
            daily, rows = np.load(handle)
            table = np.load(handle)
        if table.shape != (len(_CACHED), int(rows)):
            raise ValueError(f"a table of {table.shape} for {int(rows)} rows")
        arrays = dict(zip(_CACHED, table, strict=True))
        arrays["session"] = arrays["session"].astype(np.int64)
        return PriceSeries(symbol=symbol_of_file(path) or path.stem.upper(), daily=bool(daily), **arrays)
    except FileNotFoundError:
        pass
    except Exception:  # a truncated or zero-byte entry (a crash between write and rename): rebuilt below
        log.info("price cache %s is unreadable: discarded", cached)
        cached.unlink(missing_ok=True)
    series = read_price_file(path, progress=progress)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(cached.name + ".partial")
        with partial.open("wb") as handle:
            np.save(handle, np.array([float(series.daily), float(len(series))]))
            np.save(handle, np.stack([getattr(series, name).astype(np.float64) for name in _CACHED]))
        partial.replace(cached)
        for older in cache_dir.glob(f"{path.stem}-*"):  # the file as it was, an older format, a crash's leftover
            if (
                older != cached
                and older.suffix in (".npy", ".npz", ".partial")
                and older.stem.rsplit("-", 2)[0] == path.stem
            ):
                older.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs the next start some time
    return series


def load_prices(
    paths: list[Path],
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    skipped: list[str] | None = None,
) -> dict[str, PriceSeries]:
    """Read price files from folders (every `*.csv` in them) and single files, keyed by symbol.

    A recording (see `read_recording`) contributes every symbol it holds. `progress` hears the share of
    bytes read after each file (see core.progress); stopping raises WorkCancelledError. With `skipped`,
    a file that cannot be read is left out and its problem added there (in the files' order), so one bad
    file in a folder does not cost the others; PriceFileError still when no file can be read."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.csv"))
            if not found:
                raise PriceFileError(f"{path}: no .csv price files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():  # a FIFO, socket or device: opening it could wait forever
            raise PriceFileError(f"{path}: not a regular file (a pipe, socket or device)")
        else:
            raise PriceFileError(f"{path}: no such file or folder")
    sizes = [_size(file) for file in files]
    series: dict[str, PriceSeries] = {}
    problems: dict[Path, PriceFileError] | None = None if skipped is None else {}
    with closing(_read_files(files, sizes, cache_dir, progress, problems)) as contents:
        for file, one_file in zip(files, contents, strict=True):
            for symbol, one in one_file.items():
                if symbol in series:
                    raise PriceFileError(f"{file}: symbol {symbol} is given twice")
                series[symbol] = one
    if problems and skipped is not None:  # (problems is only made when skipping)
        if not series:
            raise problems[next(f for f in files if f in problems)]
        skipped.extend(str(problems[f]) for f in files if f in problems)
    report(progress, 1.0)
    return series


PARALLEL_FROM_BYTES = 8 << 20  # smaller loads (the bundled data, the replay's cached arrays) stay on one thread


def _read_files(
    files: list[Path],
    sizes: list[int],
    cache_dir: Path | None,
    progress: Progress | None,
    problems: dict[Path, PriceFileError] | None = None,
) -> Generator[dict[str, PriceSeries], None, None]:
    """Each file's series by symbol, in the files' order; large loads on several threads. With `problems`,
    a file that cannot be read gives no series and its error there (by file: the threads finish in any order)."""

    def read(file: Path, within: Progress | None) -> dict[str, PriceSeries]:
        try:
            if not file.is_file():  # a FIFO among a folder's *.csv: opening it would wait for a writer forever
                raise PriceFileError(f"{file}: not a regular file (a pipe, socket or device)")
            if is_recording(file):
                return read_recording(file)
            layout = export_layout(file)
            if layout is not None:  # yfinance's own CSV: named by its Ticker line, not cached (small files)
                return read_yfinance_export(file, layout)
            single = read_cached(file, cache_dir, within)
        except PriceFileError as exc:
            if problems is None:
                raise
            problems[file] = exc
            return {}
        return {single.symbol: single}

    if len(files) > 1 and sum(sizes) >= PARALLEL_FROM_BYTES:
        from desktop.core.file_readers import read_in_order  # threads (concurrent.futures) only when needed

        yield from read_in_order(files, sizes, read, progress)
        return
    total, done = max(1, sum(sizes)), 0
    for file, size in zip(files, sizes, strict=True):
        report(progress, done / total)
        within = None
        if progress is not None:
            within = lambda share, done=done, size=size: progress((done + share * size) / total)  # noqa: E731
        yield read(file, within)
        done += size


def _estimated_rows(path: Path) -> int:
    """Rows in a CSV file, guessed from its size and the length of its first lines."""
    with path.open("rb") as f:
        sample = f.read(1 << 16)
    lines = max(1, sample.count(b"\n"))
    return max(1, round(_size(path) * lines / max(1, len(sample))))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it says what is wrong
