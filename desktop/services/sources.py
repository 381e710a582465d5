"""Where quotes come from: the bundled or named replay data, Yahoo, or `auto` (Yahoo when it answers).

One probe and one choice for the window and the command line alike, and the one place feeds are built.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import paths
from desktop.config import POLL_INTERVAL_S
from desktop.core.timeline import ReplayTimeline
from desktop.feeds.base import QuoteSink, StatusListener
from desktop.feeds.replay import ReplayFeed

if TYPE_CHECKING:
    from desktop.feeds.yahoo_live import YahooLiveFeed

PROBE_TIMEOUT_S = 5.0


def yahoo_unreachable(timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None when Yahoo's chart endpoint answers at all (a rate limit or an odd reply still means the
    network works); else why it cannot be reached, as a sentence. Blocking: call it off the GUI thread."""
    from desktop.feeds.yahoo_http import UnreachableError, YahooError, YahooHttp

    try:
        YahooHttp(timeout=timeout).chart("SPY", range_="1d", interval="1d", prepost=False)
    except UnreachableError as exc:
        return str(exc)
    except YahooError:
        return None
    return None


def asked_source(requested: str, replay_data: Sequence[Path] | None, *replay_moments: object) -> str:
    """`auto` is `replay` when the user named replay data or a moment of it (a start date, `quote --at`):
    those say the recorded data is wanted, whether Yahoo answers or not. Otherwise what was asked."""
    if requested == "auto" and (replay_data or any(moment is not None for moment in replay_moments)):
        return "replay"
    return requested


def choose_source(
    requested: str, replay_data: Sequence[Path] | None, *replay_moments: object
) -> tuple[str, str | None]:
    """'yahoo' or 'replay' for what the user asked (see asked_source), and a note when `auto` fell back to
    the replay; `auto` otherwise asks Yahoo (blocking)."""
    requested = asked_source(requested, replay_data, *replay_moments)
    if requested != "auto":
        return requested, None
    reason = yahoo_unreachable()
    if reason is not None:
        return "replay", f"{reason}; used the bundled replay data"
    return "yahoo", None


def replay_feed(
    timeline: ReplayTimeline, sink: QuoteSink, *, speed: float, start: date | None, on_status: StatusListener | None
) -> ReplayFeed:
    return ReplayFeed(timeline, sink, speed=speed, start=start, on_status=on_status)


def live_feed(
    sink: QuoteSink, *, on_status: StatusListener | None, poll_interval: float = POLL_INTERVAL_S
) -> YahooLiveFeed:
    """The Yahoo feed (imported only when going live), with the market calendar loading beside it."""
    from desktop.core.market_calendar import SESSIONS_FILE, warm_in_background
    from desktop.feeds.yahoo_live import YahooLiveFeed

    warm_in_background(paths.resources_dir() / SESSIONS_FILE)  # holidays and early closes, off this thread
    return YahooLiveFeed(sink, on_status=on_status, poll_interval=poll_interval)
