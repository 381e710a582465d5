"""The column reader of recordings agrees with the row-by-row reader on every file it takes, and leaves
to it every file that needs a row-by-row judgement."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from desktop.core.prices import RECORDING_COLUMNS, PriceSeries, read_recording, read_recording_by_rows
from desktop.core.recording_columns import read_columns

HEADER = ",".join(RECORDING_COLUMNS)


def same(a: dict[str, PriceSeries], b: dict[str, PriceSeries]) -> None:
    assert list(a) == list(b), "the same symbols, in the order first seen"
    for symbol in a:
        for field in fields(PriceSeries):
            x, y = getattr(a[symbol], field.name), getattr(b[symbol], field.name)
            if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
                assert x is not None and y is not None and x.dtype == y.dtype, (symbol, field.name)
                assert np.array_equal(x, y, equal_nan=True), (symbol, field.name)
            else:
                assert x == y, (symbol, field.name)


def recorded_by_the_recorder(tmp_path: Path) -> Path:
    """A recording as `tickerdesk record` writes it, of the bundled replay's quotes across a DST change."""
    from desktop.core.prices import load_prices
    from desktop.core.timeline import ReplayTimeline
    from desktop.feeds.recorder import QuoteRecorder
    from desktop.paths import bundled_intraday_dir

    timeline = ReplayTimeline(load_prices([bundled_intraday_dir()]))
    path = tmp_path / "recorded.csv"
    recorder = QuoteRecorder(path)
    for k in range(0, len(timeline), 3):
        recorder.record(timeline.quotes_of_step(k))
    recorder.close()
    assert recorder.error is None and recorder.rows > 1000
    return path


def test_a_real_recording_reads_the_same_both_ways(tmp_path: Path) -> None:
    path = recorded_by_the_recorder(tmp_path)
    assert read_columns(path, RECORDING_COLUMNS) is not None, "the recorder's own file is the usual case"
    same(read_recording(path), read_recording_by_rows(path))


def test_what_a_hand_or_another_program_writes_reads_the_same_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    rows = [
        "2026-03-06T15:59:00.250-05:00,spy ,680.5,679,681,678,1000,regular",  # lower case, a blank, ms
        "2026-03-09T09:30:00-04:00,SPY,681.0,None,null,,1200,REGULAR",  # after the DST change; unstated
        "",  # a blank line
        "2026-03-09T09:30:00-04:00,SPY,681.5,,,,,regular",  # the same time twice: file order kept
        "2026-03-09T09:29:00-0400,QQQ,600.25,599,601,598,50,pre",  # +hhmm offset
        "2026-03-09T13:31:00Z,QQQ,0,599,601,598,60,regular",  # no price: skipped
        "2026-03-09T13:32:00Z,,600.5,599,601,598,70,regular",  # no symbol: skipped
        "2026-03-09T13:33:00Z,QQQ,nan,599,601,598,70,regular",  # skipped
        "2026-03-09T13:34:00Z,QQQ,2e12,599,601,598,70,regular",  # beyond any price: skipped
        "2026-03-09T13:20:00+00:00,QQQ,600.75,599,601,598,80,overnight",  # earlier than the row above it
        "2026-03-09T13:35:00Z,IWM,250,249,251,248,90",  # no session column at all
        "2026-03-09T13:36:00Z,IWM,250.5,249,251,248,95,someday",
    ]
    path.write_bytes(("\ufeff" + HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode())
    assert read_columns(path, RECORDING_COLUMNS) is not None
    same(read_recording(path), read_recording_by_rows(path))
    assert list(read_recording(path)["QQQ"].close) == [600.75, 600.25]


@pytest.mark.parametrize(
    "tail",
    [
        "2026-03-09T13:40:00Z,SPY,682",  # the last write cut short: the row reader skips it
        "2026-03-09T13:40:00Z,SPY,682,681,683,680,100,regular",  # no line end after the last row
    ],
)
def test_a_cut_last_row_is_left_to_the_row_reader(tmp_path: Path, tail: str) -> None:
    path = tmp_path / "cut.csv"
    path.write_text(f"{HEADER}\n2026-03-09T13:39:00Z,SPY,681,680,682,679,90,regular\n{tail}")
    assert read_columns(path, RECORDING_COLUMNS) is None
    assert read_recording(path)["SPY"].close[0] == 681.0


@pytest.mark.parametrize(
    "row",
    [
        "2026-03-09T13:39:00,SPY,681,680,682,679,90,regular",  # no offset: refused, with its line
        "2026-03-09T13:39:00Z,SPY,abc,680,682,679,90,regular",
        "2026-03-09T13:39:00Z,SPY,681,680,682,679,90,regular,extra",
        "yesterday,SPY,681,680,682,679,90,regular",
    ],
)
def test_a_bad_row_is_named_by_the_row_reader(tmp_path: Path, row: str) -> None:
    from desktop.core.prices import PriceFileError

    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n{row}\n2026-03-09T13:40:00Z,SPY,682,681,683,680,100,regular\n")
    assert read_columns(path, RECORDING_COLUMNS) is None
    if row.endswith("extra"):  # the row reader reads what it knows and leaves the rest
        assert list(read_recording(path)["SPY"].close) == [681.0, 682.0]
        return
    with pytest.raises(PriceFileError, match="line 2"):
        read_recording(path)
