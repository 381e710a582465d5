"""Price files that give each bar's date and its time of day in two columns (Kibot's, MetaTrader's and
NinjaTrader's layouts), checked against the bundled real bars they were rewritten from."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from desktop.core.prices import PriceFileError, PriceSeries, read_price_file

FIELDS = ("times", "open", "high", "low", "close", "volume", "session", "prev_close", "day_high", "day_low")


def _rows(source: Path) -> list[dict[str, str]]:
    with source.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _same(read: PriceSeries, full: PriceSeries) -> None:
    assert read.daily is full.daily and len(read) == len(full) > 100
    for name in FIELDS:
        assert np.array_equal(getattr(read, name), getattr(full, name), equal_nan=True), name


def _written(day: str, form: str) -> str:
    year, month, dom = day.split("-")
    forms = {"iso": day, "us": f"{month}/{dom}/{year}", "compact": year + month + dom, "dots": f"{year}.{month}.{dom}"}
    return forms[form]


@pytest.mark.parametrize(
    ("header", "date_form", "time_form"),
    [
        ("Date,Time,Open,High,Low,Close,Volume", "iso", "%H:%M"),  # Kibot's
        ("date,time,open,high,low,close,volume", "us", "%H:%M:%S"),  # a spreadsheet's, lower case
        ("Date,Time,Open,High,Low,Close,Volume", "compact", "%H%M%S"),  # NinjaTrader's
        ("Date,Time,Open,High,Low,Close,Volume", "dots", "%H:%M"),  # MetaTrader's
    ],
)
def test_intraday_bars_with_the_time_apart_read_as_the_bundled_file(
    intraday_dir: Path, tmp_path: Path, header: str, date_form: str, time_form: str
) -> None:
    source = intraday_dir / "NVDA.csv"
    lines = []
    for row in _rows(source):
        stamp = row["Datetime"]  # 2026-04-24T09:30:00-04:00: New York's clock, with its offset
        clock = stamp[11:19]
        hh, mm, ss = clock.split(":")
        written_time = time_form.replace("%H", hh).replace("%M", mm).replace("%S", ss)
        values = ",".join(row[name] for name in ("Open", "High", "Low", "Close", "Volume"))
        lines.append(f"{_written(stamp[:10], date_form)},{written_time},{values}")
    rewritten = tmp_path / "NVDA.csv"
    rewritten.write_text(header + "\n" + "\n".join(lines) + "\n")
    _same(read_price_file(rewritten), read_price_file(source))


@pytest.mark.parametrize("clock", ["00:00", "16:00:00"])  # MetaTrader's daily rows; others stamp the close
def test_a_daily_download_with_one_time_on_every_row_reads_as_daily_bars(
    daily_dir: Path, tmp_path: Path, clock: str
) -> None:
    source = daily_dir / "NVDA.csv"
    lines = [
        f"{_written(r['Date'], 'dots')},{clock},{r['Open']},{r['High']},{r['Low']},{r['Close']},{r['Volume']}"
        for r in _rows(source)
    ]
    rewritten = tmp_path / "NVDA.csv"
    rewritten.write_text("Date,Time,Open,High,Low,Close,Volume\n" + "\n".join(lines) + "\n")
    _same(read_price_file(rewritten), read_price_file(source))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("2025-01-02,09:30,1\n2025-01-02,25:00,1", r"line 3: time '25:00' is not a time of day"),
        ("2025-01-02,09:30,1\n2025-01-02,09:61,1", r"line 3: time '09:61' is not a time of day"),
        ("2025-01-02,09:30:00-05:00,1", r"line 2: time '09:30:00-05:00' is not a time of day .*no UTC offset"),
        ("2025-01-02,09:30,1\n2025-01-02,,1", r"line 3: time '' is not a time of day"),
        ("2025-01-02,09:30,1\n2025-02-30,09:30,1", r"line 3: date '2025-02-30' is not a date"),
    ],
)
def test_a_bad_date_or_time_names_its_line(write_csv, rows: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("BAD", "Date,Time,Close\n" + rows)
    with pytest.raises(PriceFileError, match=message):
        read_price_file(path)
