"""The first column of a plain intraday price file, read as UTC seconds straight from the file's bytes.

pandas makes a Python string of every timestamp before parsing it: for a file of one-minute bars that
was half of the read (a year of 390 bars a session: 152 ms, of which 78 ms the parser, 24 ms the date
parsing and 21 ms the offset check). Here every line's first field is looked at in one numpy array, as
long as every line is plain: `YYYY-MM-DDTHH:MM:SS` (or a space for the T) and an offset (`Z`, `+hh:mm`,
`+hhmm`), then a comma. Anything else (a blank line, a quote, fractions of a second, a date that does not
exist) gives None and the file is read the general way, which also names the line and what is wrong.
"""

from __future__ import annotations

import numpy as np

from desktop.core.price_types import FloatArray, IntArray

STAMP = 19  # YYYY-MM-DDTHH:MM:SS
WIDEST = STAMP + 7  # the longest offset (+hh:mm) and the comma after it
_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18)
_ZERO, _DASH, _COLON, _COMMA, _PLUS, _T, _SPACE, _Z = (ord(c) for c in "0-:,+T Z")
_NEWLINE = ord("\n")
_BOM = b"\xef\xbb\xbf"


def line_starts(raw: np.ndarray) -> IntArray | None:
    """Where each data line (after the header) starts; None when a line is blank or too short for a time.
    `raw` is an `as_array` (its padding is not part of the file)."""
    size = len(raw) - WIDEST
    ends = np.flatnonzero(raw[:size] == _NEWLINE)
    if len(ends) == 0:
        return None
    starts = ends[:-1] + 1
    if ends[-1] != size - 1:  # the last line has no newline of its own
        starts = np.append(starts, ends[-1] + 1)
        ends = np.append(ends, size)
    lengths = ends[1:] - starts
    if len(lengths) == 0 or lengths.min() < STAMP + 2:
        return None
    found: IntArray = starts.astype(np.int64)
    return found


def utc_seconds(raw: np.ndarray, starts: IntArray, years: tuple[int, int]) -> FloatArray | None:
    """Each line's first field as UTC seconds, or None unless every line's field is plain (see above) and
    its year within `years` (first, last). `raw` must end with WIDEST bytes of padding (see `as_array`)."""
    chars = np.lib.stride_tricks.sliding_window_view(raw, WIDEST)[starts]  # n x WIDEST bytes, one copy
    digits = chars - np.uint8(_ZERO)  # wraps below '0': a digit is exactly a value of 9 or less
    shape_ok = (
        (digits[:, _DIGITS] <= 9).all(axis=1)
        & (chars[:, 4] == _DASH)
        & (chars[:, 7] == _DASH)
        & ((chars[:, 10] == _T) | (chars[:, 10] == _SPACE))
        & (chars[:, 13] == _COLON)
        & (chars[:, 16] == _COLON)
    )
    if not shape_ok.all():
        return None
    offset = _offset_seconds(chars, digits)
    if offset is None:
        return None

    def number(*at: int) -> IntArray:
        value = np.zeros(len(chars), dtype=np.int64)
        for k in at:
            value = value * 10 + digits[:, k]  # widened to int64 by the sum
        return value

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    hour, minute, second = number(11, 12), number(14, 15), number(17, 18)
    if not ((year >= years[0]).all() and (year <= years[1]).all()):
        return None
    if not ((month >= 1).all() and (month <= 12).all() and (day >= 1).all() and (hour < 24).all()):
        return None
    if not ((minute < 60).all() and (second < 60).all()):
        return None
    months = (year - 1970) * 12 + (month - 1)
    first_of_month = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    next_month = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    days = first_of_month + day - 1
    if (days >= next_month).any():  # 2025-02-30 is no date
        return None
    seconds: FloatArray = (days * 86_400 + hour * 3_600 + minute * 60 + second - offset).astype(np.float64)
    return seconds


def _offset_seconds(chars: np.ndarray, digits: np.ndarray) -> IntArray | None:
    """Each line's UTC offset in seconds (Z, +hh:mm or +hhmm, then a comma); None if any line has another."""
    sign_char = chars[:, STAMP]
    zulu = (sign_char == _Z) & (chars[:, STAMP + 1] == _COMMA)
    signed = (sign_char == _PLUS) | (sign_char == _DASH)

    def all_digits(*at: int) -> np.ndarray:
        ok: np.ndarray = np.all(digits[:, at] <= 9, axis=1)
        return ok

    colon = signed & (chars[:, STAMP + 3] == _COLON) & all_digits(20, 21, 23, 24) & (chars[:, STAMP + 6] == _COMMA)
    compact = signed & ~colon & all_digits(20, 21, 22, 23) & (chars[:, STAMP + 5] == _COMMA)
    if not (zulu | colon | compact).all():
        return None
    wide = digits[:, 20:].astype(np.int64)
    hours = wide[:, 0] * 10 + wide[:, 1]
    minutes = np.where(colon, wide[:, 3] * 10 + wide[:, 4], wide[:, 2] * 10 + wide[:, 3])
    if (~zulu & ((hours >= 24) | (minutes >= 60))).any():
        return None
    size = np.where(zulu, 0, hours * 3_600 + minutes * 60)
    offset: IntArray = np.where(sign_char == _DASH, -size, size)
    return offset


def as_array(data: bytes) -> np.ndarray:
    """A file's bytes as an array, without a UTF-8 byte-order mark, and WIDEST zero bytes after its end
    (so that the first WIDEST bytes of every line, the last one too, can be looked at in one array)."""
    start = len(_BOM) if data.startswith(_BOM) else 0
    array = np.zeros(len(data) - start + WIDEST, dtype=np.uint8)
    array[: len(data) - start] = np.frombuffer(data, dtype=np.uint8, offset=start)
    return array
