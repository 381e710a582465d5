"""Reading many files on a few threads: results in the files' order, progress by bytes, and a stop that
reaches every reader.

pandas' CSV parser lets go of the GIL while it splits a file into fields, so two files parse at once on
two cores: a folder of one-minute files, read one by one at 0.95 M rows/s, reads at 1.55-1.6 M rows/s on
the project's 2-core machine. Errors come out as a one-by-one read would raise them: the first failing
file in order.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from typing import TypeVar

from desktop.core.progress import Progress, report

Item = TypeVar("Item")
Result = TypeVar("Result")

READERS = max(1, min(4, os.cpu_count() or 1))
POLL_S = 0.05  # how often the calling thread passes the readers' progress on while it waits


def read_in_order(
    items: Sequence[Item],
    sizes: Sequence[int],
    read: Callable[[Item, Progress], Result],
    progress: Progress | None = None,
    readers: int = READERS,
) -> Generator[Result, None, None]:
    """`read(item, within)` for every item on `readers` threads; yields the results in the items' order
    (close the iterator to stop early: the readers still at work are told to stop and waited for).

    `within(share)` is how a reader tells how far into its item it is (0 to 1 of that item's size) and
    learns whether to go on: it returns False once the work is stopped, by `progress` saying so or by an
    earlier item failing. `progress` hears the share of all bytes read, only ever from the calling thread.
    """
    total = max(1, sum(sizes))
    read_bytes = [0.0] * len(items)  # each reader writes only its own slot
    stop = threading.Event()

    def run(k: int) -> Result:
        def within(share: float) -> bool:
            read_bytes[k] = max(read_bytes[k], share * sizes[k])
            return not stop.is_set()

        return read(items[k], within)

    with ThreadPoolExecutor(max_workers=readers, thread_name_prefix="file-reader") as pool:
        futures = [pool.submit(run, k) for k in range(len(items))]
        try:
            for k, future in enumerate(futures):
                result = _wait(future, lambda: report(progress, sum(read_bytes) / total))
                read_bytes[k] = float(sizes[k])
                report(progress, sum(read_bytes) / total)
                yield result
        except BaseException:
            stop.set()
            for future in futures:
                future.cancel()
            raise


def _wait(future: Future[Result], meanwhile: Callable[[], None]) -> Result:
    while True:
        try:
            return future.result(timeout=POLL_S)
        except FutureTimeoutError:
            meanwhile()
