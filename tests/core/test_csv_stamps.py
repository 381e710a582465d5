"""Intraday times read from a file's bytes: the same instants pandas reads, or no answer (and the general
reading, with its messages) for anything less plain."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from desktop.core import price_csv
from desktop.core.prices import PriceFileError, read_price_file

HEADER = "Datetime,Open,High,Low,Close,Volume\n"


def read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[np.ndarray, np.ndarray]:
    """(times read from the bytes, times read by the general path) for one file."""
    fast = price_csv._plain_intraday(path, pd)
    assert fast is not None, "the file was meant to be plain"
    with monkeypatch.context() as patch:
        patch.setattr(price_csv, "PLAIN_MAX_BYTES", -1)
        general = read_price_file(path)
    assert np.array_equal(read_price_file(path).close, general.close)
    return fast[:, 0], general.times


def test_real_intraday_files_read_the_same(intraday_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted(intraday_dir.glob("*.csv")):
        fast, general = read_both(path, monkeypatch)
        assert np.array_equal(np.sort(fast), general), path.name


@pytest.mark.parametrize(
    "rows",
    [
        ["2025-11-03T09:30:00-05:00", "2025-11-03T09:35:00-05:00"],
        ["2025-03-07T15:55:00-05:00", "2025-03-10T09:30:00-04:00"],  # across the DST change
        ["2025-08-21T13:30:00+00:00", "2025-08-21T13:31:00Z"],
        ["2025-08-21 09:30:00-0400", "2025-08-21 09:31:00+0530"],  # a space, compact offsets
        ["2024-02-29T10:00:00-05:00", "1970-01-01T00:00:00Z", "2199-12-31T23:59:59+14:00"],
    ],
)
def test_plain_times_read_as_pandas_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[str]
) -> None:
    path = tmp_path / "X.csv"
    path.write_text(HEADER + "".join(f"{t},1,2,0.5,{1 + k},{k}\n" for k, t in enumerate(rows)))
    fast, general = read_both(path, monkeypatch)
    assert np.array_equal(np.sort(fast), general)
    stamps = pd.to_datetime(pd.Series(rows), format="ISO8601", utc=True)
    assert np.array_equal(general, np.sort(stamps.dt.as_unit("s").astype("int64").to_numpy() / 1.0))


def test_random_plain_times_read_as_the_general_path_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(11)
    n = 3_000
    seconds = rng.integers(0, 7_258_118_400 - 86_400, n)  # 1970 to the end of 2199
    offsets = rng.integers(-12 * 4, 14 * 4 + 1, n) * 900  # quarter hours, as real zones have them
    local = pd.to_datetime(seconds + offsets, unit="s").strftime("%Y-%m-%d" + "T" + "%H:%M:%S")
    styles = rng.integers(0, 3, n)
    rows = []
    for text, offset, style, sep in zip(local, offsets, styles, rng.integers(0, 2, n), strict=True):
        sign, size = ("-" if offset < 0 else "+"), abs(int(offset))
        hh, mm = divmod(size // 60, 60)
        suffix = (
            "Z"
            if style == 0 and offset == 0
            else f"{sign}{hh:02d}:{mm:02d}"
            if style < 2
            else f"{sign}{hh:02d}{mm:02d}"
        )
        rows.append(f"{text.replace('T', ' ') if sep else text}{suffix}")
    path = tmp_path / "X.csv"
    path.write_text(HEADER + "".join(f"{t},1,2,0.5,{1 + k % 97},{k}\n" for k, t in enumerate(rows)))
    fast, general = read_both(path, monkeypatch)
    assert np.array_equal(np.sort(fast), general)
    assert np.array_equal(np.sort(seconds.astype(np.float64)), general)


@pytest.mark.parametrize(
    "shape",
    ["crlf", "bom", "no final newline"],
)
def test_line_endings_and_marks_of_other_editors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str) -> None:
    body = HEADER + "2025-11-03T09:30:00-05:00,1,2,0.5,10,5\n2025-11-03T09:35:00-05:00,1,2,0.5,11,6\n"
    data = body.encode()
    if shape == "crlf":
        data = body.replace("\n", "\r\n").encode()
    elif shape == "bom":
        data = b"\xef\xbb\xbf" + data
    else:
        data = data.rstrip(b"\n")
    path = tmp_path / "X.csv"
    path.write_bytes(data)
    fast, general = read_both(path, monkeypatch)
    assert np.array_equal(fast, general) and len(fast) == 2


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("2025-11-03T09:35:00,1,1,1,10,5", "line 3: time '2025-11-03T09:35:00' has no UTC offset"),
        ("2025-02-30T09:35:00-05:00,1,1,1,10,5", "line 3: time '2025-02-30T09:35:00-05:00' is not a time"),
        ("1969-12-31T09:35:00-05:00,1,1,1,10,5", "line 3: time '1969-12-31T09:35:00-05:00' is not a time"),
        ("2025-11-03T09:35:00-05:00,1,1,1,abc,5", "line 3: Close 'abc' is not a number"),
        ("2025-11-03T25:35:00-05:00,1,1,1,10,5", "line 3: time '2025-11-03T25:35:00-05:00' is not a time"),
        ("2025-11-03T09:35:00+25:00,1,1,1,10,5", "line 3: time '2025-11-03T09:35:00\\+25:00' is not a time"),
    ],
)
def test_anything_less_plain_is_read_the_general_way_with_its_message(tmp_path: Path, line: str, words: str) -> None:
    path = tmp_path / "X.csv"
    path.write_text(HEADER + "2025-11-03T09:30:00-05:00,1,1,1,10,5\n" + line + "\n")
    assert price_csv._plain_intraday(path, pd) is None
    with pytest.raises(PriceFileError, match=words.replace("(", r"\(")):
        read_price_file(path)


@pytest.mark.parametrize(
    "line",
    [
        "2025-11-03T09:35:00.500-05:00,1,1,1,11,5",  # fractions of a second
        '"2025-11-03T09:35:00-05:00",1,1,1,11,5',  # quoted
        " 2025-11-03T09:35:00-05:00,1,1,1,11,5",  # a leading space
        "",  # a blank line
    ],
)
def test_less_plain_but_good_lines_are_still_read(tmp_path: Path, line: str) -> None:
    path = tmp_path / "X.csv"
    path.write_text(
        HEADER + "2025-11-03T09:30:00-05:00,1,1,1,10,5\n" + line + "\n2025-11-03T09:40:00-05:00,1,1,1,12,5\n"
    )
    assert price_csv._plain_intraday(path, pd) is None
    series = read_price_file(path)
    assert series.close[0] == 10 and series.close[-1] == 12
