"""The US stock market's calendar: which days the NYSE trades, when it opens and closes (holidays and
early closes included), from the maintained `exchange-calendars` tables (XNYS).

The library imports pandas and builds its tables in about 0.7 s, so it is loaded once, off the start-up
path (`warm()` on a worker thread). Until it is in, answers fall back to the plain weekday clock
(09:30-16:00 New York, Monday to Friday), which is what the app knew before.
"""

from __future__ import annotations

import logging
import threading
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from desktop.core.sessions import NEW_YORK, REGULAR_CLOSE, REGULAR_OPEN, session_date

log = logging.getLogger("desktop.calendar")

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

    def warm(self, today: date | None = None) -> bool:
        """Load the exchange's sessions around `today` (blocking: call it off the GUI thread)."""
        with self._lock:
            if self._hours is not None:
                return True
            try:
                import exchange_calendars as xcals
                import pandas as pd
            except ImportError as exc:  # not installed: the weekday clock stays
                log.warning("market calendar unavailable (%s); holidays are not known", exc)
                return False
            today = today or datetime.now(NEW_YORK).date()
            start, end = today - timedelta(days=DAYS_BEHIND), today + timedelta(days=DAYS_AHEAD)
            try:
                with warnings.catch_warnings():
                    # The library's own pandas deprecations are not ours to act on.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    warnings.simplefilter("ignore", FutureWarning)
                    calendar = xcals.get_calendar(CALENDAR, start=pd.Timestamp(start), end=pd.Timestamp(end))
                    schedule = calendar.schedule
            except Exception as exc:  # a calendar that cannot be built must not take the feed down with it
                log.warning("market calendar could not be built (%s); holidays are not known", exc)
                return False
            hours = {
                day.date(): (opening.timestamp(), closing.timestamp())
                for day, opening, closing in zip(schedule.index, schedule["open"], schedule["close"], strict=True)
            }
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


# One calendar for the process: the stream's stall check, stale marking and the status bar share it.
US_MARKET = UsMarketCalendar()


def warm_in_background() -> None:
    """Load the calendar on a daemon thread; callers use the weekday clock until it is in."""
    if not US_MARKET.ready:
        threading.Thread(target=US_MARKET.warm, name="market-calendar", daemon=True).start()
