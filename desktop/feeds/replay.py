"""The replay feed: plays recorded bars (per-symbol CSV files) as a stream of quotes, at a chosen pace."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import date

from desktop import logs
from desktop.core.quote import Quote
from desktop.core.sessions import session_date
from desktop.core.timeline import ReplayTimeline, quote_at
from desktop.feeds.base import FeedState, FeedStatus, QuoteSink, StatusListener

log = logs.feed


def speed_unit(daily: bool, speed: float) -> str:
    """'1 session/s', '20 bars/s' or 'as fast as possible'."""
    if speed <= 0:
        return "as fast as possible"
    unit = "session" if daily else "bar"
    return f"{speed:g} {unit}{'' if speed == 1 else 's'}/s"


class ReplayFeed:
    """Plays a `ReplayTimeline` from a start date at `speed` steps per second (0: as fast as possible).

    The first batch primes every symbol with all its rows before the start, as backfill: the table,
    charts and window bases are full from the first frame, and no rule fires on what happened before.
    A symbol added later gets its rows up to the replay clock in one batch, then follows the replay.
    """

    name = "Replay"

    def __init__(
        self,
        timeline: ReplayTimeline,
        sink: QuoteSink,
        *,
        speed: float = 1.0,
        start: date | None = None,
        on_status: StatusListener | None = None,
    ) -> None:
        self.timeline = timeline
        self._sink = sink
        self._on_status = on_status
        self._cv = threading.Condition()
        self._speed = speed
        self._paused = False
        self._stopping = False
        self._symbols: set[str] = set()
        self._to_backfill: set[str] = set()
        self._thread: threading.Thread | None = None
        self.start_step = timeline.first_step_on_or_after(start) if start else 0
        self._next = self.start_step
        self.clock: float | None = None  # time of the newest step played

    # -- control, from the app's thread ---------------------------------------------------------

    def start_date(self) -> date:
        """The session the replay starts from (the last step when the asked date is past the data)."""
        timeline = self.timeline
        return session_date(float(timeline.step_times[min(self.start_step, len(timeline) - 1)]))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="replay-feed", daemon=True)
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        """Stop the thread; with `wait`, until it has ended (at shutdown, not when making way for another
        feed: the pipeline's gate then drops whatever it still pushes)."""
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        if wait and self._thread is not None:
            self._thread.join(timeout=5)

    def set_symbols(self, symbols: Iterable[str]) -> None:
        wanted = {s for s in symbols if s in self.timeline.series}
        with self._cv:
            self._to_backfill |= wanted - self._symbols
            self._to_backfill &= wanted
            self._symbols = wanted
            self._cv.notify_all()

    def can_supply(self, symbol: str) -> str | None:
        if symbol in self.timeline.series:
            return None
        return f"{symbol} is not in the replay data (it has {', '.join(sorted(self.timeline.series))})"

    def set_paused(self, paused: bool) -> None:
        with self._cv:
            self._paused = paused
            self._cv.notify_all()
        self._report()

    def set_speed(self, speed: float) -> None:
        with self._cv:
            self._speed = speed
            self._cv.notify_all()
        self._report()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def finished(self) -> bool:
        return self._next >= len(self.timeline)

    def describe(self) -> str:
        """The banner line: where the replay started, where its clock is, and its pace."""
        tl = self.timeline
        if self.start_step >= len(tl):
            return f"Replay · nothing after {tl.last_date.isoformat()}"
        first = session_date(float(tl.step_times[self.start_step])).isoformat()
        now = session_date(self.clock).isoformat() if self.clock is not None else first
        parts = [f"Replay · {first} → {now}"]
        if self.finished:
            parts.append("finished")
        elif self._paused:
            parts.append("paused")
        else:
            parts.append(speed_unit(tl.daily, self._speed))
        return " · ".join(parts)

    # -- the feed thread --------------------------------------------------------------------------

    def _report(self) -> None:
        if self._on_status is not None:
            self._on_status(FeedStatus(FeedState.REPLAY, self.describe()))

    def _push(self, quotes: list[Quote]) -> bool:
        """Hand a batch to the sink, waiting while it is full; False when stopped meanwhile."""
        while not self._stopping:
            if self._sink(quotes, 0.02):  # short waits: stop() must not hang on a full queue
                return True
        return False

    def _run(self) -> None:
        try:
            self._prime()
            self._report()
            due = time.monotonic()
            while True:
                with self._cv:
                    while not self._stopping and not self._to_backfill and (self._paused or self.finished):
                        self._cv.wait()
                    if self._stopping:
                        return
                    backfill, self._to_backfill = self._to_backfill, set()
                    symbols = set(self._symbols)
                    speed = self._speed
                    if not backfill and speed > 0:
                        wait = due - time.monotonic()
                        if wait > 0:
                            self._cv.wait(wait)
                            continue
                if backfill:
                    self._backfill(backfill)
                    continue
                self._play_step(symbols)
                due = max(due + 1.0 / speed, time.monotonic()) if speed > 0 else due
        except Exception:
            log.exception("replay feed failed")
            if self._on_status is not None:
                self._on_status(FeedStatus(FeedState.ERROR, "Replay stopped after an internal error (see the log)"))

    def _prime(self) -> None:
        with self._cv:
            symbols = set(self._symbols)
            self._to_backfill -= symbols
        self._backfill(symbols)

    def _backfill(self, symbols: set[str]) -> None:
        """Every row of `symbols` up to the replay clock, in time order.

        Rows before the start are history the app already has, sent as backfill (values, window bases,
        bars and sparklines learn from them; rules do not fire on them), so the first frame is complete.
        At the start, that history goes one symbol at a time, so the window paints between batches and
        the table fills row by row instead of waiting for every symbol's history (nothing fires on it,
        so no rule needs the symbols interleaved). Symbols added mid-replay also get their rows from
        the start to the clock, played as the others were: those come merged in time order.
        """
        tl = self.timeline
        start_ts = float(tl.step_times[self.start_step]) if self.start_step < len(tl) else float("inf")
        until = self.clock if self.clock is not None else start_ts - 1e-6
        merged: list[Quote] = []
        for symbol in sorted(symbols):
            series = tl.series[symbol]
            before = series.index_at(start_ts - 1e-6)
            history = [quote_at(series, i, backfill=True) for i in range(before + 1)]
            if self.clock is None:
                if history and not self._push(history):
                    return
                continue
            merged.extend(history)
            merged.extend(quote_at(series, i) for i in range(before + 1, series.index_at(until) + 1))
        merged.sort(key=lambda q: q.time)
        if merged:
            self._push(merged)

    def _play_step(self, symbols: set[str]) -> None:
        k = self._next
        tl = self.timeline
        batch = tl.quotes_of_step(k, symbols)
        if batch and not self._push(batch):
            return
        self.clock = float(tl.step_times[k])
        self._next = k + 1
        self._report()
