"""The hour New York's clock shows twice when summer time ends, in files of 24-hour markets' bars written
without an offset: read in the file's order, each bar at its own instant (checked against UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from desktop.core.prices import read_price_file

NEW_YORK = ZoneInfo("America/New_York")
# Every 15 minutes through the night summer time ended in 2025 (01:00-02:00 shows twice).
INSTANTS = [datetime(2025, 11, 2, 3, 0, tzinfo=UTC) + timedelta(minutes=15 * k) for k in range(24)]


def _rows(layout: str) -> list[str]:
    rows = []
    for k, instant in enumerate(INSTANTS):
        local = instant.astimezone(NEW_YORK)
        stamp = local.strftime("%Y-%m-%d,%H:%M") if layout == "split" else local.strftime("%Y-%m-%d %H:%M:%S")
        rows.append(f"{stamp},{100 + k}")
    return rows


@pytest.mark.parametrize("layout", ["combined", "split"])
@pytest.mark.parametrize("newest_first", [False, True])
def test_each_bar_of_the_repeated_hour_keeps_its_own_instant(tmp_path: Path, layout: str, newest_first: bool) -> None:
    header = "Date,Time,Close" if layout == "split" else "Datetime,Close"
    rows = _rows(layout)
    path = tmp_path / "BTC-USD.csv"
    path.write_text(header + "\n" + "\n".join(reversed(rows) if newest_first else rows) + "\n")
    series = read_price_file(path)
    assert not series.daily
    assert np.array_equal(series.times, [instant.timestamp() for instant in INSTANTS])
    assert np.array_equal(series.close, [100.0 + k for k in range(len(INSTANTS))])


def test_the_hour_written_once_is_read_as_summer_time(tmp_path: Path) -> None:
    path = tmp_path / "BTC-USD.csv"
    path.write_text("Datetime,Close\n2025-11-02 00:30:00,1\n2025-11-02 01:30:00,2\n2025-11-02 02:30:00,3\n")
    series = read_price_file(path)
    summer = datetime(2025, 11, 2, 1, 30, tzinfo=NEW_YORK).replace(fold=0)
    assert series.times[1] == summer.timestamp() and series.times[2] - series.times[1] == 7200
