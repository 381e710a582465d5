"""A price file's time-of-day column, for files that give each bar's date and its time in two columns.

Kibot's intraday downloads, MetaTrader's and NinjaTrader's exports and many spreadsheets write
`Date,Time,Open,...`: a date, then the bar's clock time without an offset ("09:30", "09:30:00",
"0930", "093000"). Such times are read on New York's clock, as a combined time without an offset is: a
file written on another clock (a broker's server time) reads that many hours off.
A daily download in the same layout gives every row the same time (00:00 in MetaTrader's, the close in
others): a file whose first lines each give a date of their own at one same time is read as daily bars.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.price_types import COMMA, Dialect, FloatArray, IntArray, PriceFileError, head_rows

TIME = "Time"
# Hours and minutes, with or without a colon between them, then maybe seconds (and a fraction of one).
_CLOCK = r"^(\d{1,2}):?(\d{2})(?::?(\d{2}(?:\.\d+)?))?$"


def seconds_of_day(path: Path, texts: Any, line: IntArray) -> FloatArray:
    """Seconds since midnight of each time in `texts` (a pandas Series of strings); a time that is not
    one is refused with its line."""
    plain = _plain_clock(texts.to_numpy())
    if plain is not None:
        return plain
    stripped = texts.str.strip()
    parts = stripped.str.extract(_CLOCK).astype("float64").to_numpy()
    hours, minutes, seconds = parts[:, 0], parts[:, 1], np.nan_to_num(parts[:, 2])
    bad = np.isnan(hours) | np.isnan(minutes) | (hours > 23) | (minutes > 59) | (seconds >= 60)
    if bad.any():
        row = int(np.argmax(bad))
        raise PriceFileError(
            f"{path}, line {line[row]}: time {stripped.iloc[row][:40]!r} is not a time of day "
            "(HH:MM or HH:MM:SS, on New York's clock: a separate Time column takes no UTC offset)"
        )
    result: FloatArray = hours * 3600.0 + minutes * 60.0 + seconds
    return result


def _plain_clock(texts: Any) -> FloatArray | None:
    """Times all written HH:MM, or all HH:MM:SS, read from their characters at once (the general reading,
    a regular expression per row, took three quarters of reading such a file); None for anything else."""
    if not len(texts):
        return None
    width = max(map(len, texts))
    if width not in (5, 8):
        return None
    chars = np.asarray(texts, dtype=f"U{width}").view(np.uint32).reshape(len(texts), width).astype(np.int64)
    colons = [2, 5] if width == 8 else [2]
    digits = [k for k in range(width) if k not in colons]
    if not (chars[:, colons] == ord(":")).all():
        return None
    values = chars[:, digits] - ord("0")
    if not ((values >= 0) & (values <= 9)).all():  # also a row shorter than the others (its padding is 0)
        return None
    hours, minutes = values[:, 0] * 10 + values[:, 1], values[:, 2] * 10 + values[:, 3]
    seconds = values[:, 4] * 10 + values[:, 5] if width == 8 else np.zeros(len(texts), dtype=np.int64)
    if (hours > 23).any() or (minutes > 59).any() or (seconds > 59).any():
        return None  # the general reading names the line
    result: FloatArray = (hours * 3600 + minutes * 60 + seconds).astype(np.float64)
    return result


def one_row_a_day(path: Path, dialect: Dialect = COMMA) -> bool:
    """Whether the file's first lines each give a date of their own, all at the same time (a daily download)."""
    rows, cut = head_rows(path)
    if cut:
        rows = rows[:-1]  # the last line may be cut short
    fields = [[field.strip().strip('"') for field in dialect.fields(row)[:2]] for row in rows]
    if len(fields) < 2 or any(len(pair) < 2 for pair in fields):
        return False  # one row says nothing of the file's days
    dates = [date for date, _time in fields]
    return len({time for _date, time in fields}) == 1 and len(set(dates)) == len(dates)
