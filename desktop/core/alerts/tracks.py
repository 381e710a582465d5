"""Each symbol's track as the engine keeps it: its last price and the close of each of its sessions,
and the window bases read off them (the previous close, N sessions back, the start of a period)."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from datetime import date

from desktop.core.alerts.windows import Window
from desktop.core.bars import SessionClock


@dataclass
class SymbolTrack:
    """A symbol's last price and the last price of each of its sessions (for window bases)."""

    last: float = 0.0
    time: float = float("-inf")
    prev_close: float | None = None
    sessions: list[int] = field(default_factory=list)  # New York date ordinals, ascending
    closes: list[float] = field(default_factory=list)  # last price of each session (so far, for the current one)
    session_of: SessionClock = field(default_factory=SessionClock)  # maps its ticks to sessions cheaply

    def observe(self, price: float, time: float, session: int, prev_close: float | None) -> None:
        if self.sessions and self.sessions[-1] == session:
            self.closes[-1] = price
        else:
            self.sessions.append(session)
            self.closes.append(price)
        self.last = price
        self.time = time
        self.prev_close = prev_close


def day_base(track: SymbolTrack, session: int) -> float | None:
    """The previous session's close: from the symbol's own sessions, else the quote's own figure."""
    k = sessions_before(track.sessions, session)
    if k >= 1:
        return track.closes[k - 1]
    if track.sessions and track.sessions[-1] == session:
        return track.prev_close
    return None


def window_base(track: SymbolTrack, window: Window, session: int) -> float | None:
    """The price a window measures from, for the session `session` (None when not in the data)."""
    if window.kind == "day":
        return day_base(track, session)
    if window.kind == "sessions":
        k = sessions_before(track.sessions, session) - window.sessions
        return track.closes[k] if k >= 0 else None
    start = period_start(window, session)
    if window.kind == "since" and session < start:
        return None
    k = sessions_before(track.sessions, start)
    return track.closes[k - 1] if k >= 1 else None


def sessions_before(sessions: list[int], session: int) -> int:
    """How many of the (ascending) `sessions` come before `session`; the usual cases without a search."""
    if not sessions:
        return 0
    last = sessions[-1]
    if last == session:
        return len(sessions) - 1
    if last < session:
        return len(sessions)
    return bisect.bisect_left(sessions, session)


@functools.lru_cache(maxsize=4096)
def period_start(window: Window, session: int) -> int:
    start = window.period_start(date.fromordinal(session))
    assert start is not None
    return start.toordinal()
