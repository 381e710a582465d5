"""Reading one symbol's CSV bars with pandas: explicit dtypes, vectorised dates, bounded memory, exact errors.

The file is read in chunks of CHUNK_ROWS rows straight into float arrays (a 200 MB file never becomes
millions of Python objects). What a hostile or broken file can hold is refused with the file, the line
and the reason: a binary or non-UTF-8 file, a FIFO or other non-regular file, a field (of any size) that
is not a number or a date, a date outside 1970-2200, a time without its UTC offset, a negative volume,
the same time twice with different prices (the same row twice is kept once).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.binary_files import binary_kind
from desktop.core.csv_stamps import as_array, line_starts, utc_seconds
from desktop.core.price_types import (
    COMMA,
    PRICE_COLUMNS,
    SNIFF_BYTES,
    BoolArray,
    Dialect,
    FloatArray,
    IntArray,
    PriceFileError,
    head_rows,
)
from desktop.core.quote import MAX_PRICE
from desktop.core.time_of_day import TIME, one_row_a_day, seconds_of_day

CHUNK_ROWS = 250_000
# How pandas reads a price file, in chunks or (a plain intraday file) at once.
READ_OPTIONS: dict[str, Any] = {
    "encoding": "utf-8-sig", "skipinitialspace": True, "na_values": ["None"], "engine": "c", "skip_blank_lines": True,
}  # fmt: skip
PLAIN_MAX_BYTES = 64 << 20  # larger files are read in chunks (bounded memory) rather than at once
FIRST_YEAR, LAST_YEAR = 1970, 2200
NEW_YORK = "America/New_York"


def check_text_file(path: Path) -> str:
    """The header line of a readable UTF-8 text file at `path`; PriceFileError for anything else."""
    if not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file (a pipe, socket or device)"
        raise PriceFileError(f"{path}: {kind}")
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise PriceFileError(f"{path}: cannot open ({exc.strerror or exc})") from None
    if b"\x00" in head or head.startswith(b"PK\x03\x04"):
        raise PriceFileError(f"{path}: {binary_kind(head)}, not CSV text")
    if not _utf8(head, cut=len(head) == SNIFF_BYTES):
        raise PriceFileError(f"{path}: not UTF-8 text (save it as UTF-8; Latin-1 and other encodings are not read)")
    text = head.decode("utf-8-sig", errors="ignore")
    return text.splitlines()[0] if text else ""


# The names this reader knows, whatever their case in the file ("date", "CLOSE": lower-case exports such as
# Alpha Vantage's and Tiingo's are the same files; Nasdaq's site calls the close "Close/Last"); a first
# column named "timestamp" or "time" is the Date column when its first value is a date alone, else the
# Datetime one.
_KNOWN = {name.lower(): name for name in ("Date", "Datetime", *PRICE_COLUMNS)}
_KNOWN |= {"close/last": "Close", "vol.": "Volume"}
# Investing.com calls the close "Price" (and the volume "Vol."): read as the Close when no column is called so.
_CLOSE_ALIAS = "price"
_TIME_NAMES = ("timestamp", "time", "unix")
# A time column of Unix times (TradingView's chart export, crypto exchanges'): seconds since 1970, or
# milliseconds (then 12 or 13 digits). Read under one of these names: intraday instants, or one bar a day
# dated on New York's clock or UTC's (see _unix_days).
UNIX = "Unix time"
UNIX_DAYS = {"Unix time, New York days": NEW_YORK, "Unix time, UTC days": "UTC"}
STAMP_NAMES = ("Date", "Datetime", UNIX, *UNIX_DAYS)  # what a price file's first column is read as
_UNIX_TIME = r"\d{9,10}|\d{12,13}"
# What the textual reading takes besides plain numbers and ISO dates: money ("$1,234.50", commas only where
# they separate thousands) and month-first dates ("11/26/2025").
_WRITTEN_NUMBER = r"\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_US_DATE = r"\d{1,2}/\d{1,2}/\d{4}"
# A daily row's date may carry the time of its close after it, as Google Sheets' GOOGLEFINANCE writes it
# ("1/2/2024 16:00:00"): the time is not read, every daily row being stamped at the New York close.
_CLOSE_CLOCK = r"(?: \d{1,2}:\d{2}(?::\d{2})?)?"
# Volumes as Investing.com writes them: "40.27M", "564.84K", "1.2B".
_ABBREVIATED = r"(\d+(?:\.\d+)?)([KMB])"
_SCALES = {"K": 1e3, "M": 1e6, "B": 1e9}


# A number as a comma-decimal spreadsheet writes it: 180,5 or 1.234.567,25 (points between thousands).
_COMMA_DECIMAL = r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?|-?\d+(?:,\d+)?"


def sniff_dialect(path: Path, first_line: str) -> Dialect:
    """Semicolons when the header has them and no comma; decimal commas when the first rows' numbers have
    them (a semicolon file may also be written with decimal points)."""
    if ";" not in first_line or "," in first_line:
        return COMMA
    rows, _cut = head_rows(path)
    fields = [field.strip().strip('"') for row in rows[:50] for field in row.split(";")[1:]]
    return Dialect(";", any(re.fullmatch(r"-?[\d.]*\d,\d+", field) for field in fields))


def canonical_header(path: Path, header: list[str], dialect: Dialect = COMMA) -> list[str]:
    """`header` with the names this reader knows spelled its way (see _KNOWN); other names as they are."""
    names = [_KNOWN.get(name.lower(), name) for name in header]
    if "Close" not in names and _CLOSE_ALIAS in (lowered := [name.lower() for name in names]):
        names[lowered.index(_CLOSE_ALIAS)] = "Close"
    if names and names[0].lower() in _TIME_NAMES:
        first = _first_value(path, dialect)
        if re.fullmatch(_UNIX_TIME, first):
            days = _unix_days(path, dialect)
            names[0] = UNIX if days is None else next(k for k, zone in UNIX_DAYS.items() if zone == days)
        else:
            names[0] = "Datetime" if _has_clock_time(first) else "Date"
    if names[:1] == ["Date"] and len(names) > 1 and names[1].lower() == "time":
        names[1] = TIME  # the bar's time of day in a column of its own (see core.time_of_day)
    return names


def _first_value(path: Path, dialect: Dialect = COMMA) -> str:
    """The first field of the first data line (empty when there is none)."""
    rows, _cut = head_rows(path)
    return dialect.fields(rows[0])[0].strip() if rows else ""


def _has_clock_time(value: str) -> bool:
    """Whether a time field holds a time of day after its date ("2025-01-02 09:30:00-05:00")."""
    return len(value) > 10 and value[10] in "T " and ":" in value[10:]


def _utf8(head: bytes, cut: bool) -> bool:
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return cut and exc.start >= len(head) - 3  # only a character the sniff's end cut in two
    return True


def read_bars(
    path: Path, header: list[str], rows_read: Callable[[int], None] | None = None, dialect: Dialect = COMMA
) -> tuple[bool, FloatArray]:
    """(daily?, n x 6 array of time, open, high, low, close, volume) in time order, checked. `header`: the
    file's column names as `canonical_header` spells them (pandas reads the columns under these names).

    Numbers are parsed by pandas' C parser as floats; only when that fails is the file read again as
    text to name the line and the field (a broken file pays for its message, a good one does not).
    `rows_read(n)` hears the rows read so far after each chunk. `dialect`: the file's separator and decimal
    mark (see `sniff_dialect`).
    """
    import pandas as pd

    # Date and Time in two columns: intraday, unless each row is a day of its own at one time (a daily download).
    split = header[:2] == ["Date", TIME] and not one_row_a_day(path, dialect)
    unix = header[0] == UNIX or header[0] in UNIX_DAYS
    daily = (header[0] == "Date" and not split) or header[0] in UNIX_DAYS
    stamp = header[0]
    present = [name for name in PRICE_COLUMNS if name in header]  # Close always; the others when given
    stamps = [stamp, TIME] if split else [stamp]
    plain = None if daily or split or unix or dialect != COMMA else _plain_intraday(path, pd, header, present)
    if plain is not None:
        if rows_read is not None:
            rows_read(len(plain))
        return daily, unique_times(path, plain, daily)
    try:
        try:
            numbers = {**dict.fromkeys(stamps, str), **dict.fromkeys(present, "float64")}
            parts = _read_chunks(path, header, daily, numbers, pd, rows_read, dialect)
        except ValueError as exc:
            if isinstance(exc, PriceFileError):
                raise
            # A field that is not a plain number: read again as text, which takes "$185.10" and "1,234,567"
            # as the sites that write them mean them, and names the line of a field that is no number at all.
            parts = _read_chunks(path, header, daily, dict.fromkeys((*stamps, *present), str), pd, rows_read, dialect)
            if not parts:
                raise PriceFileError(f"{path}: not a CSV price file ({str(exc).splitlines()[0][:160]})") from None
    except PriceFileError:
        raise
    except UnicodeDecodeError:
        raise PriceFileError(
            f"{path}: not UTF-8 text (save it as UTF-8; Latin-1 and other encodings are not read)"
        ) from None
    except (ValueError, pd.errors.ParserError, OverflowError) as exc:
        raise PriceFileError(f"{path}: not a CSV price file ({str(exc).splitlines()[0][:160]})") from None
    data = np.concatenate(parts) if parts else np.empty((0, 6))
    return daily, unique_times(path, data, daily)


def _read_chunks(
    path: Path,
    header: list[str],
    daily: bool,
    dtypes: dict[str, Any],
    pd: Any,
    rows_read: Callable[[int], None] | None = None,
    dialect: Dialect = COMMA,
) -> list[FloatArray]:
    parts: list[FloatArray] = []
    first_line = 2
    stamp = header[0]
    clock = TimeClock()  # the chunks of one file keep to one clock
    with pd.read_csv(path, names=header, header=0, usecols=list(dtypes), dtype=dtypes, chunksize=CHUNK_ROWS,
                     **READ_OPTIONS, **dialect.pandas_options()) as reader:  # fmt: skip
        for chunk in reader:
            parts.append(_chunk_bars(path, chunk, stamp, daily, first_line, pd, clock, dialect.decimal_comma))
            first_line += len(chunk)
            if rows_read is not None:
                rows_read(first_line - 2)
    return parts


def _chunk_bars(
    path: Path, chunk: Any, stamp: str, daily: bool, first_line: int, pd: Any, clock: TimeClock, decimal_comma: bool
) -> FloatArray:
    text = chunk[stamp].fillna("")
    line = np.arange(first_line, first_line + len(text))
    if TIME in chunk:
        times = split_stamps(path, text, chunk[TIME].fillna(""), line, pd)
    elif stamp == UNIX or stamp in UNIX_DAYS:
        times = unix_stamps(path, text, UNIX_DAYS.get(stamp), line, pd)
    else:
        times = parse_stamps(path, text, daily, line, pd, clock)
    return checked_bars(path, chunk, times, line, pd, decimal_comma)


def checked_bars(
    path: Path, frame: Any, times: FloatArray, line: IntArray, pd: Any, decimal_comma: bool = False
) -> FloatArray:
    """n x 6 rows of times and the frame's price columns (NaN for one the file does not have); rows with no
    Close left out, bad values refused. `decimal_comma`: the file writes 1.234,5 for 1234.5."""
    numbers = np.empty((len(times), 6))
    numbers[:, 0] = times
    for k, name in enumerate(PRICE_COLUMNS, start=1):
        if name not in frame:
            numbers[:, k] = np.nan
            continue
        column = frame[name]
        if column.dtype != np.float64:  # the second, textual reading of a file that failed the first
            raw = column.fillna("").str.strip()
            # Money as web sites write it: a dollar sign, thousands separated by commas (only where they
            # are thousands: "1,5" is not 15).
            plain = raw.where(~raw.str.fullmatch(_WRITTEN_NUMBER), raw.str.replace(r"[$,]", "", regex=True))
            if decimal_comma:  # 1.234,5 is 1234.5 there (and "1,234.5" is nothing such a file writes)
                european = raw.str.fullmatch(_COMMA_DECIMAL).fillna(False)
                plain = plain.where(~european, raw.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
            if name == "Volume":
                plain = _unabbreviated(plain, pd)
            values = pd.to_numeric(
                plain.where(~raw.str.lower().isin(["", "nan", "null", "none"]), "nan"), errors="coerce"
            )
            bad = values.isna().to_numpy() & ~raw.str.lower().isin(["", "nan", "null", "none"]).to_numpy()
            if bad.any():
                row = int(np.argmax(bad))
                raise PriceFileError(f"{path}, line {line[row]}: {name} {raw.iloc[row][:40]!r} is not a number")
            column = values
        numbers[:, k] = column.to_numpy(dtype=np.float64)
    close, volume = numbers[:, 4], numbers[:, 5]
    wrong = ~np.isnan(close) & ~((close > 0) & (close <= MAX_PRICE))
    if wrong.any():
        row = int(np.argmax(wrong))
        raise PriceFileError(
            f"{path}, line {line[row]}: Close {close[row]:g} is not a price (above 0, at most {MAX_PRICE:g})"
        )
    negative = volume < 0
    if negative.any():
        row = int(np.argmax(negative))
        raise PriceFileError(f"{path}, line {line[row]}: Volume {volume[row]:g} is negative")
    no_close = np.isnan(close)
    if not no_close.any():
        return numbers
    kept: FloatArray = numbers[~no_close]  # rows with no Close (holidays in some exports) are skipped
    return kept


def _unabbreviated(texts: Any, pd: Any) -> Any:
    """Volumes written with a K, M or B after them as the numbers they stand for (to the digits given)."""
    found = texts.str.upper().str.extract(f"^{_ABBREVIATED}$")
    if found[0].isna().all():
        return texts
    scaled = pd.to_numeric(found[0], errors="coerce") * found[1].map(_SCALES)
    return texts.where(scaled.isna(), scaled.round().astype("Int64").astype(str))


def _plain_intraday(
    path: Path, pd: Any, header: list[str] | None = None, present: Sequence[str] = PRICE_COLUMNS
) -> FloatArray | None:
    """An intraday file read with its times taken straight from its bytes (see core.csv_stamps), or None
    when the file is not plain enough for that (or too large to hold at once): it is then read in chunks."""
    try:
        if path.stat().st_size > PLAIN_MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    raw = as_array(data)
    starts = line_starts(raw)
    if starts is None:
        return None
    parts = [
        utc_seconds(raw, starts[k : k + CHUNK_ROWS], (FIRST_YEAR, LAST_YEAR)) for k in range(0, len(starts), CHUNK_ROWS)
    ]
    if any(part is None for part in parts):
        return None
    times = np.concatenate([part for part in parts if part is not None])
    try:
        numbers = dict.fromkeys(present, "float64")
        named = {} if header is None else {"names": header, "header": 0}
        frame = pd.read_csv(io.BytesIO(data), usecols=list(numbers), dtype=numbers, **named, **READ_OPTIONS)
    except (ValueError, pd.errors.ParserError, OverflowError, UnicodeDecodeError):
        return None  # the chunked reading finds the line and says what is wrong
    if len(frame) != len(times):
        return None
    return checked_bars(path, frame, times, np.arange(2, len(times) + 2), pd)


@dataclass
class TimeClock:
    """Which clock a file's intraday times are on, once a line has said: UTC offsets, or none (New York's).
    A file read in chunks keeps to the clock of its first."""

    offsets: bool | None = None
    line: int = 0  # the first line that said

    def agree(self, path: Path, offsets: bool, line: int, text: str) -> None:
        if self.offsets is None:
            self.offsets, self.line = offsets, line
        elif self.offsets != offsets:
            raise _two_clocks(path, line, text, offsets, self.line)


def _two_clocks(path: Path, line: int, text: str, offset: bool, other: int) -> PriceFileError:
    """A file refused for times on two clocks: `line`'s (with an offset or not) against `other`'s."""
    said, had = ("has a UTC offset", "has none") if offset else ("has no UTC offset", "has one")
    return PriceFileError(f"{path}, line {line}: time {text[:40]!r} {said}, while line {other}'s {had}")


def parse_stamps(
    path: Path, text: Any, daily: bool, line: IntArray, pd: Any, clock: TimeClock | None = None
) -> FloatArray:
    if daily:
        stamps = _dates(path, text, line, pd) + pd.Timedelta(hours=16)
        local = stamps.dt.tz_localize(NEW_YORK, nonexistent="shift_forward", ambiguous=False)
    else:
        missing = _without_offset(text.to_numpy())
        with_offset = ~missing & text.str.strip().ne("").to_numpy()
        if missing.any() and with_offset.any():  # which clock the ones without are on cannot be known
            row, other = int(np.argmax(missing)), int(np.argmax(with_offset))
            raise _two_clocks(path, int(line[row]), str(text.iloc[row]), False, int(line[other]))
        if clock is not None and (missing.any() or with_offset.any()):
            row = int(np.argmax(missing | with_offset))
            clock.agree(path, not missing.any(), int(line[row]), str(text.iloc[row]))
        if missing.any():
            local = _new_york_clock(text, pd)
        else:
            local = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    return _epoch_seconds(path, local, text, daily, line)


def _unix_days(path: Path, dialect: Dialect) -> str | None:
    """The clock on which a file of Unix times gives one bar a day, all at one time of day: UTC's (00:00, a
    crypto day's; 14:30, a US session's opening, on the same date) or, across a change of summer time, New
    York's (09:30, as TradingView stamps US stocks' days); None when its first rows are not one a day."""
    import pandas as pd

    rows, cut = head_rows(path)
    firsts = [dialect.fields(row)[0].strip().strip('"') for row in (rows[:-1] if cut else rows)]
    if len(firsts) < 2 or not all(re.fullmatch(_UNIX_TIME, value) for value in firsts):
        return None
    seconds = pd.Series([int(v) / 1000 if len(v) > 10 else int(v) for v in firsts])
    instants = pd.to_datetime(seconds, unit="s", utc=True)
    for zone in ("UTC", NEW_YORK):  # UTC's first: a 00:00 UTC day is 19:00 of the day before in New York
        local = instants.dt.tz_convert(zone)
        if local.dt.time.nunique() == 1 and local.dt.date.nunique() == len(local):
            return zone
    return None


def unix_stamps(path: Path, text: Any, days: str | None, line: IntArray, pd: Any) -> FloatArray:
    """Times from Unix seconds or milliseconds. A daily file's rows are dated on the clock its days are kept
    on (`days`, see _unix_days) and stamped at that date's New York close, as every daily row is."""
    written = text.str.strip()
    readable = written.str.fullmatch(_UNIX_TIME).fillna(False).to_numpy()
    values = pd.to_numeric(written.where(readable), errors="coerce").to_numpy(dtype=np.float64)
    seconds = np.where(values > 1e11, values / 1000.0, values)
    bad = np.isnan(seconds)
    if bad.any():
        row = int(np.argmax(bad))
        raise PriceFileError(
            f"{path}, line {line[row]}: time {text.iloc[row][:40]!r} is not a Unix time (seconds or milliseconds "
            "since 1970)"
        )
    instants = pd.Series(pd.to_datetime(seconds, unit="s", utc=True))
    if days is None:
        return _epoch_seconds(path, instants, text, False, line)
    return parse_stamps(path, instants.dt.tz_convert(days).dt.strftime("%Y-%m-%d"), True, line, pd)


def split_stamps(path: Path, dates: Any, clocks: Any, line: IntArray, pd: Any) -> FloatArray:
    """Times from a date column and a time-of-day column, on New York's clock (see core.time_of_day)."""
    naive = _dates(path, dates, line, pd) + pd.to_timedelta(seconds_of_day(path, clocks, line), unit="s")
    local = on_new_york_clock(naive)
    return _epoch_seconds(path, local, dates, True, line)


def _dates(path: Path, text: Any, line: IntArray, pd: Any) -> Any:
    """The dates a column gives: YYYY-MM-DD (anything after it not read), written with slashes (see
    _us_dates), as YYYYMMDD or YYYY.MM.DD (MetaTrader's and NinjaTrader's), or DD.MM.YYYY (a spreadsheet's
    in German and other languages that write the day first with points). NaT where none is."""
    written = text.str.strip()
    day = pd.to_datetime(written.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    if day.isna().any():
        day = _us_dates(path, written, day, line, pd)
    day_first_points = ("%d.%m.%Y", r"\d{1,2}\.\d{1,2}\.\d{4}")  # a comma-decimal spreadsheet's: 02.01.2024
    for form, pattern in (("%Y%m%d", r"\d{8}"), ("%Y.%m.%d", r"\d{4}\.\d{2}\.\d{2}"), day_first_points):
        if day.isna().any() and (compact := written.str.fullmatch(pattern).fillna(False)).any():
            day = day.fillna(pd.to_datetime(written.where(compact), format=form, errors="coerce"))
    return day


def _epoch_seconds(path: Path, local: Any, text: Any, daily: bool, line: IntArray) -> FloatArray:
    """UTC seconds of time-zone-aware `local`; a row with no time, or one outside the years read, refused."""
    years = local.dt.year.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.isnan(years) | (years < FIRST_YEAR) | (years > LAST_YEAR)
    if bad.any():
        row = int(np.argmax(bad))
        what = "date" if daily else "time"
        raise PriceFileError(
            f"{path}, line {line[row]}: {what} {text.iloc[row][:40]!r} is not a {what} from {FIRST_YEAR} to {LAST_YEAR}"
        )
    seconds: FloatArray = (
        local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ms]").astype(np.int64) / 1000.0
    )
    return seconds


def _new_york_clock(text: Any, pd: Any) -> Any:
    """Times written without an offset, read on New York's clock, the exchange's: Alpha Vantage writes US
    stocks' intraday bars that way (extended hours too)."""
    return on_new_york_clock(pd.to_datetime(text, format="ISO8601", errors="coerce"))


def on_new_york_clock(naive: Any) -> Any:
    """Naive times localized to New York. The hour written twice when summer time ends (01:00-02:00) is read
    in the file's order, oldest or newest first: its first pass in summer time, its second in winter time (a
    24-hour market's bars). When the file does not show which is which (the hour once, rows out of order),
    it is taken as summer time. A time that does not exist when summer time begins (02:00-03:00) moves
    forward."""
    valid = naive.dropna()
    newest_first = len(valid) > 1 and valid.iloc[0] > valid.iloc[-1]
    ordered = naive.iloc[::-1] if newest_first else naive
    try:
        local = ordered.dt.tz_localize(NEW_YORK, ambiguous="infer", nonexistent="shift_forward")
    except ValueError:
        local = ordered.dt.tz_localize(NEW_YORK, ambiguous=True, nonexistent="shift_forward")
    return local.iloc[::-1] if newest_first else local


def _us_dates(path: Path, text: Any, day: Any, line: IntArray, pd: Any) -> Any:
    """`day` with the dates written with slashes filled in: month first (11/26/2025, as Nasdaq's and
    MarketWatch's sites and Google Sheets write them), or day first when a date can only be read so
    (26/11/2025: Investing.com's and spreadsheets' downloads outside the US). A file is written one way,
    so then all its dates are read day first, 03/04 being the 3rd of April; they must then be in order
    (oldest or newest first), or the file is refused, as then no date of it can be trusted."""
    written = text.str.fullmatch(_US_DATE + _CLOSE_CLOCK).fillna(False)
    if not written.any():
        return day
    dates = text.str.split(" ", n=1).str[0]
    month_first = pd.to_datetime(dates.where(written), format="%m/%d/%Y", errors="coerce")
    day_first = pd.to_datetime(dates.where(written), format="%d/%m/%Y", errors="coerce")
    day_first_only = (month_first.isna() & day_first.notna()).to_numpy()
    if not day_first_only.any():
        return day.fillna(month_first)
    read = day_first[written.to_numpy()]
    if read.notna().all() and (read.is_monotonic_increasing or read.is_monotonic_decreasing):
        return day.fillna(day_first)
    row = int(np.argmax(day_first_only))
    raise PriceFileError(
        f"{path}, line {line[row]}: date {text.iloc[row][:40]!r} is written day first, but read so the file's "
        "dates are not all dates in order; dates are read as YYYY-MM-DD, month first (MM/DD/YYYY) or, when "
        "one shows it, day first (DD/MM/YYYY)"
    )


_SPACE, _ZULU, _COLON, _PLUS, _MINUS = (ord(c) for c in " Z:+-")


def _without_offset(texts: Any) -> BoolArray:
    """Which non-empty time strings end without a UTC offset (+hh:mm, +hhmm or Z), trailing spaces aside.

    Done on the strings' bytes with numpy: pandas' string methods took two thirds of reading a large file."""
    if not len(texts):
        return np.zeros(0, dtype=bool)
    width = max(map(len, texts))
    raw = np.asarray(texts, dtype=f"U{max(width, 1)}")
    chars = raw.view(np.uint32).reshape(len(raw), -1)
    filled = (chars != 0) & (chars != _SPACE)
    length = np.where(filled.any(axis=1), chars.shape[1] - np.argmax(filled[:, ::-1], axis=1), 0)
    rows = np.arange(len(raw))

    def at(back: int) -> np.ndarray:
        picked: np.ndarray = chars[rows, np.maximum(length - back, 0)]
        return picked

    zulu = at(1) == _ZULU
    colon = (at(3) == _COLON) & np.isin(at(6), (_PLUS, _MINUS))
    compact = np.isin(at(5), (_PLUS, _MINUS))
    missing: BoolArray = (length > 0) & ~(zulu | colon | compact)
    return missing


def unique_times(path: Path, data: FloatArray, daily: bool) -> FloatArray:
    """Rows in time order; one row per time (the same row twice is one; two prices at one time refused)."""
    if len(data) < 2:
        return data
    if not in_time_order(data[:, 0]):  # (files are nearly always written in time order: no copy then)
        data = data[np.argsort(data[:, 0], kind="stable")]
    same = data[1:, 0] == data[:-1, 0]
    if not same.any():
        return data
    equal = np.all((data[1:] == data[:-1]) | (np.isnan(data[1:]) & np.isnan(data[:-1])), axis=1)
    clash = same & ~equal
    if clash.any():
        when = float(data[1:][np.argmax(clash), 0])
        from datetime import UTC, datetime
        from zoneinfo import ZoneInfo

        moment = datetime.fromtimestamp(when, UTC).astimezone(ZoneInfo(NEW_YORK))
        shown = moment.date().isoformat() if daily else moment.isoformat()
        raise PriceFileError(f"{path}: {shown} appears twice with different prices")
    keep = np.r_[True, ~same]
    unique: FloatArray = data[keep]
    return unique


def in_time_order(times: FloatArray) -> bool:
    """Whether `times` never go back (a stable sort would leave the rows as they are)."""
    return bool(len(times) < 2 or (times[1:] >= times[:-1]).all())
