"""Requests on daemon threads: results in order, and a stop that starts no further request."""

from __future__ import annotations

import threading

from desktop.feeds.workers import map_on_daemons


def test_results_come_in_the_items_order() -> None:
    assert map_on_daemons(lambda n: n * n, [3, 1, 2, 5], 2, "square") == [9, 1, 4, 25]


def test_a_stop_returns_at_once_and_starts_no_further_call() -> None:
    stop, release = threading.Event(), threading.Event()
    started: list[int] = []

    def hang(item: int) -> int:
        started.append(item)
        if item == 0:
            stop.set()  # stopped while the first calls hang, as when a feed is stopped mid-request
        release.wait(5)
        return item

    results = map_on_daemons(hang, list(range(12)), 3, "hang", stop)
    assert results == [None] * 12, "returned without waiting for the hanging calls"
    release.set()
    for thread in [t for t in threading.enumerate() if t.name.startswith("hang-")]:
        thread.join(5)
    assert len(started) <= 3, f"after the stop no further call started: {started}"
