"""SessionClock: a timestamp's New York session, from a day cache that clocks share."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from desktop.core.bars import SessionClock
from desktop.core.sessions import session_date

NEW_YORK = ZoneInfo("America/New_York")


def test_every_quarter_hour_around_the_clock_changes_maps_to_its_new_york_day() -> None:
    # Both ends of summer time in 2025, each quarter hour for two days around them; one clock walking forward
    # (it keeps its day), and fresh clocks reading the shared cache the walk filled.
    walker = SessionClock()
    for change in (datetime(2025, 3, 8, tzinfo=NEW_YORK), datetime(2025, 11, 1, tzinfo=NEW_YORK)):
        start = change.timestamp()
        stamps = [start + 900 * k for k in range(4 * 24 * 3)]
        for ts in stamps:
            assert walker.ordinal(ts) == session_date(ts).toordinal(), datetime.fromtimestamp(ts, NEW_YORK)
        for ts in reversed(stamps):
            assert SessionClock().ordinal(ts) == session_date(ts).toordinal()
            assert SessionClock().ordinal(ts - 0.001) == session_date(ts - 0.001).toordinal()


def test_new_york_midnight_is_the_first_instant_of_its_day() -> None:
    midnight = datetime(2026, 1, 5, tzinfo=NEW_YORK).timestamp()
    clock = SessionClock()
    assert clock.ordinal(midnight) == datetime(2026, 1, 5).toordinal()
    assert clock.ordinal(midnight - 0.5) == datetime(2026, 1, 4).toordinal()
    assert clock.ordinal(midnight + timedelta(days=1).total_seconds() - 0.5) == datetime(2026, 1, 5).toordinal()
