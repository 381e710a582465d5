"""The recorder: saves live quotes to a CSV file that the replay feed can play back (`--replay-data FILE`).

Columns: Datetime (ISO 8601, New York offset, milliseconds), Symbol, Price, PrevClose, DayHigh, DayLow,
Volume, Session. Rows are written by the recorder's own thread, so the caller never waits on the disk.
"""

from __future__ import annotations

import csv
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop import logs
from desktop.core.errors import PriceFileError
from desktop.core.prices import RECORDING_COLUMNS
from desktop.core.quote import Quote
from desktop.core.safe_files import printable
from desktop.core.sessions import to_new_york

log = logs.feed


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.10g}"


def recording_row(quote: Quote) -> list[str]:
    return [
        to_new_york(quote.time).isoformat(timespec="milliseconds"),
        quote.symbol,
        _cell(quote.price),
        _cell(quote.prev_close),
        _cell(quote.day_high),
        _cell(quote.day_low),
        _cell(quote.volume),
        quote.session.value,
    ]


def _check_recording(path: Path) -> bool:
    """Refuse to append to a file that is not a recording (a price file, a picture, a spreadsheet): the rows
    would spoil it. True when its last line has no line end."""
    with path.open("rb") as handle:
        first = handle.readline(4096)
        handle.seek(-1, 2)
        ends_open = handle.read(1) not in (b"\n", b"\r")
    header = first.decode("utf-8-sig", errors="replace").strip()
    if header.split(",") != list(RECORDING_COLUMNS):
        raise PriceFileError(
            f"{path}: not a recording (its first line is {printable(header[:60])!r}); "
            "quotes are only added to a recording: choose a new file"
        )
    return ends_open


class QuoteRecorder:
    """Append quotes to `path` (created with a header when new; PriceFileError for a file that is not a
    recording). `record` is thread-safe and never blocks.

    `on_closed(recorder)` is called on the recorder's thread once the file is closed: after `close`, or
    when writing failed (a full disk), with `error` saying why.
    """

    def __init__(self, path: Path, on_closed: Callable[[QuoteRecorder], None] | None = None) -> None:
        self.path = path
        self.rows = 0
        self.error: str | None = None
        self.on_closed = on_closed
        self.close_requested = False
        self._queue: queue.Queue[Sequence[Quote] | None] = queue.Queue()
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists() or path.stat().st_size == 0
        ends_open = False if new else _check_recording(path)
        self._handle = path.open("a", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle)
        if new:
            self._writer.writerow(RECORDING_COLUMNS)
            self._handle.flush()
        elif ends_open:  # its last row has no line end (a copy, an editor): the next row starts a line
            self._handle.write("\r\n")
        self._thread = threading.Thread(target=self._run, name="quote-recorder", daemon=True)
        self._thread.start()

    def record(self, quotes: Sequence[Quote]) -> None:
        if quotes:
            self._queue.put(list(quotes))

    def close(self, wait: bool = True) -> None:
        """Write what was recorded and close the file: before returning with `wait` (a command ending, the
        app quitting), else on the recorder's thread (the window's Stop: it hears `on_closed`)."""
        self.close_requested = True
        self._queue.put(None)
        if wait:
            self.wait()

    def wait(self, timeout: float = 10.0) -> None:
        self._thread.join(timeout)

    @property
    def closed(self) -> bool:
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            while True:
                batch = self._queue.get()
                if batch is None:
                    break
                self._writer.writerows(recording_row(q) for q in batch)
                self.rows += len(batch)
                if self._queue.empty():
                    self._handle.flush()
        except OSError as exc:
            self.error = f"recording to {self.path} stopped: {exc}"
            log.error("%s", self.error)
        finally:
            try:
                self._handle.close()
            except OSError as exc:  # the last buffered rows could not be written
                self.error = self.error or f"recording to {self.path} stopped: {exc}"
                log.error("%s", self.error)
            if self.on_closed is not None:
                self.on_closed(self)
