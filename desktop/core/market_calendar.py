"""The US stock market's calendar: which days the NYSE trades, when it opens and closes (holidays and
early closes included), from the maintained `exchange-calendars` tables (XNYS).

The library imports pandas and builds its tables in about 0.7 s, so it is loaded once, off the start-up
path (`warm()` on a worker thread). Until it is in, answers fall back to the plain weekday clock
(09:30-16:00 New York, Monday to Friday), which is what the app knew before. The frozen build leaves
pandas out; it carries the library's sessions as a JSON table written at build time
(`python -m desktop.core.market_calendar FILE`), read when the library cannot be imported.
"""

from __future__ import annotations

import json
import sys
import threading
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from desktop import logs
from desktop.core.safe_files import write_atomic
from desktop.core.sessions import NEW_YORK, REGULAR_CLOSE, REGULAR_OPEN, session_date

log = logs.calendar

CALENDAR = "XNYS"
DAYS_BEHIND, DAYS_AHEAD = 30, 400  # the span of sessions kept in memory around the day it is loaded


@dataclass(frozen=True)
class MarketState:
    """Is the market in its regular session, and the sentence a status bar shows for it."""

    open: bool
    text: str


class UsMarketCalendar:
    """Regular-session hours per New York date. Thread-safe: filled once, then only read."""

    def __init__(self) -> None:
        self._hours: dict[date, tuple[float, float]] | None = None
        self._span: tuple[date, date] | None = None
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._hours is not None

    def warm(self, today: date | None = None, sessions_file: Path | None = None) -> bool:
        """Load the exchange's sessions around `today` (blocking: call it off the GUI thread); from
        `sessions_file` when the library is not installed (the frozen build)."""
        with self._lock:
            if self._hours is not None:
                return True
            today = today or datetime.now(NEW_YORK).date()
            start, end = today - timedelta(days=DAYS_BEHIND), today + timedelta(days=DAYS_AHEAD)
            hours: dict[date, tuple[float, float]] | None
            try:
                hours = library_sessions(start, end)
            except ImportError as exc:
                hours = _read_sessions(sessions_file, start, end) if sessions_file is not None else None
                if hours is None:
                    log.warning("market calendar unavailable (%s); holidays are not known", exc)
                    return False
            except Exception as exc:  # a calendar that cannot be built must not take the feed down with it
                log.warning("market calendar could not be built (%s); holidays are not known", exc)
                return False
            self._span = (start, end)
            self._hours = hours
            return True

    def hours(self, day: date) -> tuple[float, float] | None:
        """Epoch open and close of the regular session on `day`, None when the market does not trade."""
        known = self._hours
        if known is not None and self._span is not None and self._span[0] <= day <= self._span[1]:
            return known.get(day)
        if day.weekday() >= 5:
            return None
        opening = datetime.combine(day, REGULAR_OPEN, NEW_YORK).timestamp()
        return opening, datetime.combine(day, REGULAR_CLOSE, NEW_YORK).timestamp()

    def is_regular(self, ts: float) -> bool:
        """Is the market in its regular session at `ts` (holidays closed, early closes at their time)?"""
        hours = self.hours(session_date(ts))
        return hours is not None and hours[0] <= ts < hours[1]

    def next_open(self, ts: float) -> float | None:
        """The next regular open after `ts` (within the loaded span)."""
        day = session_date(ts)
        for _ in range(15):
            hours = self.hours(day)
            if hours is not None and hours[0] > ts:
                return hours[0]
            day += timedelta(days=1)
        return None

    def state(self, ts: float) -> MarketState:
        """'Market open · closes 16:00 ET', 'Market closed · opens Mon 09:30 ET', with early closes named."""
        hours = self.hours(session_date(ts))
        if hours is not None and hours[0] <= ts < hours[1]:
            closing = datetime.fromtimestamp(hours[1], NEW_YORK)
            early = "early close " if closing.time() < REGULAR_CLOSE else "closes "
            return MarketState(True, f"Market open · {early}{closing:%H:%M} ET")
        opening = self.next_open(ts)
        if opening is None:
            return MarketState(False, "Market closed")
        local = datetime.fromtimestamp(opening, NEW_YORK)
        when = f"{local:%H:%M}" if local.date() == session_date(ts) else f"{local:%a %H:%M}"
        if hours is None and datetime.fromtimestamp(ts, NEW_YORK).weekday() < 5:
            return MarketState(False, f"Market closed (holiday) · opens {when} ET")
        return MarketState(False, f"Market closed · opens {when} ET")


def library_sessions(start: date, end: date) -> dict[date, tuple[float, float]]:
    """Regular-session open and close (epoch seconds) per NYSE trading day, from exchange-calendars."""
    import exchange_calendars as xcals
    import pandas as pd

    with warnings.catch_warnings():
        # The library's own pandas deprecations are not ours to act on.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        calendar = xcals.get_calendar(CALENDAR, start=pd.Timestamp(start), end=pd.Timestamp(end))
        schedule = calendar.schedule
        return {
            day.date(): (opening.timestamp(), closing.timestamp())
            for day, opening, closing in zip(schedule.index, schedule["open"], schedule["close"], strict=True)
        }


def _read_sessions(path: Path, start: date, end: date) -> dict[date, tuple[float, float]] | None:
    try:
        table = json.loads(path.read_text())
        rows = {date.fromisoformat(day): (float(o), float(c)) for day, o, c in table["sessions"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not rows or min(rows) > start or max(rows) < end:
        return None  # the table does not cover these days: the weekday clock is the honest answer
    return rows


def write_sessions(path: Path, start: date, end: date) -> int:
    """Write the library's sessions from `start` to `end` as the JSON table the frozen build reads."""
    hours = library_sessions(start, end)
    rows = [[day.isoformat(), o, c] for day, (o, c) in sorted(hours.items())]
    write_atomic(path, json.dumps({"calendar": CALENDAR, "sessions": rows}))
    return len(rows)


# One calendar for the process: the stream's stall check, stale marking and the status bar share it.
US_MARKET = UsMarketCalendar()


SESSIONS_FILE = "xnys-sessions.json"  # beside the bundled resources in the frozen build


def warm_in_background(sessions_file: Path | None = None) -> None:
    """Load the calendar on a daemon thread; callers use the weekday clock until it is in."""
    if not US_MARKET.ready:
        threading.Thread(
            target=US_MARKET.warm, kwargs={"sessions_file": sessions_file}, name="market-calendar", daemon=True
        ).start()


if __name__ == "__main__":  # the build writes the table: python -m desktop.core.market_calendar FILE
    today = datetime.now(NEW_YORK).date()
    count = write_sessions(Path(sys.argv[1]), today - timedelta(days=365), today + timedelta(days=5 * 365))
    print(f"wrote {count} {CALENDAR} sessions to {sys.argv[1]}")
