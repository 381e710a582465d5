"""Reading files on several threads: the same series, errors and progress as reading them one by one."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from desktop.core import prices
from desktop.core.file_readers import read_in_order
from desktop.core.prices import PriceFileError, load_prices
from desktop.core.progress import Progress, WorkCancelledError

WAIT_S = 10.0  # a bound on a wait that should end at once: a hang fails the test instead of stalling it


def test_results_come_in_order_when_a_later_item_finishes_first() -> None:
    second_done = threading.Event()
    finished: list[int] = []

    def read(item: int, within: Progress) -> int:
        if item == 0:
            assert second_done.wait(WAIT_S)
        finished.append(item)
        if item == 1:
            second_done.set()
        return item * 10

    assert list(read_in_order([0, 1, 2], [1, 1, 1], read, readers=2)) == [0, 10, 20]
    assert finished.index(1) < finished.index(0), "item 1 really finished before item 0"


def test_the_first_failing_item_in_order_is_the_error_raised() -> None:
    second_failed = threading.Event()

    def read(item: int, within: Progress) -> int:
        if item == 1:
            assert second_failed.wait(WAIT_S)
            raise ValueError("item 1 is broken")
        if item == 2:
            second_failed.set()
            raise ValueError("item 2 is broken")
        return item

    with pytest.raises(ValueError, match="item 1"):
        list(read_in_order([0, 1, 2], [1, 1, 1], read, readers=3))


def test_stopping_reaches_the_readers_still_at_work() -> None:
    told_to_stop = threading.Event()
    started = threading.Event()

    def read(item: int, within: Progress) -> int:
        started.set()
        for _ in range(int(WAIT_S / 0.001)):
            if not within(0.5):
                told_to_stop.set()
                raise WorkCancelledError("stopped")
            threading.Event().wait(0.001)
        return item

    def progress(done: float) -> bool:
        return not started.is_set()

    with pytest.raises(WorkCancelledError):
        list(read_in_order([0, 1], [1, 1], read, progress, readers=2))
    assert told_to_stop.is_set()


def test_progress_is_the_share_of_bytes_and_never_goes_back() -> None:
    seen: list[float] = []

    def read(item: int, within: Progress) -> int:
        within(0.5)
        return item

    list(read_in_order([0, 1, 2, 3], [100, 300, 100, 500], read, lambda done: seen.append(done) or True, readers=2))
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert seen[0] >= 0.1, "reported once the first file (100 of the 1000 bytes) is done, not before"


def test_a_large_folder_reads_the_same_on_several_threads(
    intraday_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = load_prices([intraday_dir])
    monkeypatch.setattr(prices, "PARALLEL_FROM_BYTES", 0)
    seen: list[float] = []
    together = load_prices([intraday_dir], progress=lambda done: seen.append(done) or True)
    assert list(together) == list(alone)
    for symbol, series in alone.items():
        assert np.array_equal(together[symbol].times, series.times)
        assert np.array_equal(together[symbol].close, series.close)
        assert np.array_equal(together[symbol].prev_close, series.prev_close, equal_nan=True)
    assert seen == sorted(seen) and seen[-1] == 1.0

    folder = tmp_path / "prices"
    shutil.copytree(intraday_dir, folder)
    (folder / "AAPL.csv").write_text("Datetime,Close\n2025-11-03T09:30:00-05:00,1\n2025-11-03T09:31:00,1\n")
    (folder / "SPY.csv").write_text("not a price file\n")
    with pytest.raises(PriceFileError, match=r"AAPL\.csv, line 3: time .* has no UTC offset"):
        load_prices([folder])  # the first broken file in order, as one reader would report it
