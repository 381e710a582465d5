"""A whole recording read column by column with pandas: the usual case, every row complete and plain.

Reading row by row in Python (the csv module, `datetime.fromisoformat`, `float` for each cell) took 5 s
for a 49 MB recording (600,000 quotes, thirteen hours of 13 symbols at 1 Hz). Here pandas' C parser reads
the numbers, the times are parsed as one column, and what needs checking per line is checked on the
file's bytes with numpy. Anything that needs a row-by-row judgement (a row with missing fields, as a cut
last write leaves, a cell that is not a number, a time without an offset, quoted fields) gives None, and
the row-by-row reader decides, naming the line.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from desktop.core.price_types import BoolArray, FloatArray, IntArray
from desktop.core.quote import MAX_PRICE
from desktop.core.sessions import MarketSession

NO_NUMBER = ["", "nan", "NaN", "null", "None"]  # cells the row-by-row reader reads as "not stated"
SESSION_CODES = tuple(MarketSession)  # a recording's Session column as codes (PriceSeries.stated_session)
SESSION_INDEX = {s.value: k for k, s in enumerate(SESSION_CODES)}
_COMMA, _NEWLINE = ord(","), ord("\n")


class Recorded(NamedTuple):
    """One symbol's rows in time order (the file's order among equal times)."""

    times: FloatArray
    prices: FloatArray
    stated: FloatArray  # n x 4: prev close, day high, day low, day volume (NaN: not stated)
    sessions: IntArray  # index into MarketSession, -1 when not stated


def read_columns(path: Path, columns: tuple[str, ...]) -> dict[str, Recorded] | None:
    """Each symbol's rows (first-seen order), or None when the file needs reading row by row. `columns`
    are the recording's eight: time, symbol, price, four stated figures, session."""
    import pandas as pd

    data = path.read_bytes()
    body = data.removeprefix(b"\xef\xbb\xbf")
    header, _, _ = body.partition(b"\n")
    if header.decode("utf-8", "replace").strip().split(",") != list(columns) or b'"' in body:
        return None
    lines = _plain_lines(np.frombuffer(body, dtype=np.uint8), len(columns))
    if lines is None:
        return None
    numbers = dict.fromkeys(columns[2:7], "float64")
    try:
        frame = pd.read_csv(
            io.BytesIO(body), dtype={columns[0]: str, columns[1]: str, columns[7]: str, **numbers}, encoding="utf-8",
            skipinitialspace=True, keep_default_na=False, na_values=dict.fromkeys(numbers, NO_NUMBER),
            skip_blank_lines=True, engine="c",
        )  # fmt: skip
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):  # a cell that is not a number, and the like
        return None
    if len(frame) == 0 or len(frame) != lines:
        return None
    moments = pd.to_datetime(frame[columns[0]], format="ISO8601", utc=True, errors="coerce")  # blanks: None
    if moments.isna().any():
        return None
    times: FloatArray = moments.dt.as_unit("us").astype("int64").to_numpy() / 1e6  # exact, as datetime's are
    price, prev, high, low, volume = (frame[name].to_numpy(dtype=np.float64) for name in columns[2:7])
    symbols = _cleaned(frame[columns[1]].fillna(""), pd, str.upper)
    sessions = _cleaned(frame[columns[7]].fillna(""), pd, str.lower)
    session_codes = np.array([SESSION_INDEX.get(s, -1) for s in sessions[1]], dtype=np.int64)[sessions[0]]
    with np.errstate(invalid="ignore"):
        usable: BoolArray = (np.asarray(symbols[1])[symbols[0]] != "") & (price > 0.0) & (price <= MAX_PRICE)
    codes, names = pd.factorize(np.asarray(symbols[1], dtype=object)[symbols[0][usable]], sort=False)
    order = np.lexsort((times[usable], codes))  # by symbol, then time; stable among equal times
    picked = np.flatnonzero(usable)[order]
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    stated = np.column_stack([prev, high, low, volume])
    out: dict[str, Recorded] = {}
    for k, name in enumerate(names):
        rows = picked[bounds[k] : bounds[k + 1]]
        out[str(name)] = Recorded(times[rows], price[rows], stated[rows], session_codes[rows])
    return out


def _cleaned(cells: Any, pd: Any, case: Any) -> tuple[IntArray, list[str]]:
    """(code of each cell, the distinct values stripped and cased): a column of few distinct values
    (symbols, sessions) is cleaned once per value, not once per row."""
    codes, uniques = pd.factorize(cells, sort=False)
    return codes, [case(str(u).strip()) for u in uniques]


def _plain_lines(raw: np.ndarray, fields: int) -> int | None:
    """How many data lines there are, if every one ends with a line end, holds at least all fields but the
    session, and its time ends with an offset (Z, +hh:mm, +hhmm); else None. Blank lines are left out, as
    both readers skip them."""
    ends = np.flatnonzero(raw == _NEWLINE)
    if len(ends) < 2 or ends[-1] != len(raw) - 1:  # no rows, or a last line without its end: maybe cut
        return None
    starts, ends = ends[:-1] + 1, ends[1:]
    blank = (ends - starts <= 1) & ((ends == starts) | (raw[np.minimum(starts, len(raw) - 1)] == ord("\r")))
    starts, ends = starts[~blank], ends[~blank]
    commas = np.flatnonzero(raw == _COMMA)
    first = np.searchsorted(commas, starts)
    if (np.searchsorted(commas, ends) - first < fields - 2).any():  # fewer fields than a whole row has
        return None
    at: IntArray = commas[np.minimum(first, len(commas) - 1)]  # each line's first comma: the end of its time
    if (at < starts + 6).any():
        return None
    last = raw[at - 1]
    colon = (raw[at - 3] == ord(":")) & _sign(raw[at - 6]) & _digits(raw, at, (5, 4, 2, 1))
    compact = _sign(raw[at - 5]) & _digits(raw, at, (4, 3, 2, 1))
    if not ((last == ord("Z")) | colon | compact).all():  # a time with no offset: the slow reader refuses it
        return None
    return len(at)


def _sign(chars: np.ndarray) -> BoolArray:
    signed: BoolArray = (chars == ord("+")) | (chars == ord("-"))
    return signed


def _digits(raw: np.ndarray, at: IntArray, back: tuple[int, ...]) -> BoolArray:
    ok = np.ones(len(at), dtype=bool)
    for k in back:
        ok &= (raw[at - k] >= ord("0")) & (raw[at - k] <= ord("9"))
    return ok
