"""Intraday times written without a UTC offset are New York's clock, as US data vendors write them.

The Alpha Vantage file is a real response (see tests/fixtures/alphavantage/README.md).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from desktop.core import price_csv
from desktop.core.prices import PriceFileError, read_price_file
from desktop.core.sessions import session_date

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "alphavantage" / "MSFT_1min_extended.csv"
NEW_YORK = ZoneInfo("America/New_York")


def new_york(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=NEW_YORK).timestamp()


def test_an_alpha_vantage_intraday_file_reads_on_new_yorks_clock(tmp_path: Path) -> None:
    path = tmp_path / "MSFT.csv"
    shutil.copy(FIXTURE, path)
    msft = read_price_file(path)
    assert msft.symbol == "MSFT" and not msft.daily and len(msft) == 152
    assert np.all(np.diff(msft.times) > 0), "newest first in the file, oldest first once read"
    assert msft.times[0] == new_york("2020-12-18T15:30:00") == datetime(2020, 12, 18, 20, 30, tzinfo=UTC).timestamp()
    assert msft.times[-1] == new_york("2020-12-18T20:00:00"), "after-hours bars are kept, at their own times"
    k = int(np.flatnonzero(msft.times == new_york("2020-12-18T15:59:00"))[0])
    assert msft.close[k] == pytest.approx(218.71) and msft.volume[k] == 314489
    assert {session_date(float(t)).isoformat() for t in msft.times} == {"2020-12-18"}


@pytest.mark.parametrize("days", [("2025-03-07", "2025-03-11"), ("2025-10-31", "2025-11-04")])
def test_times_without_an_offset_equal_the_same_times_with_one_across_a_clock_change(
    tmp_path: Path, days: tuple[str, str]
) -> None:
    stamps = pd.date_range(days[0], days[1], freq="7min", tz=NEW_YORK)
    stamps = stamps[(stamps.hour >= 4) & (stamps.hour < 20)]  # pre-market to after-hours, as vendors send
    closes = np.round(100 + np.arange(len(stamps)) * 0.01, 2)
    with_offset = tmp_path / "WITH.csv"
    without = tmp_path / "WITHOUT.csv"
    with_offset.write_text(
        "Datetime,Close\n" + "".join(f"{t.isoformat()},{c}\n" for t, c in zip(stamps, closes, strict=True))
    )
    without.write_text(
        "timestamp,close\n" + "".join(f"{t:%Y-%m-%d %H:%M:%S},{c}\n" for t, c in zip(stamps, closes, strict=True))
    )
    expected = read_price_file(with_offset)
    read = read_price_file(without)
    assert np.array_equal(read.times, expected.times) and np.array_equal(read.close, expected.close)
    assert read.times[0] == stamps[0].timestamp()


@pytest.mark.parametrize(
    ("rows", "whole", "by_line"),
    [
        (
            ["2025-01-02T10:00:00-05:00", "2025-01-02 10:01:00"],
            "line 3: time '2025-01-02 10:01:00' has no UTC offset, while line 2's has one",
            "line 3: time '2025-01-02 10:01:00' has no UTC offset, while line 2's has one",
        ),
        (
            ["2025-01-02 10:00:00", "2025-01-02T10:01:00-05:00"],
            "line 2: time '2025-01-02 10:00:00' has no UTC offset, while line 3's has one",
            "line 3: time '2025-01-02T10:01:00-05:00' has a UTC offset, while line 2's has none",
        ),
    ],
)
@pytest.mark.parametrize("chunk_rows", [250_000, 1])  # in one piece, and a line per chunk as a huge file is read
def test_a_file_on_two_clocks_is_refused_naming_both_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[str], whole: str, by_line: str, chunk_rows: int
) -> None:
    monkeypatch.setattr(price_csv, "CHUNK_ROWS", chunk_rows)
    path = tmp_path / "X.csv"
    path.write_text("Datetime,Close\n" + "".join(f"{row},10\n" for row in rows))
    with pytest.raises(PriceFileError) as refused:
        read_price_file(path)
    assert str(refused.value) == f"{path}, {whole if chunk_rows > 1 else by_line}"


def test_an_empty_time_in_a_file_without_offsets_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "X.csv"
    path.write_text("timestamp,close\n2025-01-02 10:00:00,10\n,11\n2025-01-02 10:02:00,12\n")
    with pytest.raises(PriceFileError, match="line 3: time '' is not a time"):
        read_price_file(path)
