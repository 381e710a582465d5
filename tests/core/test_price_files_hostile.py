"""Price files as a hostile or careless world writes them: each refused with the file, line and reason,
or read right; never a traceback, never a hang."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from desktop.config import HOME_ENV
from desktop.core.prices import PriceFileError, read_price_file

HEADER = "Date,Open,High,Low,Close,Volume\n"


def write(tmp_path: Path, body: bytes | str, name: str = "BAD.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


def workbook_bytes() -> bytes:
    """An .xlsx file's opening: a zip archive whose first member is [Content_Types].xml, as Excel writes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        book.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (bytes(range(256)) * 40, "a binary file"),
        (workbook_bytes(), "a spreadsheet workbook (save it as CSV), not CSV text"),
        ((HEADER + "2025-01-02,1,1,1,10,5\n# café\n").encode("latin-1"), "not UTF-8 text"),
        (HEADER + "2025-01-02,1,1,1," + "9" * 140_000 + ",5\n", "line 2: Close"),
        (HEADER + "0001-01-02,1,1,1,10,5\n", "line 2: date '0001-01-02' is not a date from 1970 to 2200"),
        (HEADER + "2025-01-02,1,1,1,10,5\n9999-12-31,1,1,1,10,5\n", "line 3: date '9999-12-31'"),
        (HEADER + "2025-01-02,1,1,1,10,5\n2025-01-02,1,1,1,11,5\n", "2025-01-02 appears twice with different prices"),
        (HEADER + "2025-01-02,1,1,1,10,-5\n", "line 2: Volume -5 is negative"),
        (HEADER + "2025-01-02,1,1,1,10,5\n2025-01-03,1,1,1,abc,5\n", "line 3: Close 'abc' is not a number"),
        (
            "Datetime,Close\n2026-07-21T09:30:00-04:00,10\n2026-07-21T09:31:00,10\n",
            "line 3: time '2026-07-21T09:31:00' has no UTC offset, while line 2's has one",
        ),
    ],
)
def test_bad_files_are_refused_with_their_line(tmp_path: Path, body: bytes | str, words: str) -> None:
    with pytest.raises(PriceFileError, match=None) as refused:
        read_price_file(write(tmp_path, body))
    message = str(refused.value)
    assert words in message and len(message) < 400, message


def test_a_bom_and_repeated_identical_rows_are_read(tmp_path: Path) -> None:
    body = "\ufeff" + HEADER + "2025-01-02,1,2,0.5,10,5\n2025-01-02,1,2,0.5,10,5\n2025-01-03,10,12,9,11,7\n"
    series = read_price_file(write(tmp_path, body, "SPY.csv"))
    assert list(series.close) == [10.0, 11.0] and series.prev_close[-1] == 10.0


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "SPY.csv"
    os.mkfifo(fifo)
    with pytest.raises(PriceFileError, match="not a regular file"):
        read_price_file(fifo)
    env = {**os.environ, HOME_ENV: str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "desktop", "quote", "SPY", "--source", "replay", "--replay-data",
                           str(fifo)], capture_output=True, text=True, env=env, timeout=30, check=False)  # fmt: skip
    assert done.returncode == 2 and "not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_a_fifo_in_a_folder_is_left_out_without_waiting(daily_dir: Path, tmp_path: Path) -> None:
    """A folder's *.csv can be a named pipe: it is not opened (that would wait for a writer forever)."""
    from desktop.core.prices import load_prices

    (tmp_path / "SPY.csv").write_bytes((daily_dir / "SPY.csv").read_bytes())
    os.mkfifo(tmp_path / "QQQ.csv")
    env = {**os.environ, HOME_ENV: str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                           "from desktop.core.prices import load_prices; skipped = []; "
                           "print(sorted(load_prices([Path(sys.argv[1])], skipped=skipped)), skipped)", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=30, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("['SPY'] [") and "QQQ.csv: not a regular file" in done.stdout
    with pytest.raises(PriceFileError, match=r"QQQ\.csv: not a regular file"):
        load_prices([tmp_path])


def test_a_recording_cut_mid_row_is_read_up_to_the_cut(tmp_path: Path) -> None:
    from desktop.core.prices import read_recording

    rows = "Datetime,Symbol,Price,PrevClose,DayHigh,DayLow,Volume,Session\n"
    rows += "2026-07-21T12:00:00-04:00,SPY,701.0,699.5,702,698,1000,regular\n"
    rows += "2026-07-21T12:00:01-04:00,SPY,701.5,699.5,702,698,1001,regular\n"
    cut = write(tmp_path, rows + "2026-07-21T12:00:02-04:00,SPY,70", "rec.csv")
    assert list(read_recording(cut)["SPY"].close) == [701.0, 701.5]
    broken = write(tmp_path, rows.replace("SPY,701.0,", "SPY,abc,") + rows.splitlines()[1] + "\n", "rec2.csv")
    with pytest.raises(PriceFileError, match="line 2"):
        read_recording(broken)
