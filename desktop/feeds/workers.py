"""Fan a blocking call out over a few daemon threads: for network requests a shutdown must not wait on.

`concurrent.futures` pools join their threads at interpreter exit, so a request hanging on a silent
server would hold `watch --seconds 3` (or the window's exit) for the request's whole timeout. These
threads are daemons: a caller that stops waiting simply leaves them to finish or die with the process.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_on_daemons(
    call: Callable[[T], R], items: Sequence[T], workers: int, name: str, stop: threading.Event | None = None
) -> list[R | None]:
    """`[call(item) for item in items]` on up to `workers` daemon threads, in the items' order.

    Returns early (with None for what had not finished) once `stop` is set, and the threads then take no
    further item (the one each is in may finish on its own, unwaited). An exception raised by
    `call` is a bug, not a result: it is re-raised here, in the caller's thread.
    """
    results: list[R | None] = [None] * len(items)
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(items)):
        todo.put(index)
    failures: list[BaseException] = []
    done = threading.Semaphore(0)

    def work() -> None:
        while stop is None or not stop.is_set():  # once stopped, no further request is started
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                results[index] = call(items[index])
            except BaseException as exc:  # handed to the caller
                failures.append(exc)
            finally:
                done.release()

    for k in range(min(workers, len(items))):
        threading.Thread(target=work, name=f"{name}-{k}", daemon=True).start()
    for _ in items:
        while not done.acquire(timeout=0.2):
            if stop is not None and stop.is_set():
                return results
        if failures:
            raise failures[0]
    return results
