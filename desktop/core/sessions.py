"""Exchange calendar facts: which New York date and which market session a timestamp belongs to."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")

PRE_OPEN = time(4, 0)
REGULAR_OPEN = time(9, 30)
REGULAR_CLOSE = time(16, 0)
POST_CLOSE = time(20, 0)


class MarketSession(enum.Enum):
    """The part of the trading day a quote was made in."""

    PRE = "pre"
    REGULAR = "regular"
    POST = "post"
    OVERNIGHT = "overnight"  # the US overnight session (20:00-04:00 New York) some venues trade in
    CLOSED = "closed"


def to_new_york(ts: float) -> datetime:
    """An epoch-seconds timestamp as an aware New York datetime."""
    return datetime.fromtimestamp(ts, tz=UTC).astimezone(NEW_YORK)


def session_date(ts: float) -> date:
    """The exchange-local (New York) date of a timestamp: the session it belongs to."""
    return to_new_york(ts).date()


def market_session(ts: float) -> MarketSession:
    """Pre-market, regular, post-market or closed, by New York clock time and weekday.

    Exchange holidays are not known here; a holiday looks like a regular weekday.
    """
    local = to_new_york(ts)
    seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    return _session_at(seconds, local.weekday())


def close_timestamp(day: date) -> float:
    """Epoch seconds of the regular close (16:00 New York) on a date: where a daily bar is stamped."""
    return datetime.combine(day, REGULAR_CLOSE, tzinfo=NEW_YORK).timestamp()


def session_start(ts: float) -> float:
    """Epoch seconds of New York midnight starting the session of `ts`."""
    return datetime.combine(session_date(ts), time.min, tzinfo=NEW_YORK).timestamp()


def _seconds(clock: time) -> int:
    return clock.hour * 3600 + clock.minute * 60


_PRE_OPEN_S, _OPEN_S, _CLOSE_S, _POST_CLOSE_S = map(_seconds, (PRE_OPEN, REGULAR_OPEN, REGULAR_CLOSE, POST_CLOSE))


def market_session_in_day(ts: float, midnight: float, weekday: int) -> MarketSession:
    """`market_session` for a time known to fall on a New York day starting at epoch `midnight` (a
    weekday number, Monday 0): no time-zone conversion, for the tick path. Valid on days without a
    clock change, where the day has 24 hours."""
    return _session_at(ts - midnight, weekday)


def _session_at(seconds: float, weekday: int) -> MarketSession:
    """The session at `seconds` after New York midnight on a weekday (Monday 0)."""
    if weekday >= 5:
        return MarketSession.CLOSED
    if _PRE_OPEN_S <= seconds < _OPEN_S:
        return MarketSession.PRE
    if _OPEN_S <= seconds < _CLOSE_S:
        return MarketSession.REGULAR
    if _CLOSE_S <= seconds < _POST_CLOSE_S:
        return MarketSession.POST
    return MarketSession.CLOSED
